"""Checks across records: each kind's `Across` check, over every valid record of what it reads.

`load()` runs them once every file is checked: a roster against the leave and swaps of its week,
a hand-over against the matters the last one left open, the 6th 补卡 of a month. Their findings
name a record (kind and id) and a field path; this module turns them into `path:line:col`
problems, reading and composing only the files that have one. A warning with an owner is also
a `Notice`, which `kefu overdue` lists by person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from kefu import times
from kefu.problems import Problem, Severity

from .kinds import KINDS, RECORDS, Placed
from .loader import compose, locate_node
from .result import Record

T = TypeVar("T")
ReadText = Callable[[str], str]


@dataclass(frozen=True)
class Notice:
    """A warning for one person (an archive loan past due: its handler), for `kefu overdue`."""

    problem: Problem
    owner: str


Known = Mapping[str, Mapping[str, list[str]]]  # kind -> id -> its files


class Group:
    """What an Across check sees: the valid records by kind, every id on file, the day."""

    def __init__(self, root: Path, today: dt.date, now: dt.datetime,
                 records: Mapping[str, list[Record]],
                 known: Known | Callable[[], Known],
                 keys: Mapping[str, str] | None = None) -> None:
        self.root = root
        self.keys = keys or {}  # kind -> key of the files its check reads ("" = not cached)
        self.today = today
        self.now = now  # the moment `today` stands for (its last second, for another day)
        self._records = records
        self._ids = known  # every id on file: read only when a check asks (300,000 rows)
        self._memo: dict[str, Any] = {}

    @property
    def _known(self) -> Known:
        if callable(self._ids):
            self._ids = self._ids()
        return self._ids

    def of(self, kind: str) -> list[Record]:
        """The records of `kind` that passed their own checks (timestamps aware, dates dates);
        a file with errors of its own is checked against the others once it is fixed."""
        return self._records.get(kind, [])

    def exists(self, kind: str, record_id: str) -> bool:
        """Whether a file of `kind` has this id (valid or not)."""
        return record_id in self._known.get(kind, {})

    def kinds_with(self, record_id: str) -> list[str]:
        """The kinds having a record with this id (evidence may cite any record)."""
        return [kind for kind, ids in self._known.items() if record_id in ids]

    def changes(self, kind: str, record_id: str) -> list[str]:
        """The change files of a record of `kind` (oldest first: by name, as they fold)."""
        def index() -> dict[str, list[str]]:
            found: dict[str, list[str]] = {}
            for key, rels in self._known.get(f"{kind}-change", {}).items():
                found.setdefault(key.partition("/")[0], []).extend(rels)
            return {k: sorted(v, key=lambda rel: rel.rpartition("/")[2]) for k, v in found.items()}

        return self.memo(f"changes of {kind}", index).get(record_id, [])

    def memo(self, key: str, make: Callable[[], T]) -> T:
        """`make()` once per run: checks of several kinds share what they compute."""
        if key not in self._memo:
            self._memo[key] = make()
        found: T = self._memo[key]
        return found


def moment(today: dt.date | None) -> tuple[dt.date, dt.datetime]:
    """The day and the moment checks run as of: now, or the last second of another day."""
    now = times.now()
    if today is None or today == now.date():
        return now.date(), now
    return today, dt.datetime.combine(today, dt.time(23, 59, 59), times.SHANGHAI)


def hooks(present: Iterable[str], wanted_kinds: set[str] | None) -> list[str]:
    """Kinds whose Across check runs: their records exist, and the files asked about concern
    them (all files: every hook)."""
    here = set(present)
    chosen = []
    for name, kind in KINDS.items():
        if kind.across is None or name not in here:
            continue
        if wanted_kinds is None or wanted_kinds & {name, *kind.across.reads}:
            chosen.append(name)
    return chosen


def run(group: Group, names: list[str], rel_of: Mapping[tuple[str, str], str],
        read_text: ReadText, known: Mapping[str, tuple[str, list[tuple[Problem, str]]]]
        ) -> tuple[list[tuple[Problem, str]], dict[str, tuple[str, list[tuple[Problem, str]]]]]:
    """The problems (with the owner of each warning, or "") of the Across checks of `names`.

    `known` maps a kind to the key of its inputs and what its `check` found for them: reused
    when the key is the same. Returns every problem, and each kind's fresh (key, problems).
    """
    found: list[tuple[Problem, str]] = []
    fresh: dict[str, tuple[str, list[tuple[Problem, str]]]] = {}
    for name in names:
        across = KINDS[name].across
        assert across is not None
        key = group.keys.get(name, "")
        reuse = known.get(name)
        if key and reuse is not None and reuse[0] == key:
            found.extend(reuse[1])
        else:
            checked = place(list(across.check(group)), rel_of, read_text)
            fresh[name] = (key, checked)
            found.extend(checked)
        if across.timely is not None:
            found.extend(place(list(across.timely(group)), rel_of, read_text))
    return list(dict.fromkeys(found)), fresh


def place(placed: list[Placed], rel_of: Mapping[tuple[str, str], str],
          read_text: ReadText) -> list[tuple[Problem, str]]:
    """Problems at `path:line:col` for findings about records (and each warning's owner)."""
    by_rel: dict[str, list[Placed]] = {}
    for item in dict.fromkeys(placed):
        rel = item.rel or rel_of.get((item.kind, item.id)) or _expected(item.kind, item.id)
        by_rel.setdefault(rel, []).append(item)
    out: list[tuple[Problem, str]] = []
    for rel, items in by_rel.items():
        node = _node(read_text, rel)  # None for a file that does not exist (yet)
        for item in items:
            finding = item.finding
            line, col = locate_node(node, finding.loc, key=False) if node is not None else (0, 0)
            problem = Problem(rel, line, col, finding.slug, finding.message, finding.severity)
            owner = item.owner if finding.severity is Severity.WARNING and item.owner else ""
            out.append((problem, owner))
    return out


def _expected(kind: str, record_id: str) -> str:
    found = KINDS[kind].expected_rel(record_id) if kind in KINDS else None
    return found or f"{RECORDS}/{record_id}"


def _node(read_text: ReadText, rel: str) -> Any:
    try:
        return compose(read_text(rel))
    except (OSError, UnicodeDecodeError):
        return None


def read_by(kinds: set[str]) -> set[str]:
    """Every kind an Across check concerning `kinds` reads (its own kind included)."""
    found: set[str] = set()
    for name, kind in KINDS.items():
        if kind.across is not None and kinds & {name, *kind.across.reads}:
            found |= {name, *kind.across.reads}
    return found
