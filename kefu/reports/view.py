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
The index's columns and kept deadlines (kefu.index.milestones) answer both in SQL.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kefu.index.store import Index
from kefu.records.paths import revive
from kefu.sla import Milestone
from kefu.times import SHANGHAI

from .figures import REACH, Counts, Stone, TicketView, moment, state_at, stones_of
from .period import Period

Of = Callable[[Mapping[str, Any]], list[Milestone]]
Typed = Callable[[Mapping[str, Any]], Mapping[str, Any]]
BEIJING = 8 * 3600  # seconds east of UTC: China keeps no summer time
RECEIVED = "r.kind='ticket' AND r.ok=1 AND r.received IS NOT NULL"
# quiet since before the period (closed or not: `r.closed` says which, as of now and the end)
QUIET = ("r.received < :start AND r.last < :start AND r.closed IN (0, 1) AND r.id NOT IN ("
         "SELECT ticket FROM milestones WHERE due_at >= :start AND due_at < :end)")
AFTER = "r.received >= :end AND (r.first IS NULL OR r.first >= :end)"


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
    """One pass over the tickets' columns and one over the deadlines due from the trend's
    first month (`scope`): which tickets a report reads, and what the others count."""
    found, quiet = Unread(), {}
    for ticket, received, after, still, closed, kind, owner in ix.db.execute(
            f"SELECT r.id, r.received, {AFTER}, {QUIET}, r.closed, r.type, r.owner "
            f"FROM records r WHERE {RECEIVED} AND r.received <= :as_of", args):
        if after or still:
            found.intake[_epoch_month(received)] += 1
            if still:
                quiet[ticket] = closed
                if not closed:
                    found.still_open[str(kind), str(owner)] += 1
        else:
            found.heard.add(ticket)
    as_of = args["as_of"]
    for ticket, due, met in ix.db.execute(
            "SELECT ticket, due_at, met_at FROM milestones WHERE due_at >= :first "
            "AND due_at < :end", args):
        closed = quiet.get(ticket)
        if closed is not None:
            found.states[_epoch_month(due)][state_at(due, met, closed, as_of)] += 1
    return found


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


def _month(when: dt.datetime) -> tuple[int, int]:
    """The (year, month) of `when` in Beijing time."""
    day = when if when.tzinfo is SHANGHAI else when.astimezone(SHANGHAI)
    return day.year, day.month
