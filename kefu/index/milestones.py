"""Every ticket's deadlines, kept in the index beside the record they were computed from.

A month's report needs the deadlines of every ticket of a year for its trend and an export all
of them: computing them takes seconds on 100,000 tickets, and they change only with their
inputs. So they are rows of the `milestones` table, one per deadline:
- a ticket's rows are made again whenever its record is folded (kefu.index.update, `fold_in`:
  a validate leaves them ready for the first report), and its `records.stones` flag says they
  were made (a ticket may have none); where that could not be done (invalid rules), `ensure`
  makes the missing ones when a reader first asks;
- each row holds its ticket's receipt and whether it stands closed (kefu.index.columns), so
  that a report counts deadlines by their ticket's standing without reading the ticket;
- all of them go when records/sla.yml or records/calendar.yml are not the files they were
  computed with (the meta key `milestones`); the code and the holiday libraries' versions are in
  the index's fingerprint already.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from kefu.calendar import WorkCalendar
from kefu.calendar.workcal import CALENDAR_FILE
from kefu.records.paths import revive
from kefu.sla import Milestone, Rules, milestones
from kefu.sla.rules import SLA_FILE

from .columns import standing
from .store import Index, transaction

if TYPE_CHECKING:
    from kefu.records import LoadResult
    from kefu.workspace import Workspace

KIND = "ticket"
META = "milestones"
INPUTS = (SLA_FILE.as_posix(), CALENDAR_FILE.as_posix())
MEMO = "deadlines"  # in LoadResult.memo: one Deadlines per load


def inputs_key(root: Path) -> str:
    """The rules and the calendar as they are on disk now."""
    digest = hashlib.blake2b(digest_size=16)
    for rel in INPUTS:
        try:
            digest.update(rel.encode() + b"\0" + (root / rel).read_bytes() + b"\0")
        except OSError:
            digest.update(rel.encode() + b"\0-\0")
    return digest.hexdigest()


def ensure(ix: Index, root: Path, rules: Rules, cal: WorkCalendar) -> None:
    """Make the rows of every valid ticket that has none for its record as it stands."""
    db = ix.db
    key = inputs_key(root)
    with transaction(db):
        kept = db.execute("SELECT value FROM meta WHERE key=?", (META,)).fetchone()
        if kept is None or kept[0] != key:
            db.execute("DELETE FROM milestones")
            db.execute("UPDATE records SET stones=0 WHERE stones=1")
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (META, key))
        todo = db.execute("SELECT id, data FROM records WHERE kind=? AND ok=1 AND stones=0 "
                          "AND data IS NOT NULL", (KIND,)).fetchall()
        _make(db, todo, rules, cal)


def fold_in(db: Any, root: Path, folded: list[tuple[str, bytes]]) -> None:
    """Make the rows of the valid tickets just folded (`folded`: id, data as JSON) inside the
    caller's transaction, so that the first report after a validate finds them: when the kept
    rows are of the rules and calendar on disk now (or there are none yet). Otherwise, or
    while those files are invalid, `ensure` makes them when a reader first asks."""
    from kefu.problems import KefuError
    from kefu.sla import load_rules

    key = inputs_key(root)
    kept = db.execute("SELECT value FROM meta WHERE key=?", (META,)).fetchone()
    if not folded or (kept is not None and kept[0] != key):
        return
    try:
        rules, cal = load_rules(root), WorkCalendar.load(root)
    except KefuError:
        return
    if kept is None:
        db.execute("INSERT INTO meta VALUES (?, ?)", (META, key))
    _make(db, folded, rules, cal, skip_faults=True)


def _make(db: Any, todo: list[tuple[str, bytes]], rules: Rules, cal: WorkCalendar,
          skip_faults: bool = False) -> None:
    """The rows of the tickets `todo` (id, data as JSON), and their `stones` flag set.

    `skip_faults`: a ticket whose deadlines cannot be computed (a year out of the calendar's
    range) is left without rows, for `ensure` to report when a reader asks."""
    from kefu.problems import KefuError

    rows: list[tuple[Any, ...]] = []
    made: list[tuple[str, str]] = []
    for ticket, raw in todo:
        try:
            data = revive(KIND, orjson.loads(raw))
            stones = milestones(data, rules, cal)
        except KefuError:
            if not skip_faults:
                raise
            continue
        received, _, _, closed = standing(data)
        rows += [(ticket, seq, *_encode(stone), received, closed)
                 for seq, stone in enumerate(stones)]
        made.append((KIND, ticket))
    db.executemany("DELETE FROM milestones WHERE ticket=?", [(t,) for _, t in made])
    db.executemany("INSERT INTO milestones VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.executemany("UPDATE records SET stones=1 WHERE kind=? AND id=?", made)


def read(ix: Index, tz: dt.tzinfo, tickets: Collection[str] | None = None
         ) -> dict[str, list[Milestone]]:
    """ticket id -> its kept milestones (of `tickets` only, when given)."""
    sql = "SELECT ticket, rule, start, due, met, provisional FROM milestones"
    args: tuple[Any, ...] = ()
    if tickets is not None:  # one JSON array: any number of ids in one bound value
        sql += " WHERE ticket IN (SELECT value FROM json_each(?))"
        args = (orjson.dumps(sorted(tickets)).decode(),)
    found: dict[str, list[Milestone]] = {}
    for ticket, rule, start, due, met, provisional in ix.db.execute(
            sql + " ORDER BY ticket, seq", args):
        found.setdefault(ticket, []).append(Milestone(
            rule, dt.datetime.fromisoformat(start),
            dt.datetime.fromisoformat(due).astimezone(tz) if due is not None else None,
            dt.datetime.fromisoformat(met) if met is not None else None, bool(provisional)))
    return found


def _encode(stone: Milestone) -> tuple[Any, ...]:
    """rule, start, due, met (ISO text, with the offset they had), provisional, and due and
    met as seconds since the epoch (what queries compare)."""
    due, met = stone.due, stone.met_at
    return (stone.rule, stone.start.isoformat(),
            due.isoformat() if due is not None else None,
            met.isoformat() if met is not None else None, int(stone.provisional),
            due.timestamp() if due is not None else None,
            met.timestamp() if met is not None else None)


class Deadlines:
    """The milestones of tickets: a loaded record's from the index, any other ticket's (one cut
    to a report's moment) computed."""

    def __init__(self, rules: Rules, cal: WorkCalendar, kept: dict[str, list[Milestone]] | None,
                 loaded: Iterable[tuple[str, Mapping[str, Any]]], raw: bool) -> None:
        self.rules, self.cal, self._kept, self._raw = rules, cal, kept, raw
        self._of = {id(data): (data, ticket) for ticket, data in loaded}

    def of(self, ticket: Mapping[str, Any]) -> list[Milestone]:
        found = self._of.get(id(ticket))
        if self._kept is not None and found is not None and found[0] is ticket:
            return self._kept.get(found[1], [])
        if self._raw:
            with contextlib.suppress(TypeError):  # typed already (a cut copy of a typed view)
                ticket = revive(KIND, ticket)
        return milestones(ticket, self.rules, self.cal)


def fetched(ws: Workspace, ix: Index, tickets: Sequence[tuple[str, Mapping[str, Any]]]
            ) -> Deadlines:
    """The `Deadlines` of `tickets` (id, data as JSON gives it) a reader fetched from `ix`
    itself (the load held tickets back): only their rows are read."""
    return Deadlines(ws.rules, ws.calendar, read(ix, ws.rules.tz, [t for t, _ in tickets]),
                     tickets, True)


def deadlines(ws: Workspace, result: LoadResult) -> Deadlines:
    """The `Deadlines` of one load (made once: the site reports many months from one load)."""
    found = result.memo.get(MEMO)
    if isinstance(found, Deadlines):
        return found
    kept = None  # no index to ask: every ticket's computed
    with result.index() as ix:
        if ix is not None:
            ensure(ix, ws.root, ws.rules, ws.calendar)
            kept = read(ix, ws.rules.tz)
    tickets = [(r.id, r.data) for r in result.of_kind(KIND)]
    found = result.memo[MEMO] = Deadlines(ws.rules, ws.calendar, kept, tickets,
                                          KIND in result.raw)
    return found
