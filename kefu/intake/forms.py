"""The two GitHub issue forms, built from the ticket model: a new ticket, an event on a ticket.

The dropdowns list the Chinese labels the model declares (types, channels, levels, actions), so a
form cannot offer a value the model refuses nor miss one it accepts; `template()` writes the YAML
that GitHub reads from .github/ISSUE_TEMPLATE/ (written by `kefu init` and `kefu upgrade`,
and in kefu's own repository by scripts/github_files.py, checked by a test).
A form's fields are the options of `kefu new` (the model's scalar fields) less the ones an issue
must not hold: personal data, which every member of the repository could read there.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from kefu import times
from kefu.kinds.ticket import Event, Ticket
from kefu.records.model import field_labels
from kefu.records.new import OptionSpec, commands, options

from .fields import EARLIER_LABELS as EARLIER_LABELS
from .fields import LANDING, NO_PERSONAL, PLACEHOLDERS, TEMPLATES, Field, IssueForm, choices_of

GUIDE = "如何登记和更新工单"  # the title of the site page that explains the forms
DEALERS = "代理商名录"  # the title of the site page listing the dealers (kefu/site/dealers.py)
HEADER = ("# 由 kefu 根据记录模型生成（kefu init、kefu upgrade 写入），请勿手改："
          "升级 kefu 时会更新。\n")

PERSON_HELP = "员工编号（如 zhangmin）或姓名（如 张敏）"
TIME_HELP = f"{times.TIME_HELP}；不填则为提交本表的时间"


# Short labels for the form (the model's descriptions are written for editors and --help);
# a field not listed here is labelled with its description up to the first comma or bracket.
LABELS: dict[str, str] = {
    "type": "工单类型", "title": "标题", "owner": "负责人", "channel": "来源渠道",
    "dealer": "代理商（编号或名称）", "product": "产品型号/序列号", "department": "责任部门",
    "level": "投诉等级（仅投诉）", "agreed_due": "约定完成时间（特别严重投诉必填）",
    "received": "收到时间", "by": "受理人", "note": "情况说明",
    "record_id": "工单编号", "action": "事件", "at": "发生时间",
    "fault": "故障描述（仅返修、DOA）", "quantity": "数量（仅 DOA）",
    "purchased": "购买日期（仅 DOA）", "request": "换新还是退货（仅 DOA）",
    "taiwan": "台湾返修（仅返修）",
}
# What to write, said for an agent filling the form (a field not listed: its model description).
HINTS: dict[str, str] = {
    "title": "一句话说清是什么事，如：代理商反映新购硬盘异响（不写顾客姓名和电话）",
    "owner": f"谁负责跟进：{PERSON_HELP}",
    "channel": "怎么来的；不选时：填了代理商编号为“代理商反馈”，否则为“热线电话”",
    "dealer": "代理商编号（如 D-0001）或公司名称（如 星河数码科技有限公司，也可以只写认得出是"
              f"哪一家的一部分，如 星河数码）；编号和名称见手册“{DEALERS}”一页（在“工单看板”下）。"
              "不是代理商的事不填",
    "product": "产品型号或序列号，如 HD-2T / SN12345678",
    "department": "要交给其他部门处理时填写，如：产品部",
    "level": "只有投诉才选：一般（可沟通解决）、严重、特别严重（涉及赔偿，须填约定完成时间）",
    "agreed_due": f"特别严重的投诉与对方约定的答复时间。{times.TIME_HELP}",
    "received": f"什么时候收到的。{TIME_HELP}",
    "by": f"谁受理的，不填则为负责人：{PERSON_HELP}",
    "note": "收到时的情况：对方反映了什么、有什么要求（不要写电话、身份证号、邮箱、地址、"
            "顾客姓名等个人信息）",
    "fault": "代理商或顾客说明的故障现象，写在一行里，如：通电后异响，电脑不识别",
    "quantity": "DOA 的台数，如 1",
    "purchased": "DOA 产品的购买日期，写成 2026-03-01",
    "request": "DOA 申请换新品还是退货",
    "taiwan": "台湾返修填“是”：不计寄回代理商的 7 个工作日时限，寄回时间与代理商另行约定；其他不填",
}
# Where the new-ticket form puts the fields it knows; new model fields go before the last one.
ORDER = ("type", "title", "owner", "channel", "dealer", "product", "department", "level",
         "agreed_due", "received", "by", "note")
LEFT_OUT = {"status": "新工单总是“待处理”，之后的状态由事件决定"}
TEXTAREAS = frozenset({"note"})
# Actions an event form may add: `received` is the ticket's first event, written when it is made.
FIRST_ACTION = "received"


def _label(spec_id: str, description: str) -> str:
    return LABELS.get(spec_id) or re.split(r"[，,（(；;]", description, maxsplit=1)[0]


def _personal(name: str) -> bool:
    info = Ticket.model_fields.get(name)
    extra = info.json_schema_extra if info is not None else None
    return isinstance(extra, dict) and bool(extra.get("personal"))


def _ticket_options() -> dict[str, OptionSpec]:
    """The options of every `kefu new <ticket type>` command, by name (first seen wins)."""
    found: dict[str, OptionSpec] = {}
    for command in commands().values():
        if command.kind.name == "ticket":
            for spec in options(command):
                found.setdefault(spec.name, spec)
    return found


def _description(spec: OptionSpec) -> str:
    if spec.name in HINTS:
        return HINTS[spec.name]
    info = Ticket.model_fields.get(spec.name)
    text = info.description if info is not None and info.description else spec.help
    text = text.split("。可选：")[0].split("；时间写成")[0]
    return f"{text}。{times.TIME_HELP}" if spec.kind == "datetime" else text


def new_ticket_form() -> IssueForm:
    """The form for a new ticket: its type, then the options `kefu new` offers."""
    specs = {name: spec for name, spec in _ticket_options().items()
             if name not in LEFT_OUT and not _personal(name)}
    order = [n for n in ORDER if n in specs and n != "note"]
    order += [n for n in specs if n not in ORDER]
    order += ["note"] if "note" in specs else []
    fields = [Field("type", LABELS["type"], "dropdown", "工单类型决定适用的时限规则",
                    True, field_labels(Ticket.model_fields["type"]))]
    for name in order:
        spec = specs[name]
        choices = choices_of(spec)
        kind = "dropdown" if choices else "textarea" if name in TEXTAREAS else "input"
        fields.append(Field(name, _label(name, spec.help), kind, _description(spec),
                            spec.required, choices, PLACEHOLDERS.get(spec.kind, "")))
    return IssueForm(
        "new-ticket", "登记新工单", "登记一件投诉、返修、DOA、咨询、回访或部门工作提交",
        "[新工单] ",
        f"提交后，系统生成工单文件并检查；{LANDING}，"
        "同时在本页回复工单编号和各项时限。\n\n"
        f"{NO_PERSONAL}填写说明见手册“{GUIDE}”一页。",
        tuple(fields),
    )


def ticket_event_form() -> IssueForm:
    """The form for one event on an existing ticket (closing and reopening included)."""
    events = Event.model_fields
    actions = {code: label for code, label in field_labels(events["action"]).items()
               if code != FIRST_ACTION}
    fields = (
        Field("record_id", LABELS["record_id"], "input",
              "要更新的工单编号，如 T-20260315-k7m2（见工单看板或登记时的回复）", True,
              placeholder="T-20260315-k7m2"),
        Field("action", LABELS["action"], "dropdown",
              "发生了什么；选“重新打开”时必须在下面写明原因", True, actions),
        Field("by", "经办人", "input", f"谁办的：{PERSON_HELP}", True),
        Field("to", "分派给", "input", f"只在选“分派”时填写：接手的同事，工单的负责人随之改为此人。"
              f"{PERSON_HELP}"),
        Field("at", LABELS["at"], "input", f"{str(events['at'].description).split('，')[0]}。"
              f"{TIME_HELP}", placeholder="2026-03-16 09:30"),
        Field("note", "备注", "textarea",
              "补充说明；重新打开时写明原因（不要写电话、身份证号、顾客姓名等个人信息）"),
    )
    return IssueForm(
        "ticket-event", "更新工单（追加事件）",
        "记录工单的进展：答复、寄出、收到、结案、重新打开……",
        "[工单事件] ",
        "每提交一次，工单文件夹里新增一个事件文件；已有的文件不会被修改。"
        f"{LANDING}，并在本页回复这张工单接下来的时限。\n\n"
        f"{NO_PERSONAL}各事件的含义和对时限的影响见手册“{GUIDE}”一页。",
        fields,
    )


def forms() -> tuple[IssueForm, ...]:
    """The ticket forms, then the staff request forms (kefu.intake.staff)."""
    from .staff import staff_forms

    return (new_ticket_form(), ticket_event_form(), *staff_forms())


def template(form: IssueForm) -> str:
    """The issue form's YAML, as GitHub reads it from .github/ISSUE_TEMPLATE/."""
    body: list[dict[str, Any]] = [{"type": "markdown", "attributes": {"value": form.intro}}]
    for item in form.fields:
        attributes: dict[str, Any] = {"label": item.label}
        if item.description:
            attributes["description"] = item.description
        if item.kind == "dropdown":
            attributes["options"] = list(item.choices.values())
        elif item.placeholder:
            attributes["placeholder"] = item.placeholder
        element: dict[str, Any] = {"type": item.kind, "id": item.id, "attributes": attributes}
        if item.required:
            element["validations"] = {"required": True}
        body.append(element)
    data = {"name": form.name, "description": form.about, "title": form.title, "body": body}
    return HEADER + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                              width=10_000)


class _Dumper(yaml.SafeDumper):
    """Block style; text of several lines as a literal block, as a person would write it."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def config() -> str:
    """.github/ISSUE_TEMPLATE/config.yml: blank issues stay possible (questions, ideas)."""
    return HEADER + "blank_issues_enabled: true\n"


def files() -> dict[str, str]:
    """Every generated file under .github/ISSUE_TEMPLATE/, by path from the repository root."""
    out = {form.path: template(form) for form in forms()}
    out[str(TEMPLATES / "config.yml")] = config()
    return out
