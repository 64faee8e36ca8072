"""Swaps (调班 / 顶班): one person's shift taken by another, approved before the shift.

A cover (顶班) moves the giver's shift to the taker; an exchange (调班) also gives the giver the
taker's shift on the `back` day. An approved swap changes the effective roster everywhere
(checks, `kefu roster`, pages, calendar feeds). A swap found out afterwards is recorded as it
happened with `status: private` (私自调班, `kefu new private-swap`): it changes nothing. A
colleague did cover it, so it is not the 20-yuan fine of 私自离岗未做好调班 (no cover at all),
which the supervisor records. A request's approval is a file in the folder beside it.
Files live in records/swaps/YYYY/MM/, named S-<date of the shift>-<4 characters>.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from kefu.kinds.roster import STAFF_READS, staff_across
from kefu.kinds.staff_changes import SwapChange, log
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
from kefu.kinds.staff_rules import Key, Lazy
from kefu.records.kinds import Creator, Finding, Kind, Option, Reference
from kefu.records.model import PERSONAL, Labels, PersonId, Stamp

SWAP_ID = dated_id("S")
SwapType = Literal["cover", "exchange"]
TYPE_LABELS = {"cover": "顶班", "exchange": "调班（互换）"}
Status = Literal["pending", "approved", "refused", "cancelled", "private"]
STATUS_LABELS = {"pending": "待审批", "approved": "已批准", "refused": "未批准",
                 "cancelled": "已撤销", "private": "私自调班（事后登记）"}


class Back(Lazy):
    """调班时换回的班：原值班人改上接班人的这一班。"""

    date: dt.date = Field(description="日期")
    shift: Key = Field(description="班次")


class Swap(Lazy):
    """调班或顶班。"""

    model_config = ConfigDict(extra="forbid", title="调班", defer_build=True)

    id: str = Field(pattern=SWAP_ID, description="S-班次日期-4位随机码，如 S-20261124-ab12")
    type: Annotated[SwapType, Labels.of(TYPE_LABELS)] = Field(description="顶班或调班")
    date: dt.date = Field(description="被调的班次日期")
    shift: Key = Field(description="被调的班次：day（白班）、evening（晚班）……")
    giver: PersonId = Field(description="原值班人员工编号")
    taker: PersonId = Field(description="顶班（接班）人员工编号")
    back: Back | None = Field(default=None, description="调班（互换）时，原值班人改上的那一班")
    reason: str | None = Field(default=None, description="原因（个人信息，不上网站）",
                               json_schema_extra=PERSONAL)
    requested: Stamp = Field(description="申请时间，ISO 8601 带时区")
    status: Annotated[Status, Labels.of(STATUS_LABELS)] | None = Field(
        default=None, description="状态（由审批记录决定；申请文件里不写，私自调班写 private）")
    approver: Approver
    approved_by: ApprovedBy
    decided: Decided


def consistent(swap: Any) -> Iterator[Finding]:
    giver, taker = getattr(swap, "giver", None), getattr(swap, "taker", None)
    if giver is not None and giver == taker:
        yield Finding("swap-same-person", ("taker",),
                      "顶班人与原值班人是同一个人：请写明由谁来上这一班。")
    kind, given = getattr(swap, "type", None), swap.model_fields_set
    if kind == "exchange" and "back" not in given:
        yield Finding("swap-back", ("type",),
                      "调班（exchange）要写 `back`：原值班人改上哪一天的哪一班；"
                      "只由别人顶班、不换回的，请把 type 改为 cover。")
    if kind == "cover" and "back" in given:
        yield Finding("swap-back", ("back",),
                      "顶班（cover）不换回：请删除 `back`，或把 type 改为 exchange。")


def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    from kefu.kinds.staff_rules import shift_key

    day = values["date"]
    shift = shift_key(ctx.root, str(values["shift"])) if values.get("shift") else None
    data: dict[str, Any] = {"id": new_id(ctx, "swap", "S", day),
                            "type": values.get("type") or "cover", "date": day,
                            "shift": shift, "giver": values.get("giver"),
                            "taker": values.get("taker")}
    if values.get("back_date") or values.get("back_shift"):
        back = values.get("back_shift")
        data["type"] = "exchange"
        data["back"] = {"date": _day(values.get("back_date")),
                        "shift": shift_key(ctx.root, str(back)) if back else shift}
    return {**data, **given(values, "reason"), "requested": values.get("requested") or ctx.now,
            **given(values, "status")}


def _day(text: Any) -> Any:
    from kefu.times import parse_day

    return parse_day(text, "--back-date") if isinstance(text, str) else text


KIND = Kind(
    "swap", "调班记录", Swap, folder="swaps",
    id_pattern=SWAP_ID[1:-1],
    id_format="S-班次日期-4 位随机码（如 S-20261124-ab12，可用 kefu new swap 生成）",
    subdir=(r"^S-(?P<y>[0-9]{4})(?P<m>[0-9]{2})", "{y}/{m}"),
    references=(Reference(("giver",), "person"), Reference(("taker",), "person"),
                Reference(("approved_by",), "person")),
    checks=(consistent, id_on("date", "班次日期"), approval_given("swap-unapproved", "调班")),
    across=staff_across(STAFF_READS, "swap_checks", "swap_timely"),
    facets=("status",),
    no_future=(("requested",),),
    creator=Creator(build=build,
                    derived=("id", "back", "status", "approver", "approved_by", "decided"),
                    defaulted=("type", "requested"),
                    variants={"swap": {}, "private-swap": {"status": "private"}},
                    labels={"swap": "调班申请", "private-swap": "私自调班记录（事后登记）"},
                    extra=(Option("back_date", "调班时原值班人改上的日期（YYYY-MM-DD）"),
                           Option("back_shift", "调班时原值班人改上的班次（默认同一班次）"))),
    changes=log(SwapChange, ("private",), "requested"),
)
