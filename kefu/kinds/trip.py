"""Business trips (出差): reviewed by the department, approved by the general manager before the
trip, handed to the front desk as the attendance record; a longer trip is applied for again on
return (`extended_to`). Files live in records/trips/YYYY/MM/, named B-<first day>-<4 characters>;
each step after the application is a file in the folder beside it (kefu.kinds.staff_logs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import ConfigDict, Field

from kefu.kinds.leave import dates_in_order
from kefu.kinds.roster import STAFF_READS, staff_across
from kefu.kinds.staff_fields import Approver, dated_id, given, id_on, new_id
from kefu.kinds.staff_logs import TRIP_LOG
from kefu.kinds.staff_rules import Lazy
from kefu.records.kinds import Creator, Finding, FormFiller, Kind, Reference
from kefu.records.model import Labels, PersonId, Stamp, Text
from kefu.staff.terms import DECISION_LABELS, Decision

TRIP_ID = dated_id("B")


class Trip(Lazy):
    """出差。"""

    model_config = ConfigDict(extra="forbid", title="出差", defer_build=True)

    id: str = Field(pattern=TRIP_ID, description="B-出发日期-4位随机码，如 B-20261124-ab12")
    person: PersonId = Field(description="出差人员工编号")
    destination: Text = Field(max_length=100, description="出差地点")
    purpose: Text = Field(max_length=500, description="出差事由")
    start: dt.date = Field(description="出发日期")
    end: dt.date = Field(description="返回日期（含）")
    transport: str | None = Field(default=None, description="交通方式")
    budget: int | None = Field(default=None, ge=0, description="预计费用（元）")
    applied: Stamp = Field(description="申请时间，ISO 8601 带时区")
    status: Annotated[Decision, Labels.of(DECISION_LABELS)] | None = Field(
        default=None, description="状态（由审批记录决定，申请文件里不写）")
    reviewed_by: PersonId | None = Field(default=None, description="部门审核人员工编号（客服主管）")
    reviewed: Stamp | None = Field(default=None, description="部门审核时间")
    approver: Approver
    approved_by: PersonId | None = Field(
        default=None, description="审批人（或登记总经理签字决定的人）员工编号")
    approved: Stamp | None = Field(default=None, description="总经理审批时间")
    front_desk: Stamp | None = Field(default=None, description="交前台登记考勤的时间")
    extended_to: dt.date | None = Field(default=None,
                                        description="实际返回晚于申请时：实际返回日期")
    extension_applied: Stamp | None = Field(default=None, description="回公司后补交申请的时间")


def approvals(trip: Any) -> Iterator[Finding]:
    """An approved trip was reviewed and approved, before it started; an extension applied for."""
    given = trip.model_fields_set
    if getattr(trip, "status", None) == "approved":
        missing = [n for n in ("reviewed_by", "reviewed", "approved") if n not in given]
        if missing:
            yield Finding("trip-unapproved", ("status",),
                          f"出差已批准，却没有写 {'、'.join(missing)}：出差须经部门审核"
                          "（reviewed_by、reviewed）、总经理审批（approved）。")
        approved, start = getattr(trip, "approved", None), getattr(trip, "start", None)
        if approved is not None and start is not None and _day(approved) > start:
            yield Finding("trip-late", ("approved",),
                          f"总经理审批时间 {approved:%Y-%m-%d %H:%M} 晚于出发日期 "
                          f"{start.isoformat()}：出差须在出发前审批。请核对时间。")
    extended, end = getattr(trip, "extended_to", None), getattr(trip, "end", None)
    if extended is not None and end is not None:
        if extended <= end:
            yield Finding("trip-extension", ("extended_to",),
                          f"实际返回日期 {extended.isoformat()} 不晚于申请的返回日期："
                          "没有超期请删除 extended_to。")
        elif "extension_applied" not in given:
            yield Finding("trip-extension", ("extended_to",),
                          "出差超期须在回公司后补交申请：请写明补交时间 extension_applied。")


def _day(value: dt.datetime) -> dt.date:
    from kefu.times import SHANGHAI

    return value.astimezone(SHANGHAI).date()


def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    start = values["start"]
    return {"id": new_id(ctx, "trip", "B", start),
            **given(values, "person", "destination", "purpose", "start"),
            "end": values.get("end") or start, **given(values, "transport", "budget"),
            "applied": values.get("applied") or ctx.now}


KIND = Kind(
    "trip", "出差记录", Trip, folder="trips",
    id_pattern=TRIP_ID[1:-1],
    id_format="B-出发日期-4 位随机码（如 B-20261124-ab12，可用 kefu new trip 生成）",
    subdir=(r"^B-(?P<y>[0-9]{4})(?P<m>[0-9]{2})", "{y}/{m}"),
    references=(Reference(("person",), "person"), Reference(("reviewed_by",), "person"),
                Reference(("approved_by",), "person")),
    checks=(dates_in_order, id_on("start", "出发日期"), approvals),
    across=staff_across(STAFF_READS, "trip_checks", "trip_timely"),
    facets=("status",),
    no_future=(("applied",),),
    creator=Creator(build=build, derived=("id", *TRIP_LOG.state), defaulted=("end", "applied"),
                    labels={"trip": "出差申请"}),
    changes=TRIP_LOG,
    forms=(FormFiller("business-trip", "kefu.staff.forms:trip", "出差记录"),),
)
