"""Tickets (工单): complaints, repairs, DOA, inquiries, call-backs and work requests.

A ticket carries an append-only event log; its deadlines come from records/sla.yml.
Files live in records/tickets/YYYY/MM/, named T-<date received>-<4 random characters>.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import ConfigDict, Field

from kefu.kinds.ticket_log import log_rules
from kefu.records.ids import fresh_id
from kefu.records.kinds import Creator, Events, Finding, FormFiller, Kind, Option, Reference
from kefu.records.model import PERSONAL, DealerId, Labels, PersonId, Stamp, Strict, Text
from kefu.times import SHANGHAI

TICKET_ID = r"^T-[0-9]{8}-[0-9a-z]{4}$"

TicketType = Literal["complaint", "repair", "doa", "inquiry", "callback", "work-request"]
Channel = Literal["hotline", "email", "chat", "dealer", "walk-in"]
Status = Literal["open", "in-progress", "waiting", "closed"]
Level = Literal["normal", "serious", "critical"]
Action = Literal[
    "received", "assigned", "escalated", "dept-feedback", "replied", "inspected",
    "sent-to-factory", "returned", "approved", "unit-received", "shipped", "called-back",
    "note", "closed", "reopened",
]

# Chinese labels for the enum values, used wherever a ticket is shown (reports, site, forms).
TYPE_LABELS: dict[str, str] = {
    "complaint": "投诉", "repair": "返修", "doa": "DOA 换新", "inquiry": "咨询",
    "callback": "回访", "work-request": "部门工作提交",
}
CHANNEL_LABELS: dict[str, str] = {
    "hotline": "热线电话", "email": "电子邮件", "chat": "在线客服", "dealer": "代理商反馈",
    "walk-in": "来访",
}
STATUS_LABELS: dict[str, str] = {
    "open": "待处理", "in-progress": "处理中", "waiting": "等待中", "closed": "已结案",
}
LEVEL_LABELS: dict[str, str] = {"normal": "一般", "serious": "严重", "critical": "特别严重"}
ACTION_LABELS: dict[str, str] = {
    "received": "受理", "assigned": "分派", "escalated": "提交责任部门",
    "dept-feedback": "部门反馈",
    "replied": "答复", "inspected": "验收核对", "sent-to-factory": "寄往工厂",
    "returned": "寄回代理商", "approved": "审批通过", "unit-received": "收到不良品",
    "shipped": "发货", "called-back": "回访", "note": "备注", "closed": "结案",
    "reopened": "重新打开",
}
# When to record each event, said for an agent (the site's 工单事件与时限 page, the issue form).
ACTION_HELP: dict[str, str] = {
    "received": "收到一件事、登记成工单时（新建工单时自动记下，不用另外追加）",
    "assigned": "把工单交给某位同事办理时，备注写交给了谁",
    "escalated": "投诉要由其他部门处理、提交了内部客诉反馈函时",
    "dept-feedback": "责任部门给出书面处理意见或处理结果时",
    "replied": "把处理结果或标准回复答复给代理商或顾客时",
    "inspected": "返修品到货后核对明细和数量、检查有无人为损坏时",
    "sent-to-factory": "验收后把返修品寄往工厂维修部时，备注写快递单号",
    "returned": "修好的返修品（或 DOA 的货品）寄回代理商时，备注写快递单号",
    "approved": "DOA 申请经渠道部和产品部审核通过时",
    "unit-received": "收到代理商寄回的 DOA 不良品实物时",
    "shipped": "DOA 新品寄给代理商时，备注写快递单号",
    "called-back": "打完回访电话时，备注写回访结果",
    "note": "只记一笔情况（对方来电催问、补充材料等）",
    "closed": "事情办完、对方确认之后",
    "reopened": "已结案的工单，对方就同一件事再次反映时；必须写明原因",
}
OPEN_STATUSES = frozenset(STATUS_LABELS) - {"closed"}
Request = Literal["exchange", "refund"]
REQUEST_LABELS: dict[str, str] = {"exchange": "换新品", "refund": "退货"}
# fields that belong to some ticket types only (the others leave them out)
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "fault": ("repair", "doa"), "quantity": ("doa",), "purchased": ("doa",), "request": ("doa",),
}


class Event(Strict):
    """工单事件（只追加，不修改）。"""

    at: Stamp = Field(description="发生时间，ISO 8601 带时区，如 2026-03-15T10:20:00+08:00")
    by: PersonId = Field(description="经办人员工编号")
    action: Annotated[Action, Labels.of(ACTION_LABELS)] = Field(description="动作")
    note: str | None = Field(default=None, description="备注（自由文本）")


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
    status: Annotated[Status, Labels.of(STATUS_LABELS)] = Field(description="状态")
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
    """Events in time order, none before the ticket arrived, status agreeing with the log."""
    events = getattr(ticket, "events", None) or ()
    previous, complete, last = None, True, None
    for index, event in enumerate(events):  # one pass: this runs for every ticket
        if event is None:  # refused by the schema (reported there)
            complete = False
            continue
        if previous is not None and event.at < previous:
            yield Finding("events-order", ("events", index, "at"),
                          "事件记录只能按时间顺序追加：这一条早于上一条。"
                          "请把它移到正确位置或修正时间。")
        previous = event.at
        if event.action == "closed" or event.action == "reopened":
            last = event.action
    received = getattr(ticket, "received", None)
    first = events[0] if events else None
    if first is not None and received is not None and first.at < received:
        yield Finding("event-before-received", ("events", 0, "at"),
                      "第一条事件早于收到时间 `received`：请核对时间。")
    status = getattr(ticket, "status", None)
    if status is None or not complete:
        return
    if status == "closed" and last != "closed":
        yield Finding("closed-without-event", ("status",),
                      "状态为 closed，但事件记录里没有结案事件："
                      "请追加一条 `action: closed` 的事件。")
    elif status != "closed" and last == "closed":
        yield Finding("status-mismatch", ("status",),
                      "事件记录显示已结案（最后是 closed），但状态不是 closed："
                      "请把 status 改为 closed，或追加 reopened 事件。")


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
    data["status"] = values.get("status") or "open"
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


# What can happen to a ticket of each type (besides receiving, assigning, notes, closing and
# reopening, which happen to every one).
COMMON_ACTIONS = ("received", "assigned", "note", "closed", "reopened")
ACTIONS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "complaint": ("escalated", "dept-feedback", "replied", "called-back"),
    "repair": ("inspected", "sent-to-factory", "returned", "replied"),
    "doa": ("approved", "unit-received", "shipped", "returned", "replied"),
    "inquiry": ("escalated", "dept-feedback", "replied"),
    "callback": ("called-back", "replied"),
    "work-request": ("escalated", "dept-feedback", "replied"),
}


def refuse_event(ticket: Mapping[str, Any], action: str) -> str | None:
    """Why `action` cannot be added to this ticket now, in Chinese; None when it can."""
    kind, status = str(ticket.get("type")), ticket.get("status")
    label = ACTION_LABELS.get(action, action)
    if action == "reopened" and status != "closed":
        return "只有已结案的工单才能重新打开。"
    if action == "closed" and status == "closed":
        return "这张工单已经结案了。"
    if status == "closed" and action not in ("reopened", "note"):
        return (f"这张工单已结案，不能再登记“{label}”：如对方又来反映同一件事，"
                "请先 `kefu reopen 工单编号 --reason 原因` 重新打开。")
    if action not in COMMON_ACTIONS + ACTIONS_BY_TYPE.get(kind, ()):
        fits = "、".join(f"{a}（{ACTION_LABELS[a]}）" for a in ACTIONS_BY_TYPE.get(kind, ()))
        return (f"{TYPE_LABELS.get(kind, kind)}工单没有“{label}”这一步。"
                f"它可以登记：{fits}，以及备注、结案。")
    return None


def open_deadlines(ws: Any, ticket: Mapping[str, Any]) -> list[Any]:
    """The ticket's deadlines not yet met, soonest first (none once it is closed)."""
    from kefu.sla import dues, milestones

    if ticket.get("status") == "closed":
        return []
    return dues(milestones(ticket, ws.rules, ws.calendar), ws.rules)


def after_event(ticket: Mapping[str, Any], action: str) -> dict[str, Any]:
    """The status that goes with the new event (kept consistent by construction)."""
    if action == "closed":
        return {"status": "closed"}
    if action == "reopened":
        return {"status": "in-progress"}
    if ticket.get("status") == "open" and action not in ("received", "note"):
        return {"status": "in-progress"}
    return {}


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
    creator=Creator(
        build=build,
        variants={t: {"type": t} for t in get_args(TicketType)},
        labels={t: f"{label}工单" for t, label in TYPE_LABELS.items()},
        derived=("id", "type", "events"),
        hidden=not_offered,
        defaulted=("received", "channel", "status"),
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
