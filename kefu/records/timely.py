"""Time checks every record gets: timestamps from EARLIEST_YEAR to the end of next year, and
what happened (Kind.no_future) no later than tomorrow. Runs for every file, so kept cheap."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from pydantic import BaseModel

from kefu import times

from .kinds import Finding, Kind
from .model import EARLIEST_YEAR
from .paths import typed_paths
from .references import walk


class Clock(NamedTuple):
    """The time window a record's timestamps must fall in, fixed once per run."""

    first: datetime  # EARLIEST_YEAR-01-01
    last: datetime  # New Year after next
    soon: datetime  # now + 1 day: events later than this have not happened
    settled: str  # the date two days ago: a timestamp written on or before it is in the past

    @classmethod
    def now(cls) -> Clock:
        now = times.now()
        return cls(datetime(EARLIEST_YEAR, 1, 1, tzinfo=times.SHANGHAI),
                   datetime(now.year + 2, 1, 1, tzinfo=times.SHANGHAI),
                   now + dt.timedelta(days=1), (now - dt.timedelta(days=2)).date().isoformat())


_LOW = f"{EARLIEST_YEAR}-01-02"  # after the earliest moment in any time zone
FIRST_DAY_YEAR = 1900  # dates reach further back than timestamps: birthdays, a dealer's start


def findings(kind: Kind, record: BaseModel, data: dict[str, Any],
             clock: Clock) -> Iterable[Finding]:
    """The record's time problems: none without a look at the model for most files."""
    found = () if _plainly_timely(kind, data, clock) else _time_findings(kind, record, clock)
    return [*found, *_day_findings(kind, record, clock)] if _day_paths(kind.name) else found


def _day_findings(kind: Kind, record: BaseModel, clock: Clock) -> Iterable[Finding]:
    """Dates (a leave's days, a birthday) from FIRST_DAY_YEAR to the end of next year: a year
    typed as 9998 is a typing mistake that no roster, report or calendar can use."""
    last = clock.last.year - 1
    for path in _day_paths(kind.name):
        for loc, value in _attributes(record, path, ()):
            if isinstance(value, date) and not FIRST_DAY_YEAR <= value.year <= last:
                yield Finding("date-range", loc,
                              f"日期 {value.isoformat()} 不在 {FIRST_DAY_YEAR}–{last} 年之间："
                              "多半是年份打错了，请改正。")


@functools.cache
def _day_paths(kind_name: str) -> tuple[tuple[str, ...], ...]:
    return tuple(path for path, of in typed_paths(kind_name) if of is date)


def _plainly_timely(kind: Kind, data: dict[str, Any], clock: Clock) -> bool:
    """Whether every timestamp of the file, as written, is surely inside the window.

    Most files are (dates after 2000, more than two days ago), and comparing their ISO text is
    far cheaper than comparing aware datetimes; the rest are checked exactly on the model.
    """
    settled = clock.settled
    for path in _stamp_paths(kind.name):
        for value in _raw_values(data, path):
            if type(value) is not str or value < _LOW or value[:10] > settled:
                return False
    return True


def _raw_values(data: dict[str, Any], path: Sequence[str]) -> list[Any]:
    """The values at `path` of parsed YAML, None left out; fast for `x` and `x.*.y`."""
    if len(path) == 1:
        value = data.get(path[0])
        return [] if value is None else [value]
    if len(path) == 3 and path[1] == "*":
        items, key = data.get(path[0]), path[2]
        if type(items) is not list:
            return [] if items is None else [items]
        return [v for item in items
                if (v := item.get(key) if type(item) is dict else item) is not None]
    return [v for _, v in walk(data, path, ()) if v is not None]


def _time_findings(kind: Kind, record: BaseModel, clock: Clock) -> Iterable[Finding]:
    """Timestamps from EARLIEST_YEAR to the end of next year; no event later than tomorrow.

    Runs for every file: one pass over the timestamps, places looked up only when one is off.
    """
    first, last, soon, _ = clock
    stamps = [value for path in _stamp_paths(kind.name) for value in _values(record, path)]
    if not stamps:
        return
    earliest, latest = min(stamps), max(stamps)
    if earliest < first or latest >= last:
        for path in _stamp_paths(kind.name):
            for loc, value in _attributes(record, path, ()):
                if isinstance(value, datetime) and not first <= value < last:
                    yield Finding("date-range", loc,
                                  f"时间 {value.isoformat()} 不在 {EARLIEST_YEAR}–{last.year - 1} "
                                  "年之间：多半是年份打错了，请改正。")
    if latest > soon:  # no_future paths are timestamps too: nothing to look for otherwise
        for path in kind.no_future:
            for loc, value in _attributes(record, path, ()):
                if isinstance(value, datetime) and soon < value < last:
                    yield Finding("future-date", loc,
                                  f"时间 {value.isoformat()} 比现在晚一天以上："
                                  "事件只能记录已经发生的事，请核对日期（北京时间）。")


def _attributes(node: Any, path: Sequence[str], loc: tuple[str | int, ...]
                ) -> Iterable[tuple[tuple[str | int, ...], Any]]:
    """(field path, value) at `path` of a model instance ("*" = each list item)."""
    if not path:
        yield loc, node
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for index, item in enumerate(node if isinstance(node, list) else ()):
            yield from _attributes(item, rest, (*loc, index))
    elif node is not None and (value := getattr(node, head, None)) is not None:
        yield from _attributes(value, rest, (*loc, head))


@functools.cache
def _stamp_paths(kind_name: str) -> tuple[tuple[str, ...], ...]:
    return tuple(path for path, of in typed_paths(kind_name) if of is datetime)


def _values(record: Any, path: Sequence[str]) -> list[datetime]:
    """The datetimes at `path` of a model instance; fast for `x` and `x.*.y` (every file)."""
    if len(path) == 1:
        value = getattr(record, path[0], None)
        return [value] if isinstance(value, datetime) else []
    if len(path) == 3 and path[1] == "*":
        key = path[2]
        found = (getattr(item, key, None) for item in getattr(record, path[0], None) or ())
        return [value for value in found if isinstance(value, datetime)]
    return [v for _, v in _attributes(record, path, ()) if isinstance(v, datetime)]
