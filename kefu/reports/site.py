"""The 报表 section of the site: a page per month since the first ticket, the current one so far.

docs/generated/reports/index.md lists the months with their main figures; YYYY-MM.md is the month's
report (the same Markdown as `kefu report --format markdown`) with its charts as SVG files in
reports/charts/ (drawn again only when their figures change). reports/nav.json lists the pages
for the kefu MkDocs plugin (kefu/site/reports_nav.py), which puts them under 报表.
Pages count up to the moment the site is built, as `kefu report` counts up to the moment it runs,
and say so in the same words ("统计截至 2026-12-07 07:30（北京时间）"); a build for another day
(`kefu site build --today`) counts up to that day's last second. KEFU_NOW fixes the clock.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kefu import files
from kefu.output import md_text
from kefu.times import SHANGHAI
from kefu.workspace import Workspace

from .build import build_report
from .charts import write_charts
from .period import Period, month_period
from .render import report_markdown
from .tables import Report

FOLDER = "reports"
NAV_FILE = "nav.json"


def site_moment(ws: Workspace) -> dt.datetime:
    """What the site's pages count up to: now (the build), or the last second of ws.today when
    the site is built for another day; the same moment record checks use."""
    from kefu.records.across import moment

    return moment(ws.today)[1]


def months_with_records(first: dt.date | None, today: dt.date) -> list[Period]:
    """Every calendar month from the first ticket's to today's, newest first."""
    if first is None or first > today:
        return [month_period(today)]
    found, current = [], month_period(today)
    while current.last >= first:
        found.append(current)
        current = month_period(current.first - dt.timedelta(days=1))
    return found


def write_site_pages(ws: Workspace, out: Path) -> None:
    """Write out/reports/ (index, one page per month, charts, nav.json) as of ws.today."""
    from kefu.ticket_pages import page_link, pages_for

    folder = out / FOLDER
    charts_dir = folder / "charts"
    files.real_folder(folder, ws.root)
    loaded = ws.load()
    tickets = [r.data for r in loaded.of_kind("ticket")]
    received = [t["received"] for t in tickets if isinstance(t.get("received"), dt.datetime)]
    first = min(received).astimezone(SHANGHAI).date() if received else None
    now = site_moment(ws)
    with_pages = pages_for(ws, tickets)
    months = months_with_records(first, ws.today)
    reports = [build_report(ws, month, now, loaded) for month in months]
    kept: set[Path] = set()
    nav = []
    for month, report in zip(months, reports, strict=True):
        paths = write_charts(report.charts(), charts_dir, ws.root)
        kept.update(paths.values())
        name = f"{month.key}.md"
        title = _title(report)
        page = report_markdown(report, {k: f"charts/{p.name}" for k, p in paths.items()},
                               lambda t: page_link(t, with_pages, "../"), heading=title,
                               site=True)
        _write(folder / name, _front(title, ws.department) + month_page(page, report, now),
               ws.root)
        nav.append({title: f"generated/{FOLDER}/{name}"})
    for stale in charts_dir.glob("*.svg"):
        if stale not in kept:
            files.remove(stale, ws.root)
    for stale in folder.glob("*.md"):
        if stale.name != "index.md" and stale.name not in {f"{m.key}.md" for m in months}:
            files.remove(stale, ws.root)
    _write(folder / "index.md", index_page(reports, ws.department), ws.root)
    _write(folder / NAV_FILE, json.dumps(nav, ensure_ascii=False, indent=1) + "\n", ws.root)


def month_page(page: str, report: Report, now: dt.datetime) -> str:
    """A month's page: under its heading, when its figures were counted and the command that
    counts them again, a line of links to its sections (the page has no table of contents at
    the side: its tables take that room), then the report inside a `kefu-report` block, which
    the site's stylesheet lays out for tables of many columns (assets/stylesheets/kefu.css)."""
    heading, rest = page.split("\n\n", 1)
    note = (f"本页在构建站点时生成，数字统计到 {now:%Y-%m-%d %H:%M}（北京时间）；"
            f"最新的数字请运行 `kefu report --month {report.period.key}`。")
    links = " · ".join(f"[{md_text(s.title)}](#{s.key})" for s in report.sections)
    return (f"{heading}\n\n{note}\n\n"
            f'<nav class="kefu-sections" aria-label="本页各节" markdown>\n{links}\n</nav>\n\n'
            f'<div class="kefu-report" markdown>\n\n{rest}\n\n</div>\n')


def _title(report: Report) -> str:
    suffix = "（本月至今）" if not report.complete else ""
    return f"{report.period.title}{suffix}"


def _front(title: str, department: str) -> str:
    about = (f"{department}月度报表：受理、结案、时限按时率、办理时长、投诉分析、"
             "返修/DOA/热线周统计、人员工作量与 KPI，每次构建站点时从 records/ 生成。")
    return ("---\n"
            f"title: {json.dumps('报表：' + title, ensure_ascii=False)}\n"
            f"description: {json.dumps(about, ensure_ascii=False)}\n"
            "search:\n  exclude: true\n"  # figures, not answers: the overview page is searched
            "hide:\n  - toc\n"  # its tables need the room; month_page links to the sections
            "---\n\n")


def index_page(reports: list[Report], department: str) -> str:
    """The 报表 overview: one row per month, newest first."""
    lines = [
        "---",
        "title: 报表",
        "description: " + json.dumps(f"{department}月度报表总览：每月受理量、到期时限与按时率，"
                                     "链接到每月的完整报表。", ensure_ascii=False),
        "tags:", "  - 报表", "  - 月报", "  - 月度总结", "  - 统计", "hide:", "  - toc", "---", "",
        "# 报表", "",
        "每月一页，由 `kefu` 在每次构建站点时根据 `records/` 中的记录生成；"
        "每页的数字统计到构建站点的时刻（页首写明），与 `kefu report` 统计到运行时刻一样。"
        "同样的报表可以用命令打印或导出："
        "`kefu report --month 2026-10 --pdf 月报.pdf`（供月总结会打印）、"
        "`--xlsx 月报.xlsx`（Excel）、`--week 2026-W44`（周报）。",
        "",
        '<div class="kefu-report" markdown>', "",
        "| 月份 | 受理 | 结案 | 期末未结 | 到期时限 | 按时完成 | 逾期完成 | 超期未完成 | 按时率 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for report in reports:
        flow = report.table("flow").rows[-1]
        total = report.table("deadlines_rule").rows[-1]
        rate = "—" if total[-1] is None else f"{total[-1]:.1%}"
        lines.append(f"| [{md_text(_title(report))}]({report.period.key}.md) | {flow[1]} | "
                     f"{flow[2]} | {flow[3]} | {total[2]} | {total[3]} | {total[4]} | "
                     f"{total[5]} | {rate} |")
    lines += ["", "</div>", "",
              "按时率 = 按时完成 ÷（按时完成 + 逾期完成 + 超期未完成 + 结案未记录完成）；"
              "定义见每月报表“时限完成情况”一节。", ""]
    return "\n".join(lines)


def _write(path: Path, text: str, root: Path) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        files.write_file(path, text, root=root, durable=False)
