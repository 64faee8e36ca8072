"""Duty rosters (值班表): one file per ISO week, a row per person, a cell per day.

Files live in records/rosters/YYYY/, named by the ISO week (2026-W48; week 53 of 2026 runs from
2026-12-28 to 2027-01-03 and stays in 2026/). Shifts and channels come from
records/staff-rules.yml; a roster may redefine them for its week (a holiday's short hours).
Checked across records: gaps in each channel's hours, rest days, meals, leave, swaps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field

from kefu import times
from kefu.kinds.staff_rules import Channel, Clock, Key, Lazy, Shift
from kefu.records.kinds import Across, Creator, Finding, FormFiller, Kind, Option, Reference
from kefu.records.model import PersonId, Stamp
from kefu.staff.terms import AWAY, NOT_SHIFTS, REST, minutes, week_monday

WEEK_ID = r"^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$"
Cell = Key | list[Key]


class Meal(Lazy):
    """一个用餐时段（每个上班日在该时段用餐）。"""

    start: Clock
    end: Clock


class Row(Lazy):
    """一个人这一周的班次。"""

    person: PersonId = Field(description="员工编号")
    covers: list[Key] | None = Field(
        default=None, description="负责的服务渠道（staff-rules.yml 的 channels；不写 = 全部）")
    days: list[Cell] = Field(
        min_length=7, max_length=7,
        description="周一到周日每天的班次：day（白班）、evening（晚班）、rest（休息）、"
                    "leave（已批准的请假或出差），一天两个班写成列表 [day, evening]")
    meals: list[Meal] = Field(default_factory=list, description="用餐时段（每次不超过规定分钟数）")


class Roster(Lazy):
    """值班表：一周一个文件。"""

    model_config = ConfigDict(extra="forbid", title="值班表", defer_build=True)

    id: str = Field(pattern=WEEK_ID, description="ISO 周，如 2026-W48（周一开始）")
    prepared_by: PersonId = Field(description="编制人员工编号（客服主管）")
    prepared: Stamp = Field(description="定稿时间，ISO 8601 带时区")
    shifts: dict[Key, Shift] | None = Field(
        default=None, description="本周另定的班次（同名覆盖 staff-rules.yml 的定义）")
    channels: dict[Key, Channel] | None = Field(
        default=None, description="本周另定的服务时间（同名覆盖 staff-rules.yml 的定义）")
    staff: list[Row] = Field(min_length=1, description="每人一行")
    note: str | None = Field(default=None, description="备注")


def real_week(roster: Any) -> Iterator[Finding]:
    """The id is a week that exists (2025 has no week 53)."""
    record_id = getattr(roster, "id", None)
    monday = week_monday(record_id) if record_id is not None else None
    if record_id is not None and monday is None:
        yield Finding("bad-week", ("id",),
                      f"{record_id} 不存在：这一年没有第 {record_id[-2:]} 周（ISO 周历，"
                      "只有 52 周的年份没有第 53 周）。请改正周次。")
    last = times.today().year + 1  # the window of every record's dates (kefu.records.timely)
    if monday is not None and not 2000 <= monday.year <= last:
        yield Finding("date-range", ("id",),
                      f"{record_id} 不在 2000–{last} 年之间：多半是年份打错了，请改正周次。")


def rows(roster: Any) -> Iterator[Finding]:
    """One row per person; meals end after they start."""
    seen: dict[str, int] = {}
    for r, row in enumerate(getattr(roster, "staff", None) or ()):
        if row is None:
            continue
        if row.person in seen:
            yield Finding("duplicate-row", ("staff", r, "person"),
                          f"{row.person} 在第 {seen[row.person] + 1} 行已经有一行："
                          "一个人一周只写一行，一天两个班写成 [day, evening]。")
        seen.setdefault(row.person, r)
        for m, meal in enumerate(row.meals):
            if minutes(meal.end) <= minutes(meal.start):
                yield Finding("bad-meal", ("staff", r, "meals", m, "end"),
                              f"用餐结束 {meal.end} 不晚于开始 {meal.start}：请改正。")


# -- kefu new roster --------------------------------------------------------------------------
def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Next week's roster (or --week), its rows copied from the latest roster before it (never
    its leave or trip days), else one row per active person, planned by the staff rules."""
    now = ctx.now
    from kefu.staff.report import parse_week

    week = parse_week(values.get("week") or "下周", now.date())
    data: dict[str, Any] = {"id": week, "prepared_by": values.get("prepared_by"),
                            "prepared": values.get("prepared") or now}
    before = _rosters_before(ctx.root, week)
    earlier = before[0] if before else None
    if earlier is not None:
        for key in ("shifts", "channels"):
            if earlier.get(key):
                data[key] = earlier[key]
        data["staff"] = [_without_away(row, before) for row in earlier.get("staff") or []]
    else:
        data["staff"] = _planned(ctx.root, week)
    _rest_kept(ctx.root, week, data["staff"])
    if values.get("note"):
        data["note"] = values["note"]
    from kefu.records.new import Flow

    for row in data["staff"]:
        row["days"] = Flow(row["days"])
        if row.get("covers") is not None:
            row["covers"] = Flow(row["covers"])
    return data


def _rosters_before(root: Path, week: str, count: int = 5) -> list[dict[str, Any]]:
    """The latest readable rosters before `week`, newest first (at most `count`)."""
    from kefu.records.loader import ParseFailure, load_mapping

    folder = root / "records" / KIND.folder
    ids = sorted(p.stem for p in folder.glob("*/*.yml") if p.stem < week)
    found: list[dict[str, Any]] = []
    for record_id in reversed(ids):
        path = folder / record_id[:4] / f"{record_id}.yml"
        try:
            data, _ = load_mapping(path.read_bytes())
        except (OSError, ParseFailure):
            continue
        if isinstance(data.get("staff"), list):
            found.append(data)
            if len(found) == count:
                break
    return found


def _without_away(row: dict[str, Any], before: list[dict[str, Any]]) -> dict[str, Any]:
    """A row copied from last week, its leave and trip days (`leave`) made the person's usual
    cell that weekday (the latest earlier week that has one), else her most frequent shift,
    else rest: last week's leave is not next week's."""
    days = list(row.get("days") or [])
    if AWAY not in days:
        return row
    person = row.get("person")
    mine = [r for roster in before for r in roster.get("staff") or []
            if isinstance(r, dict) and r.get("person") == person
            and isinstance(r.get("days"), list) and len(r["days"]) == 7]
    shifts = [c for r in mine for c in r["days"] if isinstance(c, str) and c not in NOT_SHIFTS]
    usual = max(set(shifts), key=shifts.count) if shifts else REST
    for index, cell in enumerate(days):
        if cell == AWAY:
            days[index] = next((r["days"][index] for r in mine if r["days"][index] != AWAY),
                               usual)
    return {**row, "days": days}


def _rest_kept(root: Path, week: str, rows: list[dict[str, Any]]) -> None:
    """A colleague covering an approved leave on her rest days keeps a rest day: her shift on
    another day, the one with most hands on that shift, becomes rest (the leave, once
    approved, is not changed; without this the copied week refused itself: no-rest-day)."""
    from kefu.kinds.staff_rules import KIND as RULES_KIND
    from kefu.kinds.staff_rules import STAFF_RULES_FILE
    from kefu.records.check import read_single
    from kefu.staff.terms import week_days

    covering = _covered_days(root, week_days(week))
    if not covering:
        return
    rules, _ = read_single(RULES_KIND, root / "records" / STAFF_RULES_FILE, root)
    need = getattr(rules, "rest_days_per_week", 1)
    for row in rows:
        cells = row.get("days")
        taken = covering.get(str(row.get("person")), set())
        if not taken or not isinstance(cells, list) or len(cells) != 7:
            continue
        while sum(c == REST and i not in taken for i, c in enumerate(cells)) < need:
            free = [i for i, c in enumerate(cells) if c not in NOT_SHIFTS and i not in taken]
            if not free:
                break
            spare = max(free, key=lambda i: sum(_cell(r, i) == cells[i] for r in rows))
            cells[spare] = REST


def _cell(row: dict[str, Any], index: int) -> Any:
    """A row's cell on a weekday; None for a row that is not seven cells (copied as written)."""
    days = row.get("days")
    return days[index] if isinstance(days, list) and len(days) == 7 else None


def _covered_days(root: Path, days: list[dt.date]) -> dict[str, set[int]]:
    """Person -> the days of the week (0 = Monday) she covers an approved leave."""
    from kefu.records.corpus import directory

    if not days:
        return {}
    months = sorted({f"{d:%Y/%m}" for d in (days[0] - dt.timedelta(days=31), *days)})
    covered: dict[str, set[int]] = {}
    for leave in directory(root, [f"records/leave/{m}" for m in months
                                  if (root / "records" / "leave" / m).is_dir()], {"leave"}):
        data = leave.data
        if data.get("status") != "approved" or not data.get("cover"):
            continue
        for index, day in enumerate(days):
            if data["start"] <= day <= (data.get("end") or data["start"]):
                covered.setdefault(str(data["cover"]), set()).add(index)
    return covered


def _active_people(root: Path) -> list[Any]:
    from kefu.records.loader import ParseFailure, load_mapping
    from kefu.staff.plan import Member

    found = []
    for path in sorted((root / "records" / "people").glob("*.yml")):
        try:
            data, _ = load_mapping(path.read_bytes())
        except (OSError, ParseFailure):
            continue
        if data.get("active", True) is not False and isinstance(data.get("id"), str):
            found.append(Member(data["id"], str(data.get("role", ""))))
    return found


def _planned(root: Path, week: str) -> list[dict[str, Any]]:
    """The first roster's rows: planned from the staff rules (kefu.staff.plan), or, without
    valid rules, the early shift Monday to Saturday for everyone."""
    from kefu.calendar import WorkCalendar
    from kefu.kinds.staff_rules import KIND as RULES_KIND
    from kefu.kinds.staff_rules import STAFF_RULES_FILE
    from kefu.records.check import read_single
    from kefu.staff.plan import first_week
    from kefu.staff.terms import week_days

    people = _active_people(root)
    rules, _ = read_single(RULES_KIND, root / "records" / STAFF_RULES_FILE, root)
    if rules is None:
        return [{"person": m.id, "days": ["day"] * 6 + [REST]} for m in people]
    calendar = WorkCalendar.load(root)
    return first_week(people, rules, [calendar.is_workday(d) for d in week_days(week)])


STAFF_READS = ("roster", "swap", "leave", "trip", "person", "staff-rules", "calendar")
STAFF_MODULES = ("kefu.staff.book", "kefu.staff.roster", "kefu.staff.checks",
                 "kefu.staff.checks.common", "kefu.staff.checks.roster",
                 "kefu.staff.checks.absence", "kefu.staff.checks.ledger",
                 "kefu.staff.checks.pending", "kefu.staff.authority", "kefu.staff.pending",
                 "kefu.staff.matters",
                 "kefu.staff.terms",
                 "kefu.kinds.staff_rules", "kefu.calendar.workcal")


def lazy(name: str) -> Callable[[Any], Any]:
    """A check of kefu.staff.checks, imported when it first runs (not when the kind loads)."""
    def run(group: Any) -> Any:
        from kefu.staff import checks

        return getattr(checks, name)(group)

    run.__name__ = name
    return run


def staff_across(reads: tuple[str, ...], check: str, timely: str | None = None) -> Across:
    """The Across check of a staff kind: kefu.staff.checks.<check> (and <timely>)."""
    return Across(reads, lazy(check), lazy(timely) if timely else None, STAFF_MODULES,
                  ("chinesecalendar",))


KIND = Kind(
    "roster", "值班表", Roster, folder="rosters",
    id_pattern=WEEK_ID[1:-1], id_format="ISO 周（如 2026-W48，可用 kefu new roster 生成）",
    subdir=(r"^(?P<y>[0-9]{4})-W", "{y}"),
    references=(Reference(("prepared_by",), "person"), Reference(("staff", "*", "person"),
                                                                  "person")),
    checks=(real_week, rows),
    across=staff_across(STAFF_READS, "roster_checks", "roster_timely"),
    no_future=(("prepared",),),
    creator=Creator(build=build, derived=("id", "staff", "shifts", "channels"),
                    defaulted=("prepared",),
                    extra=(Option("week", "哪一周（如 2026-W49、本周、下周；默认下周）。"
                                          "有此前的值班表就照抄最近一周，没有就按每人的岗位和"
                                          "值班规则排好"),)),
    forms=(FormFiller("duty-roster", "kefu.staff.forms:roster", "值班表"),),
)
