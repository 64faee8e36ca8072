"""A first week's roster planned from the staff rules, for a department with no roster yet.

`kefu new roster` copies the latest roster before the week; the first time there is none, so it
plans one here: each person's channels come from her post (ROLE_COVERS, limited to the channels
of records/staff-rules.yml), the people who keep the long-hours channels take turns on the
early and late shifts with their rest days spread over the week, everybody else works the
early shift on working days, and meals are staggered so that no channel is left alone. The
supervisor edits the result as she likes; `kefu roster` shows what the checks think of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .terms import REST, clock_text, minutes

# The channels each post keeps by default (None: the row names none, so it counts for all).
# 售后专员 serve the dealers; the shop and hotline posts keep the shop chat and the hotline.
ROLE_COVERS: dict[str, tuple[str, ...] | None] = {
    "supervisor": None,
    "aftersales-specialist": ("dealer",),
    "service-specialist": ("hotline", "chat"),
    "pre-sales": ("chat", "hotline"),
    "after-sales": ("chat", "hotline"),
    "clerk": ("hotline", "chat"),
    "reception": ("hotline", "chat"),
}

ROLE_ORDER = {role: index for index, role in enumerate(ROLE_COVERS)}  # rows in this order


@dataclass(frozen=True)
class Member:
    """One active person: her id and post."""

    id: str
    role: str


def first_week(members: Sequence[Member], rules: Any, workdays: Sequence[bool]
               ) -> list[dict[str, Any]]:
    """The `staff` rows of a week planned from scratch (see the module's docstring)."""
    shifts = sorted(rules.shifts, key=lambda key: minutes(rules.shifts[key].start))
    early, late = shifts[0], shifts[-1]
    early_end = minutes(rules.shifts[early].end)
    long_hours = {key for key, channel in rules.channels.items()
                  if channel.days == "every-day" and minutes(channel.end) > early_end}
    rest_days = rules.roster.rest_days_per_week
    meal = rules.meals.max_minutes

    def covers(member: Member) -> list[str] | None:
        wanted = ROLE_COVERS.get(member.role, tuple(rules.channels))
        if wanted is None:
            return None
        return [c for c in wanted if c in rules.channels]

    rotating = [m for m in members if (covers(m) or []) and set(covers(m) or []) & long_hours
                and late != early]
    rows: dict[str, dict[str, Any]] = {}
    for index, member in enumerate(rotating):
        rows[member.id] = _rotating_row(member, index, len(rotating), rest_days)
    _share_late_shifts(rows, [m.id for m in rotating], early, late)
    for member in members:
        if member.id not in rows:
            rows[member.id] = _office_row(member, workdays, rest_days, early)
    # people sharing a channel eat one after another, never two at once (a row naming no
    # channel, the supervisor's, shares every channel)
    lunch, dinner = _Sitting(minutes("11:30"), meal), _Sitting(
        minutes(rules.shifts[late].start) + 60, meal)
    out = []
    for member in sorted(members, key=lambda m: ROLE_ORDER.get(m.role, len(ROLE_ORDER))):
        row = rows[member.id]
        plan: dict[str, Any] = {"person": member.id}
        found = covers(member)
        if found is not None:
            plan["covers"] = found
        plan["days"] = row["days"]
        keeps = frozenset(found if found is not None else rules.channels)
        meals = []
        if early in row["days"]:
            meals.append(lunch.seat(keeps))
        if late != early and late in row["days"]:
            meals.append(dinner.seat(keeps))
        plan["meals"] = meals
        out.append(plan)
    return out


class _Sitting:
    """Meal slots one after another from `start`, each `length` minutes: each person gets the
    first slot where nobody keeping one of her channels eats."""

    def __init__(self, start: int, length: int) -> None:
        self.start, self.length = start, length
        self.taken: list[set[str]] = []  # per slot: the channels of those eating in it

    def seat(self, keeps: frozenset[str]) -> dict[str, str]:
        slot = next((i for i, busy in enumerate(self.taken) if not busy & keeps),
                    len(self.taken))
        if slot == len(self.taken):
            self.taken.append(set())
        self.taken[slot] |= keeps
        begin = self.start + slot * self.length
        if begin + self.length > 24 * 60:  # the day has no more room: the first slot again
            begin = self.start
        return {"start": clock_text(begin), "end": clock_text(begin + self.length)}


def _rotating_row(member: Member, index: int, count: int, rest_days: int) -> dict[str, Any]:
    """Rest days spread evenly over the week across the `count` people taking turns."""
    days = ["work"] * 7
    for k in range(rest_days):
        days[(index * 7 // max(count, 1) + k * 7 // max(rest_days, 1) + 6) % 7] = REST
    return {"days": days}


def _share_late_shifts(rows: dict[str, dict[str, Any]], order: list[str], early: str,
                       late: str) -> None:
    """Each day, about half of those working take the late shift, fewest late shifts first."""
    late_count = dict.fromkeys(order, 0)
    for day in range(7):
        working = [pid for pid in order if rows[pid]["days"][day] != REST]
        wanted = len(working) // 2 if len(working) >= 2 else len(working)
        ranked = sorted(working, key=lambda pid: (late_count[pid], (order.index(pid) - day)
                                                  % max(len(order), 1)))
        evening = set(ranked[:wanted])
        for pid in working:
            shift = late if pid in evening else early
            rows[pid]["days"][day] = shift
            late_count[pid] += pid in evening


def _office_row(member: Member, workdays: Sequence[bool], rest_days: int,
                early: str) -> dict[str, Any]:
    """The early shift on working days; rest on days off, and at least `rest_days` of them."""
    days = [early if work else REST for work in workdays]
    for day in range(6, -1, -1):
        if days.count(REST) >= rest_days:
            break
        days[day] = REST
    return {"days": days}
