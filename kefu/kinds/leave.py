"""Leave (请假): kind, days, applicant, approver; checked against docs/rules/leave-trips.md.

Personal leave is applied for in person at least one working day ahead; when that is not
possible, approval by phone comes first (`by_phone: true`) and the written application after.
Sick leave may be applied for by someone else. Up to three days are approved by the supervisor
(or the general manager's office), longer leave by the general manager (records/staff-rules.yml
holds the numbers). Absence without approval is recorded as `status: absent` (旷工, `kefu new
absence`): `kefu staff` proposes its fine. Files live in records/leave/YYYY/MM/, named
L-<first day>-<4 characters>; the request file holds what the applicant wrote, the decision is a
file in the folder beside it (kefu.kinds.staff_changes, `kefu approve` / `kefu refuse`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from kefu.kinds.roster import STAFF_READS, staff_across
from kefu.kinds.staff_changes import LeaveChange, log
from kefu.kinds.staff_fields import (
    ApprovedBy,
    Approver,
    Decided,
    approval_given,
    dated_id,
    given,
    id_on,
    new_id,
)
from kefu.kinds.staff_rules import Lazy
from kefu.kinds.staff_rules import Leave as LeaveKind
from kefu.records.kinds import Creator, Finding, FormFiller, Kind, Reference
from kefu.records.model import PERSONAL, Labels, PersonId, Stamp

LEAVE_ID = dated_id("L")
Status = Literal["pending", "approved", "refused", "cancelled", "absent"]
STATUS_LABELS = {"pending": "待审批", "approved": "已批准", "refused": "未批准",
                 "cancelled": "已撤销", "absent": "未经批准缺勤（旷工）"}


class Leave(Lazy):
    """请假。"""

    model_config = ConfigDict(extra="forbid", title="请假", defer_build=True)

    id: str = Field(pattern=LEAVE_ID, description="L-第一天日期-4位随机码，如 L-20261124-ab12")
    person: PersonId = Field(description="请假人员工编号")
    type: LeaveKind = Field(description="假别")
    start: dt.date = Field(description="第一天")
    end: dt.date = Field(description="最后一天（含）")
    reason: str | None = Field(default=None, description="事由（个人信息，不上网站）",
                               json_schema_extra=PERSONAL)
    cover: PersonId | None = Field(default=None, description="工作交接（顶班）人员工编号")
    applied: Stamp = Field(description="书面申请时间，ISO 8601 带时区")
    applied_by: PersonId | None = Field(
        default=None, description="代办人员工编号（只有病假可由他人代办；本人办理不写）")
    by_phone: bool = Field(default=False,
                           description="来不及提前申请、先电话请示获批（之后补交书面申请）")
    status: Annotated[Status, Labels.of(STATUS_LABELS)] | None = Field(
        default=None, description="状态（由审批记录决定；申请文件里不写，旷工写 absent）")
    approver: Approver
    approved_by: ApprovedBy
    decided: Decided


def dates_in_order(record: Any) -> Iterator[Finding]:
    start, end = getattr(record, "start", None), getattr(record, "end", None)
    if start is not None and end is not None and end < start:
        yield Finding("dates-order", ("end",),
                      f"最后一天 {end.isoformat()} 早于第一天 {start.isoformat()}：请改正。")


def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    start = values["start"]
    return {"id": new_id(ctx, "leave", "L", start),
            **given(values, "person", "type", "start"), "end": values.get("end") or start,
            **given(values, "reason", "cover"), "applied": values.get("applied") or ctx.now,
            **given(values, "applied_by", "by_phone", "status")}


KIND = Kind(
    "leave", "请假记录", Leave, folder="leave",
    id_pattern=LEAVE_ID[1:-1],
    id_format="L-第一天日期-4 位随机码（如 L-20261124-ab12，可用 kefu new leave 生成）",
    subdir=(r"^L-(?P<y>[0-9]{4})(?P<m>[0-9]{2})", "{y}/{m}"),
    references=(Reference(("person",), "person"), Reference(("cover",), "person"),
                Reference(("applied_by",), "person"), Reference(("approved_by",), "person")),
    checks=(dates_in_order, id_on("start", "第一天"), approval_given("leave-unapproved", "请假")),
    across=staff_across(STAFF_READS, "leave_checks", "leave_timely"),
    facets=("status",),
    no_future=(("applied",),),
    creator=Creator(build=build, derived=("id", "status", "approver", "approved_by", "decided"),
                    defaulted=("end", "applied", "by_phone"),
                    variants={"leave": {}, "absence": {"status": "absent"}},
                    labels={"leave": "请假申请", "absence": "旷工记录"}),
    changes=log(LeaveChange, ("absent",), "applied"),
    forms=(FormFiller("leave-application", "kefu.staff.forms:leave", "请假记录"),),
)
