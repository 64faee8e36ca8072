"""Applying a submitted issue form: a new ticket through `kefu new`'s library, an event through
`kefu event`'s, and the reply to post on the issue (ticket id, next deadlines, or what to fix).

Nothing is written unless every field is right: values are converted and checked first, then the
record is made or changed by the same code as the command line, which checks the file again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kefu import times
from kefu.chars import visible
from kefu.kinds.ticket import TICKET_ID, TYPE_FIELDS, TYPE_LABELS
from kefu.privacy import mask, shapes
from kefu.problems import KefuError, Problem
from kefu.records.new import OptionSpec, commands, create
from kefu.sla import Milestone, milestones
from kefu.workspace import Workspace

from .body import detect, parse
from .forms import Field, IssueForm, forms
from .forms import _ticket_options as ticket_options
from .values import _Bad, _choice, _person, _shown, _time, _yes_no

REOPENED, ASSIGNED = "reopened", "assigned"


@dataclass(frozen=True)
class NextDeadline:
    """One deadline of the ticket after the change: open, or met by the event just added."""

    rule: str
    title: str
    term: str
    start: dt.datetime
    due: dt.datetime | None  # None: a critical complaint whose agreed date is not recorded
    met_at: dt.datetime | None
    provisional: bool


@dataclass
class IntakeResult:
    """What became of one submitted form (`ok` false: `problems` says why, nothing written)."""

    ok: bool
    form: str = ""  # new-ticket | ticket-event | "" (not one of our forms)
    record_id: str = ""
    path: str = ""  # from the repository root
    title: str = ""
    action: str = ""  # the event added (received for a new ticket)
    status: str = ""
    event: dict[str, Any] = field(default_factory=dict)
    by_name: str = ""  # the name of the event's `by`, for the reply
    deadlines: list[NextDeadline] = field(default_factory=list)
    awaiting: str = ""  # a staff request: whose decision it awaits, by when
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # said in the reply, the record written


def intake(ws: Workspace, text: str, form_key: str | None = None) -> IntakeResult:
    """Apply the issue body `text` to the repository of `ws` (form detected unless given)."""
    form = _form(form_key) if form_key else detect(text)
    if form is None:
        names = "、".join(f"“{f.name}”" for f in forms())
        return IntakeResult(False, problems=[
            f"这不是工单表单的内容：请用 {names} 表单提交（新建 issue 时选择）。"])
    values, problems = parse(text, form)
    result = IntakeResult(False, form.key)
    if problems:
        result.problems = problems
        return result
    values, result.warnings = _masked(form, values)
    try:
        from .staff import apply_staff, is_staff

        if is_staff(form.key):
            return apply_staff(ws, form, values, result)
        if form.key == "new-ticket":
            return _new_ticket(ws, form, values, result)
        return _event(ws, form, values, result)
    except _Bad as bad:
        result.problems = [str(bad)]
    except KefuError as err:
        result.problems = _lines(err.message)
    return result


# Free-text fields of the forms: a phone or ID number typed there is masked before the record
# is written (an issue is readable by every member, and a record stays in git history).
FREE_TEXT = ("title", "note", "product", "department", "fault", "destination", "purpose",
             "archive", "transport")


def _masked(form: IssueForm, values: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """`values` with personal number shapes and e-mails masked, and a warning for each field."""
    out, warnings = dict(values), []
    for item in form.fields:
        text = out.get(item.id, "")
        found = shapes(text) if item.id in FREE_TEXT and text else []
        if found:
            out[item.id] = mask(text)
            warnings.append(f"「{item.label}」里像是有{'、'.join(found)}：已在记录里打码（只留前后几位）。"
                            "issue 的内容所有能看到仓库的人都能看到，请编辑本 issue 删去原文；"
                            "个人信息不要写进表单。")
    return out, warnings


def _form(key: str) -> IssueForm:
    found = next((f for f in forms() if f.key == key), None)
    if found is None:
        raise KefuError(f"没有表单 {key}：可选 {'、'.join(f.key for f in forms())}。",
                        "bad-argument", 2)
    return found


def _lines(message: str) -> list[str]:
    """A multi-line error (`无法新建记录：\n- …`) as one problem per line."""
    lines = [line.strip().removeprefix("- ") for line in message.splitlines() if line.strip()]
    lines = lines[1:] if len(lines) > 1 and lines[0].endswith("：") else lines
    # a problem as kefu validate words it, without the file and slug a form's user cannot use
    return [re.sub(r"^\S+\.yml(:\d+:\d+)?: \[[a-z-]+\](（警告）)? ", "", line) for line in lines]


# -- a new ticket -----------------------------------------------------------------------------
def _new_ticket(ws: Workspace, form: IssueForm, values: Mapping[str, str],
                result: IntakeResult) -> IntakeResult:
    ticket_type = _choice(form.field("type"), values["type"])
    specs = ticket_options()
    given: dict[str, Any] = {}
    problems: list[str] = []
    for item in form.fields[1:]:
        text = values.get(item.id, "")
        if not text:
            continue
        try:
            given[item.id] = _value(ws, item, specs[item.id], text)
        except _Bad as bad:
            problems.append(str(bad))
    problems += _type_rules(form, ticket_type, given)
    if problems:
        result.problems = problems
        return result
    _ = (ws.rules, ws.calendar)  # loaded now: a broken sla.yml stops before writing
    warned: list[Problem] = []
    path = create(ws.root, commands()[ticket_type], given, warned=warned)
    result.warnings += [p.message for p in warned]  # said in the reply: the record stands
    from kefu.records.corpus import record

    data = record(ws.root, "ticket", path.stem) or {}
    result.ok, result.record_id, result.title = True, path.stem, str(data.get("title"))
    result.path = path.relative_to(ws.root).as_posix()
    result.action, result.status = "received", str(data.get("status"))
    result.event = _plain(data["events"][-1])
    result.by_name = ws.name(result.event.get("by"))
    result.deadlines = next_deadlines(ws, data)
    return result


def _type_rules(form: IssueForm, ticket_type: str, given: Mapping[str, Any]) -> list[str]:
    """Fields for some types only (DOA's quantity…), said with the form's labels; then levels."""
    misplaced = [form.field(name).label for name, types in TYPE_FIELDS.items()
                 if name in given and ticket_type not in types]
    if misplaced:
        kind = TYPE_LABELS.get(ticket_type, ticket_type)
        return [f"{kind}工单不填{'、'.join(f'「{m}」' for m in misplaced)}：请清空这些栏，"
                "或改正工单类型。"]
    return _level_rules(form, ticket_type, given)


def _level_rules(form: IssueForm, ticket_type: str, given: Mapping[str, Any]) -> list[str]:
    """A complaint has a level, nothing else has; a critical one has an agreed date."""
    level, agreed = form.field("level").label, form.field("agreed_due").label
    if ticket_type == "complaint" and "level" not in given:
        return [f"投诉工单必须选择「{level}」。"]
    if ticket_type != "complaint" and "level" in given:
        return [f"只有投诉工单才选「{level}」：请改为“不选”，或把工单类型改为投诉。"]
    if given.get("level") == "critical" and "agreed_due" not in given:
        return [f"特别严重的投诉没有固定时限，必须填写「{agreed}」（与对方约定的日期和时间）。"]
    received = given.get("received") or times.now()
    if "agreed_due" in given and given["agreed_due"] < received:
        shown = received.astimezone(times.SHANGHAI).strftime("%Y-%m-%d %H:%M")
        return [f"「{agreed}」早于收到时间（{shown}）：约定完成时间只能在收到之后，请核对日期。"]
    return []


# -- an event on a ticket ---------------------------------------------------------------------
def _event(ws: Workspace, form: IssueForm, values: Mapping[str, str],
           result: IntakeResult) -> IntakeResult:
    record_id = values["record_id"].strip()
    if not re.fullmatch(TICKET_ID, record_id):
        raise _Bad(f"「{form.field('record_id').label}」“{_shown(record_id)}”不是工单编号："
                   "工单编号形如 T-20260315-k7m2（见工单看板或登记时的回复）。")
    action = _choice(form.field("action"), values["action"])
    by = _person(ws, form.field("by"), values["by"])
    to = _assignee(ws, form, action, values.get("to", ""))
    at = _time(form.field("at"), values["at"]) if values.get("at") else None
    note = values.get("note") if visible(values.get("note")) else None
    if action == REOPENED and not note:
        raise _Bad(f"重新打开工单必须在「{form.field('note').label}」里写明原因"
                   "（例如代理商就同一问题再次反映）。")
    from kefu.records.events import append_event, reopen_record

    try:
        if action == REOPENED:
            assert note is not None
            done = reopen_record(ws, record_id, note, at=at, by=by)
        else:
            done = append_event(ws, record_id, action, note=note, at=at, by=by, to=to)
    except KefuError as err:
        if "[change-refused]" in err.message and _closed(ws, record_id) \
                and action not in ("note", "closed"):
            label = form.field("action").choices[action]
            raise _Bad(f"工单 {record_id} 已结案，不能再登记“{label}”。如对方又来反映同一件事，"
                       f"请重新提交“{form.name}”表单，「事件」选“重新打开”，"
                       f"并在「{form.field('note').label}」里写明原因。") from None
        raise
    result.ok, result.record_id, result.action = True, done.record_id, action
    result.path = done.path.resolve().relative_to(ws.root).as_posix()
    result.status, result.event = done.status or "", _plain(done.event)
    result.by_name = ws.name(result.event.get("by"))
    from kefu.records.corpus import record

    data = record(ws.root, "ticket", record_id) or {}
    result.title = str(data.get("title", ""))
    result.deadlines = next_deadlines(ws, data)
    return result


def _assignee(ws: Workspace, form: IssueForm, action: str, text: str) -> str | None:
    """The colleague a ticket is handed to: required by 分派, refused with any other event."""
    wanted = visible(text)
    label = form.field("action").choices.get(ASSIGNED, ASSIGNED)
    if action == ASSIGNED and not wanted:
        raise _Bad(f"选“{label}”时要在「分派给」里写明接手的同事（姓名或编号）。")
    if not wanted:
        return None
    if action != ASSIGNED:
        raise _Bad(f"「分派给」只在选“{label}”时填写；这次的事件不是分派，请清空这一栏。")
    return _person(ws, form.field("to"), text)


def _closed(ws: Workspace, record_id: str) -> bool:
    """Whether the ticket stands closed (for the form's own advice)."""
    from kefu.records.corpus import record

    return (record(ws.root, "ticket", record_id) or {}).get("status") == "closed"


# -- values -------------------------------------------------------------------------------------
def _value(ws: Workspace, item: Field, spec: OptionSpec, text: str) -> Any:
    """A field's text as `kefu new` takes the option: a code, a person id, a time, a number."""
    if spec.kind == "bool":
        return _yes_no(item, text)
    if item.choices:
        return _choice(item, text)
    if item.id in ("owner", "by"):
        return _person(ws, item, text)
    if spec.refers is not None:  # a dealer: its number or its company's name
        return _named(ws, item, spec.refers, text)
    if spec.kind == "datetime":
        return _time(item, text)
    if spec.kind == "date":
        try:
            return times.parse_day(text, f"「{item.label}」")
        except KefuError as err:
            raise _Bad(err.message) from None
    if spec.kind == "int":
        if not re.fullmatch(r"[0-9]{1,9}", text):
            raise _Bad(f"「{item.label}」要填一个整数，如 1。")
        return int(text)
    return text


def _named(ws: Workspace, item: Field, kind: str, text: str) -> str:
    """A record's id from its id or its name (星河数码 -> D-0001); the nearest ones for a miss,
    the candidates for a name that fits several."""
    from .forms import DEALERS

    try:
        return ws.resolve(kind, text, f"「{item.label}」")
    except KefuError as err:
        where = f"也可以在手册的“{DEALERS}”一页查找。" if kind == "dealer" else ""
        raise _Bad(err.message + where) from None


def _plain(event: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in event.items()}


# -- deadlines ----------------------------------------------------------------------------------
def next_deadlines(ws: Workspace, ticket: Mapping[str, Any]) -> list[NextDeadline]:
    """The ticket's open deadlines and those its last event met, soonest first."""
    events = ticket.get("events") or []
    last = events[-1].get("at") if events else None
    stones: list[Milestone] = milestones(ticket, ws.rules, ws.calendar)
    closed = ticket.get("status") == "closed"
    shown = [s for s in stones if (s.met_at is None and not closed) or
             (s.met_at is not None and s.met_at == last)]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    shown.sort(key=lambda s: (s.met_at is None, s.due or far))
    return [NextDeadline(s.rule, ws.rules[s.rule].title, ws.rules[s.rule].term_text, s.start,
                         s.due, s.met_at, s.provisional) for s in shown]
