"""Checks of rosters and swaps: coverage, rest days, meals, overlaps, leave, approvals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from kefu.problems import Severity
from kefu.records.kinds import Finding, Placed
from kefu.staff.book import StaffBook
from kefu.staff.roster import Duty, Gap, Week, coverage_gaps
from kefu.staff.terms import (
    AWAY,
    LEAVE_LABELS,
    NOT_SHIFTS,
    REST,
    WEEKDAYS,
    day_text,
    minutes,
    span_text,
    week_days,
    week_of,
)
from kefu.times import SHANGHAI

from .common import check_approver, day_start, role_names, staff_check


@staff_check()
def roster_checks(book: StaffBook, group: Any) -> list[Placed]:
    out: list[Placed] = []
    for week_id in sorted(book.rosters):
        week = book.week(week_id)
        base = book.week(week_id, swaps=False)
        if week is None or base is None:
            continue
        out += _roster_rows(book, week)
        days_of = _days_of(week)
        out += _overlaps(book, week, days_of)
        out += _rest_days(book, week, base, days_of)
        out += _on_leave(book, week)
        out += _coverage(book, week, base)
    return out


@staff_check(quiet=True)
def roster_timely(book: StaffBook, group: Any) -> list[Placed]:
    return list(_missing_rosters(book))


def _at(week: Week, duty: Duty, *more: str | int) -> tuple[str, str, tuple[str | int, ...]]:
    """Where a duty's problem belongs: the swap that made it, else the roster cell."""
    if duty.swap is not None:
        return "swap", duty.swap, ("taker",)
    if duty.cover is not None:
        return "leave", duty.cover, ("cover",)
    return "roster", week.id, ("staff", duty.row, "days", duty.cell, *more)


def _roster_rows(book: StaffBook, week: Week) -> Iterator[Placed]:
    assert book.rules is not None
    limit = book.rules.meals.max_minutes
    plain = {*week.shifts, REST}  # cells needing no further look
    for r, row in enumerate(week.data.get("staff") or ()):
        person = str(row["person"])
        data = book.people.get(person)
        if data is not None and data.get("active", True) is False:
            yield Placed("roster", week.id, Finding(
                "inactive-person", ("staff", r, "person"),
                f"{book.name(person)}（{person}）已不在职（员工档案 active: false），不能排班："
                "请删除这一行。"))
        days = row["days"]
        try:
            settled = plain.issuperset(days)  # the usual row: known shifts and rest only
        except TypeError:  # a cell lists two shifts
            settled = False
        for c, value in enumerate(() if settled else days):
            if type(value) is str and value in plain:
                continue
            for key in value if isinstance(value, list) else [value]:
                if key == AWAY and (person, week.days[c]) not in book.away:
                    yield Placed("roster", week.id, Finding(
                        "leave-not-approved", ("staff", r, "days", c),
                        f"{book.name(person)}（{person}）{day_text(week.days[c])} 写了 leave，"
                        "却没有这一天已批准的请假或出差记录：请先提交请假（kefu new leave）"
                        "或出差申请并获批；否则按旷工处理。"))
                if key not in NOT_SHIFTS and key not in week.shifts:
                    yield Placed("roster", week.id, Finding(
                        "unknown-shift", ("staff", r, "days", c),
                        f"{WEEKDAYS[c]}的班次 `{key}` 没有定义：可写 {'、'.join(week.shifts)} "
                        "或 rest（班次在 records/staff-rules.yml 的 shifts 中定义）。"))
        for i, channel in enumerate(row.get("covers") or ()):
            if channel not in week.channels:
                yield Placed("roster", week.id, Finding(
                    "unknown-channel", ("staff", r, "covers", i),
                    f"服务渠道 `{channel}` 没有定义：可写 {'、'.join(week.channels)}。"))
        meals = row.get("meals") or ()
        if not meals:
            continue
        keys = {v for v in days if type(v) is str} | {k for v in days if type(v) is list
                                                      for k in v}
        mine = [week.shifts[k] for k in keys if k in week.shifts]
        for m, meal in enumerate(meals):
            start, end = minutes(meal["start"]), minutes(meal["end"])
            if end - start > limit:
                yield Placed("roster", week.id, Finding(
                    "meal-too-long", ("staff", r, "meals", m),
                    f"用餐 {meal['start']}–{meal['end']} 共 {end - start} 分钟，"
                    f"超过规定的 {limit} 分钟：请缩短。"))
            if mine and not any(s.start <= start and end <= s.end for s in mine):
                yield Placed("roster", week.id, Finding(
                    "meal-outside-shift", ("staff", r, "meals", m),
                    f"用餐 {meal['start']}–{meal['end']} 不在 {book.name(person)} 本周任何一个"
                    "班次之内：请改到上班时间内，或删除这个用餐时段。", Severity.WARNING))


DaysOf = dict[str, dict[dt.date, list[Duty]]]


def _days_of(week: Week) -> DaysOf:
    """person -> day -> their duties that day (one pass for the checks that need it)."""
    found: DaysOf = {}
    for duty in week.duties:
        days = found.get(duty.person)
        if days is None:
            days = found[duty.person] = {}
        mine = days.get(duty.day)
        if mine is None:
            days[duty.day] = [duty]
        else:
            mine.append(duty)
    return found


OVERLAP_FIX = {  # what to change, by where the second duty came from (`_at`)
    "leave": "请换一位那天不上这个时段的人顶班（cover），或先和他调班。",
    "swap": "请换一位那天不上这个时段的人接班，或改调另一天。",
    "roster": "请在值班表里只留其中一个班。",
}


def _overlaps(book: StaffBook, week: Week, days_of: DaysOf) -> Iterator[Placed]:
    for person, days in days_of.items():
        for day, duties in days.items():
            if len(duties) > 1:
                yield from _overlap(book, week, person, day, duties)


def _overlap(book: StaffBook, week: Week, person: str, day: dt.date,
             duties: list[Duty]) -> Iterator[Placed]:
    duties.sort(key=lambda d: (d.start, d.moved))
    for earlier, later in zip(duties, duties[1:], strict=False):
        if later.start < earlier.end:
            kind, rid, loc = _at(week, later)
            what = "同一个班排了两次" if later.shift == earlier.shift else \
                f"{week.shifts[earlier.shift].title}与{week.shifts[later.shift].title}时间重叠"
            yield Placed(kind, rid, Finding(
                "shift-overlap", loc,
                f"{book.name(person)}（{person}）在 {day_text(day)} {what}"
                f"（{span_text(earlier.start, earlier.end)}"
                f" 与 {span_text(later.start, later.end)}）：一个人不能同时上两个重叠的班。"
                + OVERLAP_FIX[kind]))


def _rest_days(book: StaffBook, week: Week, base: Week, days_of: DaysOf) -> Iterator[Placed]:
    assert book.rules is not None
    need = book.rules.roster.rest_days_per_week
    away = book.away
    for person, days in days_of.items():
        if 7 - len(days) >= need or 7 - sum(
                (person, day) not in away for day in days) >= need:
            continue
        base_days = {d.day for d in base.duties if d.person == person}
        added = [d for d in week.duties if d.person == person and d.moved and
                 d.day not in base_days]
        rest = f"做六休一：每周至少休息 {need} 天"
        if 7 - len(base_days) < need or not added:
            row = next((d.row for d in base.duties if d.person == person), 0)
            yield Placed("roster", week.id, Finding(
                "no-rest-day", ("staff", row, "days"),
                f"{book.name(person)}（{person}）{week.id} 这一周七天都排了班，"
                f"没有休息日（{rest}）：请安排一天 rest。"))
        else:
            kind, rid, loc = _at(week, added[0])
            what = "这次调班" if kind == "swap" else "这次请假的顶班"
            yield Placed(kind, rid, Finding(
                "no-rest-day", loc,
                f"{what}让 {book.name(person)}（{person}）在 {week.id} 七天都上班，没有休息日"
                f"（{rest}）：请换一位顶班人，或给他另调一天休息。"))


def _on_leave(book: StaffBook, week: Week) -> Iterator[Placed]:
    for duty in week.duties:
        away = book.away.get((duty.person, duty.day))
        if away is None:
            continue
        what = "出差" if away.kind == "trip" else f"请{LEAVE_LABELS.get(away.type, '假')}"
        kind, rid, loc = _at(week, duty)
        # a week under way is not edited (check-pr's roster-started): a leave granted once it
        # had begun (a sick day agreed by phone) happened whether or not a colleague could
        # cover, and is said, not refused (coverage reports the channels left unstaffed); one
        # granted before was the roster's to plan for
        started = week.days[0] <= book.today
        granted_in_week = away.decided is not None and (
            away.decided.astimezone(SHANGHAI).date() >= week.days[0])
        yield Placed(kind, rid, Finding(
            "on-leave", loc,
            f"{book.name(duty.person)}（{duty.person}）{day_text(duty.day)} {what}"
            f"（{away.id}，已批准），"
            f"却排了{week.shifts[duty.shift].title}：请安排顶班（kefu new swap --date "
            f"{duty.day.isoformat()} --shift {duty.shift} --giver {duty.person} --taker …）"
            + ("。" if started else "或把这一天改为 rest。"),
            Severity.WARNING if granted_in_week else Severity.ERROR))


def _coverage(book: StaffBook, week: Week, base: Week) -> Iterator[Placed]:
    workday = book.calendar.is_workday
    gaps = coverage_gaps(week, book.away, workday)
    if not gaps:
        return
    days = sorted({g.day for g in gaps})
    plain = coverage_gaps(week, book.away, workday, meals=False, only=days)
    planned = coverage_gaps(base, {}, workday, meals=False, only=days)
    for gap in gaps:
        channel = week.channels[gap.channel]
        hours = span_text(channel.start, channel.end) + (
            "（工作日）" if not channel.every_day else "")
        short = f"{day_text(gap.day)} {span_text(gap.start, gap.end)} {channel.title}在岗 " \
                f"{gap.agents} 人，少于要求的 {channel.min_agents} 人"
        if not _inside(gap, plain):
            yield from _meal_gap(book, week, gap, short)
        elif _inside(gap, planned):
            yield Placed("roster", week.id, Finding(
                "coverage-gap", ("staff",),
                f"{short}（值守时间 {hours}）：请给这个时段排上负责该渠道的人"
                "（避免同一天、同一时间客服缺少）。"))
        else:
            swaps = [s for s in week.applied if _swap_on(book, s, gap.day)]
            where = ("swap", swaps[0], ("taker",)) if swaps else ("roster", week.id, ("staff",))
            cause = "这次调班之后" if swaps else "扣除已批准的请假、出差（和顶班）之后"
            yield Placed(where[0], where[1], Finding(
                "coverage-gap", where[2],
                f"{cause}，{short}（值守时间 {hours}）：请另找负责该渠道的人顶班。"))


def _inside(gap: Gap, others: list[Gap]) -> bool:
    return any(o.day == gap.day and o.channel == gap.channel and o.start <= gap.start
               and gap.end <= o.end for o in others)


def _swap_on(book: StaffBook, swap_id: str, day: dt.date) -> bool:
    swap = next((s for s in book.lists["swap"] if s["id"] == swap_id), None)
    if swap is None:
        return False
    back = swap.get("back")
    return bool(swap["date"] == day or (back and back["date"] == day))


def _meal_gap(book: StaffBook, week: Week, gap: Gap, short: str) -> Iterator[Placed]:
    eating = [(d, m) for d in week.duties if d.day == gap.day and gap.channel in d.covers
              and (d.person, d.day) not in book.away
              for m in d.meals if m[0] < gap.end and gap.start < m[1]]
    names = "、".join(dict.fromkeys(book.name(d.person) for d, _ in eating)) or "有人"
    duty, meal = eating[0] if eating else (None, None)
    loc: tuple[str | int, ...] = ("staff", duty.row, "meals", meal[2]) if duty and meal else \
        ("staff",)
    yield Placed("roster", week.id, Finding(
        "meal-gap", loc,
        f"{short}：{names}同时用餐。请轮流用餐，保证电话和旺旺始终有人照应（同时用餐导致无人接听，"
        "对当班人员罚款 5 元）。"))


def _missing_rosters(book: StaffBook) -> Iterator[Placed]:
    """This week's roster, and next week's once its deadline has passed, while rosters are kept."""
    assert book.rules is not None
    rule = book.rules.roster
    monday = book.today - dt.timedelta(days=book.today.weekday())
    recent = {week_of(monday - dt.timedelta(days=7 * n)) for n in range(5)}
    if not recent & set(book.rosters):
        return  # no roster kept lately: not a department that keeps them here
    due = day_start(monday + dt.timedelta(days=rule.due_weekday - 1), 0) + dt.timedelta(
        minutes=int(rule.due_time[:2]) * 60 + int(rule.due_time[3:]))
    this_week, next_week = week_of(monday), week_of(monday + dt.timedelta(days=7))
    wanted = [(this_week, "本周")] + ([(next_week, "下周")] if book.now >= due else [])
    for week_id, which in wanted:
        if week_id in book.rosters:
            continue
        days = week_days(week_id)
        text = (f"{which}（{week_id}，{days[0].isoformat()} 至 {days[-1].isoformat()}）还没有值班表"
                f"（最迟 {due:%Y-%m-%d %H:%M} 完成，交行政部汇总）：请运行 "
                f"kefu new roster --week {week_id} --prepared-by 客服主管编号，排好后提交。")
        for owner in book.supervisors() or [""]:
            yield Placed("roster", week_id, Finding("roster-missing", (), text, Severity.WARNING),
                         owner)


# -- swaps ------------------------------------------------------------------------------------
@staff_check()
def swap_checks(book: StaffBook, group: Any) -> list[Placed]:
    assert book.rules is not None
    out: list[Placed] = []
    for swap in book.lists["swap"]:
        sid, status = str(swap["id"]), swap.get("status")
        week = book.week(week_of(swap["date"]))
        shifts = week.shifts if week is not None else {
            k: None for k in book.rules.shifts}
        if swap["shift"] not in shifts:
            out.append(Placed("swap", sid, Finding(
                "unknown-shift", ("shift",),
                f"班次 `{swap['shift']}` 没有定义：可写 {'、'.join(shifts)}。")))
            continue
        start = _shift_start(book, week, swap["date"], swap["shift"])
        if status in ("approved", "refused"):
            out += check_approver(book, "swap", swap, book.rules.swaps.approvers, "swap-approver",
                                  "调班", str(swap["giver"]))
        if status == "approved":
            decided = swap.get("decided")
            if decided is not None and start is not None and decided > start:
                out.append(Placed("swap", sid, Finding(
                    "swap-after-the-fact", ("decided",),
                    f"调班在 {decided.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 才批准，晚于班次开始 "
                    f"{start:%Y-%m-%d %H:%M}：调班必须事先申请、批准（不得私自调班）。"
                    f"事先电话同意的，登记批准时用 --at 写明同意的时间（kefu approve {sid} --at "
                    "同意时间）；事后发现的私自调班请如实登记（kefu new private-swap）。")))
            why = "该周还没有值班表" if week is None else week.unapplied.get(sid)
            if why:
                out.append(Placed("swap", sid, Finding(
                    "swap-not-rostered", ("giver",),
                    f"{book.name(swap['giver'])}（{swap['giver']}）在 {day_text(swap['date'])} "
                    f"没有{_shift_title(book, week, swap['shift'])}可调（{why}）："
                    "请核对日期、班次和原值班人。")))
    return out


@staff_check(quiet=True)
def swap_timely(book: StaffBook, group: Any) -> list[Placed]:
    """A swap still waiting for approval when its shift has begun."""
    assert book.rules is not None
    out: list[Placed] = []
    for swap in book.lists["swap"]:
        if swap.get("status") != "pending":
            continue
        sid = str(swap["id"])
        start = _shift_start(book, book.week(week_of(swap["date"])), swap["date"], swap["shift"])
        if start is not None and start <= book.now:
            # a warning: a cover agreed by phone before the shift is filed afterwards, and
            # its approval, dated with --at, comes after the file (swap-after-the-fact then
            # judges it); an error would refuse the request itself
            out.append(Placed("swap", sid, Finding(
                "swap-unapproved", ("status",),
                f"班次 {start:%Y-%m-%d %H:%M} 已经开始，调班仍未批准：调班须事先经"
                f"{role_names(book, book.rules.swaps.approvers)}批准。事先电话同意的，登记批准时"
                f"用 --at 写明同意的时间（kefu approve {sid} --at 同意时间）；"
                "没批准却已调班的，请如实登记为私自调班（kefu new private-swap）；"
                f"没有调的请撤销（kefu event {sid} cancelled）。", Severity.WARNING)))
    from .pending import overdue_decisions

    return out + overdue_decisions(book, "swap")


def _shift_start(book: StaffBook, week: Week | None, day: dt.date, shift: str
                 ) -> dt.datetime | None:
    assert book.rules is not None
    if week is not None and shift in week.shifts:
        return day_start(day, week.shifts[shift].start)
    if shift in book.rules.shifts:
        return day_start(day, book.rules.shift_span(shift)[0])
    return None


def _shift_title(book: StaffBook, week: Week | None, shift: str) -> str:
    assert book.rules is not None
    if week is not None and shift in week.shifts:
        return week.shifts[shift].title
    found = book.rules.shifts.get(shift)
    return found.title if found is not None else shift


# -- leave and trips --------------------------------------------------------------------------
