"""Tickets (工单): complaints, repairs, DOA, inquiries, call-backs and work requests.

A ticket is a folder records/tickets/YYYY/MM/T-<date received>-<4 random characters>/ holding
the ticket file of the same name, written once with its first event, and one file per later
event or correction (kefu/kinds/ticket_changes.py); its status is the fold of its events.
Its deadlines come from records/sla.yml. The vocabulary is in kefu/kinds/ticket_terms.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, get_args

from pydantic import ConfigDict, Field

from kefu.kinds.ticket_changes import LOG
from kefu.kinds.ticket_log import log_rules
from kefu.kinds.ticket_terms import (  # re-exported: the ticket's vocabulary
    ACTION_HELP,
    ACTION_LABELS,
    ACTIONS_BY_TYPE,
    CHANNEL_LABELS,
    COMMON_ACTIONS,
    LEVEL_LABELS,
    OPEN_STATUSES,
    REQUEST_LABELS,
    STATUS_LABELS,
    TICKET_ID,
    TYPE_FIELDS,
    TYPE_LABELS,
    Action,
    Channel,
    Event,
    Level,
    Request,
    Status,
    TicketType,
    after_event,
    refuse_event,
)
from kefu.records.ids import fresh_id
from kefu.records.kinds import Creator, Events, Finding, FormFiller, Kind, Option, Reference
from kefu.records.model import PERSONAL, DealerId, Labels, PersonId, Stamp, Strict, Text
from kefu.times import SHANGHAI

__all__ = ["ACTIONS_BY_TYPE", "ACTION_HELP", "ACTION_LABELS", "CHANNEL_LABELS",
           "COMMON_ACTIONS", "KIND", "LEVEL_LABELS", "OPEN_STATUSES", "REQUEST_LABELS",
           "STATUS_LABELS", "TICKET_ID", "TYPE_FIELDS", "TYPE_LABELS", "Action", "Channel",
           "Event", "Level", "Request", "Status", "Ticket", "TicketType", "after_event",
           "refuse_event"]

# The cross-field rules of `ticket_checks`, said again for editors in the JSON Schema.
_TICKET_RULES: dict[str, Any] = {
    "allOf": [
        {
            "if": {"properties": {"type": {"const": "complaint"}}, "required": ["type"]},
            "then": {"required": ["level"]},
            "else": {"not": {"required": ["level"]}},
        },
        {
            "if": {"properties": {"level": {"const": "critical"}}, "required": ["level"]},
            "then": {"required": ["agreed_due"]},
        },
    ]
}


class Ticket(Strict):
    """工单：投诉、返修、DOA、咨询、回访、部门工作提交。"""

    model_config = ConfigDict(extra="forbid", title="工单", json_schema_extra=_TICKET_RULES)

    id: str = Field(pattern=TICKET_ID, description="T-收到日期-4位随机码，如 T-20260315-k7m2")
    type: Annotated[TicketType, Labels.of(TYPE_LABELS)] = Field(description="工单类型")
    title: Text = Field(max_length=200, description="标题")
    received: Stamp = Field(description="收到时间，ISO 8601 带时区")
    channel: Annotated[Channel, Labels.of(CHANNEL_LABELS)] = Field(description="来源渠道")
    dealer: DealerId | None = Field(default=None, description="代理商编号")
    customer: str | None = Field(
        default=None, description="终端顾客姓名（个人信息）", json_schema_extra=PERSONAL
    )
    product: str | None = Field(default=None, description="产品型号/序列号")
    department: str | None = Field(default=None, description="责任/目标部门")
    owner: PersonId = Field(description="负责人员工编号")
    status: Annotated[Status, Labels.of(STATUS_LABELS)] | None = Field(
        default=None, description="状态（由事件决定，不要手写：kefu 按事件文件算出）")
    level: Annotated[Level, Labels.of(LEVEL_LABELS)] | None = Field(
        default=None, description="投诉等级（仅投诉）")
    agreed_due: Stamp | None = Field(
        default=None, description="约定完成时间（特别严重投诉必填）"
    )
    fault: str | None = Field(default=None, max_length=2000,
                              description="故障描述（返修、DOA：代理商或顾客说明的故障现象）")
    quantity: int | None = Field(default=None, ge=1, le=10_000, description="数量（DOA）")
    purchased: dt.date | None = Field(default=None, description="购买日期（DOA），如 2026-03-01")
    request: Annotated[Request, Labels.of(REQUEST_LABELS)] | None = Field(
        default=None, description="DOA 申请：换新品或退货")
    taiwan: bool | None = Field(
        default=None, description="台湾返修（返修）：不计“工厂修复寄回代理商”的 7 个工作日时限，"
                                  "寄回时间与代理商另行约定，写在事件备注里")
    events: list[Event] = Field(min_length=1, description="事件记录（只追加）")


# -- checks a schema cannot say -------------------------------------------------------------
def cross_field(ticket: Any) -> Iterator[Finding]:
    """Complaints have a level, others none; a critical complaint has an agreed due date."""
    kind, level = getattr(ticket, "type", None), getattr(ticket, "level", None)
    given = ticket.model_fields_set  # also the fields present but invalid (see salvage)
    if kind == "complaint" and "level" not in given:
        yield Finding("missing-level", ("type",),
                      "投诉工单必须填写 `level`（normal 一般、serious 严重"
                      "或 critical 特别严重）。")
    if kind is not None and kind != "complaint" and "level" in given:
        yield Finding("level-not-complaint", ("level",),
                      "只有投诉（type: complaint）才有 `level`："
                      "请删除该字段或把类型改为 complaint。")
    if level == "critical" and "agreed_due" not in given:
        yield Finding("critical-needs-agreed-due", ("level",),
                      "特别严重投诉（level: critical）没有固定时限，必须填写与客户约定的完成时间 "
                      "`agreed_due`，例如 `agreed_due: 2026-03-30T17:30:00+08:00`。")


def type_fields(ticket: Any) -> Iterator[Finding]:
    """DOA's quantity, purchase date and request, and a fault description, only where they fit."""
    kind = getattr(ticket, "type", None)
    if kind is None:
        return
    for name, types in TYPE_FIELDS.items():
        if getattr(ticket, name, None) is not None and kind not in types:
            fits = "、".join(f"{TYPE_LABELS[t]}（{t}）" for t in types)
            yield Finding("field-not-for-type", (name,),
                          f"`{name}` 只用于{fits}工单：这张是{TYPE_LABELS.get(kind, kind)}工单，"
                          "请删除该字段或改正工单类型。")


def id_matches_date(ticket: Any) -> Iterator[Finding]:
    """The date in the id is the Beijing date received."""
    record_id, received = getattr(ticket, "id", None), getattr(ticket, "received", None)
    if record_id is None or received is None:
        return
    local = received.astimezone(SHANGHAI)
    day = f"{local.year:04d}{local.month:02d}{local.day:02d}"  # strftime costs more, per file
    if record_id[2:10] != day:
        yield Finding("id-date-mismatch", ("id",),
                      f"编号中的日期 {record_id[2:10]} 与收到时间（北京时间 {day}）不一致："
                      "编号应为 T-收到日期-4位随机码，可用 `kefu new` 生成。")


def event_log(ticket: Any) -> Iterator[Finding]:
    """Events in time order and none before the ticket arrived (the status follows from them)."""
    events = getattr(ticket, "events", None) or ()
    previous = None
    for index, event in enumerate(events):  # one pass: this runs for every ticket
        if event is None:  # refused by the schema (reported there)
            continue
        if previous is not None and event.at < previous:
            yield Finding("events-order", ("events", index, "at"),
                          "事件只能按时间先后记录：这一条早于上一条。请核对时间。")
        previous = event.at
    received = getattr(ticket, "received", None)
    first = events[0] if events else None
    if first is not None and received is not None and first.at < received:
        yield Finding("event-before-received", ("events", 0, "at"),
                      "第一条事件早于收到时间 `received`：请核对时间。")


# -- kefu new ---------------------------------------------------------------------------------
def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    """A new ticket from `kefu new <type> --title … --owner …`: its first event is `received`."""
    received = values.get("received") or ctx.now
    owner = values.get("owner", "")
    prefix = f"T-{received.astimezone(SHANGHAI):%Y%m%d}-"
    data: dict[str, Any] = {
        "id": fresh_id(prefix, lambda i: ctx.taken("ticket", i)),
        "type": values["type"],
        "title": values.get("title", ""),
        "received": received,
        "channel": values.get("channel") or ("dealer" if values.get("dealer") else "hotline"),
    }
    for name in ("dealer", "customer", "product", "department"):
        if values.get(name):
            data[name] = values[name]
    data["owner"] = owner
    for name in ("level", "agreed_due", *TYPE_FIELDS):
        if values.get(name) is not None:
            data[name] = values[name]
    event: dict[str, Any] = {"at": received, "by": values.get("by") or owner, "action": "received"}
    if values.get("note"):
        event["note"] = values["note"]
    data["events"] = [event]
    return data


def not_offered(presets: Mapping[str, Any]) -> set[str]:
    """Fields `kefu new <type>` does not offer: those of other ticket types."""
    kind = presets.get("type")
    hidden = {name for name, types in TYPE_FIELDS.items() if kind not in types}
    return hidden | ({"level", "agreed_due"} if kind != "complaint" else set())


def is_closed(data: Mapping[str, Any]) -> bool:
    return data.get("status") == "closed"


def open_deadlines(ws: Any, ticket: Mapping[str, Any]) -> list[Any]:
    """The ticket's deadlines not yet met, soonest first (none once it is closed)."""
    from kefu.sla import dues, milestones

    if ticket.get("status") == "closed":
        return []
    return dues(milestones(ticket, ws.rules, ws.calendar), ws.rules)


_FORMS = "kefu.kinds.ticket_forms:"
KIND = Kind(
    "ticket", "工单", Ticket, folder="tickets",
    id_pattern=TICKET_ID[1:-1],
    id_format="T-收到日期-4 位小写字母或数字（如 T-20260315-k7m2，可用 kefu new 生成）",
    subdir=(r"^T-(?P<y>[0-9]{4})(?P<m>[0-9]{2})[0-9]{2}-", "{y}/{m}"),
    references=(Reference(("owner",), "person"), Reference(("events", "*", "by"), "person"),
                Reference(("dealer",), "dealer")),
    checks=(cross_field, type_fields, id_matches_date, event_log, log_rules),
    facets=("type", "status"),
    no_future=(("received",), ("events", "*", "at")),
    changes=LOG,
    creator=Creator(
        build=build,
        variants={t: {"type": t} for t in get_args(TicketType)},
        labels={t: f"{label}工单" for t, label in TYPE_LABELS.items()},
        derived=("id", "type", "events", "status"),
        hidden=not_offered,
        defaulted=("received", "channel"),
        extra=(Option("note", "第一条事件（受理）的备注"),
               Option("by", "受理人员工编号或姓名（默认为负责人）", refers="person")),
    ),
    forms=(
        FormFiller("complaint-report", _FORMS + "complaint", "投诉工单", {"type": "complaint"}),
        FormFiller("dealer-complaint-feedback", _FORMS + "complaint", "投诉工单",
                   {"type": "complaint"}),
        FormFiller("internal-complaint-feedback", _FORMS + "complaint", "投诉工单",
                   {"type": "complaint"}),
        FormFiller("doa-application", _FORMS + "doa", "DOA 工单", {"type": "doa"}),
        FormFiller("work-submission", _FORMS + "work_request", "部门工作提交工单",
                   {"type": "work-request"}),
        FormFiller("service-worksheet", _FORMS + "repair", "返修工单", {"type": "repair"}),
    ),
    closed=is_closed,
    log="events",
    events=Events(refuse=refuse_event, after=after_event),
    deadlines=open_deadlines,
)
