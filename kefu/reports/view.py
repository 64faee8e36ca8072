"""Which tickets a period's report looks at whole, and the 12-month trend of all of them.

Every ticket counts in the trend (its month of intake, its deadlines' months and states), but
few in the period's own tables. A ticket is viewed whole (typed, cut to the report's moment) only
when it may touch the period: received in it, an event in or after it, or a deadline due in it.
The others are counted by the index without being read:
- quiet ones (received before the period, no event and no deadline in it or after its start):
  their month of intake, and their deadlines' months and states (on time, late; closed without
  the event, or for one still open overdue or not yet due); a quiet one still open is open at
  the period's end, counted by its type and owner;
- ones received after the period: their month of intake, once received by the moment.
The index's columns and kept deadlines (kefu.index.milestones) answer both in SQL without
walking every ticket: the few that may touch the period are found by ranges of its indexes,
and the counts of all are summed month by month, less those few.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kefu.index.store import Index
from kefu.records.paths import revive
from kefu.sla import Milestone
from kefu.times import SHANGHAI

from .figures import (
    LATE,
    ON_TIME,
    OVERDUE,
    PENDING,
    REACH,
    UNRECORDED,
    Counts,
    Stone,
    TicketView,
    moment,
    state_at,
    stones_of,
)
from .period import Period

Of = Callable[[Mapping[str, Any]], list[Milestone]]
Typed = Callable[[Mapping[str, Any]], Mapping[str, Any]]
BEIJING = 8 * 3600  # seconds east of UTC: China keeps no summer time
RECEIVED = "r.kind='ticket' AND r.ok=1 AND r.received IS NOT NULL"
# the tickets that may touch a period, each found by a range of an index: received in it (or
# after it, with an event before its end), an event since its start (or no time of its last),
# a deadline due in it; every other ticket received by the moment is quiet, or received after
# the period. (INDEXED BY and CROSS JOIN keep SQLite, without statistics here, on the range.)
MAY_TOUCH = (
    "records r WHERE r.kind='ticket' AND r.received >= :start AND r.received < :end",
    "records r WHERE r.kind='ticket' AND r.received >= :end AND r.first < :end",
    "records r INDEXED BY records_sift WHERE r.kind='ticket' AND r.received < :start "
    "AND r.last >= :start",
    "records r INDEXED BY records_last WHERE r.kind='ticket' AND r.last IS NULL",
    "json_each(:due_in) j CROSS JOIN records r ON r.kind='ticket' AND r.id = j.value")
# a month's deadlines (:a to :b) of the tickets received before the period, by state (the
# states of figures.state_at, summed); a kept deadline's row holds its ticket's receipt and
# standing (kefu.index.milestones)
STATES = ("SELECT count(m.met_at), total(m.met_at <= m.due_at), "
          "total(m.met_at IS NULL AND m.closed), "
          "total(m.met_at IS NULL AND NOT m.closed AND m.due_at < :as_of), count(*) "
          "FROM milestones m WHERE m.due_at >= :a AND m.due_at < :b "
          "AND m.received < :start AND m.received <= :as_of")


@dataclass
class Sifted:
    viewed: list[TicketView] = field(default_factory=list)
    stones: list[Stone] = field(default_factory=list)  # deadlines due in the period
    per_month: defaultdict[tuple[int, int], Counts] = field(
        default_factory=lambda: defaultdict(Counts))  # deadlines by the month they are due
    intake: Counter[tuple[int, int]] = field(default_factory=Counter)  # tickets by month
    # open at the period's end, not viewed: by (type, owner) (Unread.still_open)
    still_open: Counter[tuple[str, str]] = field(default_factory=Counter)


def typed_ticket(ticket: Mapping[str, Any]) -> Mapping[str, Any]:
    """A ticket loaded as JSON gives it (times as ISO text), typed (one that came typed: as is)."""
    try:
        return revive("ticket", ticket)
    except TypeError:  # typed already (data JSON cannot carry came from the file)
        return ticket


def first_of(period: Period, trend: Sequence[Period]) -> dt.datetime:
    """The earliest moment a report counts from: its trend's first month, or the period."""
    return min(trend[0].start, period.start)


def scope(period: Period, as_of: dt.datetime, trend: Sequence[Period]) -> dict[str, float]:
    """The bounds the queries below compare with (seconds since the epoch)."""
    return {"start": period.start.timestamp(), "end": period.end.timestamp(),
            "as_of": as_of.timestamp(), "first": first_of(period, trend).timestamp()}


@dataclass
class Unread:
    """What the index answers for a period without reading a record (`unread`)."""

    heard: set[str] = field(default_factory=set)  # the tickets that may touch the period
    intake: Counter[tuple[int, int]] = field(default_factory=Counter)  # the others, by month
    states: defaultdict[tuple[int, int], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter))  # the quiet ones' deadlines, by month
    # the quiet ones still open (open at the period's end) by (type, owner), as str() gives them
    still_open: Counter[tuple[str, str]] = field(default_factory=Counter)


def unread(ix: Index, args: Mapping[str, float]) -> Unread:
    """Which tickets a report reads, found by a few range queries, and what the others count,
    summed by month in SQL less what those few add (`scope` gives `args`)."""
    db, found = ix.db, Unread()
    due_in = [t for t, in db.execute("SELECT DISTINCT ticket FROM milestones "
                                     "WHERE due_at >= :start AND due_at < :end", args)]
    heard_in, before = _touching(db, {**args, "due_in": json.dumps(due_in)}, found.heard)
    found.intake = _intake(db, args["as_of"]) - heard_in
    for ticket, kind, owner in db.execute(
            f"SELECT r.id, r.type, r.owner FROM records r WHERE {RECEIVED} AND r.closed = 0 "
            "AND r.received < :start AND r.received <= :as_of", args):
        if ticket not in found.heard:  # quiet and open: open at the period's end
            found.still_open[str(kind), str(owner)] += 1
    _states(db, args, before, found.states)
    return found


def _touching(db: Any, args: Mapping[str, Any], heard: set[str]
              ) -> tuple[Counter[tuple[int, int]], list[str]]:
    """Put in `heard` the tickets that may touch the period; their months of intake, and those
    of them received before it."""
    heard_in: Counter[tuple[int, int]] = Counter()
    before: list[str] = []
    start, end, as_of = args["start"], args["end"], args["as_of"]
    for where in MAY_TOUCH:
        for ticket, ok, received, first in db.execute(
                f"SELECT r.id, r.ok, r.received, r.first FROM {where}", args):
            if ticket in heard or not ok or received is None or received > as_of:
                continue  # found already, or counted nowhere
            if received >= end and (first is None or first >= end):
                continue  # received after the period: its month of intake only
            heard.add(ticket)
            heard_in[_epoch_month(received)] += 1
            if received < start:
                before.append(ticket)
    return heard_in, before


def _intake(db: Any, as_of: float) -> Counter[tuple[int, int]]:
    """Every ticket received by `as_of`, by month: one count per month that has any."""
    count = (f"SELECT count(*) FROM records r WHERE {RECEIVED} AND r.received >= ? "
             "AND r.received < ? AND r.received <= ?")
    after = f"SELECT min(r.received) FROM records r WHERE {RECEIVED} AND r.received >= ?"
    found: Counter[tuple[int, int]] = Counter()
    at = db.execute(after, (-math.inf,)).fetchone()[0]
    while at is not None and at <= as_of:
        month = _epoch_month(at)
        bound = _month_start(month, 1)
        found[month] += db.execute(count, (at, bound, as_of)).fetchone()[0]
        at = db.execute(after, (bound,)).fetchone()[0]
    return found


def _states(db: Any, args: Mapping[str, float], heard: list[str],
            states: defaultdict[tuple[int, int], Counter[str]]) -> None:
    """The quiet tickets' deadlines due from `args['first']` to the period's end, by month and
    state: those of every ticket received before the period, less those of `heard` ones."""
    first, end, as_of = args["first"], args["end"], args["as_of"]
    low = first
    while low < end:
        month = _epoch_month(low)
        high = min(end, _month_start(month, 1))
        met, on_time, unrecorded, overdue, due = db.execute(
            STATES, {**args, "a": low, "b": high}).fetchone()
        states[month].update({ON_TIME: int(on_time), LATE: met - int(on_time),
                              UNRECORDED: int(unrecorded), OVERDUE: int(overdue),
                              PENDING: due - met - int(unrecorded) - int(overdue)})
        low = high
    for due, met, closed in db.execute(
            "SELECT m.due_at, m.met_at, m.closed FROM json_each(:heard) j "
            "CROSS JOIN milestones m ON m.ticket = j.value "
            "WHERE m.due_at >= :first AND m.due_at < :end",
            {**args, "heard": json.dumps(heard)}):
        states[_epoch_month(due)][state_at(due, met, closed, as_of)] -= 1
    for month in list(states):
        states[month] = +states[month]
        if not states[month]:
            del states[month]


def sift(ix: Index | None, tickets: Sequence[tuple[str, Mapping[str, Any]]], period: Period,
         as_of: dt.datetime, trend: Sequence[Period], of: Of,
         typed: Typed | None = None, counted: Unread | None = None) -> Sifted:
    """The loaded `tickets` (id, data) that may touch `period` viewed as of `as_of`, the
    deadlines due in it (`of` a ticket), and the trend's counts over `trend` and `period`.

    `ix`: the index the tickets were loaded from (its kept deadlines made), which counts the
    quiet ones unread; without one (records made by a test) every ticket is viewed.
    `typed`: tickets loaded as JSON gives them are typed when viewed.
    `counted`: what `unread` answered, when the caller asked already.
    """
    first, end = first_of(period, trend), period.end
    found = Sifted()
    heard: set[str] | None = None
    if ix is not None:
        counted = counted or unread(ix, scope(period, as_of, trend))
        heard = counted.heard
        found.intake.update(counted.intake)
        found.still_open.update(counted.still_open)
        for month, states in counted.states.items():
            found.per_month[month].states.update(states)
    horizon = first - REACH  # a ticket quiet since cannot have a deadline due after `first`
    for ticket, data in tickets:
        if heard is not None and ticket not in heard:
            continue
        received = moment(data.get("received"))
        if received is None or received > as_of:
            continue
        events = data.get("events") or []
        if heard is None and received >= end \
                and (not events or (moment(events[0].get("at")) or end) >= end):
            found.intake[_month(received)] += 1  # received after the period: its month only
            continue
        found.intake[_month(received)] += 1
        view = TicketView(typed(data), as_of, data) if typed is not None \
            else TicketView(data, as_of)
        found.viewed.append(view)
        last = view.events[-1]["at"] if view.events else received
        if received < end and (last >= horizon or data.get("agreed_due")):
            for stone in stones_of(view, of, first, end, as_of):
                found.per_month[_month(stone.due)].add(stone.state)
                if period.contains(stone.due):
                    found.stones.append(stone)
    return found


_MONTHS: dict[int, tuple[int, int]] = {}  # day number -> its month: 100,000s of times, few days


def _epoch_month(seconds: float) -> tuple[int, int]:
    """The (year, month) in Beijing time of a time kept as seconds since the epoch."""
    day = int((seconds + BEIJING) // 86400)
    found = _MONTHS.get(day)
    if found is None:
        when = time.gmtime(day * 86400)
        found = _MONTHS[day] = (when.tm_year, when.tm_mon)
    return found


def _month_start(month: tuple[int, int], later: int) -> float:
    """The first moment (Beijing time, seconds since the epoch) of the month `later` months
    after `month`; past the calendar's last month, never."""
    year, number = divmod(month[0] * 12 + month[1] - 1 + later, 12)
    if year > dt.MAXYEAR:
        return math.inf
    return dt.datetime(year, number + 1, 1, tzinfo=dt.UTC).timestamp() - BEIJING


def _month(when: dt.datetime) -> tuple[int, int]:
    """The (year, month) of `when` in Beijing time."""
    day = when if when.tzinfo is SHANGHAI else when.astimezone(SHANGHAI)
    return day.year, day.month
