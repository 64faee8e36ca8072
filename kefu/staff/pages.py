"""The 值班与交接 pages of the site (docs/generated/staff/), as of the workspace's day.

本周和下周的值班表 (by day, by person, with calendar feeds), who is on leave or on a trip (no
reasons and no kind of leave: they are personal), the hand-over matters still open and the
archives lent out. Names only: no personal field of any record reaches these pages; the name of
a confidential archive is not shown either.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from kefu import files
from kefu.collation import name_key
from kefu.kinds.loan import CATEGORY_LABELS
from kefu.output import md_text
from kefu.problems import KefuError
from kefu.staff.book import StaffBook
from kefu.staff.feeds import TEAM, feed_weeks, feeds
from kefu.staff.matters import matter_chain
from kefu.staff.report import report_of
from kefu.staff.terms import WEEKDAYS, week_of, week_span
from kefu.workspace import Workspace

if TYPE_CHECKING:
    from kefu.records.corpus import LoadResult

FOLDER = "staff"
CALENDARS = "calendars"
PAGES = ("roster.md", "away.md", "handovers.md", "loans.md")
AHEAD_WEEKS = 4  # how far ahead the leave page looks


def write_site_pages(ws: Workspace, out: Path) -> None:
    """Write out/staff/*.md and the calendar feeds out/staff/calendars/*.ics."""
    folder = out / FOLDER
    calendars = folder / CALENDARS
    root = ws.root

    def write(path: Path, data: str | bytes) -> None:
        files.write_file(path, data, root=root, durable=False)

    files.real_folder(calendars, root)
    try:
        book, result = StaffBook.load(ws)
    except KefuError as err:
        for name, title in zip(PAGES, ("值班表", "请假与出差", "未办结的交接事项", "借出的档案"),
                               strict=True):
            write(folder / name, _empty(title, err.message))
        return
    published = feeds(book, feed_weeks(book), ws.department)
    for stale in calendars.iterdir():  # feeds of people no longer rostered go
        if stale.name not in published:
            files.remove(stale, root)
    for name, data in published.items():
        write(calendars / name, data)
    errors = {p.path for p in result.errors}
    write(folder / "roster.md", roster_page(book, result, sorted(published)))
    write(folder / "away.md", away_page(book))
    write(folder / "handovers.md", handovers_page(book))
    write(folder / "loans.md", loans_page(book, len(errors)))


def _head(title: str, description: str, tags: list[str], wide: bool = False) -> list[str]:
    hide = ["hide:", "  - toc"] if wide else []  # a week's table needs the table of contents' room
    return ["---", f"description: {description}", *hide, "tags:", *(f"  - {t}" for t in tags),
            "---", "", f"# {title}", ""]


def _empty(title: str, why: str) -> str:
    return "\n".join([*_head(title, "值班与人事记录生成的页面。", ["值班"]),
                      f"暂时无法生成本页：{md_text(why)}", ""])


def roster_page(book: StaffBook, result: LoadResult, published: list[str]) -> str:
    today = book.today
    lines = _head("值班表", "本周和下周谁值白班、谁值晚班（按日期、按人员），"
                  "已计入批准的调班、请假和出差；可订阅团队和个人的值班日历。",
                  ["值班表", "排班", "谁值班", "晚班", "白班", "调班"], wide=True)
    lines += [f"本页由 `kefu` 根据 `records/rosters/`、调班、请假和出差记录自动生成，截至 "
              f"{today.isoformat()}（北京时间）。值班规则见"
              "[值班与交接班](../../rules/duty-handover.md)和"
              "[工作时间与班次](../../rules/hours-shifts.md)；"
              "命令行查看任意一周：`kefu roster 2026-W48`。",
              "", "## 订阅值班日历", "",
              "把下面的链接导入日历软件（iCalendar 格式，北京时间），"
              "重新发布后日历里的值班会随之更新："]
    people = sorted((name.removesuffix(".ics") for name in published if name != f"{TEAM}.ics"),
                    key=lambda p: (name_key(book.name(p)), p))
    if published:
        links = [f"[全体值班](calendars/{TEAM}.ics)"] + [
            f"[{md_text(book.name(p))}](calendars/{p}.ics)" for p in people]
        lines += ["", "、".join(links) + "。"]
    else:
        lines += ["", "（还没有可发布的值班表。）"]
    monday = today - dt.timedelta(days=today.weekday())
    for label, day in (("本周", monday), ("下周", monday + dt.timedelta(days=7))):
        week_id = week_of(day)
        lines += ["", f"## {label}：{week_span(week_id)}", ""]
        week = book.week(week_id)
        if week is None:
            lines += [f"!!! warning \"{label}的值班表还没有排好\"",
                      f"    请客服主管运行 `kefu new roster --week {week_id} "
                      "--prepared-by 员工编号`，排好后提交，并交行政部汇总。"]
            continue
        report = report_of(book, week, result)
        shifts = report.days[0].shifts
        head = " | ".join(f"{s.title} {s.span}" for s in shifts)
        lines += ["### 按日期", "", f"| 日期 | {head} | 请假、出差 |",
                  "|---|" + "---|" * (len(shifts) + 1)]
        for item in report.days:
            cells = ["、".join(md_text(n) for n in s.people) or "**无人**" for s in item.shifts]
            away = "、".join(f"{md_text(n)}（{w}）" for n, w in item.away) or "—"
            lines.append(f"| {item.date.month}月{item.date.day}日 {item.weekday}"
                         f"（{md_text(item.calendar)}） | " + " | ".join(cells) + f" | {away} |")
        lines += ["", "### 按人员", "", "| 姓名 | " + " | ".join(WEEKDAYS) + " |",
                  "|---|" + "---|" * 7]
        lines += [f"| {md_text(p.name)} | " + " | ".join(p.cells) + " |" for p in report.people]
        lines += ["", "白＝白班，晚＝晚班，休＝休息，假＝请假，差＝出差。"]
        if report.swaps:
            lines += ["", "已计入的调班：", ""] + [f"- {md_text(s)}" for s in report.swaps]
        errors = [p for p in report.problems if p.severity == "error"]
        if errors:
            lines += ["", f"!!! danger \"这一周的记录有 {len(errors)} 个问题\"",
                      "    运行 `kefu roster " + week_id + "` 查看并修正：", ""]
            lines += [f"    - {md_text(p.message)}" for p in errors[:20]]
    return "\n".join(lines) + "\n"


def away_page(book: StaffBook) -> str:
    today = book.today
    monday = today - dt.timedelta(days=today.weekday())
    last = monday + dt.timedelta(weeks=AHEAD_WEEKS, days=-1)
    lines = _head("请假与出差",
                  f"本周起 {AHEAD_WEEKS} 周内谁在请假、谁在出差（只列日期，不列事由和假别）。",
                  ["请假", "出差", "谁请假", "不在岗"])
    lines += [f"本页列出 {monday.isoformat()} 至 {last.isoformat()} 已批准的请假和出差，截至 "
              f"{today.isoformat()}。事由和假别属于个人信息，不在这里公开。请假办法见"
              "[请假与出差](../../rules/leave-trips.md)。", "",
              "| 姓名 | 类别 | 起 | 止 | 今天 |", "|---|---|---|---|---|"]
    rows = []
    for kind, word in (("leave", "请假"), ("trip", "出差")):
        for item in book.lists[kind]:
            end = max(item["end"], item.get("extended_to") or item["end"])
            if item.get("status") == "approved" and item["start"] <= last and end >= monday:
                now = "在假" if item["start"] <= today <= end and kind == "leave" else \
                    "出差中" if item["start"] <= today <= end else \
                    ("已结束" if end < today else "未开始")
                rows.append((item["start"], book.name(str(item["person"])), word, end, now))
    rows.sort(key=lambda row: (row[0], name_key(row[1]), row[2:]))
    lines += [f"| {md_text(name)} | {word} | {start.isoformat()} | {end.isoformat()} | {now} |"
              for start, name, word, end, now in rows]
    if not rows:
        lines += ["| — | — | — | — | 没有人请假或出差 |"]
    return "\n".join(lines) + "\n"


def handovers_page(book: StaffBook) -> str:
    assert book.rules is not None
    limit = book.rules.handovers.matter_open_days
    chain = matter_chain(book)
    lines = _head("未办结的交接事项", "交接班记录中还没有办结、每次交接都要照抄并写明进展的事项。",
                  ["交接班", "交接事项", "未办结", "待跟进"])
    lines += [f"截至 {book.today.isoformat()}，交接班记录里还有 {len(chain.open)} 件事项没有办结。"
              "每次交接都要照抄这些事项并写明进展，办结时写上结果并标 `closed: true`；"
              f"超过 {limit} 天未办结的会在 `kefu overdue` 中提醒接班人。交接要求见"
              "[值班与交接班](../../rules/duty-handover.md)。", "",
              "| 事项 | 内容 | 首次交接 | 已交接 | 最近一次交接 | 现由 | 相关工单 |",
              "|---|---|---|---:|---|---|---|"]
    for matter in sorted(chain.open.values(), key=lambda m: (m.since, m.id)):
        days = (book.today - matter.since).days
        late = f"（{days} 天，已超期）" if days > limit else ""
        ticket = f"`{matter.data['ticket']}`" if matter.data.get("ticket") else "—"
        owner = md_text(book.name(matter.owner))
        lines.append(f"| `{matter.id}` | {md_text(matter.title)} | "
                     f"{matter.since.isoformat()}{late} | {matter.handovers} 次 | "
                     f"`{matter.last}` | {owner} | {ticket} |")
    if not chain.open:
        lines.append("| — | 没有未办结的事项 | — | — | — | — | — |")
    return "\n".join(lines) + "\n"


def loans_page(book: StaffBook, invalid_files: int) -> str:
    lines = _head("借出的档案",
                  "已借出、还没有归还的档案：借阅人、借出和应还日期，超期的标出天数。",
                  ["档案", "借阅", "借出", "归还", "超期"])
    lines += [f"截至 {book.today.isoformat()} 已借出、尚未归还的档案。借阅登记要求见"
              "[档案与保密](../../rules/archives.md)；秘密档案不公开名称，员工个人档案不外借。", "",
              "| 档案 | 类别 | 借阅人 | 经手人 | 借出 | 应还 | 状态 |",
              "|---|---|---|---|---|---|---|"]
    # lent: not returned, not refused, a confidential archive only once approved
    out = [loan for loan in book.lists["loan"] if loan.get("returned") is None
           and loan.get("refused") is None
           and (loan["category"] != "confidential" or loan.get("approved") is not None)]
    for loan in sorted(out, key=lambda item: (item["due"], str(item["id"]))):
        late = (book.today - loan["due"]).days
        state = f"**超期 {late} 天**" if late > 0 else ("今天到期" if late == 0 else "借出中")
        name = "（秘密档案，名称不公开）" if loan["category"] != "ordinary" else md_text(
            loan["archive"])
        lines.append(f"| {name} | {CATEGORY_LABELS.get(loan['category'], '')} | "
                     f"{md_text(loan['borrower'])} | {md_text(book.name(str(loan['handler'])))} | "
                     f"{loan['out'].isoformat()} | {loan['due'].isoformat()} | {state} |")
    if not out:
        lines.append("| — | — | — | — | — | — | 没有借出未还的档案 |")
    if invalid_files:
        lines += ["", f"（有 {invalid_files} 个记录文件有错误，未计入；请运行 `kefu validate`。）"]
    return "\n".join(lines) + "\n"
