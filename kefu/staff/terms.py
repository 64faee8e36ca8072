"""The words of the staff records: enum values with their Chinese labels, weeks, clock times."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Literal

# Who may approve: the department's supervisor, the general manager's office, the general manager.
Approver = Literal["supervisor", "gm-office", "general-manager"]
APPROVER_LABELS = {"supervisor": "客服主管", "gm-office": "总经办", "general-manager": "总经理"}

LeaveType = Literal["personal", "sick", "annual", "compensatory", "marriage", "maternity",
                    "paternity", "bereavement", "other"]
LEAVE_LABELS = {
    "personal": "事假", "sick": "病假", "annual": "年假", "compensatory": "调休",
    "marriage": "婚假", "maternity": "产假", "paternity": "陪产假", "bereavement": "丧假",
    "other": "其他",
}
Decision = Literal["pending", "approved", "refused", "cancelled"]
DECISION_LABELS = {"pending": "待审批", "approved": "已批准", "refused": "未批准",
                   "cancelled": "已撤销"}

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
REST = "rest"
AWAY = "leave"  # a roster cell: on approved leave or a trip (not a rest day)
NOT_SHIFTS = (REST, AWAY)
_WEEK_ID = re.compile(r"^([0-9]{4})-W([0-9]{2})$")
_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$|^24:00$")
CLOCK = _CLOCK.pattern
CLOCK_HELP = "时刻写成带引号的 \"HH:MM\"，如 \"08:30\"；下班到午夜写 \"24:00\""


def week_monday(week_id: str) -> dt.date | None:
    """Monday of ISO week `2026-W48`, or None when there is no such week (2025-W53)."""
    match = _WEEK_ID.match(week_id)
    if match is None:
        return None
    try:
        return dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return None


def week_of(day: dt.date) -> str:
    """The ISO week id of a day: 2026-12-31 -> 2026-W53, 2027-01-03 -> 2026-W53."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def week_days(week_id: str) -> list[dt.date]:
    monday = week_monday(week_id)
    return [] if monday is None else [monday + dt.timedelta(days=i) for i in range(7)]


def week_span(week_id: str) -> str:
    """`2026-W48（2026-11-23 至 2026-11-29）`."""
    days = week_days(week_id)
    return f"{week_id}（{days[0].isoformat()} 至 {days[-1].isoformat()}）" if days else week_id


@functools.lru_cache(maxsize=4096)
def minutes(clock: str) -> int:
    """Minutes after midnight of "HH:MM" ("24:00" = 1440)."""
    hours, _, mins = clock.partition(":")
    return int(hours) * 60 + int(mins)


def clock_text(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def span_text(start: int, end: int) -> str:
    return f"{clock_text(start)}–{clock_text(end)}"


def day_text(day: dt.date) -> str:
    """`2026-11-24（周二）`."""
    return f"{day.isoformat()}（{WEEKDAYS[day.weekday()]}）"


def same_date(record_id: str | None, day: dt.date | None, start: int = 2) -> bool:
    """Whether the YYYYMMDD in an id (from `start`) is `day`; True when either is missing."""
    if not record_id or day is None:
        return True
    return record_id[start:start + 8] == f"{day.year:04d}{day.month:02d}{day.day:02d}"
