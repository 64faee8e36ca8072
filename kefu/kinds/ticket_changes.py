"""A ticket's later files: one event, or one correction, per file in the ticket's folder.

records/tickets/2026/03/T-20260315-k7m2/ holds the ticket (T-20260315-k7m2.yml, written once,
with its first event `received`) and a file per later change, e.g.
20260316-093000-replied-k3x9.yml. Folding them, oldest first, gives the ticket as every
command sees it: its events in order, its status (derived, never written by hand), its owner
(an `assigned` event with `to` hands it over) and the corrections made since.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from kefu.records.kinds import Log, Reference
from kefu.records.model import PERSONAL, DealerId, Labels, PersonId, Stamp, Strict, Text

from .ticket_terms import (
    ACTION_LABELS,
    LEVEL_LABELS,
    REQUEST_LABELS,
    STATUS_LABELS,
    TICKET_ID,
    Level,
    Request,
    after_event,
    refuse_event,
)

CORRECTED = "corrected"
# the statuses a correction may set: closing takes a `closed` event, never a correction
Settable = Literal["open", "in-progress", "waiting"]
CHANGE_LABELS: dict[str, str] = {
    **{k: v for k, v in ACTION_LABELS.items() if k != "received"}, CORRECTED: "更正"}
ChangeAction = Literal[
    "assigned", "escalated", "dept-feedback", "replied", "inspected", "sent-to-factory",
    "returned", "approved", "unit-received", "shipped", "called-back", "note", "closed",
    "reopened", "corrected",
]


class Correction(Strict):
    """更正工单登记时写错或已经变化的内容（只写要改的字段）。"""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    title: Text | None = Field(default=None, max_length=200, description="标题")
    dealer: DealerId | None = Field(default=None, description="代理商编号")
    customer: str | None = Field(default=None, description="终端顾客姓名（个人信息）",
                                 json_schema_extra=PERSONAL)
    product: str | None = Field(default=None, description="产品型号/序列号")
    department: str | None = Field(default=None, description="责任/目标部门")
    level: Annotated[Level, Labels.of(LEVEL_LABELS)] | None = Field(
        default=None, description="投诉等级（升级或降级，仅投诉）")
    agreed_due: Stamp | None = Field(default=None, description="约定完成时间")
    fault: str | None = Field(default=None, max_length=2000, description="故障描述")
    request: Annotated[Request, Labels.of(REQUEST_LABELS)] | None = Field(
        default=None, description="DOA 申请：换新品或退货")
    taiwan: bool | None = Field(default=None, description="台湾返修（不计寄回代理商的时限）")
    status: Annotated[Settable, Labels.of({k: STATUS_LABELS[k] for k in
                                           ("open", "in-progress", "waiting")})] | None = Field(
        default=None, description="状态（待处理、处理中、等待中；结案请登记结案事件）")


class TicketChange(Strict):
    """工单的一条后续记录：一个事件或一次更正，一个文件一条，只新增，不修改。"""

    model_config = ConfigDict(extra="forbid", title="工单事件", coerce_numbers_to_str=True)

    record: str = Field(pattern=TICKET_ID, description="所属工单编号（就是所在文件夹的名称）")
    at: Stamp = Field(description="发生时间，ISO 8601 带时区，如 2026-03-16T09:30:00+08:00")
    by: PersonId = Field(description="经办人员工编号")
    action: Annotated[ChangeAction, Labels.of(CHANGE_LABELS)] = Field(description="动作")
    note: str | None = Field(default=None, description="备注（自由文本）")
    to: PersonId | None = Field(default=None,
                                description="分派给谁（assigned：工单的负责人随之改为此人）")
    correct: Correction | None = Field(default=None,
                                       description="更正的字段（action: corrected）")


def begin(ticket: dict[str, Any]) -> None:
    """The status the ticket's own events leave it in (its file never writes one)."""
    status = "open"
    for event in ticket.get("events") or ():
        status = after_event({"status": status}, str(event.get("action"))).get("status", status)
    ticket["status"] = status


def apply(ticket: dict[str, Any], change: Mapping[str, Any]) -> str | None:
    """Fold one change into the ticket, or say why it does not fit the ticket as it stands."""
    action = str(change.get("action"))
    if action == CORRECTED:
        fields = change.get("correct") or {}
        if not fields:
            return ("更正（corrected）要写 `correct:` 和要改的字段，"
                    "例如 `correct: {level: serious}`。")
        if fields.get("status") and ticket.get("status") == "closed":
            return "已结案的工单不能更正状态：对方又来反映时请登记“重新打开”（reopened）。"
        ticket.update(fields)
        return None
    if change.get("correct"):
        return "只有更正（action: corrected）才写 `correct:`。"
    refusal = refuse_event(ticket, action)
    if refusal:
        return refusal
    event = {key: change[key] for key in ("at", "by", "action", "note", "to")
             if change.get(key) is not None}
    ticket.setdefault("events", []).append(event)
    ticket.update(after_event(ticket, action))
    if action == "assigned" and change.get("to"):
        ticket["owner"] = change["to"]
    return None


def split(ticket: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A ticket as one file held it (its status written, every event in it): the ticket file
    keeps its first event; each later event becomes a change; a status the events do not lead
    to (a ticket set to 等待中 by hand) becomes a correction just after the last event."""
    import datetime as dt

    events = list(ticket.get("events") or ())
    record = {k: v for k, v in ticket.items() if k not in ("status", "events")}
    record["events"] = events[:1]
    changes = [{"record": ticket["id"], **event} for event in events[1:]]
    folded = {**record, "events": list(record["events"])}
    begin(folded)
    for change in changes:
        apply(folded, change)
    wanted = ticket.get("status")
    if wanted and wanted != folded.get("status"):
        last = events[-1]
        changes.append({"record": ticket["id"], "at": last["at"] + dt.timedelta(seconds=1),
                        "by": ticket.get("owner") or last.get("by"), "action": CORRECTED,
                        "note": "沿用原来登记的状态", "correct": {"status": wanted}})
    return record, changes


LOG = Log(TicketChange, apply, title="事件", state=("status",), begin=begin, split=split,
          references=(Reference(("by",), "person"), Reference(("to",), "person"),
                      Reference(("correct", "dealer"), "dealer")))
