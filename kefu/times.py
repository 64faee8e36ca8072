"""The department's clock: Beijing time, today, and the one rule for reading typed times.

Every command reads a time the same way: ISO 8601 with an offset (2026-03-15T10:20:00+08:00),
or a date and a time without one (2026-03-15 9:40, 2026-03-15T09:40), read as Beijing time.
Typed on the command line (`--at`, `kefu new`'s times), a time may also be relative to today:
15:30 (today), 昨天 15:30, 前天 9:00, 今天 15:30; record files and issue forms, read again later,
take only times that say their date.
The clock can be set with the environment variable KEFU_NOW (a time in that form), to reproduce
what kefu said on another day: tests and demonstrations use it.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from kefu.problems import KefuError

# China has kept UTC+8 without daylight saving since 1991; a fixed offset also keeps a date
# of 1900 at +08:00 instead of Shanghai's local mean time (+08:05:43).
SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
NOW_VARIABLE = "KEFU_NOW"
# Years a typed date, a month, a week or KEFU_NOW may name: wide for any real use, and far
# enough from 9999 that a year or two later (reports, rosters, the holiday library) still exists.
YEARS = (1900, 2199)
TIME_HELP = "时间写成 2026-03-15 09:40（北京时间）或带时区的 2026-03-15T09:40:00+08:00"
RELATIVE_HELP = "今天的时间可以只写 15:30，前两天的写 昨天 15:30、前天 9:00"
DAYS_BACK = {"今天": 0, "昨天": 1, "前天": 2}
_RELATIVE = re.compile(r"^\s*(今天|昨天|前天)?\s*(?:(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?\s*$")
_TYPED = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ]+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?\s*$"
)


def now() -> dt.datetime:
    """The current time in Beijing, to the second (KEFU_NOW, if set)."""
    fixed = os.environ.get(NOW_VARIABLE)
    if fixed:
        when = parse_when(fixed, f"环境变量 {NOW_VARIABLE}")
        assert isinstance(when, dt.datetime)
        return when.astimezone(SHANGHAI)
    return dt.datetime.now(SHANGHAI).replace(microsecond=0)


def today() -> dt.date:
    """Today's date in Beijing (not the machine's zone)."""
    return now().date()


def parse_when(text: str, what: str = "时间", *, date_only_ok: bool = False,
               today: dt.date | None = None) -> dt.datetime | dt.date:
    """A typed time as an aware datetime (Beijing time when no offset is given).

    With `date_only_ok`, a bare date stays a date; otherwise it is refused. With `today`, a
    time of that day (15:30) or of the two days before it (昨天 15:30, 前天 9:00) is taken too.
    KefuError (exit 2) names the value and the accepted forms.
    """
    match = _TYPED.match(text)
    try:
        if match is None and today is not None:
            return _relative(text, today, date_only_ok)
        if match is None:
            raise ValueError(text)
        year, month, day, hour, minute, second, zone = match.groups()
        check_year(int(year), text, what)
        day_value = dt.date(int(year), int(month), int(day))
        if hour is None:
            if date_only_ok:
                return day_value
            raise ValueError(text)
        clock = dt.time(int(hour), int(minute), int(second or 0))
        tz = SHANGHAI if zone is None else _zone(zone)
        return dt.datetime.combine(day_value, clock, tzinfo=tz)
    except ValueError:
        dates = "；只写日期也可以，如 2026-03-15" if date_only_ok else ""
        relative = f"；{RELATIVE_HELP}" if today is not None else ""
        raise KefuError(f"{what} `{text}` 无法识别或不存在：{TIME_HELP}{relative}{dates}。",
                        "bad-date", 2) from None


def _relative(text: str, today: dt.date, date_only_ok: bool) -> dt.datetime | dt.date:
    """15:30, 今天 15:30, 昨天 15:30, 前天 9:00 (and 昨天 alone where a date may stand), as
    Beijing time; ValueError for anything else."""
    match = _RELATIVE.match(text)
    if match is None or not any(match.groups()):
        raise ValueError(text)
    word, hour, minute, second = match.groups()
    day = today - dt.timedelta(days=DAYS_BACK[word] if word else 0)
    if hour is None:
        if date_only_ok:
            return day
        raise ValueError(text)
    clock = dt.time(int(hour), int(minute), int(second or 0))
    return dt.datetime.combine(day, clock, tzinfo=SHANGHAI)


def parse_day(text: str, what: str = "日期") -> dt.date:
    """A typed date (YYYY-MM-DD); KefuError (exit 2) otherwise."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise KefuError(f"{what} `{text}` 无法识别或不存在：请写 YYYY-MM-DD，如 2026-03-20。",
                        "bad-date", 2) from None
    check_year(day.year, text, what)
    return day


def check_year(year: int, text: str, what: str = "日期") -> None:
    """KefuError (exit 2, date-range) for a year outside YEARS: a typing mistake (9999-12)."""
    if not YEARS[0] <= year <= YEARS[1]:
        raise KefuError(f"{what} `{text}` 的年份 {year} 不在 {YEARS[0]}–{YEARS[1]} 年之间："
                        "多半是年份打错了，请改正。", "date-range", 2)


def _zone(text: str) -> dt.tzinfo:
    if text in ("Z", "z"):
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
