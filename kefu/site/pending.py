"""The 待审批 page of the site (docs/generated/staff/pending.md): what awaits whose decision.

The same items as `kefu pending` (kefu.staff.pending), as of the workspace's day: the request,
who may decide it, by when, and whether that is past. Names and dates only: no reason, no kind
of leave, no archive's name (the items are said without personal values).
"""

from __future__ import annotations

import html
from pathlib import Path

from kefu import files
from kefu.output import md_text
from kefu.problems import KefuError
from kefu.staff.book import StaffBook
from kefu.staff.pending import KIND_TITLES, STEP_TITLES, deadline_text, report
from kefu.workspace import Workspace

PAGE = "staff/pending.md"
HEAD = ["---", "description: 等待审批的请假、调班、补卡、出差、秘密档案借阅和申诉，"
        "以及下周的值班表：由谁处理、最迟什么时候。", "hide:", "  - toc", "tags:", "  - 审批", "  - 待审批", "  - 请假", "  - 调班",
        "  - 补卡", "---", "", "# 待审批", ""]


def write_site_pages(ws: Workspace, out: Path) -> None:
    """Write out/staff/pending.md."""
    try:
        book, _ = StaffBook.load(ws)
    except KefuError as err:
        text = "\n".join([*HEAD, f"暂时无法生成本页：{md_text(err.message)}", ""])
    else:
        text = pending_page(book)
    files.write_file(out / PAGE, text, root=ws.root, durable=False)


def pending_page(book: StaffBook) -> str:
    found = report(book)
    lines = [*HEAD,
             f"截至 {book.now:%Y-%m-%d %H:%M}（北京时间）等待审批的事项，最早提出的在前。"
             "有权审批的人运行 `kefu approve 编号`（不批准：`kefu refuse 编号 --reason 理由`），"
             "或在申请的 issue 下评论 `/批准`、`/不批准 理由`。谁能批什么见"
             "[请假与出差](../../rules/leave-trips.md)和[考勤与补卡](../../rules/attendance.md)；"
             "命令行：`kefu pending`。", ""]
    if not found.items:
        return "\n".join([*lines, "现在没有等待审批的事项。", ""])
    late = len(found.overdue)
    if late:
        lines += [f"!!! warning \"{late} 项已超过时限\"",
                  "    请尽快处理；它们也列在每日超期提醒里。", ""]
    lines += ["| 事项 | 编号 | 内容 | 由谁处理 | 提出 | 最迟 |", "|---|---|---|---|---|---|"]
    for item in found.items:
        due = deadline_text(item.due) + (" **已超期**" if item.overdue else
                                         "（快到期）" if item.soon else "")
        lines.append(f"| {KIND_TITLES[item.kind]}{STEP_TITLES[item.step]} | "
                     f'<span class="kefu-id">{html.escape(item.id)}</span> | '
                     f"{md_text(item.what)} | {md_text(item.who)} | "
                     f'<span class="kefu-when">{item.since:%Y-%m-%d %H:%M}</span> | '
                     f'<span class="kefu-when">{due}</span> |')
    return "\n".join([*lines, ""])
