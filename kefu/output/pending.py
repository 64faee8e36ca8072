"""`kefu pending` and `kefu approve`/`refuse`/`return`/`appeal`: what awaits whom, what was done."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .text import dumps, md_text

if TYPE_CHECKING:
    from kefu.staff.decide import Decided
    from kefu.staff.pending import PendingItem, PendingReport


def _head(report: PendingReport) -> str:
    whose = f"{report.person_name}（{report.person}）可以处理的" if report.person else ""
    return f"{whose}待审批事项（截至 {report.now:%Y-%m-%d %H:%M}，最早的在前）"


def _how(item: PendingItem) -> str:
    if item.kind == "roster":
        return f"{item.command} --prepared-by 员工编号"
    return f"kefu approve {item.id}，或 kefu refuse {item.id} --reason 理由"


def _text(report: PendingReport) -> str:
    from kefu.staff.pending import KIND_TITLES, STEP_TITLES, deadline_text

    if not report.items:
        return f"{_head(report)}：没有。"
    lines = [_head(report) + "：", ""]
    for n, item in enumerate(report.items, 1):
        flag = "[超期] " if item.overdue else "[快到期] " if item.soon else ""
        due = f"（最迟 {deadline_text(item.due)}）" if item.due else ""
        lines += [f"{n}. {flag}{KIND_TITLES[item.kind]} {item.id}：{item.what}",
                  f"   {STEP_TITLES[item.step]}：{item.who}；时限：{item.term}{due}",
                  f"   提出：{item.since:%Y-%m-%d %H:%M}；处理：{_how(item)}"]
    late = len(report.overdue)
    lines += ["", f"共 {len(report.items)} 项" + (f"，其中超期 {late} 项。" if late else "。")]
    return "\n".join(lines)


def _json(report: PendingReport) -> str:
    return dumps({
        "now": report.now.isoformat(), "for": report.person,
        "items": [{"kind": i.kind, "id": i.id, "step": i.step, "what": i.what, "who": i.who,
                   "deciders": list(i.deciders), "since": i.since.isoformat(),
                   "due": i.due.isoformat() if i.due else None, "term": i.term,
                   "overdue": i.overdue, "due_soon": i.soon} for i in report.items]})


def _markdown(report: PendingReport) -> str:
    from kefu.staff.pending import KIND_TITLES, STEP_TITLES, deadline_text

    lines = [f"## {md_text(_head(report))}", ""]
    if not report.items:
        return "\n".join([*lines, "没有。"])
    lines += ["| 事项 | 编号 | 内容 | 由谁处理 | 最迟 |", "|---|---|---|---|---|"]
    for item in report.items:
        due = deadline_text(item.due) + ("（**超期**）" if item.overdue else
                                         "（快到期）" if item.soon else "")
        lines.append(f"| {KIND_TITLES[item.kind]}{STEP_TITLES[item.step]} | `{item.id}` | "
                     f"{md_text(item.what)} | {md_text(item.who)} | {due} |")
    return "\n".join(lines)


def _done_text(done: Decided) -> str:
    lines = [done.message, f"文件：{done.path}"]
    lines += [f"警告：{w}" for w in done.warnings]
    return "\n".join(lines)


def _done_json(done: Decided) -> str:
    return dumps({"record": done.record_id, "kind": done.kind, "action": done.action,
                  "by": done.by, "approver": done.approver, "status": done.status,
                  "path": str(done.path), "message": done.message,
                  "next": done.next_step, "warnings": done.warnings})


WRITERS = {
    "PendingReport": {"text": _text, "json": _json, "markdown": _markdown},
    "Decided": {"text": _done_text, "json": _done_json, "markdown": _done_text},
}
