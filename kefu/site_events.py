"""The 工单事件与时限 page of the site (docs/generated/events.md).

Every event a ticket can record, when to record it, and what it does to the deadlines: which rules
of records/sla.yml it starts and which it completes, read from the rules themselves so the page
changes with them; then, per ticket type, the steps from one event to the next with their terms.
"""

from __future__ import annotations

from pathlib import Path

from kefu.kinds.ticket import (
    ACTION_HELP,
    ACTION_LABELS,
    ACTIONS_BY_TYPE,
    COMMON_ACTIONS,
    TYPE_LABELS,
)
from kefu.output import md_text
from kefu.site_rules import PAGE as RULES_PAGE
from kefu.site_rules import action_text, applies_text
from kefu.sla import Rule, Rules
from kefu.sla.deadlines import REOPENED
from kefu.workspace import Workspace

PAGE = "events.md"
# What closing and reopening do to the deadlines is the department's rule, not a seed's: declared.
CLOSING_NOTE = (
    '!!! note "本手册采用的规则"',
    "    **结案和重新打开怎样影响时限。** 制度只规定各项工作的时限，"
    "没有说事情办结以后没完成的时限还提不提醒。本部门规定：**记了“结案”，还没完成的时限就不再提醒**"
    "——事情已经办完、对方已经确认，再提醒没有意义；对方就同一件事再次反映、记“重新打开”时，"
    "**从收到时起算的答复时限从重新打开的时间起重新计算**，因为对方等的是对这次反映的答复。"
    "返修寄回等从中间某一步起算的时限不重新计算。",
)
CLOSED, RECEIVED = "closed", "received"


def write_site_pages(ws: Workspace, out: Path) -> None:
    """Write out/events.md from the ticket model and records/sla.yml."""
    from kefu import files

    files.write_file(out / PAGE, events_page(ws.rules), root=ws.root, durable=False)


def events_page(rules: Rules) -> str:
    """The whole page as Markdown."""
    lines = [
        "---",
        "title: 工单事件与时限",
        "description: 工单的每一种事件（受理、答复、寄往工厂、结案、重新打开……）什么时候记，"
        "记了以后哪条时限开始计算、哪条算完成。",
        "---",
        "",
        "# 工单事件与时限",
        "",
        "工单上的每一步都记成一条**事件**：什么时候、谁、做了什么。时限从某个事件起算，"
        "到另一个事件为止；所以事件记得及时、准确，工单看板和每日超期提醒才是对的。",
        "本页由 `kefu` 根据工单模型和 `records/sla.yml` 自动生成；"
        "怎么记事件见[如何登记和更新工单](../guide/index.md)。",
        "",
        "| 事件 | 代码 | 哪些工单 | 什么时候记 | 对时限的影响 |",
        "|---|---|---|---|---|",
    ]
    for code, label in ACTION_LABELS.items():
        lines.append(f"| **{md_text(label)}** | `{code}` | {types_text(code)} "
                     f"| {md_text(ACTION_HELP[code])} | {effect(code, rules)} |")
    lines.append("| **更正** | `corrected` | 全部 | 登记时写错了，或情况有了变化"
                 "（投诉升级、代理商、约定完成时间……）："
                 "`kefu correct 工单编号 --set 字段=值 --note 原因`，原来的文件不动 "
                 "| 不是事件：改的是工单的字段；改了投诉等级或约定完成时间，时限随之重算 |")
    lines += ["", *CLOSING_NOTE]
    lines += ["", "## 各类工单的时限从哪一步到哪一步 {#by-type}", "",
              "时限按工作日计算，截止到第 N 个工作日的下班时间；怎么数见"
              f"[时限规则与节假日]({RULES_PAGE})。", ""]
    for ticket_type, label in TYPE_LABELS.items():
        steps = [rule_step(rule) for rule in rules.values() if rule.type == ticket_type]
        lines += [f"### {md_text(label)}", ""]
        lines += steps or ["没有固定时限：按部门工作提交函上约定的时间办理，办完记“结案”。"]
        lines.append("")
    return "\n".join(lines)


def effect(action: str, rules: Rules) -> str:
    """What recording `action` does to the deadlines, in Chinese, with links to the rules."""
    parts = []
    starts = [r for r in rules.values() if r.start == action]
    stops = [r for r in rules.values() if r.stop == action]
    if starts:
        parts.append("开始计算 " + "、".join(_rule_link(r) for r in starts))
    if stops:
        parts.append("完成 " + "、".join(_rule_link(r) for r in stops))
    if action == CLOSED:
        parts.append("工单结案：还没完成的时限不再计入超期")
    if action == REOPENED:
        again = [r for r in rules.values() if r.start == RECEIVED]
        parts.append("工单回到处理中；从收到时起算的时限从重新打开的时间起重新计算（"
                     + "、".join(_rule_link(r) for r in again) + "）")
    return "；".join(parts) if parts else "不影响时限"


def types_text(action: str) -> str:
    """The ticket types an event fits (as `kefu event` allows it)."""
    if action in COMMON_ACTIONS:
        return "所有工单"
    return "、".join(TYPE_LABELS[t] for t, fits in ACTIONS_BY_TYPE.items() if action in fits)


def rule_step(rule: Rule) -> str:
    """One rule as a list item: from which event to which, and its term."""
    level = f"（{applies_text(rule)}）" if rule.level else ""
    return (f"- {_rule_link(rule)}{level}：从“{action_text(rule.start)}”"
            f"到“{action_text(rule.stop)}”，{md_text(rule.term_text)}")


def _rule_link(rule: Rule) -> str:
    return f"[{md_text(rule.title)}]({RULES_PAGE}#{rule.id})"
