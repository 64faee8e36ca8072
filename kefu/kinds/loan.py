"""Archive loans (档案借阅): date, purpose, borrower, handler, due back, returned.

Confidential archives need the general manager's approval; staff personal files (员工个人档案)
are never lent (seed 002 篇1 1.3–1.5, docs/rules/archives.md). A loan past due and not returned
is a warning for its handler (kefu overdue). Files live in records/loans/YYYY/, named
A-<date lent>-<4 characters>; the approval and the return are files in the folder beside it
(kefu.kinds.staff_logs: `kefu approve`, `kefu return`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from kefu.kinds.roster import staff_across
from kefu.kinds.staff_fields import Approver, dated_id, given, id_on, new_id
from kefu.kinds.staff_logs import LOAN_LOG
from kefu.kinds.staff_rules import Lazy
from kefu.records.kinds import Creator, Finding, FormFiller, Kind, Reference
from kefu.records.model import Labels, PersonId, Stamp, Text

LOAN_ID = dated_id("A")
Category = Literal["ordinary", "confidential", "personal"]
CATEGORY_LABELS = {"ordinary": "一般档案", "confidential": "秘密档案", "personal": "员工个人档案"}


class Loan(Lazy):
    """档案借阅登记。"""

    model_config = ConfigDict(extra="forbid", title="档案借阅", defer_build=True)

    id: str = Field(pattern=LOAN_ID, description="A-借出日期-4位随机码，如 A-20261124-ab12")
    archive: Text = Field(max_length=200, description="档案名称或编号")
    category: Annotated[Category, Labels.of(CATEGORY_LABELS)] = Field(description="档案类别")
    purpose: Text = Field(max_length=500, description="用途")
    borrower: Text = Field(max_length=50, description="借阅人姓名")
    department: str | None = Field(default=None, description="借阅人部门")
    handler: PersonId = Field(description="经手人员工编号（档案管理员）")
    out: dt.date = Field(description="借阅日期")
    due: dt.date = Field(description="应还日期")
    returned: dt.date | None = Field(default=None, description="归还日期")
    approver: Approver
    approved_by: PersonId | None = Field(
        default=None, description="批准人（或登记总经理签字决定的人）员工编号")
    approved: Stamp | None = Field(default=None,
                                   description="批准借阅的时间（秘密档案须总经理批准）")
    refused: Stamp | None = Field(default=None, description="不批准借阅的时间")
    note: str | None = Field(default=None, description="备注")


def dates(loan: Any) -> Iterator[Finding]:
    out = getattr(loan, "out", None)
    for name, what in (("due", "应还日期"), ("returned", "归还日期")):
        value = getattr(loan, name, None)
        if out is not None and value is not None and value < out:
            yield Finding("dates-order", (name,),
                          f"{what} {value.isoformat()} 早于借阅日期 {out.isoformat()}：请改正。")


def never_personal_files(loan: Any) -> Iterator[Finding]:
    if getattr(loan, "category", None) == "personal":
        yield Finding("loan-personal-file", ("category",),
                      "员工个人档案属秘密材料，他人无权翻阅，不外借（客服工作规章制度 篇1 1.5）："
                      "不能登记这次借阅。员工本人查阅自己的发展档案请找客服主管当面办理。")


def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    out = values.get("out") or ctx.now.date()
    return {"id": new_id(ctx, "loan", "A", out),
            **given(values, "archive", "category", "purpose", "borrower", "department", "handler"),
            "out": out, "due": values.get("due") or out + dt.timedelta(days=7),
            **given(values, "note")}


KIND = Kind(
    "loan", "档案借阅记录", Loan, folder="loans",
    id_pattern=LOAN_ID[1:-1],
    id_format="A-借出日期-4 位随机码（如 A-20261124-ab12，可用 kefu new loan 生成）",
    subdir=(r"^A-(?P<y>[0-9]{4})", "{y}"),
    references=(Reference(("handler",), "person"), Reference(("approved_by",), "person")),
    checks=(dates, never_personal_files, id_on("out", "借阅日期")),
    across=staff_across(("loan", "staff-rules", "person"), "loan_checks", "loan_timely"),
    creator=Creator(build=build, derived=("id", *LOAN_LOG.state), defaulted=("out", "due"),
                    labels={"loan": "档案借阅登记"}),
    changes=LOAN_LOG,
    forms=(FormFiller("archive-loan", "kefu.staff.forms:loan", "档案借阅记录"),),
)
