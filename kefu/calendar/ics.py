"""The calendar as iCalendar: every day that differs from the plain week, stable UIDs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from .workcal import DayInfo, WorkCalendar, describe_source


def to_ics(cal: WorkCalendar, years: Iterable[int], department: str) -> bytes:
    """An iCalendar file of every day that differs from the plain week: days off on weekdays,
    make-up workdays on weekends (one all-day event per day, stable UIDs)."""
    import icalendar

    out = icalendar.Calendar()
    out.add("prodid", "-//kefu//客服部工作日历//ZH")
    out.add("version", "2.0")
    out.add("x-wr-calname", f"{department}工作日历")
    stamp = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # fixed: the file changes only with the days
    for year in years:
        for info in special_days(cal, year):
            day = info.date
            event = icalendar.Event()
            mark = "（暂定）" if info.provisional else ""
            event.add("summary", f"{info.state}：{info.name}{mark}")
            event.add("description", describe_source(info))
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("dtstamp", stamp)
            event.add("uid", f"{day.isoformat()}@kefu-calendar")
            event.add("transp", "TRANSPARENT")
            out.add_component(event)
    data: bytes = out.to_ical()
    return data


def special_days(cal: WorkCalendar, year: int) -> Iterator[DayInfo]:
    """Days of `year` that differ from the plain week: weekdays off and weekend workdays."""
    day = dt.date(year, 1, 1)
    while day.year == year:
        info = cal.day(day)
        if info.workday != (day.weekday() < 5):
            yield info
        day += dt.timedelta(days=1)
