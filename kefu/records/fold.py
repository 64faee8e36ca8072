"""Folding a record with its change files into the record every command sees.

A kind with a `Log` (kefu.records.kinds) keeps each later change of a record in a file of its
own; the record as it stands is its file with the changes applied, oldest first (by time, then
file name), as Fossil applies a ticket's change artifacts. A change that does not fit the state
the earlier ones left (closing a closed ticket) is reported on its file and not applied. The
kind's own checks then run on the folded record, and what they find is placed in the file that
wrote the field: an event in the change file that added it, a status in the one that set it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from kefu.problems import Problem, Severity

from .kinds import Finding, Kind
from .loader import compose, locate_node

ReadText = Callable[[str], str]
ENTRIES = "events"  # the list a change may add an item to (a ticket's events)


@dataclass(frozen=True)
class Member:
    """One file of a record: the record file or one of its changes, with its checked data."""

    rel: str
    data: dict[str, Any] | None  # typed (datetimes, dates); None when the file is invalid


@dataclass
class Folded:
    """The record as it stands (None while its own file is invalid) and what folding found."""

    data: dict[str, Any] | None
    problems: list[Problem]


def fold(kind: Kind, record: Member, changes: Sequence[Member],
         read_text: ReadText) -> Folded:
    """`record` with every valid one of `changes` applied, then checked as a whole."""
    log = kind.changes
    assert log is not None
    if record.data is None:
        return Folded(None, [])
    data = copy.deepcopy(record.data)
    if log.begin is not None:
        log.begin(data)
    origin: dict[str, str] = {}  # top-level field -> the change file that last set it
    entries = [record.rel] * len(data.get(ENTRIES) or ())
    problems: list[Problem] = []
    ordered = sorted((c for c in changes if c.data is not None),
                     key=lambda c: (c.data["at"], c.rel) if c.data else ((), c.rel))
    for change in ordered:
        assert change.data is not None
        before = {key: _shallow(value) for key, value in data.items()}
        refusal = log.apply(data, change.data)
        if refusal:
            data = dict(before)  # apply may have started: the state before it stands
            problems.append(_at(read_text, change.rel, ("action",), "change-refused",
                                f"这条{log.title}不能登记：{refusal}"))
            continue
        for key, value in data.items():
            if key not in before or before[key] != value:
                origin[key] = change.rel
        added = len(data.get(ENTRIES) or ()) - len(entries)
        entries += [change.rel] * max(added, 0)
    problems += _checked(kind, data, record.rel, origin, entries, read_text)
    return Folded(data, problems)


def _shallow(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def _checked(kind: Kind, data: dict[str, Any], rel: str, origin: dict[str, str],
             entries: list[str], read_text: ReadText) -> list[Problem]:
    """The kind's checks on the folded record, each finding in the file that wrote its field."""
    assert kind.model is not None
    try:
        record = kind.model.model_validate(data)
    except ValidationError as err:
        where = max(origin.values(), default=rel)
        fields = "、".join(sorted({str(e["loc"][0]) for e in err.errors() if e["loc"]}))
        return [Problem(where, 1, 1, "change-invalid",
                        f"应用这些变更后，{kind.title}的 {fields} 不再有效："
                        "请核对这条变更写的值。")]
    found: list[Problem] = []
    inside = kind.changes.where if kind.changes is not None else None
    for check in kind.checks:
        for finding in check(record):
            found.append(_placed(finding, rel, origin, entries, read_text, inside))
    return found


def _placed(finding: Finding, rel: str, origin: dict[str, str], entries: list[str],
            read_text: ReadText, where: Any = None) -> Problem:
    loc = finding.loc
    head = loc[0] if loc else None
    if head == ENTRIES and len(loc) > 1 and isinstance(loc[1], int) and loc[1] < len(entries):
        source = entries[loc[1]]
        if source != rel:  # the entry is a change file's whole content
            return _at(read_text, source, tuple(loc[2:]), finding.slug, finding.message,
                       finding.severity)
    elif isinstance(head, str) and head in origin:
        inner = where(loc) if where is not None else ("correct", head)
        return _at(read_text, origin[head], inner, finding.slug, finding.message,
                   finding.severity)
    return _at(read_text, rel, loc, finding.slug, finding.message, finding.severity)


def _at(read_text: ReadText, rel: str, loc: tuple[Any, ...], slug: str, message: str,
        severity: Severity = Severity.ERROR) -> Problem:
    try:
        line, col = locate_node(compose(read_text(rel)), loc, key=False)
    except (OSError, UnicodeDecodeError):
        line, col = 0, 0
    return Problem(rel, line, col, slug, message, severity)
