"""Working days in mainland China: official arrangement, company overrides, statutory rules.

- sources: the official arrangement (chinesecalendar) and the statutory rule for other years
- workcal: `WorkCalendar`, the working-day arithmetic every deadline uses
- file: records/calendar.yml, the company's own days off and workdays (a record kind)
- ics: the calendar as an iCalendar file

Names are imported on first use (the record registry needs only `file`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .file import CalendarFile, read_calendar_file
    from .ics import special_days, to_ics
    from .sources import official_years, rule_days_off, statutory_holidays
    from .workcal import CALENDAR_FILE, DayInfo, Month, WorkCalendar, describe_source

_WHERE = {
    **dict.fromkeys(["CalendarFile", "read_calendar_file"], "file"),
    **dict.fromkeys(["special_days", "to_ics"], "ics"),
    **dict.fromkeys(["official_years", "rule_days_off", "statutory_holidays"], "sources"),
    **dict.fromkeys(["CALENDAR_FILE", "DayInfo", "Month", "WorkCalendar", "describe_source"],
                    "workcal"),
}
__all__ = ["CALENDAR_FILE", "CalendarFile", "DayInfo", "Month", "WorkCalendar", "describe_source",
           "official_years", "read_calendar_file", "rule_days_off", "special_days",
           "statutory_holidays", "to_ics"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'kefu.calendar' has no attribute {name!r}")
    return getattr(importlib.import_module(f"kefu.calendar.{_WHERE[name]}"), name)
