"""A ticket's vocabulary: its types, channels, statuses, levels and actions with their Chinese
labels, what may happen to a ticket of each type, and the status an event leaves it in.

Shared by the ticket kind (kefu/kinds/ticket.py), its change files (ticket_changes.py), the
forms, the site and the reports; it imports nothing of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field

from kefu.records.model import Labels, PersonId, Stamp, Strict

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
    "assigned": "把工单交给某位同事办理时：写明交给谁（命令行 --to，表单的「分派给」），"
                "负责人随之改为此人",
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
    "taiwan": ("repair",),
}


class Event(Strict):
    """工单事件（只追加，不修改）。"""

    at: Stamp = Field(description="发生时间，ISO 8601 带时区，如 2026-03-15T10:20:00+08:00")
    by: PersonId = Field(description="经办人员工编号")
    action: Annotated[Action, Labels.of(ACTION_LABELS)] = Field(description="动作")
    note: str | None = Field(default=None, description="备注（自由文本）")
    to: PersonId | None = Field(default=None,
                                description="分派给谁（assigned：工单的负责人随之改为此人）")



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


def after_event(ticket: Mapping[str, Any], action: str) -> dict[str, Any]:
    """The status that goes with the new event (kept consistent by construction)."""
    if action == "closed":
        return {"status": "closed"}
    if action == "reopened":
        return {"status": "in-progress"}
    if ticket.get("status") == "open" and action not in ("received", "note"):
        return {"status": "in-progress"}
    return {}


def stands_closed(events: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the ticket stands closed after all its events (the last closed/reopened)."""
    closed = False
    for event in events:
        action = event.get("action")
        if action == "closed":
            closed = True
        elif action == "reopened":
            closed = False
    return closed
