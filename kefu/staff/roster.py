"""A week's effective roster: the roster file, its shift and channel definitions, approved swaps,
and the covers of approved leave.

A duty is one person on one shift on one day. Swaps are applied in the order they were approved:
a cover (顶班) moves the giver's duty to the taker, an exchange (调班) also moves the taker's duty
on the `back` day to the giver. Then each approved leave that names a `cover` gives the duties
its person still has on those days to that colleague (no swap file per shift). A swap that
cannot apply (the giver is not on that shift) is kept in `Week.unapplied` for the swap's own
check. Coverage is counted per channel minute by minute: a duty counts for the channels its
roster row covers (every channel when the row names none), except while its person eats or is
away on approved leave or a trip.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from kefu.staff.terms import NOT_SHIFTS, minutes, week_days

if TYPE_CHECKING:
    from kefu.staff.book import StaffBook


@dataclass(frozen=True)
class ShiftDef:
    key: str
    title: str
    start: int  # minutes after midnight
    end: int


@dataclass(frozen=True)
class ChannelDef:
    key: str
    title: str
    every_day: bool  # else on working days only
    start: int
    end: int
    min_agents: int


@dataclass(slots=True)
class Duty:
    """One person on one shift on one day; `row`/`cell` say where the roster file has it.

    `meals` are the (start, end, index in the row's meals) of the row's meal slots inside the
    shift; `swap` is the swap that gave this duty to `person`, `cover` the approved leave whose
    covering colleague (its `cover`) she is.
    """

    person: str
    day: dt.date
    shift: str
    start: int  # minutes after midnight
    end: int
    covers: frozenset[str]
    meals: tuple[tuple[int, int, int], ...] = ()
    row: int = -1
    cell: int = -1
    swap: str | None = None
    cover: str | None = None

    @property
    def moved(self) -> bool:
        """Given to `person` by a swap or a leave's cover, not by the roster file itself."""
        return self.swap is not None or self.cover is not None


@dataclass(frozen=True)
class Gap:
    """Minutes of a channel's service hours with fewer agents on duty than required."""

    day: dt.date
    channel: str
    start: int
    end: int
    agents: int


@dataclass
class Week:
    id: str
    days: list[dt.date]
    data: Mapping[str, Any]
    shifts: dict[str, ShiftDef]
    channels: dict[str, ChannelDef]
    duties: list[Duty] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)  # swap ids, in order
    covered: list[str] = field(default_factory=list)  # leave ids whose cover took shifts
    unapplied: dict[str, str] = field(default_factory=dict)  # swap id -> why not (Chinese)
    slots: dict[tuple[dt.date, str, str], int] | None = None  # where each duty is, for swaps

    def on(self, day: dt.date) -> list[Duty]:
        return [d for d in self.duties if d.day == day]

    def of(self, person: str) -> list[Duty]:
        return [d for d in self.duties if d.person == person]

    def people(self) -> list[str]:
        """Everyone in the roster file's rows or on a duty, in row order."""
        rows = [str(r.get("person")) for r in self.data.get("staff") or ()]
        extra = [d.person for d in self.duties if d.person not in rows]
        return list(dict.fromkeys([*rows, *extra]))


def definitions(book: StaffBook, data: Mapping[str, Any]
                ) -> tuple[dict[str, ShiftDef], dict[str, ChannelDef]]:
    """The week's shifts and channels: the rules file's, each replaced by the roster's own."""
    rules = book.rules
    assert rules is not None
    shifts = {key: ShiftDef(key, s.title, minutes(s.start), minutes(s.end))
              for key, s in rules.shifts.items()}
    for key, s in (data.get("shifts") or {}).items():
        shifts[key] = ShiftDef(key, s["title"], minutes(s["start"]), minutes(s["end"]))
    channels = {key: ChannelDef(key, c.title, c.days == "every-day", minutes(c.start),
                                minutes(c.end), c.min_agents)
                for key, c in rules.channels.items()}
    for key, c in (data.get("channels") or {}).items():
        channels[key] = ChannelDef(key, c["title"], c["days"] == "every-day",
                                   minutes(c["start"]), minutes(c["end"]), c["min_agents"])
    return shifts, channels


def cells(value: Any) -> list[str]:
    """A roster cell as a list of shift keys (`rest` and `leave` = none)."""
    if isinstance(value, list):
        return [str(v) for v in value]
    return [] if value in NOT_SHIFTS else [str(value)]


def build_week(book: StaffBook, data: Mapping[str, Any], swaps: bool = True) -> Week:
    """The week of a roster file; with `swaps`, the base week with approved swaps applied."""
    week_id = str(data["id"])
    if swaps:
        base = book.week(week_id, swaps=False)
        assert base is not None
        week = Week(week_id, base.days, data, base.shifts, base.channels, list(base.duties))
        for swap in book.swaps_by_week.get(week_id, ()):
            apply_swap(week, swap)
        for leave in book.covers_by_week.get(week_id, ()):
            apply_cover(week, leave)
        return week
    shifts, channels = definitions(book, data)
    week = Week(week_id, week_days(week_id), data, shifts, channels)
    every = frozenset(channels)
    days, duties = week.days, week.duties
    for r, row in enumerate(data.get("staff") or ()):
        person = str(row["person"])
        covers = frozenset(row["covers"]) if row.get("covers") is not None else every
        meals = [(minutes(m["start"]), minutes(m["end"]), i)
                 for i, m in enumerate(row.get("meals") or ())]
        inside: dict[str, tuple[tuple[int, int, int], ...]] = {}
        for c, value in enumerate(row["days"]):
            for key in (value,) if type(value) is str else value:
                shift = shifts.get(key)  # None for rest, leave, or an unknown shift
                if shift is None:
                    continue  # an unknown shift: the roster's check says so
                if key not in inside:
                    inside[key] = tuple(m for m in meals
                                        if shift.start <= m[0] and m[1] <= shift.end)
                duties.append(Duty(person, days[c], key, shift.start, shift.end, covers,
                                   inside[key], r, c))
    return week


def apply_swap(week: Week, swap: Mapping[str, Any]) -> None:
    """Move the giver's duty to the taker (and, for an exchange, the taker's `back` duty to the
    giver), for the parts of the swap that fall in this week."""
    swap_id = str(swap["id"])
    moves = [(swap["date"], str(swap["shift"]), str(swap["giver"]), str(swap["taker"]))]
    back = swap.get("back")
    if back:
        moves.append((back["date"], str(back["shift"]), str(swap["taker"]), str(swap["giver"])))
    done = False
    for day, shift, giver, taker in moves:
        if day not in week.days:
            continue
        if week.slots is None:  # (day, shift, person) -> index, built for the first swap
            week.slots = {(d.day, d.shift, d.person): i for i, d in enumerate(week.duties)}
        index = week.slots.pop((day, shift, giver), None)
        if index is None:
            why = "该周还没有这个班次" if shift not in week.shifts else "当天没有排这个班"
            week.unapplied[swap_id] = why
            continue
        week.duties[index] = replace(week.duties[index], person=taker, swap=swap_id)
        week.slots[(day, shift, taker)] = index
        done = True
    if done:
        week.applied.append(swap_id)


def apply_cover(week: Week, leave: Mapping[str, Any]) -> None:
    """Give the duties of a person on approved leave to the colleague the leave names as its
    `cover` (顶班人), for the days of the leave in this week: one leave, no swap per shift."""
    person, taker = str(leave["person"]), str(leave["cover"])
    start, end = leave["start"], leave["end"]
    done = False
    for index, duty in enumerate(week.duties):
        if duty.person == person and start <= duty.day <= end:
            week.duties[index] = replace(duty, person=taker, cover=str(leave["id"]))
            done = True
    if done:
        week.slots = None  # rebuilt by the next swap that needs them
        week.covered.append(str(leave["id"]))


def coverage_gaps(week: Week, away: Mapping[tuple[str, dt.date], Any], workday: Any,
                  meals: bool = True, only: Iterable[dt.date] | None = None) -> list[Gap]:
    """Every stretch of every channel's service hours with too few agents on duty.

    `away` removes people on approved leave or a trip; `meals=False` counts people at their
    meal as on duty (to tell a meal's gap from the roster's own).
    """
    gaps: list[Gap] = []
    by_day: dict[dt.date, list[Duty]] = {}
    for duty in week.duties:
        if (duty.person, duty.day) not in away:
            by_day.setdefault(duty.day, []).append(duty)
    for day in (only if only is not None else week.days):
        duties = by_day.get(day, [])
        people = {d.person for d in duties}
        # duties alike count together; a person twice on one day is counted person by person
        pattern = None if len(people) < len(duties) else _pattern(duties, meals)
        for channel in week.channels.values():
            if not channel.every_day and not workday(day):
                continue
            if pattern is None:
                found = _channel_gaps(channel, duties, meals)
            else:
                found = _pattern_gaps(channel, pattern)
            gaps.extend(Gap(day, channel.key, a, b, n) for a, b, n in found)
    return gaps


Pattern = frozenset[tuple[tuple[int, int, frozenset[str], tuple[tuple[int, ...], ...]], int]]
_MEMO: dict[tuple[ChannelDef, Pattern], list[tuple[int, int, int]]] = {}


def _pattern(duties: list[Duty], meals: bool) -> Pattern:
    """The day's duties as (start, end, channels, meals) -> how many people work it so."""
    counts: dict[tuple[int, int, frozenset[str], tuple[tuple[int, ...], ...]], int] = {}
    for d in duties:
        key = (d.start, d.end, d.covers, d.meals if meals else ())
        counts[key] = counts.get(key, 0) + 1
    return frozenset(counts.items())


def _pattern_gaps(channel: ChannelDef, pattern: Pattern) -> list[tuple[int, int, int]]:
    """Gaps of one channel under one day's pattern; weeks repeat their days, so memoized."""
    key = (channel, pattern)
    found = _MEMO.get(key)
    if found is None:
        changes: dict[int, int] = {}
        for (start, end, covers, meals), count in pattern:
            if channel.key in covers:
                for a, b in _spans(start, end, meals, channel):
                    changes[a] = changes.get(a, 0) + count
                    changes[b] = changes.get(b, 0) - count
        if len(_MEMO) > 10_000:
            _MEMO.clear()
        found = _MEMO[key] = _sweep(channel, changes)
    return found


def _spans(start: int, end: int, meals: Iterable[tuple[int, ...]], channel: ChannelDef
           ) -> list[tuple[int, int]]:
    """The minutes of a duty inside the channel's hours, minus its meals."""
    start, end = max(start, channel.start), min(end, channel.end)
    out = []
    for meal in sorted(meals):
        a, b = max(meal[0], start), min(meal[1], end)
        if a >= b:
            continue  # the meal falls outside the channel's hours
        if start < a:
            out.append((start, a))
        start = max(start, b)
    if start < end:
        out.append((start, end))
    return out


def _channel_gaps(channel: ChannelDef, duties: list[Duty],
                  meals: bool) -> list[tuple[int, int, int]]:
    spans: dict[str, list[tuple[int, int]]] = {}  # person -> minutes on duty for the channel
    for duty in duties:
        if channel.key in duty.covers:
            spans.setdefault(duty.person, []).extend(
                _spans(duty.start, duty.end, duty.meals if meals else (), channel))
    changes: dict[int, int] = {}
    for person_spans in spans.values():  # a person on two overlapping duties counts once
        for start, end in _merged(person_spans):
            changes[start] = changes.get(start, 0) + 1
            changes[end] = changes.get(end, 0) - 1
    return _sweep(channel, changes)


def _sweep(channel: ChannelDef, changes: dict[int, int]) -> list[tuple[int, int, int]]:
    """(start, end, agents) of the stretches with fewer than `min_agents`."""
    low, high = channel.start, channel.end
    gaps: list[tuple[int, int, int]] = []
    count, at = 0, low
    for point in [*sorted(changes), high]:
        if point > at and count < channel.min_agents:
            stop = min(point, high)
            if gaps and gaps[-1][1] == at and gaps[-1][2] == count:
                gaps[-1] = (gaps[-1][0], stop, count)
            elif at < stop:
                gaps.append((at, stop, count))
        if point >= high:
            break
        at = max(at, point)
        count += changes.get(point, 0)
    return gaps


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
