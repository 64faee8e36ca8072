"""The staff kinds' checks across records (each kind's `Across` check calls one function here).

Every function takes the run's Group and returns `Placed` findings. They share one StaffBook
per run (the effective rosters are computed once). The numbers come from
records/staff-rules.yml; without a valid one nothing else is checked (its own problems, or its
absence, are what `kefu validate` reports).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from kefu.problems import Severity
from kefu.records.kinds import Finding, Placed
from kefu.staff.book import Data, StaffBook
from kefu.staff.roster import Duty, Gap, Week, coverage_gaps
from kefu.staff.terms import (
    APPROVER_LABELS,
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

RULES_FILE = "records/staff-rules.yml"


def _book(group: Any) -> StaffBook | Placed:
    """The run's book, or the finding that there are no rules to check by."""
    book = StaffBook.from_group(group)
    if book.rules is None:
        if group.exists("staff-rules", "staff-rules"):
            return Placed("staff-rules", "staff-rules", Finding(
                "staff-rules-invalid", (),
                "值班与人事规则有错误，其他值班、请假、补卡等记录暂未检查：请先改正本文件的问题。"))
        return Placed("staff-rules", "staff-rules", Finding(
            "missing-file", (),
            f"缺少值班与人事规则文件 {RULES_FILE}：值班表、请假、补卡等记录都按它检查，"
            "请从仓库历史恢复（git checkout -- records/staff-rules.yml）。"))
    return book


def _roles(book: StaffBook, roles: Iterable[str]) -> str:
    return "或".join(APPROVER_LABELS.get(r, r) for r in roles)


def _approver(book: StaffBook, kind: str, record: Data, allowed: Iterable[str], slug: str,
              what: str) -> Iterator[Placed]:
    """The approver's role is one allowed; a named supervisor really is the supervisor."""
    allowed = list(allowed)
    role, person = record.get("approver"), record.get("approved_by")
    if role is not None and role not in allowed:
        yield Placed(kind, str(record["id"]), Finding(
            slug, ("approver",), f"{what}须由{_roles(book, allowed)}批准，这里写的是"
            f"{APPROVER_LABELS.get(role, role)}：请找有权限的人审批，不得越级。"))
    if role == "supervisor" and person and book.role(person) not in (None, "supervisor"):
        yield Placed(kind, str(record["id"]), Finding(
            "approver-not-supervisor", ("approved_by",),
            f"{book.name(person)}（{person}）不是客服主管，不能以客服主管身份审批："
            "请改正 approved_by。"))


def _start(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), SHANGHAI) + dt.timedelta(minutes=minute)


# -- rosters ----------------------------------------------------------------------------------
def roster_checks(group: Any) -> list[Placed]:
    book = _book(group)
    if isinstance(book, Placed):
        return [book]
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


def roster_timely(group: Any) -> list[Placed]:
    book = _book(group)
    return [] if isinstance(book, Placed) else list(_missing_rosters(book))


def _at(week: Week, duty: Duty, *more: str | int) -> tuple[str, str, tuple[str | int, ...]]:
    """Where a duty's problem belongs: the swap that made it, else the roster cell."""
    if duty.swap is not None:
        return "swap", duty.swap, ("taker",)
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


def _overlaps(book: StaffBook, week: Week, days_of: DaysOf) -> Iterator[Placed]:
    for person, days in days_of.items():
        for day, duties in days.items():
            if len(duties) > 1:
                yield from _overlap(book, week, person, day, duties)


def _overlap(book: StaffBook, week: Week, person: str, day: dt.date,
             duties: list[Duty]) -> Iterator[Placed]:
    duties.sort(key=lambda d: (d.start, d.swap is not None))
    for earlier, later in zip(duties, duties[1:], strict=False):
        if later.start < earlier.end:
            kind, rid, loc = _at(week, later)
            what = "同一个班排了两次" if later.shift == earlier.shift else \
                f"{week.shifts[earlier.shift].title}与{week.shifts[later.shift].title}时间重叠"
            yield Placed(kind, rid, Finding(
                "shift-overlap", loc,
                f"{book.name(person)}（{person}）在 {day_text(day)} {what}"
                f"（{span_text(earlier.start, earlier.end)}"
                f" 与 {span_text(later.start, later.end)}）：一个人不能同时上两个重叠的班。"))


def _rest_days(book: StaffBook, week: Week, base: Week, days_of: DaysOf) -> Iterator[Placed]:
    assert book.rules is not None
    need = book.rules.roster.rest_days_per_week
    away = book.away
    for person, days in days_of.items():
        if 7 - len(days) >= need or 7 - sum(
                (person, day) not in away for day in days) >= need:
            continue
        base_days = {d.day for d in base.duties if d.person == person}
        added = [d for d in week.duties if d.person == person and d.swap and
                 d.day not in base_days]
        rest = f"做六休一：每周至少休息 {need} 天"
        if 7 - len(base_days) < need or not added:
            row = next((d.row for d in base.duties if d.person == person), 0)
            yield Placed("roster", week.id, Finding(
                "no-rest-day", ("staff", row, "days"),
                f"{book.name(person)}（{person}）{week.id} 这一周七天都排了班，"
                f"没有休息日（{rest}）：请安排一天 rest。"))
        else:
            yield Placed("swap", str(added[0].swap), Finding(
                "no-rest-day", ("taker",),
                f"这次调班让 {book.name(person)}（{person}）在 {week.id} 七天都上班，没有休息日"
                f"（{rest}）：请换一位顶班人，或给他另调一天休息。"))


def _on_leave(book: StaffBook, week: Week) -> Iterator[Placed]:
    for duty in week.duties:
        away = book.away.get((duty.person, duty.day))
        if away is None:
            continue
        what = "出差" if away.kind == "trip" else f"请{LEAVE_LABELS.get(away.type, '假')}"
        kind, rid, loc = _at(week, duty)
        yield Placed(kind, rid, Finding(
            "on-leave", loc,
            f"{book.name(duty.person)}（{duty.person}）{day_text(duty.day)} {what}"
            f"（{away.id}，已批准），"
            f"却排了{week.shifts[duty.shift].title}：请安排顶班（kefu new swap --date "
            f"{duty.day.isoformat()} --shift {duty.shift} --giver {duty.person} --taker …）"
            "或把这一天改为 rest。"))


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
            cause = "这次调班之后" if swaps else "扣除已批准的请假、出差之后"
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
    due = _start(monday + dt.timedelta(days=rule.due_weekday - 1), 0) + dt.timedelta(
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
def swap_checks(group: Any) -> list[Placed]:
    book = _book(group)
    if isinstance(book, Placed):
        return [book]
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
        if status == "approved":
            out += _approver(book, "swap", swap, book.rules.swaps.approvers, "swap-approver",
                             "调班")
            decided = swap.get("decided")
            if decided is not None and start is not None and decided > start:
                out.append(Placed("swap", sid, Finding(
                    "swap-after-the-fact", ("decided",),
                    f"调班在 {decided.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 才批准，晚于班次开始 "
                    f"{start:%Y-%m-%d %H:%M}：调班必须事先申请、批准（不得私自调班）。"
                    "事后发现的私自调班请写 status: private 如实登记。")))
            why = "该周还没有值班表" if week is None else week.unapplied.get(sid)
            if why:
                out.append(Placed("swap", sid, Finding(
                    "swap-not-rostered", ("giver",),
                    f"{book.name(swap['giver'])}（{swap['giver']}）在 {day_text(swap['date'])} "
                    f"没有{_shift_title(book, week, swap['shift'])}可调（{why}）："
                    "请核对日期、班次和原值班人。")))
    return out


def swap_timely(group: Any) -> list[Placed]:
    """A swap still waiting for approval when its shift has begun."""
    book = _book(group)
    if isinstance(book, Placed):
        return []
    assert book.rules is not None
    out: list[Placed] = []
    for swap in book.lists["swap"]:
        if swap.get("status") != "pending":
            continue
        sid = str(swap["id"])
        start = _shift_start(book, book.week(week_of(swap["date"])), swap["date"], swap["shift"])
        if start is not None and start <= book.now:
            out.append(Placed("swap", sid, Finding(
                "swap-unapproved", ("status",),
                f"班次 {start:%Y-%m-%d %H:%M} 已经开始，调班仍未批准：调班须事先经"
                f"{_roles(book, book.rules.swaps.approvers)}批准。"
                "已批准的请写明 approver 和 decided；"
                "没批准却已调班的，请写 status: private 如实登记；没有调的请写 cancelled。")))
    return out


def _shift_start(book: StaffBook, week: Week | None, day: dt.date, shift: str
                 ) -> dt.datetime | None:
    assert book.rules is not None
    if week is not None and shift in week.shifts:
        return _start(day, week.shifts[shift].start)
    if shift in book.rules.shifts:
        return _start(day, book.rules.shift_span(shift)[0])
    return None


def _shift_title(book: StaffBook, week: Week | None, shift: str) -> str:
    assert book.rules is not None
    if week is not None and shift in week.shifts:
        return week.shifts[shift].title
    found = book.rules.shifts.get(shift)
    return found.title if found is not None else shift


# -- leave and trips --------------------------------------------------------------------------
def leave_checks(group: Any) -> list[Placed]:
    book = _book(group)
    if isinstance(book, Placed):
        return [book]
    assert book.rules is not None
    rule = book.rules.leave
    out: list[Placed] = []
    for leave in book.lists["leave"]:
        lid, status, person = str(leave["id"]), leave.get("status"), str(leave["person"])
        kind = LEAVE_LABELS.get(str(leave["type"]), str(leave["type"]))
        if status == "approved":
            days = book.leave_days(person, leave["start"], leave["end"])
            long = days > rule.supervisor_max_days
            allowed = rule.long_approvers if long else rule.short_approvers
            limit = f"{'超过' if long else '不超过'} {rule.supervisor_max_days} 天"
            out += _approver(book, "leave", leave, allowed, "leave-authority",
                             f"这次{kind}共 {days} 天（{limit}，不含休息日），")
        proxy = leave.get("applied_by")
        if proxy and proxy != person and leave["type"] not in rule.proxy_types:
            out.append(Placed("leave", lid, Finding(
                "leave-by-proxy", ("applied_by",),
                f"{kind}必须由本人亲自办理，不能由 {book.name(proxy)} 代办（只有"
                f"{'、'.join(LEAVE_LABELS[t] for t in rule.proxy_types)}可以代办）："
                "请本人提交申请。")))
        if leave["type"] in rule.notice_types and status in ("approved", "pending"):
            out += _late_leave(book, leave, kind)
    return out


def _late_leave(book: StaffBook, leave: Data, kind: str) -> Iterator[Placed]:
    assert book.rules is not None
    need = book.rules.leave.notice_working_days
    deadline = _workdays_before(book, leave["start"], need)
    applied = leave["applied"].astimezone(SHANGHAI)
    if applied.date() <= deadline:
        return
    decided = leave.get("decided")
    if leave.get("by_phone"):
        if decided is not None and decided.astimezone(SHANGHAI).date() <= leave["start"]:
            return
        yield Placed("leave", str(leave["id"]), Finding(
            "leave-late", ("decided",),
            f"电话请示须在休假开始（{leave['start'].isoformat()}）前获批：请写明电话获批的时间 "
            "decided；没有事先获批就不来上班的，按旷工处理（status: absent）。"))
        return
    yield Placed("leave", str(leave["id"]), Finding(
        "leave-late", ("applied",),
        f"{kind}须至少提前 {need} 个工作日（{deadline.isoformat()} 当天或之前）书面申请，"
        f"这份申请 {applied:%Y-%m-%d %H:%M} 才提交：来不及提前的，须先电话请示部门负责人并获批"
        "（写 by_phone: true 和获批时间 decided），否则按旷工处理（status: absent）。"))


def _workdays_before(book: StaffBook, day: dt.date, count: int) -> dt.date:
    """The `count`-th working day before `day` (the day itself if count is 0)."""
    current = day
    for _ in range(count):
        current -= dt.timedelta(days=1)
        for _ in range(60):  # the longest run of days off is a fortnight
            if book.calendar.is_workday(current):
                break
            current -= dt.timedelta(days=1)
    return current


def trip_checks(group: Any) -> list[Placed]:
    book = _book(group)
    if isinstance(book, Placed):
        return [book]
    out: list[Placed] = []
    for trip in book.lists["trip"]:
        reviewer = trip.get("reviewed_by")
        if reviewer and book.role(reviewer) not in (None, "supervisor"):
            out.append(Placed("trip", str(trip["id"]), Finding(
                "approver-not-supervisor", ("reviewed_by",),
                f"出差由部门（客服主管）审核，{book.name(reviewer)}（{reviewer}）不是客服主管："
                "请改正 reviewed_by。")))
    return out


# -- 补卡 --------------------------------------------------------------------------------------
def punch_checks(group: Any) -> list[Placed]:
    book = _book(group)
    if isinstance(book, Placed):
        return [book]
    assert book.rules is not None
    rule = book.rules.punches
    out: list[Placed] = []
    for punch, position, late in punch_positions(book):
        if punch.get("status") != "approved":
            continue
        pid = str(punch["id"])
        out += _approver(book, "punch", punch, rule.approvers, "punch-approver", "补卡")
        if late:
            out.append(Placed("punch", pid, Finding(
                "punch-late", ("applied",),
                f"补卡须在漏打卡之日起 {rule.within_days} 日内（含当天，"
                f"{_last_day(punch, rule.within_days).isoformat()} 前）申请，这份申请逾期了："
                "逾期的补卡不予批准，请改为 status: refused（按未补卡处理）。")))
        if position > rule.max_per_month:
            out.append(Placed("punch", pid, Finding(
                "punch-over-limit", ("status",),
                f"这是 {book.name(punch['person'])} {punch['missed']:%Y 年 %m 月}"
                f"的第 {position} 次补卡："
                f"每月最多 {rule.max_per_month} 次，第 {rule.max_per_month + 1} 次起不予批准"
                "（docs/rules/attendance.md）。请改为 status: refused，按未补卡处理。")))
    return out


def _last_day(punch: Data, within: int) -> dt.date:
    return punch["missed"] + dt.timedelta(days=within - 1)


def punch_positions(book: StaffBook) -> list[tuple[Data, int, bool]]:
    """Each 补卡 application (not cancelled) with its place in the person's month and whether
    it was applied for late."""
    assert book.rules is not None
    within = book.rules.punches.within_days
    groups: dict[tuple[str, int, int], list[Data]] = {}
    for punch in book.lists["punch"]:
        if punch.get("status") == "cancelled":
            continue
        key = (str(punch["person"]), punch["missed"].year, punch["missed"].month)
        groups.setdefault(key, []).append(punch)
    out = []
    for punches in groups.values():
        punches.sort(key=lambda p: (p["missed"], p["applied"], str(p["id"])))
        for position, punch in enumerate(punches, 1):
            late = punch["applied"].astimezone(SHANGHAI).date() > _last_day(punch, within)
            out.append((punch, position, late))
    return out


# -- hand-overs -------------------------------------------------------------------------------
def handover_checks(group: Any) -> list[Placed]:
    book = _book(group)
    if isinstance(book, Placed):
        return [book]
    assert book.rules is not None
    known_shifts = set(book.rules.shifts) | {k for r in book.rosters.values()
                                             for k in (r.get("shifts") or {})}
    out: list[Placed] = []
    for record in book.lists["handover"]:
        if record["shift"] not in known_shifts:
            out.append(Placed("handover", str(record["id"]), Finding(
                "unknown-shift", ("shift",),
                f"班次 `{record['shift']}` 没有定义：可写 {'、'.join(sorted(known_shifts))}。")))
    return out + book.chain.findings


def handover_timely(group: Any) -> list[Placed]:
    """Tickets a matter names exist; matters open longer than the rules allow (as of today)."""
    book = _book(group)
    if isinstance(book, Placed):
        return []
    assert book.rules is not None
    out: list[Placed] = []
    for record in book.lists["handover"]:
        for index, matter in enumerate(record.get("matters") or ()):
            ticket = matter.get("ticket")
            if ticket and not group.exists("ticket", ticket):
                out.append(Placed("handover", str(record["id"]), Finding(
                    "unknown-ticket", ("matters", index, "ticket"),
                    f"工单 `{ticket}` 不存在于 records/tickets/：请检查编号。")))
    limit = book.rules.handovers.matter_open_days
    for matter in book.chain.open.values():
        days = (book.today - matter.since).days
        if days > limit:
            out.append(Placed("handover", matter.last, Finding(
                "matter-open-long", ("matters", matter.index),
                f"交接事项 {matter.id}「{matter.title}」自 {matter.since.isoformat()} 起已交接 "
                f"{days} 天仍未办结（超过 {limit} 天）：请接班人跟进，必要时报客服主管协调。",
                Severity.WARNING), matter.owner))
    return out


class OpenMatter:
    """A matter still open after the latest hand-over that lists it."""

    def __init__(self, matter: Data, since: dt.date, last: str, index: int, owner: str) -> None:
        self.id, self.title = str(matter["id"]), str(matter["title"])
        self.data = matter
        self.since, self.last, self.index, self.owner = since, last, index, owner
        self.handovers = 1


class Chain:
    def __init__(self) -> None:
        self.open: dict[str, OpenMatter] = {}
        self.closed: dict[str, str] = {}  # matter id -> hand-over that closed it
        self.findings: list[Placed] = []


def matter_chain(book: StaffBook) -> Chain:
    """Walk the hand-overs in time order: each must carry every matter still open."""
    chain = Chain()
    done = [h for h in book.lists["handover"] if h.get("status") == "handed-over"]
    done.sort(key=lambda h: (h["at"], str(h["id"])))
    for record in done:
        hid = str(record["id"])
        listed = {str(m["id"]): (i, m) for i, m in enumerate(record.get("matters") or ())}
        for mid in [m for m in chain.open if m not in listed]:
            matter = chain.open.pop(mid)
            chain.findings.append(Placed("handover", hid, Finding(
                "handover-dropped-matter", ("matters",),
                f"事项 {mid}「{matter.title}」在 {matter.last} 时还没有办结，本次交接却没有写："
                "未办结的事项每次交接都要照抄并写明进展；已办结的，写上结果并标 closed: true。")))
        for mid, (index, matter) in listed.items():
            if mid in chain.closed:
                chain.findings.append(Placed("handover", hid, Finding(
                    "matter-closed", ("matters", index, "id"),
                    f"事项 {mid} 已在 {chain.closed[mid]} 办结：新的问题请用新的事项编号。")))
                continue
            if matter.get("closed"):
                chain.open.pop(mid, None)
                chain.closed[mid] = hid
                continue
            previous = chain.open.get(mid)
            since = previous.since if previous else record["date"]
            entry = OpenMatter(matter, since, hid, index, str(record["incoming"]))
            entry.handovers = previous.handovers + 1 if previous else 1
            chain.open[mid] = entry
    return chain


# -- archive loans ----------------------------------------------------------------------------
def loan_checks(group: Any) -> list[Placed]:
    book = _book(group)
    if isinstance(book, Placed):
        return [book]
    assert book.rules is not None
    need = book.rules.loans.confidential_approver
    out: list[Placed] = []
    for loan in book.lists["loan"]:
        lid = str(loan["id"])
        if loan["category"] == "confidential" and (loan.get("approver") != need
                                                   or not loan.get("approved")):
            out.append(Placed("loan", lid, Finding(
                "loan-confidential", ("category",),
                f"秘密档案未经{APPROVER_LABELS[need]}批准，不准翻阅、复印、带离办公室：请写明 "
                f"approver: {need} 和批准时间 approved；没有批准的不能借出。")))
    return out


def loan_timely(group: Any) -> list[Placed]:
    """Loans past due and not returned (as of today): a warning for the handler."""
    book = _book(group)
    if isinstance(book, Placed):
        return []
    out: list[Placed] = []
    for loan in book.lists["loan"]:
        lid = str(loan["id"])
        if loan.get("returned") is None and loan["due"] < book.today:
            late = (book.today - loan["due"]).days
            out.append(Placed("loan", lid, Finding(
                "loan-overdue", ("due",),
                f"《{loan['archive']}》应于 {loan['due'].isoformat()} 归还，已超期 {late} 天"
                f"（借阅人 {loan['borrower']}）：请催还；归还后填写 returned。",
                Severity.WARNING), str(loan["handler"])))
    return out


# -- rewards and penalties --------------------------------------------------------------------
def sanction_checks(group: Any) -> list[Placed]:
    book = _book(group)
    if isinstance(book, Placed):
        return [book]
    assert book.rules is not None
    ledger = book.rules.ledger
    out: list[Placed] = []
    for record in book.lists["sanction"]:
        sid = str(record["id"])
        entry = ledger.get(str(record["rule"]))
        if entry is None:
            out.append(Placed("sanction", sid, Finding(
                "unknown-rule", ("rule",),
                f"奖惩表中没有 `{record['rule']}`：可写 {'、'.join(ledger)}"
                "（records/staff-rules.yml 的 ledger）。")))
        else:
            out += _amounts(sid, record, entry)
        year, week, _ = record["date"].isocalendar()
        for index, appeal in enumerate(record.get("appeals") or ()):
            when = appeal["at"].astimezone(SHANGHAI).date()
            if when < record["date"] or when.isocalendar()[:2] != (year, week):
                out.append(Placed("sanction", sid, Finding(
                    "appeal-late", ("appeals", index, "at"),
                    f"申诉须在公布的当周内（{record['date'].isoformat()} 所在的周）提出，这次在 "
                    f"{when.isoformat()}：逾期的申诉不再受理，请删除这一条或改正时间。")))
    return out


def sanction_timely(group: Any) -> list[Placed]:
    """The evidence names records that exist (of any kind: they are not the check's inputs)."""
    book = _book(group)
    if isinstance(book, Placed):
        return []
    out: list[Placed] = []
    for record in book.lists["sanction"]:
        for index, evidence in enumerate(record.get("evidence") or ()):
            if not group.kinds_with(evidence):
                out.append(Placed("sanction", str(record["id"]), Finding(
                    "unknown-evidence", ("evidence", index),
                    f"依据 `{evidence}` 不是已有记录的编号："
                    "请写补卡、调班、请假、工单等记录的编号。")))
    return out


def _amounts(sid: str, record: Data, entry: Any) -> Iterator[Placed]:
    amount, points = record.get("amount"), record.get("points")
    if entry.type in ("fine", "award"):
        if amount != entry.amount:
            yield Placed("sanction", sid, Finding(
                "sanction-amount", ("amount",) if amount is not None else ("rule",),
                f"「{entry.title}」按奖惩表是 {entry.amount} 元，这里写的是 "
                f"{amount if amount is not None else '（未写）'}：请写 amount: {entry.amount}。"))
    elif amount is not None:
        yield Placed("sanction", sid, Finding(
            "sanction-amount", ("amount",), f"「{entry.title}」没有金额：请删除 amount。"))
    if entry.type == "points" and not points:
        yield Placed("sanction", sid, Finding(
            "sanction-amount", ("rule",), "品牌分加减要写分值 points（加分为正，扣分为负）。"))
    if entry.type != "points" and points is not None:
        yield Placed("sanction", sid, Finding(
            "sanction-amount", ("points",), f"「{entry.title}」不计品牌分：请删除 points。"))
