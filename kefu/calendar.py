"""Working days in mainland China: the official arrangement, company overrides, statutory rules.

Sources, in order of precedence for one day:
1. `records/calendar.yml` (`holidays:` / `workdays:` lists of ISO dates): company closures,
   extra workdays, or the official arrangement of a year the library does not know yet.
2. The official State Council arrangement with make-up workdays (调休), from the pinned
   `chinesecalendar` library (2004–2026 in 1.11.0).
3. For any other year: the statutory holidays of 《全国年节及纪念日放假办法》 (2024 revision)
   computed by rule, with a weekday off in lieu for each one falling on a weekend. No make-up
   workday can be known in advance, so every date of such a year is *provisional*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import chinese_calendar
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kefu.problems import KefuError, Problem
from kefu.records.loader import locate_node

CALENDAR_FILE = Path("records") / "calendar.yml"

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
class _Year:
    workday: tuple[bool, ...]  # index = day of year - 1
    cum: tuple[int, ...]  # cum[i] = number of workdays among days 0..i
    names: dict[int, str]  # day index -> holiday / make-up workday name
    sources: dict[int, str]
    provisional: bool


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
        holidays, workdays, problems = read_calendar_file(path, root)
        if problems:
            lines = "\n".join(p.format() for p in problems)
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


# -- calendar.yml -----------------------------------------------------------------------------
class CalendarFile(BaseModel):
    """公司日历：覆盖国务院放假安排的公司休息日和上班日（records/calendar.yml）。"""

    model_config = ConfigDict(extra="forbid", title="公司日历")

    holidays: list[dt.date] = Field(
        default_factory=list, description="公司休息日（YYYY-MM-DD），例如年终盘点停工"
    )
    workdays: list[dt.date] = Field(
        default_factory=list, description="公司上班日（YYYY-MM-DD），例如周末加班"
    )

    @field_validator("holidays", "workdays", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


def _calendar_slug(loc: tuple[Any, ...], etype: str) -> str:
    if etype == "extra_forbidden":
        return "unknown-field"
    if etype == "list_type":
        return "wrong-type"
    return "bad-date" if len(loc) > 1 else "wrong-type"


_CALENDAR_HINT = {
    "unknown-field": "只允许 holidays:（休息日）和 workdays:（上班日）两个列表。",
    "wrong-type": "应为日期列表，例如：\n  holidays:\n    - 2026-12-31",
    "bad-date": "应写成 YYYY-MM-DD 形式、确实存在的日期，例如 2026-12-31。",
}


def read_calendar_file(
    path: Path, root: Path | None = None
) -> tuple[set[dt.date], set[dt.date], list[Problem]]:
    """Parse and check calendar.yml: returns (holidays, workdays, problems)."""
    shown = _shown(path, root)
    model, node, problems = read_model_file(
        path,
        shown,
        CalendarFile,
        lambda loc, etype: (s := _calendar_slug(loc, etype), _CALENDAR_HINT[s]),
    )
    if model is None or node is None:
        return set(), set(), problems
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for key, days, target in (
        ("holidays", model.holidays, holidays),
        ("workdays", model.workdays, workdays),
    ):
        for index, day in enumerate(days):
            if day in target:
                problems.append(
                    Problem(
                        shown,
                        *locate_node(node, (key, index), key=False),
                        "duplicate-date",
                        f"{day.isoformat()} 在 {key} 中重复出现，请删去一处。",
                    )
                )
            target.add(day)
    for day in sorted(holidays & workdays):
        problems.append(
            Problem(
                shown,
                *locate_node(node, ("workdays", model.workdays.index(day)), key=False),
                "calendar-conflict",
                f"{day.isoformat()} 同时列在 holidays 和 workdays 中，请只保留一处。",
            )
        )
    return holidays, workdays, problems


# -- small YAML config files checked against a pydantic model ---------------------------------
M = TypeVar("M", bound=BaseModel)
SlugFor = Callable[[tuple[Any, ...], str], tuple[str, str]]


def read_model_file(
    path: Path, shown: str, model: type[M], slug_for: SlugFor
) -> tuple[M | None, yaml.Node | None, list[Problem]]:
    """Compose `path`, refuse duplicate keys, validate with `model`; problems carry line:col.

    `slug_for(loc, error_type)` names the slug and a Chinese hint for a validation error.
    """
    node, problem = compose_file(path, shown)
    if problem:
        return None, None, [problem]
    problems = _duplicate_keys(shown, node)
    data = _Loader("").construct_document(node) if node is not None else {}
    if problems:
        return None, node, problems
    try:
        return model.model_validate(data if data is not None else {}), node, []
    except ValidationError as err:
        for error in err.errors(include_url=False):
            loc = tuple(error["loc"])
            slug, hint = slug_for(loc, error["type"])
            where = " → ".join(str(part) for part in loc) or "文件"
            value = error.get("input")
            shown_value = f"（现为 {value!r}）" if isinstance(value, str | int | float) else ""
            place = locate_node(node, loc, key=error["type"] == "extra_forbidden")
            problems.append(Problem(shown, *place, slug, f"{where}{shown_value}：{hint}"))
    return None, node, sorted(set(problems))


def _duplicate_keys(shown: str, root: yaml.Node | None) -> list[Problem]:
    problems: list[Problem] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for knode, vnode in node.value:
                if str(knode.value) in seen:
                    problems.append(
                        at(
                            shown,
                            knode,
                            "duplicate-key",
                            f"键 {knode.value} 重复出现，同一层级每个键只能写一次："
                            "请合并或删去一处。",
                        )
                    )
                seen.add(str(knode.value))
                stack.append(vnode)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(problems)


class _Loader(yaml.SafeLoader):
    """Safe loader that leaves timestamps as text, so pydantic reports impossible dates."""


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    assert isinstance(node, yaml.ScalarNode)
    return str(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def compose_file(path: Path, shown: str) -> tuple[yaml.Node | None, Problem | None]:
    """Compose a small YAML config file into nodes (with line marks), or one problem."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        return None, Problem(
            shown,
            1,
            1,
            "not-utf8",
            f"文件不是 UTF-8 编码（第 {err.start + 1} 字节），请用 UTF-8 另存。",
        )
    except OSError as err:
        return None, Problem(shown, 0, 0, "unreadable", f"无法读取文件：{err.strerror}")
    try:
        return yaml.compose(text, Loader=_Loader), None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, Problem(
            shown, line, col, "yaml-syntax", f"YAML 语法错误：{err.problem or err}"
        )
    except yaml.YAMLError as err:
        return None, Problem(shown, 1, 1, "yaml-syntax", f"YAML 语法错误：{err}")


def at(shown: str, node: yaml.Node, slug: str, message: str) -> Problem:
    return Problem(shown, node.start_mark.line + 1, node.start_mark.column + 1, slug, message)


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def describe_source(info: DayInfo) -> str:
    """A short Chinese phrase naming where the day's status comes from."""
    return {
        OFFICIAL: "国务院放假安排",
        OVERRIDE: CALENDAR_FILE.as_posix(),
        RULE: "按法定节假日规则推算（暂定）",
        WEEK: "常规周历" + ("（暂定）" if info.provisional else ""),
    }[info.source]


def to_ics(cal: WorkCalendar, years: Iterable[int]) -> bytes:
    """An iCalendar file of every day that differs from the plain week: days off on weekdays,
    make-up workdays on weekends (one all-day event per day, stable UIDs)."""
    import icalendar

    out = icalendar.Calendar()
    out.add("prodid", "-//kefu//客服部工作日历//ZH")
    out.add("version", "2.0")
    out.add("x-wr-calname", "客服部工作日历")
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
