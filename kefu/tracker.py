"""The 工单看板 page of the site: ticket counts, each person's workload, the 12-month trend, overdue
and due-soon work with links to each ticket's page.

Written as generated Markdown (docs/generated/tracker.md). It names staff by name and tickets by
id and title only: no customer, dealer contact or any other personal field reaches the page.
The deadline rules and holidays have their own page (kefu/site_rules.py, deadlines.md); the
month reports are under 报表 (kefu/reports/site.py).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from kefu import files
from kefu.collation import name_key
from kefu.kinds.ticket import STATUS_LABELS, TYPE_LABELS
from kefu.output import (
    MD_HEADER,
    MD_RULE,
    PROVISIONAL_NOTE,
    due_text,
    md_text,
    page_text,
    state_cell,
)
from kefu.overdue import Item, OverdueReport, grouped, scan
from kefu.privacy import mask
from kefu.records import LoadResult, personal_values
from kefu.workspace import Workspace

PAGE = "tracker.md"
CHARTS = "tracker-charts"
SITE_WITHIN = 2  # due-soon horizon shown on the site, in working days
MAX_ROWS = 300  # a department with years of backlog still gets a readable page


def write_site_pages(ws: Workspace, out: Path) -> None:
    """Write out/tracker.md and its charts from the records (as of ws.today)."""
    files.real_folder(out, ws.root)
    page = tracker_page(ws, out)
    files.write_file(out / PAGE, page, root=ws.root, durable=False)
    for stale in (out / CHARTS).glob("*.svg"):  # charts of earlier builds
        if stale.name not in page:
            files.remove(stale, ws.root)


def tracker_page(ws: Workspace, out: Path | None = None) -> str:
    """The whole 工单看板 page as Markdown, as of `ws.today` (charts into out/, if given)."""
    from kefu.ticket_pages import pages_for

    rules, cal, day = ws.rules, ws.calendar, ws.today
    result = ws.load()
    tickets = [r.data for r in result.of_kind("ticket")]
    people = {r.id: str(r.data.get("name", "")) for r in result.of_kind("person")}
    known = personal_values(result)  # a customer's name typed into a title is masked too
    items = [replace(item, title=mask(item.title, known)) for item in scan(
        (("", t) for t in tickets), people, rules, cal, day, SITE_WITHIN)]
    report = OverdueReport(day, SITE_WITHIN, items)
    with_pages = pages_for(ws, tickets)
    invalid = len({p.path for p in result.errors})
    parts = [
        "---",
        "description: 工单统计、每人工作量、逐月趋势、超期和即将到期的工作（按负责人），"
        "每次构建站点时从 records/ 生成。",
        "tags:",
        "  - 看板",
        "  - 超期",
        "  - 快到期",
        "  - 逾期",
        "  - 待办",
        "  - 工单统计",
        "  - 工作量",
        "---",
        "",
        "# 工单看板",
        "",
        f"本页由 `kefu` 根据 `records/` 中的记录自动生成，统计截至 {day.isoformat()}（北京时间）。"
        "页面只列工单编号、标题和负责人姓名，不含顾客、代理商联系人等个人信息；"
        "点工单编号查看它的事件记录、时限和可打印的表单。"
        "时限怎么算见[时限规则与节假日](deadlines.md)，每月统计见[报表](reports/index.md)；"
        "全部未结工单按[负责人](open-work/by-owner.md)、按[代理商](open-work/by-dealer.md)列出，"
        "代理商的编号见[代理商名录](dealers.md)。",
    ]
    if invalid:
        parts += ["", f"!!! warning \"{invalid} 个记录文件有错误，未计入\"",
                  "    请运行 `kefu validate` 查看并修正。"]
    parts += ["", *counts_section(tickets), "", *workload_section(ws, report, tickets, people, out),
              "", *trend_section(ws, result, out), "", *overdue_section(report, with_pages)]
    return "\n".join(parts) + "\n"


def counts_section(tickets: list[dict[str, object]]) -> list[str]:
    """Tickets by type (rows) and status (columns)."""
    counts = Counter((str(t.get("type")), str(t.get("status"))) for t in tickets)
    statuses = list(STATUS_LABELS)
    lines = ["## 工单统计", "", f"共 {len(tickets)} 张工单。", "",
             "| 类型 | " + " | ".join(STATUS_LABELS[s] for s in statuses) + " | 合计 |",
             "|---|" + "---:|" * (len(statuses) + 1)]
    for ttype, name in TYPE_LABELS.items():
        row = [counts[(ttype, s)] for s in statuses]
        lines.append(f"| {name} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    totals = [sum(counts[(t, s)] for t in TYPE_LABELS) for s in statuses]
    lines.append("| **合计** | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |")
    return lines


def workload_section(ws: Workspace, report: OverdueReport, tickets: list[dict[str, object]],
                     people: dict[str, str], out: Path | None) -> list[str]:
    """Per person: open tickets, milestones due within SITE_WITHIN working days, overdue."""
    from kefu.reports.charts import write_charts
    from kefu.reports.tables import Chart

    open_count = Counter(str(t.get("owner")) for t in tickets if t.get("status") != "closed")
    soon = Counter(i.owner for i in report.due_soon)
    late = Counter(i.owner for i in report.overdue)
    owners = sorted(set(open_count) | set(soon) | set(late),
                    key=lambda p: (-late[p], -soon[p], -open_count[p],
                                   name_key(str(people.get(p, p))), p))
    names = [people.get(p) or p for p in owners]
    lines = ["## 每人工作量", "",
             f"未结工单、{SITE_WITHIN} 个工作日内到期的时限和已超期的时限，按负责人。", ""]
    if out is not None and owners:
        chart = Chart("workload", "grouped", "每人工作量", names, [
            ("未结工单", [open_count[p] for p in owners]),
            (f"{SITE_WITHIN} 个工作日内到期", [soon[p] for p in owners]),
            ("已超期", [late[p] for p in owners])], unit="件", description="每人未结工单、"
            "即将到期与已超期的时限：" + "；".join(
                f"{n} 未结 {open_count[p]}、即将到期 {soon[p]}、超期 {late[p]}"
                for n, p in zip(names, owners, strict=True)))
        path = write_charts([chart], out / CHARTS, ws.root)["workload"]
        lines += [f'<img class="kefu-chart" src="{CHARTS}/{path.name}" '
                  f'alt="{html.escape(chart.description)}">', ""]
    lines += ["| 负责人 | 未结工单 | 即将到期 | 已超期 |", "|---|---:|---:|---:|"]
    lines += [f"| {page_text(n)} | {open_count[p]} | {soon[p]} | {late[p]} |"
              for n, p in zip(names, owners, strict=True)]
    return lines


def trend_section(ws: Workspace, result: LoadResult, out: Path | None) -> list[str]:
    """Intake and on-time rate of the last 12 months, or since the first ticket (the current
    month's report's trend)."""
    from kefu.reports.build import build_report
    from kefu.reports.charts import write_charts
    from kefu.reports.period import month_period
    from kefu.reports.render import table_markdown
    from kefu.reports.site import site_moment

    report = build_report(ws, month_period(ws.today), site_moment(ws), result)
    summary = report.section("summary")
    table = summary.tables[0]
    lines = [f"## {table.title}", "",
             "每月受理的工单数和到期时限的按时率（统计到构建站点的时刻）；"
             f"每月的完整统计见[{report.period.title}的报表](reports/{report.period.key}.md)。", ""]
    if out is not None:
        chart = summary.charts[0]
        path = write_charts([chart], out / CHARTS, ws.root)["trend"]
        lines += [f'<img class="kefu-chart" src="{CHARTS}/{path.name}" '
                  f'alt="{html.escape(chart.description)}">', ""]
    return lines + ["<details><summary>按月数字</summary>", "",
                    *table_markdown(table, level="####"), "</details>"]


def ticket_cell(ticket: str, with_pages: Collection[str]) -> str:
    """A ticket id that never wraps, linked to its page when it has one."""
    text = f'<span class="kefu-id">{html.escape(ticket)}</span>'
    return f"[{text}](tickets/{ticket}.md)" if ticket in with_pages else text


def overdue_row(item: Item, with_pages: Collection[str]) -> str:
    """One row of the overdue table (MD_HEADER's cells, the ticket linked)."""
    cells = [state_cell(item), ticket_cell(item.ticket, with_pages), page_text(item.title),
             md_text(item.rule_title), due_text(item)]
    return "| " + " | ".join(cells) + " |"


def overdue_section(report: OverdueReport, with_pages: Collection[str] = ()) -> list[str]:
    lines = ["## 超期与即将到期", "", report.summary(),
             "命令行查看最新情况：`kefu overdue --within 2`。"]
    shown = 0
    for owner, by_type in grouped(report.items):
        lines += ["", f"### {md_text(owner)}", "", "| 类型 " + MD_HEADER, "|---" + MD_RULE]
        for ttype, items in by_type:
            for item in items:
                if shown < MAX_ROWS:
                    lines.append(f"| {TYPE_LABELS.get(ttype, ttype)} "
                                 + overdue_row(item, with_pages))
                shown += 1
    if shown > MAX_ROWS:
        lines += ["", f"（仅列出前 {MAX_ROWS} 项，共 {shown} 项；完整列表请运行 `kefu overdue`。）"]
    if report.provisional:
        lines += ["", f"注：{PROVISIONAL_NOTE}"]
    return lines
