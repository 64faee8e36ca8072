"""The 工单看板 page of the site: ticket counts, overdue work, deadline rules, holidays.

Written as generated Markdown (docs/generated/tracker.md). It names staff by name and tickets by
id and title only: no customer, dealer contact or any other personal field reaches the page.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from pathlib import Path

from kefu.calendar import WorkCalendar, describe_source, special_days, to_ics
from kefu.kinds.ticket import STATUS_LABELS, TYPE_LABELS
from kefu.output import MD_HEADER, MD_RULE, PROVISIONAL_NOTE, md_row, md_text
from kefu.overdue import OverdueReport, grouped, scan
from kefu.privacy import mask
from kefu.records import personal_values
from kefu.sla import Rules
from kefu.workspace import Workspace

PAGE = "tracker.md"
ICS = "holidays.ics"
SITE_WITHIN = 2  # due-soon horizon shown on the site, in working days
MAX_ROWS = 300  # a department with years of backlog still gets a readable page


def write_site_pages(ws: Workspace, out: Path) -> None:
    """Write out/tracker.md from the records, and the holidays as iCalendar (as of ws.today)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / PAGE).write_text(tracker_page(ws), encoding="utf-8")
    (out / ICS).write_bytes(to_ics(ws.calendar, [ws.today.year, ws.today.year + 1]))


def tracker_page(ws: Workspace) -> str:
    """The whole 工单看板 page as Markdown, as of `ws.today`."""
    rules, cal, day = ws.rules, ws.calendar, ws.today
    result = ws.load()
    tickets = [r.data for r in result.of_kind("ticket")]
    people = {r.id: str(r.data.get("name", "")) for r in result.of_kind("person")}
    known = personal_values(result)  # a customer's name typed into a title is masked too
    items = [replace(item, title=mask(item.title, known)) for item in scan(
        (("", t) for t in tickets), people, rules, cal, day, SITE_WITHIN)]
    report = OverdueReport(day, SITE_WITHIN, items)
    invalid = len({p.path for p in result.errors})
    parts = [
        "---",
        "description: 工单统计、超期和即将到期的工作（按负责人）、时限规则和节假日安排，"
        "每次构建站点时从 records/ 生成。",
        "tags:",
        "  - 看板",
        "  - 超期",
        "  - 快到期",
        "  - 逾期",
        "  - 待办",
        "  - 工单统计",
        "---",
        "",
        "# 工单看板",
        "",
        f"本页由 `kefu` 根据 `records/` 中的记录自动生成，统计截至 {day.isoformat()}（北京时间）。"
        "页面只列工单编号、标题和负责人姓名，不含顾客、代理商联系人等个人信息。",
    ]
    if invalid:
        parts += ["", f"!!! warning \"{invalid} 个记录文件有错误，未计入\"",
                  "    请运行 `kefu validate` 查看并修正。"]
    parts += ["", *counts_section(tickets), "", *overdue_section(report), "",
              *rules_section(rules), "", *holidays_section(cal, day.year)]
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


def overdue_section(report: OverdueReport) -> list[str]:
    lines = ["## 超期与即将到期", "", report.summary(),
             "命令行查看最新情况：`kefu overdue --within 2`。"]
    shown = 0
    for owner, by_type in grouped(report.items):
        lines += ["", f"### {md_text(owner)}", "", "| 类型 " + MD_HEADER, "|---" + MD_RULE]
        for ttype, items in by_type:
            for item in items:
                if shown < MAX_ROWS:
                    lines.append(f"| {TYPE_LABELS.get(ttype, ttype)} " + md_row(item))
                shown += 1
    if shown > MAX_ROWS:
        lines += ["", f"（仅列出前 {MAX_ROWS} 项，共 {shown} 项；完整列表请运行 `kefu overdue`。）"]
    if report.provisional:
        lines += ["", f"注：{PROVISIONAL_NOTE}"]
    return lines


def rules_section(rules: Rules) -> list[str]:
    """The deadline rules of records/sla.yml, the one source of truth."""
    close = rules.close_of_business.strftime("%H:%M")
    lines = [
        "## 时限规则",
        "",
        "以下规则来自 `records/sla.yml`（唯一来源）。"
        f"“N 个工作日内”指起算时间所在日历日之后第 N 个工作日的下班时间（{close}）前；"
        "起算日是休息日也同样计算。“当天”指起算当天下班前，起算时已过下班时间或当天休息的，"
        "为下一个工作日下班前。"
        "工作日按国务院放假安排（含调休上班日）和 `records/calendar.yml` 计算。"
        "查询某条规则的截止时间：`kefu due 规则编号 起算时间`。",
        "",
        "| 规则编号 | 名称 | 适用工单 | 起算事件 | 完成事件 | 时限 | 出处 |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in rules.values():
        level = f"（{rule.level}）" if rule.level else ""
        applies = TYPE_LABELS.get(rule.type, rule.type) + level
        cells = [f"`{rule.id}`", md_text(rule.title), applies, f"`{rule.start}`", f"`{rule.stop}`",
                 rule.term_text, md_text(rule.seed)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def holidays_section(cal: WorkCalendar, year: int) -> list[str]:
    """Days off on weekdays and make-up workdays on weekends, this year and next."""
    lines = ["## 节假日与调休", "",
             "只列与常规周历（周一至周五上班）不同的日子。"
             f"可把 [{year}–{year + 1} 年的节假日与调休]({ICS}) 导入日历软件（iCalendar 格式）。"]
    for y in (year, year + 1):
        special = list(special_days(cal, y))
        note = "（暂定：尚未公布放假安排，按法定节假日规则推算）" if cal.is_provisional(
            dt.date(y, 1, 1)) else ""
        lines += ["", f"### {y} 年{note}", "", "| 日期 | 星期 | 安排 | 依据 |", "|---|---|---|---|"]
        for info in special:
            lines.append(f"| {info.date.isoformat()} | {info.weekday_name} | "
                         f"{info.state}（{info.name}） | {describe_source(info)} |")
    return lines
