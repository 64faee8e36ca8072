"""Working days in mainland China: official arrangement, company overrides, statutory rules.

- sources: the official arrangement (chinesecalendar) and the statutory rule for other years
- workcal: `WorkCalendar`, the working-day arithmetic every deadline uses
- file: records/calendar.yml, the company's own days off and workdays (a record kind)
- ics: the calendar as an iCalendar file
"""

from .file import CalendarFile, read_calendar_file
from .ics import special_days, to_ics
from .sources import official_years, rule_days_off, statutory_holidays
from .workcal import CALENDAR_FILE, DayInfo, WorkCalendar, describe_source

__all__ = ["CALENDAR_FILE", "CalendarFile", "DayInfo", "WorkCalendar", "describe_source",
           "official_years", "read_calendar_file", "rule_days_off", "special_days",
           "statutory_holidays", "to_ics"]
