"""What the staff checks share: the run's StaffBook, approvers, the start of a day's minute."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kefu.records.kinds import Finding, Placed
from kefu.staff.book import Data, StaffBook
from kefu.staff.terms import (
    APPROVER_LABELS,
)
from kefu.times import SHANGHAI

RULES_FILE = "records/staff-rules.yml"


def staff_book(group: Any) -> StaffBook | Placed:
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


Check = Callable[[StaffBook, Any], list[Placed]]


def staff_check(quiet: bool = False) -> Callable[[Check], Callable[[Any], list[Placed]]]:
    """An Across check of staff records, run with the run's book (and its Group) only when the
    rules are there to check by; otherwise the finding that they are not, or nothing when
    `quiet` (the `*_timely` checks: the rules' problem is reported once, by the others)."""
    def wrap(check: Check) -> Callable[[Any], list[Placed]]:
        @functools.wraps(check)
        def run(group: Any) -> list[Placed]:
            book = staff_book(group)
            if isinstance(book, Placed):
                return [] if quiet else [book]
            return check(book, group)

        return run

    return wrap


def role_names(book: StaffBook, roles: Iterable[str]) -> str:
    return "或".join(APPROVER_LABELS.get(r, r) for r in roles)


def check_approver(book: StaffBook, kind: str, record: Data, allowed: Iterable[str], slug: str,
              what: str) -> Iterator[Placed]:
    """The approver's role is one allowed; a named supervisor really is the supervisor."""
    allowed = list(allowed)
    role, person = record.get("approver"), record.get("approved_by")
    if role is not None and role not in allowed:
        yield Placed(kind, str(record["id"]), Finding(
            slug, ("approver",), f"{what}须由{role_names(book, allowed)}批准，这里写的是"
            f"{APPROVER_LABELS.get(role, role)}：请找有权限的人审批，不得越级。"))
    if role == "supervisor" and person and book.role(person) not in (None, "supervisor"):
        yield Placed(kind, str(record["id"]), Finding(
            "approver-not-supervisor", ("approved_by",),
            f"{book.name(person)}（{person}）不是客服主管，不能以客服主管身份审批："
            "请改正 approved_by。"))


def day_start(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), SHANGHAI) + dt.timedelta(minutes=minute)


# -- rosters ----------------------------------------------------------------------------------
