"""Which tickets a period's report looks at whole, and the 12-month trend of all of them.

Every ticket counts in the trend (its month of intake, its deadlines' months and states), but
few in the period's own tables. A ticket is viewed whole (typed, cut to the report's moment) only
when it may touch the period: received in it, an event in or after it, still open, cut by the
moment, or a deadline due in it. One received after the period only counts in its month. The
others are quiet (received and closed before the period): the trend counts them off their kept
deadlines (`Deadlines.glance`, kefu.sla.summaries), and what they add is kept between runs
(kefu.reports.quiet).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kefu.records.paths import revive
from kefu.sla import Milestone
from kefu.times import SHANGHAI

from .figures import (
    LATE,
    ON_TIME,
    REACH,
    UNRECORDED,
    Counts,
    Stone,
    TicketView,
    moment,
    stands_closed,
    stones_of,
)
from .period import Period
from .quiet import Memo, Quiet

Glance = Callable[[Mapping[str, Any]],
                  "list[tuple[dt.datetime | None, dt.datetime | None]] | None"]
Of = Callable[[Mapping[str, Any]], list[Milestone]]
Typed = Callable[[Mapping[str, Any]], Mapping[str, Any]]


@dataclass
class Sifted:
    viewed: list[TicketView] = field(default_factory=list)
    stones: list[Stone] = field(default_factory=list)  # deadlines due in the period
    per_month: defaultdict[tuple[int, int], Counts] = field(
        default_factory=lambda: defaultdict(Counts))  # deadlines by the month they are due
    intake: Counter[tuple[int, int]] = field(default_factory=Counter)  # tickets by month


def typed_ticket(ticket: Mapping[str, Any]) -> Mapping[str, Any]:
    """A ticket loaded as JSON gives it (times as ISO text), typed (one that came typed: as is)."""
    try:
        return revive("ticket", ticket)
    except TypeError:  # typed already (data JSON cannot carry came from the file)
        return ticket


def sift(tickets: Sequence[Mapping[str, Any]], period: Period, as_of: dt.datetime,
         trend: Sequence[Period], of: Of, glance: Glance | None = None,
         typed: Typed | None = None, memo: Memo | None = None) -> Sifted:
    """The tickets received by `as_of` viewed whole, the deadlines due in `period` (`of` a
    ticket), and the trend's counts over `trend` and `period` of every ticket.

    `glance`: a loaded ticket's kept (due, met) pairs, to count the quiet ones unviewed;
    `typed`: tickets loaded as JSON gives them are typed when viewed; `memo`: the quiet tickets'
    share of this period kept from an earlier run (used and filled).
    """
    first, end = min(trend[0].start, period.start), period.end
    horizon = first - REACH  # a ticket quiet since cannot have a deadline due after `first`
    saved = memo.get(period, len(tickets)) if memo is not None else None
    if saved is not None and saved.late_last is not None and as_of < saved.late_last:
        saved = None  # a ticket received after the period is not yet received at the moment
    quiet = saved or Quiet()
    found = Sifted()
    for position in saved.loud if saved is not None else range(len(tickets)):
        data = tickets[position]
        received = moment(data.get("received"))
        if received is None:
            if saved is None:
                quiet.loud.append(position)
            continue
        events = data.get("events") or []
        if saved is None and received >= end \
                and (not events or (moment(events[0].get("at")) or end) >= end):
            # received after the period: only its month of intake, once received by the moment
            day = received.astimezone(SHANGHAI)
            quiet.late[day.year, day.month] += 1
            quiet.late_last = max(quiet.late_last or received, received)
            if received <= as_of:
                found.intake[day.year, day.month] += 1
            continue
        if received > as_of:
            if saved is None:
                quiet.loud.append(position)
            continue
        last = moment(events[-1].get("at")) or received if events else received
        if saved is None and glance is not None and last < period.start \
                and received < period.start and stands_closed(events):
            kept = glance(data)  # valid records' events are in order: none in the period
            if kept is not None and not any(due is not None and period.start <= due < end
                                            for due, _ in kept):
                _add_quiet(quiet, received, kept if last >= horizon or data.get("agreed_due")
                           else [], first, end)
                continue
        if saved is None:
            quiet.loud.append(position)
        day = received.astimezone(SHANGHAI)
        found.intake[day.year, day.month] += 1
        view = TicketView(typed(data), as_of, data) if typed is not None \
            else TicketView(data, as_of)
        found.viewed.append(view)
        last = view.events[-1]["at"] if view.events else received
        if received < end and (last >= horizon or data.get("agreed_due")):
            for stone in stones_of(view, of, first, end, as_of):
                day = _local(stone.due)
                found.per_month[day.year, day.month].add(stone.state)
                if period.contains(stone.due):
                    found.stones.append(stone)
    for (year, month, state), n in quiet.months.items():
        found.per_month[year, month].states[state] += n
    found.intake.update(quiet.intake)
    if saved is not None:
        found.intake.update(saved.late)  # all received by the moment (checked above)
    if saved is None and memo is not None:
        memo.put(period, quiet)
    return found


def _add_quiet(quiet: Quiet, received: dt.datetime,
               kept: list[tuple[dt.datetime | None, dt.datetime | None]],
               first: dt.datetime, end: dt.datetime) -> None:
    """What a quiet ticket adds to the trend: closed before the period, not cut."""
    day = received.astimezone(SHANGHAI)
    quiet.intake[day.year, day.month] += 1
    for due, met in kept:
        if due is not None and first <= due < end:
            day = _local(due)
            state = (ON_TIME if met <= due else LATE) if met is not None else UNRECORDED
            quiet.months[day.year, day.month, state] += 1


def _local(when: dt.datetime) -> dt.datetime:
    """`when` in Beijing time (a deadline usually is already)."""
    return when if when.tzinfo is SHANGHAI else when.astimezone(SHANGHAI)
