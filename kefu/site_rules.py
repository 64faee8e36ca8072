"""The 时限规则与节假日 page of the site (docs/generated/deadlines.md).

One section per rule of records/sla.yml, its anchor being the rule id, so that handbook pages name
a rule by its Chinese title and link to it (`deadlines.md#complaint.normal`); then this year's and
next year's days off on weekdays and make-up workdays on weekends.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kefu.calendar import WorkCalendar, describe_source, special_days, to_ics
from kefu.kinds.ticket import ACTION_LABELS, LEVEL_LABELS, TYPE_LABELS
from kefu.output import md_text
from kefu.sla import Rule, Rules
from kefu.workspace import Workspace

PAGE = "deadlines.md"
ICS = "holidays.ics"


def write_site_pages(ws: Workspace, out: Path) -> None:
    """Write out/deadlines.md from records/sla.yml and the work calendar (as of ws.today)."""
    from kefu import files

    page = deadlines_page(ws.rules, ws.calendar, ws.today, ws.department)
    files.write_file(out / PAGE, page, root=ws.root, durable=False)
    days = to_ics(ws.calendar, [ws.today.year, ws.today.year + 1], ws.department)
    files.write_file(out / ICS, days, root=ws.root, durable=False)


def deadlines_page(rules: Rules, cal: WorkCalendar, today: dt.date, department: str) -> str:
    """The whole page as Markdown."""
    close = rules.close_of_business.strftime("%H:%M")
    lines = [
        "---",
        "title: 时限规则与节假日",
        "description: " + json.dumps(f"{department}每条办理时限规则（几个工作日、从哪一步算起）"
                                     "和今年的放假、调休上班日。", ensure_ascii=False),
        "---",
        "",
        "# 时限规则与节假日",
        "",
        "本页由 `kefu` 根据 `records/sla.yml`（时限规则的唯一来源）和工作日历自动生成。"
        "手册各页提到的时限都链接到这里的对应规则。",
        "",
        f"- **N 个工作日内**：从起算那天的下一天开始数工作日，到第 N 个工作日的 {close} 为止；"
        "起算那天是休息日也这样数。",
        f"- **当天**：当天 {close} 前；起算时已过 {close} 或当天休息的，到下一个工作日 {close}。",
        "- **工作日**：按国务院每年公布的放假安排，调休上班的周末算工作日；公司另行放假或补班以 "
        "`records/calendar.yml` 为准。下面列出了今明两年与平常周历不同的日子，不用命令也能照着数；"
        f"也可以把[{today.year}–{today.year + 1} 年的节假日与调休]({ICS})导入日历软件"
        "（iCalendar 格式）。",
        "- 这套数法（从下一天数起、下班时刻为止、按国家放假安排）是本部门的规定，理由见"
        "[工作日怎么算](../processes/index.md#workdays)。",
        "- 用命令计算：`kefu due 规则编号 起算时间`，例如 "
        "`kefu due repair.inspect 2026-02-13T10:00:00+08:00`。",
        "",
        "| 规则 | 时限 | 适用工单 | 从哪一步起算 | 到哪一步完成 |",
        "|---|---|---|---|---|",
    ]
    for rule in rules.values():
        lines.append(
            f"| [{md_text(rule.title)}](#{rule.id}) | {rule.term_text} | {applies_text(rule)} "
            f"| {action_text(rule.start)} | {action_text(rule.stop)} |"
        )
    for rule in rules.values():
        lines += ["", *rule_section(rule, close)]
    for year in (today.year, today.year + 1):
        lines += ["", *holidays_section(cal, year)]
    return "\n".join(lines) + "\n"


def rule_section(rule: Rule, close: str) -> list[str]:
    """One rule: a heading whose anchor is the rule id, then its terms."""
    if rule.agreed:
        term = "没有固定期限：以工单上与对方约定的答复日期（`agreed_due`）为准"
    elif rule.same_day:
        term = f"当天（{close} 前）"
    else:
        term = f"{rule.term_text}内（到第 {rule.working_days} 个工作日 {close}）"
    return [
        f"## {md_text(rule.title)} {{#{rule.id}}}",
        "",
        f"- 时限：{term}{_since(rule)}",
        f"- 适用工单：{applies_text(rule)}",
        f"- 从「{action_text(rule.start)}」起算，到「{action_text(rule.stop)}」为止"
        f"（工单事件 `{rule.start}` → `{rule.stop}`）",
        f"- 规则编号：`{rule.id}`（`kefu due` 命令和工单看板使用）",
        f"- 出处：{md_text(rule.seed)}",
    ]


def _since(rule: Rule) -> str:
    """（自 2027-01-01 起；之前为 2 个工作日） for a term that changed."""
    if rule.effective_from is None:
        return ""
    earlier = rule.at(rule.effective_from - dt.timedelta(days=1))
    return (f"（自 {rule.effective_from.isoformat()} 起算的工作适用；"
            f"之前起算的仍为 {earlier.term_text}）")


def holidays_section(cal: WorkCalendar, year: int) -> list[str]:
    """Days of `year` that differ from the plain week (weekdays off, weekend workdays)."""
    provisional = cal.is_provisional(dt.date(year, 1, 1))
    note = "（暂定：尚未公布放假安排，按法定节假日规则推算）" if provisional else ""
    lines = [
        f"## {year} 年放假与调休上班日{note}",
        "",
        "只列与平常周历（周一至周五上班、周六周日休息）不同的日子。",
        "",
        "| 日期 | 星期 | 安排 | 依据 |",
        "|---|---|---|---|",
    ]
    for info in special_days(cal, year):
        state = f"{info.state}（{md_text(info.name)}）"
        lines.append(
            f"| {info.date.isoformat()} | {info.weekday_name} | {state} | {describe_source(info)} |"
        )
    return lines


def applies_text(rule: Rule) -> str:
    """Which tickets a rule applies to, in Chinese: 投诉（一般）, 返修."""
    kind = TYPE_LABELS.get(rule.type, rule.type)
    return f"{kind}（{LEVEL_LABELS.get(rule.level, rule.level)}）" if rule.level else kind


def action_text(action: str) -> str:
    """An event's Chinese label."""
    return ACTION_LABELS.get(action, action)
