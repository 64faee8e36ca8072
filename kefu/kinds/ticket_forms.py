"""Ticket forms: the values a complaint, DOA or work-request ticket prints on its forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kefu import sla
from kefu.kinds.ticket import ACTION_LABELS, CHANNEL_LABELS, LEVEL_LABELS, STATUS_LABELS
from kefu.times import SHANGHAI


class TicketView:
    """A ticket as a form sees it: its events, its milestones, names and the dealer."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.data = ctx.data
        ws = ctx.ws
        self.milestones = sla.milestones(self.data, ws.rules, ws.calendar)
        self.rule_titles = {rid: rule.title for rid, rule in ws.rules.items()}
        self.dealer = ctx.get("dealer", self.data.get("dealer"))

    def events(self, action: str) -> list[Any]:
        return [e for e in self.data.get("events") or () if e.get("action") == action]

    def note(self, action: str) -> str | None:
        """Notes of every `action` event, one per line."""
        notes = [str(e["note"]) for e in self.events(action) if e.get("note")]
        return "\n".join(notes) or None

    def at(self, action: str) -> dt.datetime | None:
        found = self.events(action)
        return found[0].get("at") if found else None

    def milestone(self, prefix: str) -> Any | None:
        """The first milestone whose rule id equals or starts with `prefix`."""
        return next(
            (m for m in self.milestones if m.rule == prefix or m.rule.startswith(prefix)), None
        )

    def due_text(self, milestone: Any | None) -> str | None:
        """`2026-03-17 17:30（一般投诉答复）`, marked 暂定 when the calendar is provisional."""
        if milestone is None:
            return None
        if milestone.due is None:
            return "未记录约定期限（agreed_due）"
        text = f"{stamp(milestone.due)}（{self.rule_titles.get(milestone.rule, milestone.rule)}）"
        return text + ("（暂定：该年官方假期未公布）" if milestone.provisional else "")

    def state(self, milestone: Any) -> str:
        if milestone.due is None:
            return "待约定"
        if milestone.met_at is not None:
            return "按时完成" if milestone.met_at <= milestone.due else "超时完成"
        return "已超期" if self.ctx.now > milestone.due else "进行中"


def local(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(SHANGHAI) if value is not None else None


def stamp(value: dt.datetime | None) -> str:
    when = local(value)
    return f"{when:%Y-%m-%d %H:%M}" if when is not None else ""


def _common(view: TicketView, form: Any) -> dict[str, Any]:
    data, dealer, ctx = view.data, view.dealer, view.ctx
    values: dict[str, Any] = {
        "ticket": data.get("id"),
        "subject": data.get("title"),
        "received": local(data.get("received")),
        "channel": CHANNEL_LABELS.get(str(data.get("channel")), data.get("channel")),
        "product": data.get("product"),
        "department": data.get("department"),
        "owner": ctx.name(data.get("owner")),
        "status": STATUS_LABELS.get(str(data.get("status")), data.get("status")),
        "level": LEVEL_LABELS.get(str(data.get("level"))),
    }
    if data.get("dealer"):
        company = dealer.get("company") if dealer else None
        values["dealer"] = f"{company}（{data['dealer']}）" if company else data["dealer"]
        # The contact's name only, unless asked for (--with-personal, paper only): phone,
        # e-mail and address stay off printed forms and never reach the site's PDFs.
        values["contact"] = dealer.get("contact") if dealer else None
        if ctx.with_personal and dealer:
            values["phone"] = dealer.get("phone")
    if ctx.with_personal and data.get("customer"):
        values["customer"] = data.get("customer")
    values["events"] = [
        [stamp(e.get("at")), ctx.name(e.get("by")),
         ACTION_LABELS.get(str(e.get("action")), e.get("action")), e.get("note") or ""]
        for e in data.get("events") or ()
    ]
    values["milestones"] = [
        [view.rule_titles.get(m.rule, m.rule), stamp(m.start),
         stamp(m.due) if m.due else "按约定", stamp(m.met_at), view.state(m)]
        for m in view.milestones
    ]
    # Date fields print a date, datetime fields a time; the same value may feed both.
    for item in form.fields:
        if item.type == "date" and isinstance(values.get(item.key), dt.datetime):
            values[item.key] = values[item.key].date()
    return values


def _option(form: Any, key: str, index: int) -> str | None:
    """The `index`-th tick-box option of field `key` on this form, if the form has that field."""
    try:
        options = form.field(key).options
    except KeyError:
        return None
    return options[index] if index < len(options) else None


def _issued(view: TicketView) -> dt.date | None:
    """The forms' header date: the day the ticket was received (not the day it is printed)."""
    received = local(view.data.get("received"))
    return received.date() if received else None


def complaint(ctx: Any, form: Any) -> Any:
    view = TicketView(ctx)
    values = _common(view, form)
    level = str(view.data.get("level"))
    values["due"] = view.due_text(view.milestone(f"complaint.{level}"))
    values["replied"] = local(view.at("replied"))
    values["escalated"] = local(view.at("escalated"))
    values["feedback_due"] = view.due_text(view.milestone("complaint.dept-feedback"))
    values["detail"] = view.note("received")
    values["analysis"] = view.note("escalated")
    values["dept_opinion"] = view.note("dept-feedback")
    values["result"] = view.note("replied")
    # 是否要求赔偿 is the dealer's to answer: ticked only when the ticket says so (特别严重 means
    # involving compensation), never pre-ticked 否
    values["compensation"] = _option(form, "compensation", 1) if level == "critical" else None
    return ctx.filled(values, _issued(view))


def doa(ctx: Any, form: Any) -> Any:
    view = TicketView(ctx)
    values = _common(view, form)
    data = view.data
    values["fault"] = data.get("fault") or view.note("received")
    values["quantity"] = data.get("quantity")
    values["purchased"] = data.get("purchased")
    request = data.get("request")
    values["request"] = _option(form, "request", 0 if request == "exchange" else 1) \
        if request else None
    # 实物核对: the unit has arrived and was checked against the application
    values["check"] = _option(form, "check", 0) if view.at("unit-received") else None
    values["approval_due"] = view.due_text(view.milestone("doa.approval"))
    # doa.ship counts from the unit's arrival (`unit-received`), not from the application.
    values["ship_due"] = view.due_text(view.milestone("doa.ship"))
    if values["ship_due"] is None and view.at("unit-received") is None:
        values["ship_due"] = "尚未收到不良品：收到后开始计时"
    values["shipping"] = view.note("shipped")
    return ctx.filled(values, _issued(view))


def work_request(ctx: Any, form: Any) -> Any:
    view = TicketView(ctx)
    values = _common(view, form)
    received = local(view.data.get("received"))
    values["submitted"] = received.date() if received else None
    # `department` is the ticket's target department; the letter goes from this one to it.
    values["from_dept"] = ctx.ws.department
    values["to_dept"] = view.data.get("department")
    values["content"] = view.note("received")
    values["executor"] = ctx.name(view.data.get("owner"))
    values["deadline"] = local(view.data.get("agreed_due"))
    values["kind"] = _option(form, "kind", 0)
    values["result"] = "\n".join(filter(None, (view.note("replied"), view.note("closed")))) or None
    return ctx.filled(values, _issued(view))


def repair(ctx: Any, form: Any) -> Any:
    """售后服务工作单 from a repair ticket: its fault, each step taken and the outcome."""
    view = TicketView(ctx)
    values = _common(view, form)
    data = view.data
    values["number"] = data.get("id")
    dealer = values.get("dealer")
    values["customer"] = values.get("customer") or dealer  # the end customer only on request
    values["kind"] = _option(form, "kind", 0)  # 维修
    values["fault"] = data.get("fault") or view.note("received")
    steps = [e for e in data.get("events") or ()
             if e.get("action") in ("inspected", "sent-to-factory", "returned")]
    values["process"] = "\n".join(
        f"{stamp(e.get('at'))} {ACTION_LABELS.get(str(e.get('action')), e.get('action'))}"
        + (f"：{e['note']}" if e.get("note") else "") for e in steps) or None
    values["result"] = "\n".join(filter(None, (view.note("returned"), view.note("closed")))) or None
    return ctx.filled(values, _issued(view))
