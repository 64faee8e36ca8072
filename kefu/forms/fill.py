"""Values for a form from a record: complaint, DOA and work-request tickets (others are planned)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kefu.forms.registry import Form
from kefu.forms.render import Filled
from kefu.problems import KefuError
from kefu.records.ids import SHANGHAI
from kefu.records.models import ACTION_LABELS, CHANNEL_LABELS, LEVEL_LABELS, STATUS_LABELS

TZ = SHANGHAI
TICKET_FOLDER = Path("records") / "tickets"
LIST_LIMIT = 20

CHANNELS = CHANNEL_LABELS
STATUSES = STATUS_LABELS
LEVELS = LEVEL_LABELS
ACTIONS = ACTION_LABELS


@dataclass(frozen=True)
class TicketContext:
    """A ticket plus what a form prints next to it: names, dealer, the tracker's deadlines."""

    data: Mapping[str, Any]
    dealer: Mapping[str, Any] | None
    names: Mapping[str, str]
    milestones: list[Any]
    rule_titles: Mapping[str, str]
    now: dt.datetime

    def name(self, person: str | None) -> str:
        if not person:
            return ""
        return self.names.get(person, person)

    def events(self, action: str) -> list[Mapping[str, Any]]:
        return [e for e in self.data.get("events") or () if e.get("action") == action]

    def first(self, action: str) -> Mapping[str, Any] | None:
        found = self.events(action)
        return found[0] if found else None

    def note(self, action: str) -> str | None:
        """Notes of every `action` event, one per line."""
        notes = [str(e["note"]) for e in self.events(action) if e.get("note")]
        return "\n".join(notes) or None

    def at(self, action: str) -> dt.datetime | None:
        event = self.first(action)
        return event.get("at") if event else None

    def milestone(self, prefix: str) -> Any | None:
        """The first milestone whose rule id equals or starts with `prefix`."""
        return next(
            (m for m in self.milestones if m.rule == prefix or m.rule.startswith(prefix)), None
        )


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(TZ) if value is not None else None


def _day(value: dt.datetime | None) -> dt.date | None:
    local = _local(value)
    return local.date() if local is not None else None


def _due_text(ctx: TicketContext, milestone: Any | None) -> str | None:
    """`2026-03-17 17:30（一般投诉答复）`, marked 暂定 when the calendar is provisional."""
    if milestone is None:
        return None
    if milestone.due is None:
        return "未记录约定期限（agreed_due）"
    text = f"{_stamp(milestone.due)}（{ctx.rule_titles.get(milestone.rule, milestone.rule)}）"
    return text + ("（暂定：该年官方假期未公布）" if milestone.provisional else "")


def _state(ctx: TicketContext, milestone: Any) -> str:
    if milestone.due is None:
        return "待约定"
    if milestone.met_at is not None:
        return "按时完成" if milestone.met_at <= milestone.due else "超时完成"
    return "已超期" if ctx.now > milestone.due else "进行中"


def _stamp(value: dt.datetime | None) -> str:
    local = _local(value)
    return f"{local:%Y-%m-%d %H:%M}" if local is not None else ""


def _common(ctx: TicketContext, form: Form) -> dict[str, Any]:
    data, dealer = ctx.data, ctx.dealer
    values: dict[str, Any] = {
        "ticket": data.get("id"),
        "subject": data.get("title"),
        "received": _local(data.get("received")),
        "channel": CHANNELS.get(str(data.get("channel")), data.get("channel")),
        "product": data.get("product"),
        "department": data.get("department"),
        "owner": ctx.name(data.get("owner")),
        "status": STATUSES.get(str(data.get("status")), data.get("status")),
        "level": LEVELS.get(str(data.get("level"))),
    }
    if data.get("dealer"):
        company = dealer.get("company") if dealer else None
        values["dealer"] = f"{company}（{data['dealer']}）" if company else data["dealer"]
        # The contact's name only: phone, e-mail and address stay off printed forms too.
        values["contact"] = dealer.get("contact") if dealer else None
    values["events"] = [
        [
            _stamp(e.get("at")),
            ctx.name(e.get("by")),
            ACTIONS.get(str(e.get("action")), e.get("action")),
            e.get("note") or "",
        ]
        for e in data.get("events") or ()
    ]
    values["milestones"] = [
        [
            ctx.rule_titles.get(m.rule, m.rule),
            _stamp(m.start),
            _stamp(m.due) if m.due else "按约定",
            _stamp(m.met_at),
            _state(ctx, m),
        ]
        for m in ctx.milestones
    ]
    # Date fields print a date, datetime fields a time; the same value may feed both.
    for item in form.fields:
        if item.type == "date" and isinstance(values.get(item.key), dt.datetime):
            values[item.key] = values[item.key].date()
    return values


def _option(form: Form, key: str, index: int) -> str | None:
    """The `index`-th tick-box option of field `key` on this form, if the form has that field."""
    try:
        options = form.field(key).options
    except KeyError:
        return None
    return options[index] if index < len(options) else None


def _complaint(ctx: TicketContext, form: Form) -> dict[str, Any]:
    values = _common(ctx, form)
    level = str(ctx.data.get("level"))
    values["due"] = _due_text(ctx, ctx.milestone(f"complaint.{level}"))
    values["replied"] = _local(ctx.at("replied"))
    values["escalated"] = _local(ctx.at("escalated"))
    values["feedback_due"] = _due_text(ctx, ctx.milestone("complaint.dept-feedback"))
    values["detail"] = ctx.note("received")
    values["analysis"] = ctx.note("escalated")
    values["dept_opinion"] = ctx.note("dept-feedback")
    values["result"] = ctx.note("replied")
    values["compensation"] = _option(form, "compensation", 1 if level == "critical" else 0)
    return values


def _doa(ctx: TicketContext, form: Form) -> dict[str, Any]:
    values = _common(ctx, form)
    values["fault"] = ctx.note("received")
    values["approval_due"] = _due_text(ctx, ctx.milestone("doa.approval"))
    # doa.ship counts from the unit's arrival (`unit-received`), not from the application.
    values["ship_due"] = _due_text(ctx, ctx.milestone("doa.ship"))
    if values["ship_due"] is None and ctx.at("unit-received") is None:
        values["ship_due"] = "尚未收到不良品：收到后开始计时"
    values["shipping"] = ctx.note("shipped")
    return values


def _work_request(ctx: TicketContext, form: Form) -> dict[str, Any]:
    values = _common(ctx, form)
    values["submitted"] = _day(ctx.data.get("received"))
    # `department` is the ticket's target department; the letter goes from 客服部 to it.
    values["from_dept"] = "客服部"
    values["to_dept"] = ctx.data.get("department")
    values["content"] = ctx.note("received")
    values["executor"] = ctx.name(ctx.data.get("owner"))
    values["deadline"] = _local(ctx.data.get("agreed_due"))
    values["kind"] = _option(form, "kind", 0)
    values["result"] = "\n".join(filter(None, (ctx.note("replied"), ctx.note("closed")))) or None
    return values


FILLERS: dict[str, Callable[[TicketContext, Form], dict[str, Any]]] = {
    "ticket:complaint": _complaint,
    "ticket:doa": _doa,
    "ticket:work-request": _work_request,
}
"""Record kind (as in the registry's `record:`) -> values builder."""


def ticket_path(root: Path, ticket_id: str) -> Path:
    """Where the ticket file lives, as the records package places it (tickets/YYYY/MM/<id>.yml)."""
    from kefu.records.kinds import KINDS
    from kefu.records.models import TICKET_ID

    rel = KINDS["ticket"].expected_rel(ticket_id) if re.match(TICKET_ID, ticket_id) else None
    if rel is None:
        raise KefuError(
            f"「{ticket_id}」不是工单编号（格式 T-YYYYMMDD-xxxx，如 T-20260315-k7m2）。"
            + _known_tickets(root),
            slug="unknown-record",
            exit_code=2,
        )
    return root / rel


def _known_tickets(root: Path) -> str:
    names = sorted((p.stem for p in (root / TICKET_FOLDER).glob("*/*/T-*.yml")), reverse=True)
    if not names:
        return f"{TICKET_FOLDER} 下还没有工单。"
    shown = "、".join(names[:LIST_LIMIT])
    more = f" 等共 {len(names)} 个" if len(names) > LIST_LIMIT else ""
    return f"现有工单：{shown}{more}。"


def _load_ticket(
    root: Path, ticket_id: str
) -> tuple[Mapping[str, Any], Mapping[str, Any] | None, dict[str, str]]:
    from kefu.records import load

    path = ticket_path(root, ticket_id)
    if not path.is_file():
        raise KefuError(
            f"找不到工单 {ticket_id}（应在 {path.relative_to(root)}）。{_known_tickets(root)}",
            slug="unknown-record",
            exit_code=2,
        )
    people = root / "records" / "people"
    dealers = root / "records" / "dealers"
    extra = [p for p in (people, dealers) if p.is_dir()]
    result = load(root, [path, *extra])
    # Problems of other files (another ticket, a dealer) do not stop this one from printing.
    rel = path.relative_to(root).as_posix()
    errors = [p for p in result.errors if p.path == rel]
    if errors:
        lines = "\n".join(p.format() for p in errors)
        raise KefuError(
            f"工单 {ticket_id} 有错误，请先修正再打印：\n{lines}", slug="invalid-record"
        )
    ticket = next((r for r in result.of_kind("ticket") if r.id == ticket_id), None)
    if ticket is None:
        raise KefuError(
            f"无法读取工单 {ticket_id}（{path.relative_to(root)}）。", slug="invalid-record"
        )
    dealer_id = ticket.data.get("dealer")
    dealer = next((r.data for r in result.of_kind("dealer") if r.id == dealer_id), None)
    names = {r.id: str(r.data.get("name") or r.id) for r in result.of_kind("person")}
    return ticket.data, dealer, names


def fill(
    root: Path,
    form: Form,
    record_id: str,
    issued: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Filled:
    """Values for `form` from record `record_id` under `root` (records, sla.yml, calendar.yml)."""
    from kefu import sla
    from kefu.calendar import WorkCalendar

    if form.record is None or form.planned:
        why = (
            "仅提供空白表"
            if form.record is None
            else f"记录类型 {form.record} 尚未上线，暂仅提供空白表"
        )
        raise KefuError(
            f"表单 {form.key}（{form.title}）不能从记录填写：{why}。去掉 --record 可打印空白表。",
            slug="form-not-fillable",
            exit_code=2,
        )
    kind, _, wanted_type = form.record.partition(":")
    if kind != "ticket" or form.record not in FILLERS:
        raise KefuError(
            f"表单 {form.key} 的记录类型 {form.record} 还没有填写程序。",
            slug="form-not-fillable",
            exit_code=2,
        )
    data, dealer, names = _load_ticket(root, record_id)
    if data.get("type") != wanted_type:
        raise KefuError(
            f"工单 {record_id} 的类型是 {data.get('type')}，"
            f"表单 {form.key}（{form.title}）需要 {wanted_type} 工单。",
            slug="wrong-record-type",
            exit_code=2,
        )
    rules = sla.load_rules(root)
    calendar = WorkCalendar.load(root)
    ctx = TicketContext(
        data=data,
        dealer=dealer,
        names=names,
        milestones=sla.milestones(data, rules, calendar),
        rule_titles={rid: rule.title for rid, rule in rules.items()},
        now=now or dt.datetime.now(TZ),
    )
    values = FILLERS[form.record](ctx, form)
    return Filled(
        values=values, serial=str(data.get("id")), date=issued or dt.datetime.now(TZ).date()
    )
