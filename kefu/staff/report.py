"""`kefu roster [WEEK]`: one week's effective roster by day and by person, and its problems."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kefu import times
from kefu.collation import name_key
from kefu.problems import KefuError, Problem
from kefu.staff.book import StaffBook
from kefu.staff.terms import WEEKDAYS, span_text, week_monday, week_of

if TYPE_CHECKING:
    from kefu.records.corpus import LoadResult
    from kefu.staff.roster import Week
    from kefu.workspace import Workspace

AWAY_MARK = {"leave": "假", "trip": "差"}
AWAY_WORD = {"leave": "请假", "trip": "出差"}


@dataclass(frozen=True)
class ShiftView:
    key: str
    title: str
    span: str
    people: tuple[str, ...]  # names, by pinyin


@dataclass(frozen=True)
class DayView:
    date: dt.date
    weekday: str
    workday: bool
    calendar: str  # 工作日 / 周末 / 国庆节 / 调休上班
    shifts: tuple[ShiftView, ...]
    away: tuple[tuple[str, str], ...]  # (name, 请假 | 出差): no reasons, they are personal


@dataclass(frozen=True)
class PersonView:
    id: str
    name: str
    cells: tuple[str, ...]  # 白 / 晚 / 白、晚 / 休 / 假 / 差, Monday to Sunday


@dataclass
class RosterReport:
    """A week as it will be worked: swaps applied, approved leave and trips marked."""

    week: str
    days: list[DayView] = field(default_factory=list)
    people: list[PersonView] = field(default_factory=list)
    swaps: list[str] = field(default_factory=list)  # one line each, approved and applied
    channels: list[str] = field(default_factory=list)  # 服务热线 08:30–24:00（每天）
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")


RELATIVE_WEEKS = {"上周": -1, "本周": 0, "这周": 0, "下周": 1}


def parse_week(text: str | None, today: dt.date) -> str:
    """`2026-W48`, a date in the week, 上周/本周/下周, or nothing (this week)."""
    if not text:
        return week_of(today)
    value = text.strip()
    if value in RELATIVE_WEEKS:
        return week_of(today + dt.timedelta(days=7 * RELATIVE_WEEKS[value]))
    monday = week_monday(value.upper())
    if monday is not None:
        times.check_year(monday.year, text, "周")
        return value.upper()
    try:
        return week_of(dt.date.fromisoformat(value))
    except ValueError:
        raise KefuError(f"无法识别的周 `{text}`：请写 ISO 周（如 2026-W48）、这一周里的某一天"
                        "（如 2026-11-24），或 上周、本周、下周。", "bad-week", 2) from None


def roster_report(ws: Workspace, week_id: str) -> RosterReport:
    book, result = StaffBook.load(ws)
    week = book.week(week_id)
    if week is None:
        raise KefuError(f"{week_id} 还没有值班表（或值班表有错误，未能读取）："
                        f"新建请运行 kefu new roster --week {week_id} --prepared-by 客服主管编号；"
                        "有错误请运行 kefu validate。", "no-roster", 1)
    return report_of(book, week, result)


def report_of(book: StaffBook, week: Week, result: LoadResult | None = None) -> RosterReport:
    report = RosterReport(week.id)
    gone: dict[dt.date, list[tuple[str, str]]] = {}
    for (person, when), leave in sorted(book.away.items(),
                                        key=lambda kv: (name_key(book.name(kv[0][0])), kv[0])):
        if when in week.days:
            gone.setdefault(when, []).append((book.name(person), AWAY_WORD[leave.kind]))
    for day in week.days:
        info = book.calendar.day(day)
        shifts = tuple(ShiftView(key, s.title, span_text(s.start, s.end), tuple(sorted(
            (book.name(d.person) for d in week.duties if d.day == day and d.shift == key
             and (d.person, day) not in book.away), key=name_key)))
            for key, s in week.shifts.items())
        name = info.name + ("，暂定" if info.provisional else "")  # a year not yet published
        report.days.append(DayView(day, WEEKDAYS[day.weekday()], info.workday, name,
                                   shifts, tuple(gone.get(day, ()))))
    for person in sorted(week.people(), key=lambda p: (name_key(book.name(p)), p)):
        cells = []
        for day in week.days:
            mine = [week.shifts[d.shift].title[:1] for d in week.duties
                    if d.person == person and d.day == day]
            off = book.away.get((person, day))
            cells.append(AWAY_MARK[off.kind] if off is not None else "、".join(mine) or "休")
        report.people.append(PersonView(person, book.name(person), tuple(cells)))
    for swap_id in week.applied:
        swap = next(s for s in book.lists["swap"] if s["id"] == swap_id)
        what = "调班" if swap.get("back") else "顶班"
        text = (f"{swap_id}：{swap['date'].isoformat()} {week.shifts[swap['shift']].title} "
                f"{book.name(swap['giver'])} → {book.name(swap['taker'])}（{what}）")
        back = swap.get("back")
        if back:
            text += f"，{back['date'].isoformat()} {book.name(swap['taker'])} → " \
                    f"{book.name(swap['giver'])}"
        report.swaps.append(text)
    for leave_id in week.covered:
        asked = next(x for x in book.lists["leave"] if x["id"] == leave_id)
        covered = sorted({d.day.isoformat() for d in week.duties if d.cover == leave_id})
        report.swaps.append(f"{leave_id}：{'、'.join(covered)} {book.name(asked['person'])} "
                            f"请假，由 {book.name(asked['cover'])} 顶班")
    for channel in week.channels.values():
        days = "每天" if channel.every_day else "工作日"
        report.channels.append(f"{channel.title} {span_text(channel.start, channel.end)}"
                               f"（{days}，至少 {channel.min_agents} 人）")
    if result is not None:
        report.problems = _problems(book, week, result)
    return report


def _problems(book: StaffBook, week: Week, result: LoadResult) -> list[Problem]:
    """The problems of the files that make this week: its roster, its swaps, leave and trips."""
    first, last = week.days[0], week.days[-1]
    ids = {("roster", week.id)}
    for swap in book.lists["swap"]:
        back = swap.get("back")
        if first <= swap["date"] <= last or (back and first <= back["date"] <= last):
            ids.add(("swap", str(swap["id"])))
    for kind in ("leave", "trip"):
        for item in book.lists[kind]:
            end = max(item["end"], item.get("extended_to") or item["end"])
            if item["start"] <= last and end >= first:
                ids.add((kind, str(item["id"])))
    from kefu.records.kinds import KINDS

    rels = {book.rels.get(key) or KINDS[key[0]].expected_rel(key[1]) for key in ids}
    return [p for p in result.problems if p.path in rels]
