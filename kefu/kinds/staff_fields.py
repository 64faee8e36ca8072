"""Fields several staff record kinds share: approvals, and the ids they are named by."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import Field

from kefu.kinds.staff_rules import ApproverRole
from kefu.records.ids import fresh_id
from kefu.records.kinds import Finding
from kefu.records.model import PersonId, Stamp
from kefu.staff.terms import APPROVER_LABELS, same_date

Approver = Annotated[ApproverRole | None, Field(
    default=None, description="审批人：supervisor（客服主管）、gm-office（总经办）或 "
                              "general-manager（总经理）")]
ApprovedBy = Annotated[PersonId | None, Field(
    default=None, description="审批人（或登记总经理、总经办签字决定的人）员工编号")]
Decided = Annotated[Stamp | None, Field(default=None, description="审批时间，ISO 8601 带时区")]


def dated_id(letter: str) -> str:
    """The id pattern `X-YYYYMMDD-4 random characters` of a staff record kind."""
    return rf"^{letter}-[0-9]{{8}}-[0-9a-z]{{4}}$"


def given(values: dict[str, Any], *names: str) -> dict[str, Any]:
    """The options among `names` that were given on the command line (for `kefu new`)."""
    return {name: values[name] for name in names if values.get(name) not in (None, False, "")}


def new_id(ctx: Any, kind: str, letter: str, day: dt.date) -> str:
    return fresh_id(f"{letter}-{day:%Y%m%d}-", lambda i: ctx.taken(kind, i))


def id_on(field: str, what: str) -> Any:
    """A check: the date in the id is the record's `field` date."""
    def check(record: Any) -> Iterator[Finding]:
        record_id, day = getattr(record, "id", None), getattr(record, field, None)
        if isinstance(day, dt.date) and not same_date(record_id, day):
            yield Finding("id-date-mismatch", ("id",),
                          f"编号中的日期 {str(record_id)[2:10]} 与{what} {day.isoformat()} 不一致："
                          "编号应为 字母-日期-4位随机码，可用 `kefu new` 生成。")
    check.__name__ = f"id_matches_{field}"
    return check


def approval_given(slug: str, what: str) -> Any:
    """A check: an approved record says who approved it and when."""
    def check(record: Any) -> Iterator[Finding]:
        if getattr(record, "status", None) != "approved":
            return
        missing = [name for name in ("approver", "decided")
                   if name not in record.model_fields_set]
        if missing:
            roles = "、".join(f"{k}（{v}）" for k, v in APPROVER_LABELS.items())
            yield Finding(slug, ("status",),
                          f"{what}已批准，却没有写{'和'.join(missing)}：审批请用 "
                          f"`kefu approve 编号` 登记，它写明以什么身份审批（approver：{roles}）"
                          "和时间。")
    check.__name__ = f"approval_of_{slug}"
    return check
