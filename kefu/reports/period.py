"""The span a report covers: a month (2026-10), an ISO week (2026-W44) or any dates (--from/--to).

A period is whole calendar days in Beijing time, [first day 00:00, day after the last 00:00).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from kefu import times
from kefu.problems import KefuError
from kefu.times import SHANGHAI

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_WEEK = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")
MAX_DAYS = 3 * 366  # a longer span is a typing mistake (and a report nobody can read)


@dataclass(frozen=True)
class Period:
    """Whole days `first`..`last` (inclusive) and how the user named them."""

    first: dt.date
    last: dt.date
    kind: str  # "month", "week" or "range"

    @cached_property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(0, 0), tzinfo=SHANGHAI)

    @cached_property
    def end(self) -> dt.datetime:
        """The first instant after the period."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(0, 0),
                                   tzinfo=SHANGHAI)

    @property
    def key(self) -> str:
        """2026-10, 2026-W44 or 2026-10-05_2026-10-20: file names and JSON."""
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.first.isoformat()}_{self.last.isoformat()}"

    @property
    def title(self) -> str:
        """The period in Chinese: 2026 年 10 月 / 2026 年第 44 周（10 月 26 日至 11 月 1 日）."""
        if self.kind == "month":
            return f"{self.first.year} 年 {self.first.month} 月"
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            span = f"{_day(self.first, year)}至 {_day(self.last, year)}"
            return f"{year} 年第 {week} 周（{span}）"
        return f"{_day(self.first)}至 {_day(self.last, self.first.year)}"

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end

    def months(self) -> list[Period]:
        """Calendar months this period touches."""
        found, current = [], self.first.replace(day=1)
        while current <= self.last:
            found.append(month_period(current))
            current = _next_month(current)
        return found

    def weeks(self) -> list[Period]:
        """ISO weeks (Monday to Sunday) this period touches, clipped to the period."""
        found, monday = [], self.first - dt.timedelta(days=self.first.weekday())
        while monday <= self.last:
            sunday = monday + dt.timedelta(days=6)
            found.append(Period(max(monday, self.first), min(sunday, self.last), "week"))
            monday += dt.timedelta(days=7)
        return found


def _day(day: dt.date, year: int | None = None) -> str:
    prefix = "" if year == day.year else f"{day.year} 年 "
    return f"{prefix}{day.month} 月 {day.day} 日"


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def month_period(day: dt.date) -> Period:
    """The calendar month holding `day`."""
    first = day.replace(day=1)
    return Period(first, _next_month(first) - dt.timedelta(days=1), "month")


def previous_months(month: Period, count: int) -> list[Period]:
    """`count` calendar months ending with `month`, oldest first."""
    found = [month]
    while len(found) < count:
        found.insert(0, month_period(found[0].first - dt.timedelta(days=1)))
    return found


def parse_month(text: str) -> Period:
    match = _MONTH.match(text)
    try:
        if match is None:
            raise ValueError(text)
        first = dt.date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise KefuError(f"无法识别的月份 `{text}`：请写 YYYY-MM，如 2026-10。", "bad-period",
                        2) from None
    times.check_year(first.year, text, "月份")
    return month_period(first)


def parse_week(text: str) -> Period:
    match = _WEEK.match(text)
    try:
        if match is None:
            raise ValueError(text)
        monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise KefuError(f"无法识别的周 `{text}`：请写 ISO 周，如 2026-W44（周一至周日）。",
                        "bad-period", 2) from None
    times.check_year(monday.year, text, "周")
    return Period(monday, monday + dt.timedelta(days=6), "week")


def date_range(first: dt.date, last: dt.date) -> Period:
    if last < first:
        raise KefuError(f"结束日期 {last} 早于开始日期 {first}：请对调 --from 与 --to。",
                        "bad-period", 2)
    if (last - first).days > MAX_DAYS:
        raise KefuError(f"{first} 至 {last} 超过 3 年：请缩短时间段，或按月分别出报表。",
                        "bad-period", 2)
    return Period(first, last, "range")
