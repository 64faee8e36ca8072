"""`kefu intake`: the comment on an issue form (Markdown) and its text and JSON."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .text import dumps, md_message, md_text, printable

if TYPE_CHECKING:
    from kefu.intake import IntakeResult, NextDeadline


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


def _warnings(result: IntakeResult) -> list[str]:
    """Each warning a quote of its own (a blank line between, or Markdown joins them)."""
    return [line for w in result.warnings for line in (f"> **注意**：{md_message(w)}", "")]


def _intake_markdown(result: IntakeResult) -> str:
    if not result.ok:
        lines = ["**未能登记**：表单内容有以下问题，什么也没有写入。", ""]
        lines += [f"- {md_message(problem)}" for problem in result.problems]
        return "\n".join([*lines, "", *_warnings(result), INTAKE_FIX]) + "\n"
    from kefu.intake.staff import is_staff

    if is_staff(result.form):
        return _staff_markdown(result)
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
    lines += ["", *_warnings(result)]
    return "\n".join(lines) + "\n"


def _staff_markdown(result: IntakeResult) -> str:
    """The reply to a staff request: its id, whose decision it awaits, how to decide; and the
    marker the approval workflow reads the record's id from."""
    from kefu.intake.staff import MARKER

    lines = [f"已登记{md_text(result.title.split(' ')[0])} `{result.record_id}`。", "",
             f"- 记录文件：`{result.path}`"]
    if result.awaiting:
        lines += [f"- {md_message(result.awaiting)}", "",
                  "有权审批的人请在本页评论一行 `/批准`，或 `/不批准 理由`；"
                  "也可以运行 `kefu approve " + result.record_id + "`。"]
    lines += ["", *_warnings(result),
              f"<!-- {MARKER}: {result.record_id} -->"]
    return "\n".join(lines) + "\n"


def _intake_text(result: IntakeResult) -> str:
    if not result.ok:
        return "\n".join(["未能登记（什么也没有写入）：", *(f"- {p}" for p in result.problems)])
    lines = [result.path]
    lines += [f"{d.rule}（{d.title}）：{_deadline_due(d)}" for d in result.deadlines]
    return "\n".join([*lines, *(f"注意：{w}" for w in result.warnings)])


def _intake_json(result: IntakeResult) -> str:
    deadlines = [{"rule": d.rule, "title": d.title, "term": d.term,
                  "start": d.start.isoformat(), "due": d.due.isoformat() if d.due else None,
                  "met_at": d.met_at.isoformat() if d.met_at else None,
                  "provisional": d.provisional} for d in result.deadlines]
    return dumps({"ok": result.ok, "form": result.form, "record_id": result.record_id,
                  "path": result.path, "title": result.title, "action": result.action,
                  "status": result.status, "event": result.event, "deadlines": deadlines,
                  "problems": result.problems, "warnings": result.warnings,
                  "comment": printable(_intake_markdown(result))})


def _comment_json(result: Any) -> str:
    return dumps({"ok": result.ok, "ignored": result.ignored, "record_id": result.record_id,
                  "path": result.path, "action": result.action, "by": result.by,
                  "final": result.final, "comment": printable(result.reply)})


def _comment_text(result: Any) -> str:
    return "（不是审批评论，忽略）" if result.ignored else result.reply


WRITERS = {
    "IntakeResult": {"text": _intake_text, "json": _intake_json, "markdown": _intake_markdown},
    "CommentResult": {"text": _comment_text, "json": _comment_json, "markdown": _comment_text},
}
