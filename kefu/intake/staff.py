"""The staff request forms: 请假, 出差, 调班, 补卡 and 档案借阅, built from the `kefu new` options
of their kinds like the ticket forms (no personal field: a leave's reason is told to the supervisor,
never written into an issue), and applied through the same library as `kefu new` (checked, then
written once). The reply says who may decide and by when, and carries the record's id in a
marker that the approval workflow reads back (kefu.intake.comment): an allowed person decides by
commenting `/批准` or `/不批准 理由` on the issue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kefu import times
from kefu.problems import KefuError, Problem
from kefu.records.new import OptionSpec, commands, create, options

from .fields import LANDING, NO_PERSONAL, PLACEHOLDERS, Field, IssueForm, choices_of
from .values import _Bad, _choice, _person, _time, _yes_no

MARKER = "kefu-record"  # <!-- kefu-record: L-20261203-ab12 --> in the bot's reply


@dataclass(frozen=True)
class StaffForm:
    key: str  # leave-request …; the issue template's file name
    command: str  # the `kefu new` command it runs
    name: str
    about: str
    title: str
    order: tuple[str, ...]  # the fields, in the form's order (options of the command)
    labels: Mapping[str, str]
    hints: Mapping[str, str]


PERSON = "员工编号（如 zhangmin）或姓名（如 张敏）"
WHEN = f"{times.TIME_HELP}；不填则为提交本表的时间"
SHIFT = "白班、晚班（或 day、evening：值班与人事规则中的班次名称）"
STAFF_FORMS = (
    StaffForm("leave-request", "leave", "请假申请",
              "事假、病假、年假、调休……提前一天申请（病假可由同事代办）",
              "[请假] ", ("person", "type", "start", "end", "cover", "by_phone", "applied_by",
                         "applied"),
              {"person": "请假人", "type": "假别", "start": "第一天", "end": "最后一天",
               "cover": "工作交接（顶班）人", "by_phone": "已先电话请示获批",
               "applied_by": "代办人（只有病假可以代办）", "applied": "申请时间"},
              {"person": f"谁请假：{PERSON}", "start": "写成 2026-12-03",
               "end": "只请一天不填；写成 2026-12-04", "cover": f"请假期间谁顶班：{PERSON}。"
               "批准后，值班表里你的班自动由他顶替",
               "by_phone": "来不及提前申请、已先电话请示部门负责人并获批的选“是”",
               "applied_by": f"替生病的同事提交时填你自己：{PERSON}", "applied": WHEN}),
    StaffForm("trip-request", "trip", "出差申请",
              "出差前申请：部门审核、总经理审批后交前台作考勤依据",
              "[出差] ", ("person", "destination", "purpose", "start", "end", "transport",
                         "budget", "applied"),
              {"person": "出差人", "destination": "出差地点", "purpose": "出差事由",
               "start": "出发日期", "end": "返回日期", "transport": "交通方式",
               "budget": "预计费用（元）", "applied": "申请时间"},
              {"person": f"谁出差：{PERSON}", "start": "写成 2026-12-08",
               "end": "当天返回不填；写成 2026-12-09", "budget": "整数，如 1800",
               "applied": WHEN}),
    StaffForm("swap-request", "swap", "调班申请",
              "调班、顶班须事先申请，经客服主管（或总经办）批准",
              "[调班] ", ("giver", "taker", "type", "date", "shift", "back_date", "back_shift",
                         "requested"),
              {"giver": "原值班人", "taker": "顶班人", "type": "顶班还是调班", "date": "日期",
               "shift": "班次", "back_date": "换回的日期（仅调班）",
               "back_shift": "换回的班次（仅调班）", "requested": "申请时间"},
              {"giver": f"本来排班的人：{PERSON}", "taker": f"来上这一班的人：{PERSON}",
               "type": "只由别人顶班选顶班；两人互换班次选调班", "date": "写成 2026-12-03",
               "shift": SHIFT, "back_date": "调班时原值班人改上的日期，写成 2026-12-05",
               "back_shift": f"不填则与上面的班次相同；{SHIFT}", "requested": WHEN}),
    StaffForm("punch-request", "punch", "补卡申请",
              "忘记打卡须于 3 日内申请，每月不超过 5 次",
              "[补卡] ", ("person", "missed", "which", "actual", "witness", "applied"),
              {"person": "补卡人", "missed": "漏打卡日期", "which": "漏打哪次卡",
               "actual": "实际到岗或离岗时刻", "witness": "证明人", "applied": "申请时间"},
              {"person": f"谁漏打卡：{PERSON}", "missed": "写成 2026-11-24",
               "actual": "写成 08:25", "witness": f"谁能证明：{PERSON}", "applied": WHEN}),
    StaffForm("loan-request", "loan", "档案借阅登记",
              "借阅档案的登记；秘密档案须总经理批准后才能借出",
              "[档案借阅] ", ("archive", "category", "purpose", "borrower", "department",
                             "handler", "out", "due", "note"),
              {"archive": "档案名称或编号", "category": "档案类别", "purpose": "用途",
               "borrower": "借阅人姓名", "department": "借阅人部门", "handler": "经手人",
               "out": "借阅日期", "due": "应还日期", "note": "备注"},
              {"category": "员工个人档案不外借", "handler": f"档案管理员：{PERSON}",
               "out": "不填则为今天；写成 2026-11-25", "due": "不填则为借阅后 7 天",
               "note": "其他说明（不要写个人信息）"}),
)
TEXTAREAS = frozenset({"note"})


def _specs(form: StaffForm) -> dict[str, OptionSpec]:
    return {spec.name: spec for spec in options(commands()[form.command])}


def _personal(form: StaffForm, name: str) -> bool:
    model = commands()[form.command].kind.model
    info = model.model_fields.get(name) if model is not None else None
    extra = info.json_schema_extra if info is not None else None
    return isinstance(extra, dict) and bool(extra.get("personal"))


def issue_form(form: StaffForm) -> IssueForm:
    """The issue form of one staff request, its fields the command's options in `order`."""
    specs = _specs(form)
    fields = []
    for name in form.order:
        spec = specs[name]
        assert not _personal(form, name), name  # a form never asks for personal data
        choices = choices_of(spec)
        kind = "dropdown" if choices else "textarea" if name in TEXTAREAS else "input"
        hint = form.hints.get(name) or spec.help.split("。可选：")[0]
        fields.append(Field(name, form.labels[name], kind, hint, spec.required, choices,
                            PLACEHOLDERS.get(spec.kind, "")))
    intro = (f"提交后，系统登记这份{form.name}（{LANDING}），在本页回复编号、由谁审批和"
             f"最迟什么时候审批。有权审批的人在本页评论 `/批准`，或 `/不批准 理由`。\n\n"
             f"{NO_PERSONAL}")
    return IssueForm(form.key, form.name, form.about, form.title, intro, tuple(fields))


def staff_forms() -> tuple[IssueForm, ...]:
    return tuple(issue_form(form) for form in STAFF_FORMS)


def is_staff(key: str) -> bool:
    return any(form.key == key for form in STAFF_FORMS)


def apply_staff(ws: Any, form: IssueForm, values: Mapping[str, str], result: Any) -> Any:
    """Make the request of `form` from the body's `values` (converted, then `kefu new`'s
    create: every check first); `result` (an IntakeResult) filled for the reply."""
    spec_form = next(f for f in STAFF_FORMS if f.key == form.key)
    specs = _specs(spec_form)
    given: dict[str, Any] = {}
    problems: list[str] = []
    for item in form.fields:
        text = values.get(item.id, "")
        if not text:
            continue
        spec = specs[item.id]
        try:
            if spec.kind == "bool":
                given[item.id] = _yes_no(item, text)
            elif item.choices:
                given[item.id] = _choice(item, text)
            elif spec.refers == "person":
                given[item.id] = _person(ws, item, text)
            elif item.id in ("shift", "back_shift"):
                given[item.id] = _shift(ws, item.label, text)
            elif spec.kind == "datetime":
                given[item.id] = _time(item, text)
            elif spec.kind == "date" or item.id == "back_date":
                given[item.id] = _day(item.label, text)
            elif spec.kind == "int":
                if not text.isdigit() or len(text) > 9:
                    raise _Bad(f"「{item.label}」要填一个整数，如 1800。")
                given[item.id] = int(text)
            else:
                given[item.id] = text
        except _Bad as bad:
            problems.append(str(bad))
    if problems:
        result.problems = problems
        return result
    warned: list[Problem] = []
    path = create(ws.root, commands()[spec_form.command], given, warned=warned)
    result.warnings += [p.message for p in warned]  # said in the reply: the record stands
    record_id = path.stem
    result.ok, result.record_id = True, record_id
    result.path = path.relative_to(ws.root).as_posix()
    result.title = f"{form.name} {record_id}"
    result.awaiting = _awaiting(ws, spec_form.command, record_id)
    return result


def _day(label: str, text: str) -> Any:
    try:
        return times.parse_day(text, f"「{label}」")
    except KefuError as err:
        raise _Bad(err.message) from None


def _shift(ws: Any, label: str, text: str) -> str:
    """A shift's key from its key or its title (白班 -> day), as the staff rules name them."""
    from kefu.kinds.staff_rules import shift_named

    rules = _rules(ws)
    shifts = rules.shifts if rules is not None else {}
    found = shift_named(shifts, text)
    if found is None:
        allowed = "、".join(f"{s.title}（{key}）" for key, s in shifts.items())
        raise _Bad(f"「{label}」的“{text}”不是班次：可写 {allowed}。")
    return found


def _rules(ws: Any) -> Any:
    from kefu.kinds.staff_rules import KIND, STAFF_RULES_FILE
    from kefu.records.check import read_single

    rules, _ = read_single(KIND, ws.root / "records" / STAFF_RULES_FILE, ws.root)
    return rules


def _awaiting(ws: Any, kind: str, record_id: str) -> str:
    """`等待客服主管（王芳）审批，最迟 2026-12-02 24:00（休假开始前审批）` for the reply."""
    from kefu.staff.authority import awaiting, who_text
    from kefu.staff.book import StaffBook
    from kefu.staff.pending import STEP_TITLES, deadline_text

    try:
        book, result = StaffBook.load(ws)
    except KefuError:
        return ""
    data = next((r.data for r in result.of_kind(kind) if r.id == record_id), None)
    item = awaiting(book, kind, data) if data is not None else None
    if item is None:
        return "这份登记不需要审批。" if kind == "loan" else ""
    due = f"，最迟 {deadline_text(item.due)}（{item.term}）" if item.due else ""
    return f"等待{who_text(book, item)}{STEP_TITLES[item.step]}{due}。"

