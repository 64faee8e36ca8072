"""Every report the commands print, in text, JSON or Markdown: one module, one Markdown escape.

`render(result, fmt)` picks the writer for the result's type; library modules build results,
the CLI prints what this module makes of them.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from kefu.problems import Problem

if TYPE_CHECKING:
    from kefu.calendar.workcal import DayInfo, Month
    from kefu.intake import IntakeResult, NextDeadline
    from kefu.overdue import Item, OverdueReport
    from kefu.pr import PrResult
    from kefu.records.events import EventResult
    from kefu.records.validate import ValidateResult
    from kefu.sla import Deadline
    from kefu.staff.report import RosterReport
    from kefu.staff.summary import StaffMonth

FORMATS = ("text", "json", "markdown")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")
PROVISIONAL_NOTE = (
    "标 * 的截止时间涉及尚未公布放假安排的年份，按法定节假日规则推算，为暂定；"
    "公布后请在 records/calendar.yml 录入。"
)
MD_HEADER = "| 状态 | 工单 | 标题 | 时限 | 截止 |"
MD_RULE = "|---|---|---|---|---|"


def render(result: Any, fmt: str = "text") -> str:
    """`result` written in `fmt` (text, json or markdown); text and Markdown without control
    characters (JSON escapes them itself)."""
    _add_module_writers()
    for cls in type(result).__mro__:
        writers = _WRITERS.get(cls.__name__)
        if writers is not None:
            writer = writers.get(fmt) or writers["text"]
            out = writer(result)
            return out if fmt == "json" else printable(out)
    raise TypeError(f"no writer for {type(result).__name__}")


# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides/isolates
# that could make a terminal or a page show text other than what the record holds
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` without the characters that steer a terminal (ANSI escapes, direction overrides)."""
    return _CONTROL.sub("", text)


def md_text(text: object) -> str:
    """Record text made inert in Markdown (and in the HTML it becomes): no markup, no pipes."""
    one_line = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def md_message(text: str) -> str:
    """A Chinese message in Markdown: its `code` spans kept as code, the rest made inert."""
    parts = re.split(r"`([^`\n]*)`", text)
    return "".join(f"`{part}`" if index % 2 else _spaced(part) for index, part in enumerate(parts))


def _spaced(text: str) -> str:
    """md_text, keeping one space where `text` began or ended with one (beside a code span)."""
    head = " " if text[:1].isspace() else ""
    tail = " " if text[-1:].isspace() and text.strip() else ""
    return head + md_text(text) + tail


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


# -- problems ---------------------------------------------------------------------------------
def problems_text(problems: Iterable[Problem]) -> str:
    return "\n".join(p.format() for p in problems)


def problems_json(problems: Iterable[Problem], **extra: object) -> str:
    return dumps({"problems": [p.to_dict() for p in problems], **extra})


def problems_markdown(problems: Iterable[Problem]) -> str:
    rows = [f"| `{md_text(p.path)}:{p.line}:{p.col}` | {p.slug} | "
            f"{'错误' if p.severity == 'error' else '警告'} | {md_text(p.message)} |"
            for p in problems]
    if not rows:
        return "没有问题。\n"
    return "\n".join(["| 位置 | 类别 | 级别 | 说明 |", "|---|---|---|---|", *rows]) + "\n"


def _validate_text(result: ValidateResult) -> str:
    lines = [problems_text(result.problems)] if result.problems else []
    verdict = "未通过" if result.failed else "通过"
    lines.append(f"校验{verdict}：{result.files} 个文件，{result.errors} 个错误"
                 f"（涉及 {result.invalid_files} 个文件），{result.warnings} 个警告。")
    return "\n".join(lines)


def _validate_json(result: ValidateResult) -> str:
    summary = {"files": result.files, "errors": result.errors, "warnings": result.warnings,
               "invalid_files": result.invalid_files, "valid": not result.failed}
    return problems_json(result.problems, summary=summary)


def _validate_markdown(result: ValidateResult) -> str:
    verdict = "未通过" if result.failed else "通过"
    head = (f"## 记录校验{verdict}\n\n{result.files} 个文件，{result.errors} 个错误"
            f"（涉及 {result.invalid_files} 个文件），{result.warnings} 个警告。\n\n")
    return head + problems_markdown(result.problems)


# -- overdue ----------------------------------------------------------------------------------
def state_text(item: Item) -> str:
    if item.overdue:
        return f"超期 {item.working_days} 个工作日"
    return "今天到期" if item.working_days == 0 else f"还剩 {item.working_days} 个工作日"


def due_text(item: Item) -> str:
    return item.due.strftime("%Y-%m-%d %H:%M") + ("*" if item.provisional else "")


def md_row(item: Item) -> str:
    """One Markdown table row of an overdue item (MD_HEADER's five cells)."""
    state = ("**超期**" if item.overdue else "即将到期") + "：" + state_text(item)
    cells = [state, f"`{item.ticket}`", md_text(item.title), md_text(item.rule_title),
             due_text(item)]
    return "| " + " | ".join(cells) + " |"


def _overdue_text(report: OverdueReport) -> str:
    from kefu.kinds.ticket import TYPE_LABELS
    from kefu.overdue import grouped

    lines = [report.summary()]
    for owner, by_type in grouped(report.items):
        lines.append(f"\n{owner}")
        for ttype, items in by_type:
            lines.append(f"  {TYPE_LABELS.get(ttype, ttype)}")
            lines += [f"    {state_text(i)}  {i.ticket}  {i.rule}（{i.rule_title}）"
                      f"截止 {due_text(i)}  {i.title}" for i in items]
    if report.provisional:
        lines.append(f"\n注：{PROVISIONAL_NOTE}")
    lines += _notices_text(report)
    return "\n".join(lines)


def _notices_text(report: OverdueReport) -> list[str]:
    """The staff warnings (rosters, loans, hand-over matters), by the person they are for."""
    if not report.notices:
        return []
    lines = [f"\n值班与人事提醒 {len(report.notices)} 项"]
    for owner, items in report.notices_by_owner():
        lines.append(f"\n{owner}")
        lines += [f"  [{n.problem.slug}] {n.problem.message}  （{n.problem.path}）" for n in items]
    return lines


def _overdue_markdown(report: OverdueReport) -> str:
    from kefu.kinds.ticket import TYPE_LABELS
    from kefu.overdue import grouped

    lines = [f"## 超期与即将到期的工作（截至 {report.today.isoformat()}）", "", report.summary()]
    if not report.items:
        lines += ["", "没有超期或即将到期的工作。"]
    for owner, by_type in grouped(report.items):
        lines += ["", f"### {md_text(owner)}"]
        for ttype, items in by_type:
            lines += ["", f"**{TYPE_LABELS.get(ttype, ttype)}**", "", MD_HEADER, MD_RULE]
            lines += [md_row(i) for i in items]
    if report.provisional:
        lines += ["", f"> 注：{PROVISIONAL_NOTE}"]
    if report.notices:
        lines += ["", f"## 值班与人事提醒（{len(report.notices)} 项）"]
        for owner, notices in report.notices_by_owner():
            lines += ["", f"### {md_text(owner)}", "", "| 类别 | 说明 | 文件 |", "|---|---|---|"]
            lines += [f"| {n.problem.slug} | {md_text(n.problem.message)} | "
                      f"`{md_text(n.problem.path)}` |" for n in notices]
    return "\n".join(lines) + "\n"


def _overdue_json(report: OverdueReport) -> str:
    """One JSON object; each item on its own line (C encoder: indent= would be ~5x slower)."""
    head = json.dumps({
        "today": report.today.isoformat(), "within": report.within,
        "overdue": len(report.overdue), "due_soon": len(report.due_soon),
        "provisional": report.provisional,
        "skipped_invalid_files": len({p.path for p in report.problems}),
        "staff_warnings": len(report.notices),
    }, ensure_ascii=False)
    rows = ",\n  ".join(json.dumps(_item(i), ensure_ascii=False) for i in report.items)
    items = f"[\n  {rows}\n]" if rows else "[]"
    notices = json.dumps([{**n.problem.to_dict(), "owner": n.owner,
                           "owner_name": report.names.get(n.owner, "")}
                          for n in report.notices], ensure_ascii=False)
    return f'{head[:-1]}, "notices": {notices}, "items": {items}}}'


def _item(item: Item) -> dict[str, Any]:
    data = dict(item.__dict__)  # flat fields: cheaper than asdict's deep copy
    data["start"], data["due"] = item.start.isoformat(), item.due.isoformat()
    data["state"] = "overdue" if item.overdue else "due-soon"
    return data


# -- check-pr ---------------------------------------------------------------------------------
def _pr_summary(result: PrResult) -> str:
    verdict = "未通过" if result.errors else "通过"
    return (f"check-pr {verdict}：与 {result.base} 的分叉点 {result.merge_base[:10]} 相比，"
            f"改动或新增 {len(result.changed)} 个记录文件，删除 {len(result.deleted)} 个；"
            f"错误 {len(result.errors)} 处。")


def _pr_text(result: PrResult) -> str:
    return "\n".join([*(p.format() for p in result.problems), _pr_summary(result)])


def _pr_json(result: PrResult) -> str:
    return dumps({"base": result.base, "merge_base": result.merge_base,
                  "changed": result.changed, "deleted": result.deleted,
                  "problems": [p.to_dict() for p in result.problems]})


def _pr_markdown(result: PrResult) -> str:
    return f"## {md_text(_pr_summary(result))}\n\n" + problems_markdown(result.problems)


# -- due and calendar -------------------------------------------------------------------------
def _deadline_text(result: Deadline) -> str:
    mark = "（暂定）" if result.provisional else ""
    return "\n".join([f"{result.rule}（{result.title}，{result.term}）",
                      f"起算：{result.start.strftime('%Y-%m-%d %H:%M')}",
                      f"截止：{result.due.strftime('%Y-%m-%d %H:%M')}{mark}"])


def _deadline_json(result: Deadline) -> str:
    return dumps({"rule": result.rule, "title": result.title, "start": result.start.isoformat(),
                  "due": result.due.isoformat(), "provisional": result.provisional,
                  "term": result.term})


def _month_text(month: Month) -> str:
    return "\n".join(_day_text(d) for d in month.days)


def _month_json(month: Month) -> str:
    return dumps({"month": month.first.strftime("%Y-%m"), "provisional": month.provisional,
                  "days": [{"date": d.date.isoformat(), "workday": d.workday, "name": d.name,
                            "source": d.source} for d in month.days]})


def _month_markdown(month: Month) -> str:
    from kefu.calendar import describe_source

    rows = [f"| {d.date.isoformat()} | {d.weekday_name} | {d.state} | {md_text(d.name)} | "
            f"{md_text(describe_source(d))} |" for d in month.days]
    head = ["| 日期 | 星期 | 安排 | 说明 | 依据 |", "|---|---|---|---|---|"]
    return "\n".join([*head, *rows]) + "\n"


# -- staff: kefu roster, kefu staff -----------------------------------------------------------
def _roster_text(report: RosterReport) -> str:
    from kefu.staff.terms import WEEKDAYS, week_span

    lines = [f"值班表 {week_span(report.week)}（已应用已批准的调班，标出已批准的请假和出差）",
             "值守要求：" + "；".join(report.channels), "", "按日期"]
    for day in report.days:
        lines.append(f"{day.date.isoformat()} {day.weekday}（{day.calendar}）")
        for shift in day.shifts:
            lines.append(f"  {shift.title} {shift.span}：{'、'.join(shift.people) or '（无人）'}")
        if day.away:
            lines.append("  请假/出差：" + "、".join(f"{n}（{w}）" for n, w in day.away))
    width = max([len(p.name) for p in report.people] + [2])
    lines += ["", "按人员", "  " + "姓名".ljust(width + 2, "　")[:width] + "  "
              + "  ".join(WEEKDAYS)]
    for person in report.people:
        cells = "  ".join(c.ljust(2, "　")[:2] if len(c) <= 2 else c for c in person.cells)
        lines.append(f"  {person.name.ljust(width, '　')}  {cells}")
    if report.swaps:
        lines += ["", "已应用的调班"] + [f"  {s}" for s in report.swaps]
    lines += ["", "问题" if report.problems else "没有问题。"]
    lines += [f"  {p.format()}" for p in report.problems]
    return "\n".join(lines)


def _roster_json(report: RosterReport) -> str:
    return dumps({
        "week": report.week, "channels": report.channels,
        "days": [{"date": d.date.isoformat(), "weekday": d.weekday, "workday": d.workday,
                  "calendar": d.calendar,
                  "shifts": [{"key": s.key, "title": s.title, "time": s.span,
                              "people": list(s.people)} for s in d.shifts],
                  "away": [{"name": n, "type": w} for n, w in d.away]} for d in report.days],
        "people": [{"id": p.id, "name": p.name, "days": list(p.cells)} for p in report.people],
        "swaps": report.swaps, "errors": report.errors,
        "problems": [p.to_dict() for p in report.problems]})


def _roster_markdown(report: RosterReport) -> str:
    from kefu.staff.terms import WEEKDAYS, week_span

    lines = [f"## 值班表 {week_span(report.week)}", "",
             "| 日期 | " + " | ".join(s.title for s in report.days[0].shifts) + " | 请假/出差 |",
             "|---|" + "---|" * (len(report.days[0].shifts) + 1)]
    for day in report.days:
        cells = ["、".join(map(md_text, s.people)) or "—" for s in day.shifts]
        away = "、".join(md_text(f"{n}（{w}）") for n, w in day.away) or "—"
        lines.append(f"| {day.date.isoformat()} {day.weekday} | " + " | ".join(cells)
                     + f" | {away} |")
    lines += ["", "| 姓名 | " + " | ".join(WEEKDAYS) + " |", "|---|" + "---|" * 7]
    lines += [f"| {md_text(p.name)} | " + " | ".join(p.cells) + " |" for p in report.people]
    if report.swaps:
        lines += ["", *(f"- {md_text(s)}" for s in report.swaps)]
    return "\n".join(lines) + "\n\n" + problems_markdown(report.problems)


def _staff_rows(report: StaffMonth) -> tuple[list[str], list[list[str]]]:
    from kefu.staff.terms import LEAVE_LABELS

    shifts = list(report.shift_titles)
    head = ["姓名", "值班天数", *(report.shift_titles[k] for k in shifts), "请假（天）",
            "出差（天）", "缺勤（天）", "补卡", "调出", "顶入", "交班"]
    rows = []
    for p in report.people:
        leave = "、".join(f"{LEAVE_LABELS.get(k, k)} {v}" for k, v in p.leave_days.items()) or "0"
        rows.append([p.name, str(p.duty_days), *(str(p.shifts.get(k, 0)) for k in shifts), leave,
                     str(p.trip_days), str(p.absent_days), str(p.punches), str(p.swaps_given),
                     str(p.swaps_taken), str(p.handovers)])
    return head, rows


def _proposal_line(p: Any) -> str:
    amount = f" {p.amount} 元" if p.amount is not None else ""
    return f"{p.name}（{p.person}）：{p.title}{amount}——{p.reason}；依据 {'、'.join(p.evidence)}"


def _staff_text(report: StaffMonth) -> str:
    head, rows = _staff_rows(report)
    lines = [f"{report.month} 值班与考勤汇总（{report.first.isoformat()} 至 "
             f"{report.last.isoformat()}；按已批准的调班、请假和出差计算）", "",
             "  ".join(head)]
    lines += ["  ".join(row) for row in rows]
    if report.missing_weeks:
        lines += ["", "没有值班表的周（未计入值班天数）：" + "、".join(report.missing_weeks)]
    pending = report.open_proposals
    lines += ["", f"建议处罚 {len(pending)} 项（记录可以证明，尚未登记；由客服主管决定，"
                  "同意的运行所列命令登记奖惩记录）" if pending else "没有待决定的建议处罚。"]
    for p in pending:
        lines += [f"  {_proposal_line(p)}", f"    {p.command(report.recorded_by)}"]
    done = [p for p in report.proposals if p.accepted]
    if done:
        lines += ["", "已登记："] + [f"  {_proposal_line(p)} → {p.accepted}" for p in done]
    return "\n".join(lines)


def _staff_json(report: StaffMonth) -> str:
    return dumps({
        "month": report.month, "first": report.first.isoformat(),
        "last": report.last.isoformat(), "shifts": report.shift_titles,
        "people": [{"id": p.id, "name": p.name, "duty_days": p.duty_days, "shifts": p.shifts,
                    "leave_days": p.leave_days, "trip_days": p.trip_days,
                    "absent_days": p.absent_days, "punches": p.punches,
                    "swaps_given": p.swaps_given, "swaps_taken": p.swaps_taken,
                    "handovers": p.handovers} for p in report.people],
        "proposals": [{"person": p.person, "name": p.name, "rule": p.rule, "title": p.title,
                       "amount": p.amount, "evidence": list(p.evidence), "reason": p.reason,
                       "date": p.date.isoformat(), "accepted": p.accepted,
                       "command": p.command(report.recorded_by)} for p in report.proposals],
        "missing_weeks": report.missing_weeks})


def _staff_markdown(report: StaffMonth) -> str:
    head, rows = _staff_rows(report)
    lines = [f"## {report.month} 值班与考勤汇总", "", "| " + " | ".join(head) + " |",
             "|---|" + "---:|" * (len(head) - 1)]
    lines += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in rows]
    if report.missing_weeks:
        lines += ["", "没有值班表的周：" + "、".join(report.missing_weeks)]
    lines += ["", "### 建议处罚（尚未登记）", ""]
    lines += [f"- {md_text(_proposal_line(p))}" for p in report.open_proposals] or ["没有。"]
    return "\n".join(lines) + "\n"
def _day_text(day: DayInfo) -> str:
    from kefu.calendar import describe_source

    return (f"{day.date.isoformat()} {day.weekday_name}  {day.state}  {day.name}  "
            f"（{describe_source(day)}）")


def _day_json(day: DayInfo) -> str:
    return dumps({"date": day.date.isoformat(), "workday": day.workday, "name": day.name,
                  "source": day.source, "provisional": day.provisional})


# -- intake (issue forms) ---------------------------------------------------------------------
INTAKE_FIX = ("请点本页右上角的“…”→“Edit”改正表单内容后保存，系统会重新处理；"
              "也可以关闭本页，重新提交表单。")


def _when(moment: Any) -> str:
    from kefu.times import SHANGHAI

    local = moment.astimezone(SHANGHAI)
    return local.strftime("%Y-%m-%d %H:%M") + "（周" + "一二三四五六日"[local.weekday()] + "）"


def _deadline_due(stone: NextDeadline) -> str:
    if stone.met_at is not None:
        return f"已完成（{_when(stone.met_at)}）"
    if stone.due is None:
        return "没有固定时限：请在工单上填写约定完成时间"
    return _when(stone.due) + ("（暂定）" if stone.provisional else "")


def _intake_what(result: IntakeResult) -> str:
    from kefu.kinds.ticket import ACTION_LABELS

    action = ACTION_LABELS.get(result.action, result.action)
    if result.form == "new-ticket":
        return f"已登记新工单 `{result.record_id}`：{md_text(result.title)}"
    return f"已为工单 `{result.record_id}`（{md_text(result.title)}）追加事件“{action}”"


def _intake_markdown(result: IntakeResult) -> str:
    if not result.ok:
        lines = ["**未能登记**：表单内容有以下问题，什么也没有写入。", ""]
        lines += [f"- {md_message(problem)}" for problem in result.problems]
        return "\n".join([*lines, "", INTAKE_FIX]) + "\n"
    from kefu.kinds.ticket import STATUS_LABELS

    event = result.event
    who = f"，经办人 {md_text(result.by_name or event['by'])}" if event.get("by") else ""
    when = f"（{_when(dt.datetime.fromisoformat(event['at']))}{who}）" if event.get("at") else ""
    lines = [f"{_intake_what(result)}{when}。", "",
             f"- 工单文件：`{result.path}`",
             f"- 状态：{STATUS_LABELS.get(result.status, result.status)}", ""]
    if result.deadlines:
        lines += ["| 时限 | 起算 | 截止 |", "|---|---|---|"]
        lines += [f"| {md_text(d.title)}（{md_text(d.term)}） | {_when(d.start)} | "
                  f"{_deadline_due(d)} |" for d in result.deadlines]
    elif result.status == "closed":
        lines.append("工单已结案，没有未完成的时限。")
    else:
        lines.append("这张工单目前没有未完成的时限。")
    lines += ["", "记录改动已提交为拉取请求（PR），客服主管审核合并后生效。"]
    return "\n".join(lines) + "\n"


def _intake_text(result: IntakeResult) -> str:
    if not result.ok:
        return "\n".join(["未能登记（什么也没有写入）：", *(f"- {p}" for p in result.problems)])
    lines = [result.path]
    lines += [f"{d.rule}（{d.title}）：{_deadline_due(d)}" for d in result.deadlines]
    return "\n".join(lines)


def _intake_json(result: IntakeResult) -> str:
    deadlines = [{"rule": d.rule, "title": d.title, "term": d.term,
                  "start": d.start.isoformat(), "due": d.due.isoformat() if d.due else None,
                  "met_at": d.met_at.isoformat() if d.met_at else None,
                  "provisional": d.provisional} for d in result.deadlines]
    return dumps({"ok": result.ok, "form": result.form, "record_id": result.record_id,
                  "path": result.path, "title": result.title, "action": result.action,
                  "status": result.status, "event": result.event, "deadlines": deadlines,
                  "problems": result.problems, "comment": printable(_intake_markdown(result))})


# -- appending to a log -----------------------------------------------------------------------
def deadline_lines(dues: list[Any]) -> list[str]:
    """`下一步时限：` and a line per open deadline (kefu.sla.Due), soonest first."""
    lines = ["下一步时限："] if dues else []
    for due in dues:
        mark = "（暂定）" if due.provisional else ""
        lines.append(f"  {due.title}：截止 {due.due.strftime('%Y-%m-%d %H:%M')}{mark}")
    return lines


def _event_text(result: EventResult) -> str:
    from kefu.kinds.ticket import STATUS_LABELS

    event = result.event
    status = STATUS_LABELS.get(str(result.status), result.status)
    return "\n".join([f"已登记：{result.record_id} {event['at'].strftime('%Y-%m-%d %H:%M')} "
                      f"{result.action_label}（{event['by']}）；状态：{status}",
                      f"文件：{result.path}", *deadline_lines(result.deadlines)])


def _event_json(result: EventResult) -> str:
    event = {**result.event, "at": result.event["at"].isoformat()}
    return dumps({"record": result.record_id, "path": str(result.path), "event": event,
                  "status": result.status,
                  "deadlines": [{"rule": d.rule, "title": d.title, "due": d.due.isoformat(),
                                 "provisional": d.provisional} for d in result.deadlines]})


Writer = Callable[[Any], str]
_WRITERS: dict[str, dict[str, Writer]] = {
    "ValidateResult": {"text": _validate_text, "json": _validate_json,
                       "markdown": _validate_markdown},
    "OverdueReport": {"text": _overdue_text, "json": _overdue_json,
                      "markdown": _overdue_markdown},
    "PrResult": {"text": _pr_text, "json": _pr_json, "markdown": _pr_markdown},
    "Deadline": {"text": _deadline_text, "json": _deadline_json},
    "Month": {"text": _month_text, "json": _month_json, "markdown": _month_markdown},
    "RosterReport": {"text": _roster_text, "json": _roster_json, "markdown": _roster_markdown},
    "StaffMonth": {"text": _staff_text, "json": _staff_json, "markdown": _staff_markdown},
    "DayInfo": {"text": _day_text, "json": _day_json},
    "IntakeResult": {"text": _intake_text, "json": _intake_json, "markdown": _intake_markdown},
    "EventResult": {"text": _event_text, "json": _event_json},
}


def page_text(text: object, known: Iterable[str] = ()) -> str:
    """Record free text (titles, notes, names) as every generated page and printed report shows
    it: the one place that decides how record text reaches the site and the PDF. Phone numbers,
    e-mails and ID numbers are masked, and so is each `known` personal value of the records."""
    from kefu.privacy import mask

    return md_text(mask(str(text), known))


# Result types whose writers live in their own module (big reports): type name -> module holding
# WRITERS, imported on first use.
_MODULE_WRITERS: dict[str, str] = {"Report": "kefu.reports.render"}


def _add_module_writers() -> None:
    import importlib

    for name, module in _MODULE_WRITERS.items():
        if name not in _WRITERS:
            _WRITERS[name] = importlib.import_module(module).WRITERS
