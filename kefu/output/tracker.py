"""The tracker's reports: `kefu validate`, `kefu overdue`, `kefu check-pr`, `kefu event`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kefu.chars import one_line

from .columns import aligned
from .text import dumps, md_code, md_text, problems_json, problems_markdown, problems_text

if TYPE_CHECKING:
    from kefu.overdue import Item, OverdueReport
    from kefu.pr import PrResult
    from kefu.records.across import Notice
    from kefu.records.events import EventResult
    from kefu.records.validate import ValidateResult

PROVISIONAL_NOTE = (
    "标 * 的截止时间涉及尚未公布放假安排的年份，按法定节假日规则推算，为暂定；"
    "公布后请在 records/calendar.yml 录入。"
)
# What each staff warning of `kefu overdue` is about, in words (--format json keeps the slug)
NOTICE_LABELS = {
    "roster-missing": "下周值班表未排",
    "loan-overdue": "借出档案超期未还",
    "decision-overdue": "审批超期",
    "matter-open-long": "交接事项久未办结",
}
MD_HEADER = "| 状态 | 工单 | 标题 | 时限 | 截止 |"
MD_RULE = "|---|---|---|---|---|"


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


def state_cell(item: Item) -> str:
    """The 状态 cell of a Markdown table: **超期 3 个工作日**, 今天到期, 还剩 2 个工作日."""
    return f"**{state_text(item)}**" if item.overdue else state_text(item)


def md_row(item: Item) -> str:
    """One Markdown table row of an overdue item (MD_HEADER's five cells)."""
    cells = [state_cell(item), f"`{item.ticket}`", md_text(item.title), md_text(item.rule_title),
             due_text(item)]
    return "| " + " | ".join(cells) + " |"


def _overdue_text(report: OverdueReport) -> str:
    from kefu.kinds.ticket import TYPE_LABELS
    from kefu.overdue import grouped

    lines = [report.summary()]
    groups = grouped(report.items)
    # one table across every group, so that the columns line up down the whole list; the rule
    # by its Chinese name (the code is in --format json)
    rows = iter(aligned([[state_text(i), i.ticket, i.rule_title, f"截止 {due_text(i)}", i.title]
                         for _, by_type in groups for _, items in by_type for i in items]))
    for owner, by_type in groups:
        lines.append(f"\n{owner}")
        for ttype, items in by_type:
            lines.append(f"  {TYPE_LABELS.get(ttype, ttype)}")
            lines += [f"    {next(rows)}" for _ in items]
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
        lines += [f"  [{_notice_label(n)}] {one_line(n.problem.message)}"
                  f"  （{one_line(n.problem.path)}）" for n in items]
    return lines


def _notice_label(notice: Notice) -> str:
    return NOTICE_LABELS.get(notice.problem.slug, notice.problem.slug)


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
            lines += [f"| {md_text(_notice_label(n))} | {md_text(n.problem.message)} | "
                      f"{md_code(n.problem.path)} |" for n in notices]
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
                  "only_added": result.only_added, "commits": result.commits,
                  "problems": [p.to_dict() for p in result.problems]})


def _pr_markdown(result: PrResult) -> str:
    return f"## {md_text(_pr_summary(result))}\n\n" + problems_markdown(result.problems)


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
    to = f" → {_who(result, event['to'])}" if event.get("to") else ""
    return "\n".join([f"已登记：{result.record_id} {event['at'].strftime('%Y-%m-%d %H:%M')} "
                      f"{result.action_label}{to}，经办人 {_who(result, event['by'])}"
                      f"；状态：{status}",
                      f"文件：{result.path}", *deadline_lines(result.deadlines)])


def _who(result: EventResult, person: str) -> str:
    name = result.names.get(person, person)
    return f"{name}（{person}）" if name != person else person


def _event_json(result: EventResult) -> str:
    event = {**result.event, "at": result.event["at"].isoformat()}
    return dumps({"record": result.record_id, "path": str(result.path), "event": event,
                  "status": result.status,
                  "deadlines": [{"rule": d.rule, "title": d.title, "due": d.due.isoformat(),
                                 "provisional": d.provisional} for d in result.deadlines]})


WRITERS = {
    "ValidateResult": {"text": _validate_text, "json": _validate_json,
                       "markdown": _validate_markdown},
    "OverdueReport": {"text": _overdue_text, "json": _overdue_json,
                      "markdown": _overdue_markdown},
    "PrResult": {"text": _pr_text, "json": _pr_json, "markdown": _pr_markdown},
    "EventResult": {"text": _event_text, "json": _event_json},
}
