"""Checks of leave, trips and 补卡: who may approve, how early, how many."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from kefu.records.kinds import Finding, Placed
from kefu.staff.book import Data, StaffBook
from kefu.staff.terms import (
    LEAVE_LABELS,
)
from kefu.times import SHANGHAI

from .common import check_approver, check_decider, staff_check


@staff_check()
def leave_checks(book: StaffBook, group: Any) -> list[Placed]:
    assert book.rules is not None
    rule = book.rules.leave
    out: list[Placed] = []
    for leave in book.lists["leave"]:
        lid, status, person = str(leave["id"]), leave.get("status"), str(leave["person"])
        kind = LEAVE_LABELS.get(str(leave["type"]), str(leave["type"]))
        if status in ("approved", "refused"):
            days = book.leave_days(person, leave["start"], leave["end"])
            long = days > rule.supervisor_max_days
            allowed = rule.long_approvers if long else rule.short_approvers
            limit = f"{'超过' if long else '不超过'} {rule.supervisor_max_days} 天"
            out += check_approver(book, "leave", leave, allowed, "leave-authority",
                                  f"这次{kind}共 {days} 天（{limit}，不含休息日），", person)
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
    # 提前一天 counts calendar days: a Monday leave may be filed on Sunday (seed 001, chapter 2.7).
    need = book.rules.leave.notice_days
    deadline = leave["start"] - dt.timedelta(days=need)
    applied = leave["applied"].astimezone(SHANGHAI)
    if applied.date() <= deadline:
        return
    decided = leave.get("decided")
    if leave.get("by_phone"):
        # filed after the phone call: its approval, still to come, says when that call was
        if leave.get("status") == "pending" or (
                decided is not None and decided.astimezone(SHANGHAI).date() <= leave["start"]):
            return
        yield Placed("leave", str(leave["id"]), Finding(
            "leave-late", ("decided",),
            f"电话请示须在休假开始（{leave['start'].isoformat()}）前获批：登记批准时用 --at 写明"
            f"电话获批的时间（kefu approve {leave['id']} --at 获批时间）；"
            "没有事先获批就不来上班的，按旷工处理（kefu new absence）。"))
        return
    yield Placed("leave", str(leave["id"]), Finding(
        "leave-late", ("applied",),
        f"{kind}须至少提前 {need} 天（{deadline.isoformat()} 当天或之前）书面申请，"
        f"这份申请 {applied:%Y-%m-%d %H:%M} 才提交：来不及提前的，须先电话请示部门负责人并获批"
        "（申请时选“已先电话请示获批”，或 kefu new leave … --by-phone 是；批准时用 --at 写明获批"
        "时间），否则按旷工处理（kefu new absence）。"))


@staff_check()
def trip_checks(book: StaffBook, group: Any) -> list[Placed]:
    assert book.rules is not None
    rule = book.rules.trips
    out: list[Placed] = []
    for trip in book.lists["trip"]:
        tid, person = str(trip["id"]), str(trip["person"])
        out += check_decider(book, "trip", tid, rule.reviewer, trip.get("reviewed_by"), person,
                             "reviewed_by")
        if trip.get("approved") is not None:
            out += check_approver(book, "trip", trip, [rule.approver], "trip-authority",
                                  "出差", person)
    return out


# -- 补卡 --------------------------------------------------------------------------------------
@staff_check()
def punch_checks(book: StaffBook, group: Any) -> list[Placed]:
    assert book.rules is not None
    rule = book.rules.punches
    out: list[Placed] = []
    for punch, position, late in punch_positions(book):
        if punch.get("status") == "refused":
            out += check_approver(book, "punch", punch, rule.approvers, "punch-approver", "补卡",
                                  str(punch["person"]))
        if punch.get("status") != "approved":
            continue
        pid = str(punch["id"])
        out += check_approver(book, "punch", punch, rule.approvers, "punch-approver", "补卡",
                              str(punch["person"]))
        if late:
            out.append(Placed("punch", pid, Finding(
                "punch-late", ("applied",),
                f"补卡须在漏打卡之日起 {rule.within_days} 日内（含当天，"
                f"{_last_day(punch, rule.within_days).isoformat()} 前）申请，这份申请逾期了："
                f"逾期的补卡不予批准（按未补卡处理）：不要登记批准，改用 kefu refuse {pid} "
                "--reason 逾期申请。")))
        if position > rule.max_per_month:
            out.append(Placed("punch", pid, Finding(
                "punch-over-limit", ("status",),
                f"这是 {book.name(punch['person'])} {punch['missed']:%Y 年 %m 月}"
                f"的第 {position} 次补卡："
                f"每月最多 {rule.max_per_month} 次，第 {rule.max_per_month + 1} 次起不予批准"
                f"（docs/rules/attendance.md），按未补卡处理：不要登记批准，改用 kefu refuse {pid} "
                "--reason 超过每月补卡次数。")))
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
