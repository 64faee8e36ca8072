"""补卡 (punch corrections): a forgotten clock-in or clock-out, applied for within three days and
at most five times a month (docs/rules/attendance.md). A late one, or the sixth of a month, is
not approved (`kefu refuse`); `kefu staff` proposes the fine for it. The decision is a file in
the folder beside the application (kefu.kinds.staff_changes). Files live in
records/punches/YYYY/MM/, named P-<date of the missed punch>-<4 characters>.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from kefu.kinds.roster import staff_across
from kefu.kinds.staff_changes import PunchChange, log
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
from kefu.kinds.staff_rules import Clock, Lazy
from kefu.records.kinds import Creator, Finding, FormFiller, Kind, Reference
from kefu.records.model import PERSONAL, Labels, PersonId, Stamp
from kefu.staff.terms import DECISION_LABELS, Decision

PUNCH_ID = dated_id("P")
Which = Literal["in", "out"]
WHICH_LABELS = {"in": "上班", "out": "下班"}


class Punch(Lazy):
    """补卡申请。"""

    model_config = ConfigDict(extra="forbid", title="补卡", defer_build=True)

    id: str = Field(pattern=PUNCH_ID, description="P-漏打卡日期-4位随机码，如 P-20261124-ab12")
    person: PersonId = Field(description="申请人员工编号")
    missed: dt.date = Field(description="漏打卡日期")
    which: Annotated[Which, Labels.of(WHICH_LABELS)] = Field(description="漏打上班卡还是下班卡")
    actual: Clock | None = Field(default=None, description="实际到岗或离岗时刻 \"HH:MM\"")
    reason: str | None = Field(default=None, description="原因说明（个人信息，不上网站）",
                               json_schema_extra=PERSONAL)
    witness: PersonId | None = Field(default=None, description="证明人员工编号")
    applied: Stamp = Field(description="申请时间，ISO 8601 带时区")
    status: Annotated[Decision, Labels.of(DECISION_LABELS)] | None = Field(
        default=None, description="状态（由审批记录决定，申请文件里不写）")
    approver: Approver
    approved_by: ApprovedBy
    decided: Decided


def applied_after_missed(punch: Any) -> Iterator[Finding]:
    applied, missed = getattr(punch, "applied", None), getattr(punch, "missed", None)
    if applied is not None and missed is not None:
        from kefu.times import SHANGHAI

        if applied.astimezone(SHANGHAI).date() < missed:
            yield Finding("punch-before-missed", ("applied",),
                          f"申请时间早于漏打卡日期 {missed.isoformat()}：请核对日期。")


def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    return {"id": new_id(ctx, "punch", "P", values["missed"]),
            **given(values, "person", "missed", "which", "actual", "reason", "witness"),
            "applied": values.get("applied") or ctx.now}


KIND = Kind(
    "punch", "补卡记录", Punch, folder="punches",
    id_pattern=PUNCH_ID[1:-1],
    id_format="P-漏打卡日期-4 位随机码（如 P-20261124-ab12，可用 kefu new punch 生成）",
    subdir=(r"^P-(?P<y>[0-9]{4})(?P<m>[0-9]{2})", "{y}/{m}"),
    references=(Reference(("person",), "person"), Reference(("witness",), "person"),
                Reference(("approved_by",), "person")),
    checks=(applied_after_missed, id_on("missed", "漏打卡日期"),
            approval_given("punch-unapproved", "补卡")),
    across=staff_across(("punch", "person", "staff-rules"), "punch_checks", "punch_timely"),
    facets=("status",),
    no_future=(("applied",),),
    creator=Creator(build=build, derived=("id", "status", "approver", "approved_by", "decided"),
                    defaulted=("applied",), labels={"punch": "补卡申请"}),
    changes=log(PunchChange, (), "applied"),
    forms=(FormFiller("punch-correction", "kefu.staff.forms:punch", "补卡记录"),),
)
