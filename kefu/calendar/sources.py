"""Where working days come from: the official arrangement, else the statutory rule.

1. The official State Council arrangement with make-up workdays (调休), from the pinned
   `chinesecalendar` library (2004–2026 in 1.11.0).
2. For any other year: the statutory holidays of 《全国年节及纪念日放假办法》 (2024 revision)
   computed by rule, with a weekday off in lieu for each one falling on a weekend. No make-up
   workday can be known in advance, so every date of such a year is *provisional*.
(Company overrides, records/calendar.yml, take precedence over both: see kefu.calendar.file.)
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}

# Where a day's status came from (see DayInfo.source).
OFFICIAL, OVERRIDE, RULE, WEEK = "official", "override", "rule", "week"


def official_years() -> range:
    """Years for which the pinned library holds the official arrangement."""
    return _official_years()


@lru_cache(maxsize=1)
def _official_years() -> range:
    years = sorted({d.year for d in chinese_calendar.holidays})
    return range(years[0], years[-1] + 1)


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """Statutory public holidays of `year` by rule (国务院令第795号, effective 2025)."""
    from lunar_python import Lunar

    def lunar(month: int, day: int) -> dt.date:
        s = Lunar.fromYmd(year, month, day).getSolar()
        return dt.date(s.getYear(), s.getMonth(), s.getDay())

    spring = lunar(1, 1)
    days: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    # 春节: 除夕 and 正月初一 to 初三. 除夕 is the day before 正月初一 (腊月廿九 in short years).
    for offset in range(-1, 3):
        days[spring + dt.timedelta(days=offset)] = "春节"
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    days[dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = "清明节"
    days[dt.date(year, 5, 1)] = days[dt.date(year, 5, 2)] = "劳动节"
    days[lunar(5, 5)] = "端午节"
    days[lunar(8, 15)] = "中秋节"
    for day in (1, 2, 3):
        days[dt.date(year, 10, day)] = "国庆节"
    return days


def rule_days_off(year: int) -> dict[dt.date, str]:
    """Statutory holidays plus a weekday off in lieu (补休) for each one falling on a weekend."""
    days = dict(statutory_holidays(year))
    for day, name in sorted(statutory_holidays(year).items()):
        if day.weekday() < 5:
            continue
        lieu = day + dt.timedelta(days=1)
        while lieu.weekday() >= 5 or lieu in days:
            lieu += dt.timedelta(days=1)
        if lieu.year == year:
            days[lieu] = f"{name}补休"
    return days
