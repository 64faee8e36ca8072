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
            return [relocated(group, p) for p in check(book, group)]

        return run

    return wrap


def role_names(book: StaffBook, roles: Iterable[str]) -> str:
    return "或".join(APPROVER_LABELS.get(r, r) for r in roles)


def check_approver(book: StaffBook, kind: str, record: Data, allowed: Iterable[str], slug: str,
                   what: str, applicant: str | None = None,
                   fields: tuple[str, str] = ("approver", "approved_by")) -> Iterator[Placed]:
    """The approver's role is one allowed; whoever decided may decide as it; not her own."""
    allowed = list(allowed)
    role, person = record.get(fields[0]), record.get(fields[1])
    rid = str(record["id"])
    if role is not None and role not in allowed:
        yield Placed(kind, rid, Finding(
            slug, (fields[0],), f"{what}须由{role_names(book, allowed)}批准，这里写的是"
            f"{APPROVER_LABELS.get(role, role)}：请找有权限的人审批，不得越级。"))
    yield from check_decider(book, kind, rid, role, person, applicant, fields[1])


def check_decider(book: StaffBook, kind: str, rid: str, role: str | None, person: str | None,
                  applicant: str | None, loc: str | tuple[str | int, ...]) -> Iterator[Placed]:
    """`person` may decide as `role` (kefu.staff.authority), and not on her own request."""
    from kefu.staff.authority import qualifies, recorders_text

    where = (loc,) if isinstance(loc, str) else loc
    if not person:
        return
    if applicant and person == applicant:
        yield Placed(kind, rid, Finding(
            "own-request", where, f"{book.name(person)}（{person}）不能审批自己的申请："
            "请由有权限的其他人审批。"))
        return
    if role is None or book.role(person) is None:
        return  # an unknown person: the reference check says so
    if role == "supervisor" and book.role(person) != "supervisor":
        yield Placed(kind, rid, Finding(
            "approver-not-supervisor", where,
            f"{book.name(person)}（{person}）不是客服主管，不能以客服主管身份审批："
            "请由客服主管审批。"))
    elif role != "supervisor" and qualifies(book, person, role) is None:
        label = APPROVER_LABELS.get(role, role)
        yield Placed(kind, rid, Finding(
            "decider-not-allowed", where,
            f"{book.name(person)}（{person}）不能以{label}身份审批或登记：{label}的决定由"
            f"值班与人事规则 deciders.offices 中的人作出，或由{recorders_text(book)}凭签字的"
            "申请表登记。"))


def relocated(group: Any, placed: Placed) -> Placed:
    """A finding about a field a change file set (a decision's approver) moved to that file."""
    from kefu.kinds.staff_changes import origin
    from kefu.records.kinds import KINDS

    kind = KINDS.get(placed.kind)
    found = origin(placed.finding.loc) if kind is not None and kind.changes else None
    if found is None or placed.rel is not None:
        return placed
    actions, nth, inner = found
    rels = [rel for rel in group.changes(placed.kind, placed.id)
            if actions is None or _action(rel) in actions]
    if not rels or nth >= len(rels):
        return placed
    finding = Finding(placed.finding.slug, inner, placed.finding.message,
                      placed.finding.severity)
    return Placed(placed.kind, placed.id, finding, placed.owner, rels[nth])


def _action(rel: str) -> str:
    """The action in a change file's name (20261009-150000-approved-k3x9.yml -> approved)."""
    name = rel.rpartition("/")[2].removesuffix(".yml")
    return name[16:-5]


def day_start(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), SHANGHAI) + dt.timedelta(minutes=minute)


# -- rosters ----------------------------------------------------------------------------------
