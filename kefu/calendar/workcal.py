"""Working-day arithmetic: `WorkCalendar` over the official arrangement and company overrides.

Precedence for one day: records/calendar.yml (company closures and extra workdays, or the
official arrangement of a year the library does not know yet), then the official State Council
arrangement, then the statutory rule (provisional). See kefu.calendar.sources.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar

from kefu.problems import KefuError

from .sources import (
    _HOLIDAY_NAMES,
    OFFICIAL,
    OVERRIDE,
    RULE,
    WEEK,
    official_years,
    rule_days_off,
    statutory_holidays,
)

CALENDAR_FILE = Path("records") / "calendar.yml"


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one date."""

    date: dt.date
    workday: bool
    provisional: bool
    name: str  # 元旦, 调休上班, 公司休息日, 周末, 工作日 …
    source: str  # official | override | rule | week

    @property
    def state(self) -> str:
        """上班 or 休息."""
        return "上班" if self.workday else "休息"

    @property
    def weekday_name(self) -> str:
        """周一 … 周日."""
        return "周" + "一二三四五六日"[self.date.weekday()]


@dataclass(frozen=True)
class Month:
    """The days of one month as the calendar says (what `kefu calendar` prints)."""

    first: dt.date
    days: list[DayInfo]
    provisional: bool


@dataclass(frozen=True)
class _Year:
    workday: tuple[bool, ...]  # index = day of year - 1
    cum: tuple[int, ...]  # cum[i] = number of workdays among days 0..i
    names: dict[int, str]  # day index -> holiday / make-up workday name
    sources: dict[int, str]
    provisional: bool


class WorkCalendar:
    """Working-day arithmetic over the official arrangement and company overrides (memoized)."""

    def __init__(
        self,
        holidays: Iterable[dt.date] = (),
        workdays: Iterable[dt.date] = (),
        root: Path | None = None,
    ) -> None:
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self.root = root
        self._override_years = {d.year for d in self.holidays | self.workdays}
        self._years: dict[int, _Year] = {}
        self._after: dict[tuple[dt.date, int], tuple[dt.date, bool]] = {}

    @classmethod
    def load(cls, root: Path) -> WorkCalendar:
        """Read `records/calendar.yml` under `root` (optional); raise KefuError if it is invalid."""
        path = root / CALENDAR_FILE
        if not path.exists():
            return cls(root=root)
        from .file import read_calendar_file

        holidays, workdays, problems = read_calendar_file(path, root)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            lines = "\n".join(p.format() for p in errors)
            raise KefuError(
                f"日历文件有误，请先修正：\n{lines}", slug="calendar-invalid", exit_code=1
            )
        return cls(holidays, workdays, root=root)

    # -- per-year tables -------------------------------------------------------------------
    def _year(self, year: int) -> _Year:
        info = self._years.get(year)
        if info is None:
            if not 1900 <= year <= 9998:
                raise KefuError(f"{year} 年超出可计算范围（1900–9998 年）。", "date-range", 2)
            info = self._years[year] = self._build_year(year)
        return info

    def _build_year(self, year: int) -> _Year:
        start = dt.date(year, 1, 1)
        count = (dt.date(year + 1, 1, 1) - start).days
        official = year in official_years()
        has_override = year in self._override_years
        try:
            rule_off = (
                {} if official
                else statutory_holidays(year) if has_override
                else rule_days_off(year)
            )
        except Exception as err:  # noqa: BLE001 - the lunar library's range is its own
            raise KefuError(f"无法推算 {year} 年的农历节日：{err}", "date-range", 2) from err
        workday: list[bool] = []
        names: dict[int, str] = {}
        sources: dict[int, str] = {}
        for i in range(count):
            day = start + dt.timedelta(days=i)
            is_work, name, source = day.weekday() < 5, "", WEEK
            if official and day in chinese_calendar.holidays:
                is_work, source = False, OFFICIAL
                name = _HOLIDAY_NAMES.get(chinese_calendar.holidays[day], "法定节假日")
            elif official and day in chinese_calendar.workdays:
                is_work, name, source = True, "调休上班", OFFICIAL
            elif day in rule_off:
                is_work, name, source = False, rule_off[day], RULE
            if day in self.holidays:
                is_work, name, source = False, "公司休息日", OVERRIDE
            elif day in self.workdays:
                is_work, name, source = True, "公司上班日", OVERRIDE
            workday.append(is_work)
            if name:
                names[i] = name
            sources[i] = source
        cum: list[int] = []
        total = 0
        for flag in workday:
            total += flag
            cum.append(total)
        return _Year(tuple(workday), tuple(cum), names, sources, not official and not has_override)

    # -- queries ---------------------------------------------------------------------------
    def is_workday(self, day: dt.date) -> bool:
        return self._year(day.year).workday[_index(day)]

    def is_provisional(self, day: dt.date) -> bool:
        """True when `day` lies in a year with neither official data nor company overrides."""
        return self._year(day.year).provisional

    def day(self, day: dt.date) -> DayInfo:
        info = self._year(day.year)
        i = _index(day)
        name = info.names.get(i) or ("工作日" if info.workday[i] else "周末")
        return DayInfo(day, info.workday[i], info.provisional, name, info.sources[i])

    def month(self, first: dt.date) -> Month:
        """Every day of the month that `first` is in."""
        day = first.replace(day=1)
        days = []
        while day.month == first.month:
            days.append(self.day(day))
            day += dt.timedelta(days=1)
        return Month(first.replace(day=1), days, self.is_provisional(first))

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        return self.add_workdays(day, 1)[0]

    def add_workdays(self, day: dt.date, n: int) -> tuple[dt.date, bool]:
        """The n-th working day strictly after `day` (n ≥ 1), and whether any day is provisional."""
        key = (day, n)
        hit = self._after.get(key)
        if hit is not None:
            return hit
        if n < 1:
            raise ValueError("n must be at least 1")
        current, provisional, left = day, False, n
        while left:
            if current.year >= 9998:
                raise KefuError("日期超出可计算范围（1900–9998 年）。", "date-range", 2)
            current += dt.timedelta(days=1)
            provisional = provisional or self.is_provisional(current)
            left -= self.is_workday(current)
        result = self._after[key] = (current, provisional)
        return result

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d ≤ end (0 when end ≤ start)."""
        if end <= start:
            return 0
        if start.year == end.year:
            info = self._year(start.year)
            return info.cum[_index(end)] - info.cum[_index(start)]
        first = self._year(start.year)
        total = first.cum[-1] - first.cum[_index(start)]
        for year in range(start.year + 1, end.year):
            total += self._year(year).cum[-1]
        return total + self._year(end.year).cum[_index(end)]


def _index(day: dt.date) -> int:
    return day.timetuple().tm_yday - 1


def describe_source(info: DayInfo) -> str:
    """A short Chinese phrase naming where the day's status comes from."""
    return {
        OFFICIAL: "国务院放假安排",
        OVERRIDE: CALENDAR_FILE.as_posix(),
        RULE: "按法定节假日规则推算（暂定）",
        WEEK: "常规周历" + ("（暂定）" if info.provisional else ""),
    }[info.source]
