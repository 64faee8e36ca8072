"""The figures of a report, computed from the ticket records as of one moment.

Definitions (also said on every report page):
- intake: tickets whose `received` lies in the period; closed: tickets with a `closed` event in
  the period; open at the end: received by the period's end and not closed then (the last
  closed/reopened event before the end decides).
- a deadline (时限) is a milestone of kefu.sla: due in the period when its due time is; met on
  time when its stop event is at or before the due time, met late when after (a late one stays
  in the month it was due in, whenever it was met); still open past due when neither met nor
  closed by the report's moment; "closed without the event" when the ticket was closed without
  the rule's stop event. On-time rate = on time / (on time + late + past due + closed without).
- handling time in working days, on the calendar `kefu due` uses: working days after the day
  work started up to and including the day it was done (same day = 0); median and the 90th
  percentile by the nearest-rank method.
A report counts what the records say at its moment (now, or the start of the day the site is
built for): events after it are ignored, so a report is reproducible for a given moment, and a
deadline of a past month that was met later shows as met late from then on.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kefu.calendar import WorkCalendar
from kefu.kinds.ticket import CHANNEL_LABELS, LEVEL_LABELS, TYPE_LABELS
from kefu.sla import Milestone
from kefu.times import SHANGHAI

from .period import Period

ON_TIME, LATE, OVERDUE, UNRECORDED, PENDING = "on-time", "late", "overdue", "unrecorded", "pending"
STATE_LABELS = {ON_TIME: "按时完成", LATE: "逾期完成", OVERDUE: "超期未完成",
                UNRECORDED: "结案未记录完成", PENDING: "未到期"}
RESOLVED = (ON_TIME, LATE, OVERDUE, UNRECORDED)  # the on-time rate's denominator
REACH = dt.timedelta(days=130)  # the longest term (60 working days) spans fewer calendar days


@dataclass(frozen=True)
class Stone:
    """One milestone of one ticket, classified as of the report's moment."""

    ticket: Mapping[str, Any]
    milestone: Milestone
    state: str

    @property
    def due(self) -> dt.datetime:
        assert self.milestone.due is not None
        return self.milestone.due


@dataclass
class Counts:
    """Deadlines due in a span, by state."""

    states: Counter[str] = field(default_factory=Counter)

    def add(self, state: str) -> None:
        self.states[state] += 1

    @property
    def due(self) -> int:
        return sum(self.states.values())

    @property
    def resolved(self) -> int:
        return sum(self.states[s] for s in RESOLVED)

    @property
    def rate(self) -> float | None:
        """Share met on time (0..1), None when nothing is settled yet."""
        return self.states[ON_TIME] / self.resolved if self.resolved else None


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()


def percentile(values: Sequence[int], share: float) -> int | None:
    """Nearest-rank percentile: the ⌈share·n⌉-th smallest value."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


class TicketView:
    """One ticket as it stood at the report's moment (later events left out).

    `source`: the record's data as loaded, when `data` is a typed copy of it (see `key`).
    """

    __slots__ = ("data", "events", "closed", "closed_at", "key")

    def __init__(self, data: Mapping[str, Any], as_of: dt.datetime,
                 source: Mapping[str, Any] | None = None) -> None:
        events = data.get("events") or []
        # what to ask a ticket's milestones of: the loaded record (its kept deadlines) unless
        # it is cut to the moment
        self.key = source if source is not None else data
        if events and events[-1]["at"] > as_of:
            events = [e for e in events if e["at"] <= as_of]
            data = self.key = {**data, "events": events}
        self.data, self.events = data, events
        closed, closed_at = False, None
        for event in events:
            if event["action"] == "closed":
                closed, closed_at = True, event["at"]
            elif event["action"] == "reopened":
                closed = False
        self.closed = closed
        self.closed_at = closed_at if closed else None

    def closed_by(self, moment: dt.datetime) -> bool:
        """Whether the ticket stood closed at `moment` (the last closed/reopened event decides)."""
        closed = False
        for event in self.events:
            if event["at"] > moment:
                break
            if event["action"] == "closed":
                closed = True
            elif event["action"] == "reopened":
                closed = False
        return closed

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def actions_in(self, period: Period) -> Iterable[Mapping[str, Any]]:
        return (e for e in self.events if period.contains(e["at"]))


def classify(view: TicketView, stone: Milestone, as_of: dt.datetime) -> str:
    return state_of(stone, view.closed, as_of)


def state_of(stone: Milestone, closed: bool, as_of: dt.datetime) -> str:
    """A milestone with a due time as of `as_of`, its ticket standing `closed` then."""
    assert stone.due is not None
    return state_at(stone.due, stone.met_at, closed, as_of)


def state_at(due: Any, met: Any, closed: bool, as_of: Any) -> str:
    """A deadline's state from its due and met times (None: not met) and `as_of`: datetimes,
    or seconds since the epoch as the index keeps them (kefu.reports.view, whose STATES query
    sums the same states in SQL: change both together)."""
    if met is not None:
        return ON_TIME if met <= due else LATE
    if closed:
        return UNRECORDED
    return OVERDUE if due < as_of else PENDING


def stones_of(view: TicketView, of: Callable[[Mapping[str, Any]], list[Milestone]],
              first: dt.datetime, end: dt.datetime, as_of: dt.datetime) -> list[Stone]:
    """The milestones of one ticket with a due time in [first, end), classified."""
    return [Stone(view.data, stone, classify(view, stone, as_of)) for stone in of(view.key)
            if stone.due is not None and first <= stone.due < end]


def moment(value: Any) -> dt.datetime | None:
    """A time of a ticket as loaded: typed, or ISO text (data from the cache, not revived)."""
    if value.__class__ is str:
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, dt.datetime) else None


def workdays(cal: WorkCalendar, start: dt.datetime, done: dt.datetime) -> int:
    return cal.workdays_between(local_day(start), local_day(done))


def label(mapping: Mapping[str, str], code: Any) -> str:
    return mapping.get(str(code), str(code)) if code else "（未填写）"


def type_label(code: Any) -> str:
    return label(TYPE_LABELS, code)


def level_label(code: Any) -> str:
    return label(LEVEL_LABELS, code)


def channel_label(code: Any) -> str:
    return label(CHANNEL_LABELS, code)


def product_model(text: Any) -> str:
    """The model part of a ticket's `product` (before ` / SN ...`)."""
    return str(text).split(" / ")[0].strip() if text else "（未填写）"


def tally(values: Iterable[str]) -> list[tuple[str, int]]:
    """Counts, most frequent first, ties by name."""
    return sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0]))


def by_owner(stones: Iterable[Stone]) -> dict[str, Counts]:
    found: dict[str, Counts] = defaultdict(Counts)
    for stone in stones:
        found[str(stone.ticket.get("owner", ""))].add(stone.state)
    return found


def by_rule(stones: Iterable[Stone]) -> dict[str, Counts]:
    found: dict[str, Counts] = defaultdict(Counts)
    for stone in stones:
        found[stone.milestone.rule].add(stone.state)
    return found
