"""The open-work pages (docs/generated/open-work/): every ticket not closed, by owner and by dealer.

Each ticket links to its page, with its state and its next deadline (overdue ones first). Names
of staff and companies only: no customer, no dealer contact; titles are masked like the ticket
pages. Both pages are lookup pages of the site's search (kefu/site/search_index.py): found by
what they are (未办结工作), never ranked among the handbook's answers.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from kefu import files
from kefu.kinds.ticket import STATUS_LABELS, TYPE_LABELS
from kefu.lookup import Desk
from kefu.lookup.facts import stamp
from kefu.lookup.work import Work, grouped, open_work
from kefu.output import md_text, page_text
from kefu.workspace import Workspace

FOLDER = "open-work"
BY_OWNER, BY_DEALER = "by-owner.md", "by-dealer.md"
DEALERS = "../dealers.md"  # the dealer directory, from this folder (kefu/site/dealers.py)
NONE = "—"
# Rows a page lists at most: a department with years of backlog still gets a page a browser
# opens; `kefu find --open` lists them all.
MAX_ROWS = 1000


def write_site_pages(ws: Workspace, out: Path) -> None:
    """Write out/open-work/by-owner.md and by-dealer.md (as of ws.today)."""
    from kefu.ticket_pages import pages_for

    desk = Desk.open(ws)
    folder = files.real_folder(out / FOLDER, ws.root)
    works = open_work(desk)
    with_pages = pages_for(ws, [r.data for r in desk.of_kind("ticket")])
    for name, text in ((BY_OWNER, by_owner_page(desk, works, with_pages)),
                       (BY_DEALER, by_dealer_page(desk, works, with_pages))):
        files.write_file(folder / name, text, root=ws.root, durable=False)


def front(title: str, summary: str, keys: Sequence[str]) -> list[str]:
    """A lookup page's front matter (search: {scope: lookup}), its summary and keys as JSON."""
    return ["---", f"title: {json.dumps(title, ensure_ascii=False)}", "search:",
            "  scope: lookup", f"  summary: {json.dumps(summary, ensure_ascii=False)}",
            f"  keys: {json.dumps(list(keys), ensure_ascii=False)}",
            "hide:", "  - toc",  # its tables need the room
            "---", ""]


def wide(table: Sequence[str]) -> list[str]:
    """A table inside the block the site's stylesheet lays out for tables of many columns
    (kefu.css, .kefu-report: first column kept in view, scrolling sideways on a phone)."""
    return ['<div class="kefu-report" markdown>', "", *table, "", "</div>"]


def ticket_cell(ticket: str, with_pages: Collection[str], prefix: str = "../") -> str:
    """A ticket id that never wraps, linked to its page when it has one."""
    text = f'<span class="kefu-id">{html.escape(ticket)}</span>'
    return f"[{text}]({prefix}tickets/{ticket}.md)" if ticket in with_pages else text


def next_cell(work: Work) -> str:
    """The next deadline: its rule, when it falls due and how far off (overdue in bold)."""
    term = work.next
    if term is None:
        return NONE
    when = f'<span class="kefu-when">{stamp(term.due)}</span>'
    left = f"**{term.left}**" if term.state == "overdue" else term.left
    return f"{md_text(term.title)}：{when}，{left}"


def ticket_table(desk: Desk, works: Sequence[Work], with_pages: Collection[str],
                 column: str, prefix: str = "../", due: bool = True) -> list[str]:
    """A Markdown table of tickets: id, type, title, state, next deadline (unless `due` is
    false: closed tickets), and the owner or the dealer (`column`: "owner" or "dealer", the one
    the page is not grouped by)."""
    head = "负责人" if column == "owner" else "代理商"
    heads = ["工单", "类型", "标题", "状态", *(["下一个时限"] if due else []), head]
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for work in works[:MAX_ROWS]:
        data = work.record.data
        other = str(data.get(column) or "")
        who = md_text(desk.name("person" if column == "owner" else "dealer", other)) \
            if other else NONE
        if column == "dealer" and other and any(r.kind == "dealer" for r in desk.get(other)):
            who = f"[{who}]({prefix}dealers/{other}.md)"
        cells = [ticket_cell(work.record.id, with_pages, prefix),
                 TYPE_LABELS.get(str(data.get("type")), str(data.get("type"))),
                 page_text(data.get("title", ""), desk.personal),
                 STATUS_LABELS.get(str(data.get("status")), str(data.get("status"))),
                 *([next_cell(work)] if due else []), who]
        lines.append("| " + " | ".join(cells) + " |")
    lines = wide(lines)
    if len(works) > MAX_ROWS:
        lines += ["", f"（仅列出前 {MAX_ROWS} 张，共 {len(works)} 张；完整列表请运行 "
                      "`kefu find --open --kind ticket --limit 10000`。）"]
    return lines


def _intro(desk: Desk, works: Sequence[Work], other: str) -> list[str]:
    late = sum(w.overdue for w in works)
    return [f"本页由 `kefu` 根据 `records/` 中的记录生成，截至 {desk.ws.today.isoformat()}（北京时间）："
            f"未结案的工单共 {len(works)} 张，其中 {late} 张有已超期的时限。"
            "每组里超期的在前，其余按下一个时限排。点工单编号看它的事件记录和时限。"
            f"{other}不含顾客、代理商联系人等个人信息。", ""]


@dataclass(frozen=True)
class Split:
    """One way the pages group the open tickets: by the ticket's `field`, a record of `kind`."""

    word: str  # 负责人, 代理商
    each: str  # 每位负责人: the page's description
    field: str
    kind: str
    other: str  # the column each group's table shows instead (the other split's field)
    see: str  # the intro's pointer to the other page, and the command that lists the same
    name: Callable[[Desk, str], str]  # a group's name in the summary table
    heading: Callable[[Desk, str], str]
    link: Callable[[Desk, str], str]  # the line under a group's heading ("" for none)


def by_owner_page(desk: Desk, works: Sequence[Work], with_pages: Collection[str]) -> str:
    return _page(desk, works, with_pages, BY_OWNER_SPLIT)


def by_dealer_page(desk: Desk, works: Sequence[Work], with_pages: Collection[str]) -> str:
    return _page(desk, works, with_pages, BY_DEALER_SPLIT)


def _page(desk: Desk, works: Sequence[Work], with_pages: Collection[str], split: Split) -> str:
    title = f"未办结工作（按{split.word}）"
    lines = [*front(title, f"{split.each}未结案的工单、状态和下一个时限",
                    ["未办结工作", "未结工单", f"按{split.word}"]),
             f"# {title}", "", *_intro(desk, works, split.see)]
    groups = grouped(works, split.field, split.kind, desk)
    if not groups:
        return "\n".join([*lines, "现在没有未结案的工单。"]) + "\n"
    table = [f"| {split.word} | 未结工单 | 已超期 |", "|---|---:|---:|"]
    for key, items in groups:
        table.append(f"| [{md_text(split.name(desk, key))}](#{split.field}-{key or 'none'}) | "
                     f"{len(items)} | {sum(w.overdue for w in items)} |")
    lines += [f"## 各{split.word}", "", *wide(table)]
    for key, items in groups:
        link = split.link(desk, key)
        lines += ["", f"## {md_text(split.heading(desk, key))} {{#{split.field}-{key or 'none'}}}",
                  "", *([link, ""] if link else []),
                  *ticket_table(desk, items, with_pages, split.other)]
    return "\n".join(lines) + "\n"


def _owner(desk: Desk, owner: str) -> str:
    return desk.name("person", owner) or "（未写负责人）"


def _owner_heading(desk: Desk, owner: str) -> str:
    name = _owner(desk, owner)
    return f"{name}（{owner}）" if owner and name != owner else name


def _dealer_link(desk: Desk, dealer: str) -> str:
    return f"（[代理商页](../dealers/{dealer}.md)）" if desk.get(dealer) else ""


def _dealer(desk: Desk, dealer: str) -> str:
    if not dealer:
        return "不是代理商的工单"
    name = desk.name("dealer", dealer)
    return f"{name}（{dealer}）" if name != dealer else dealer


BY_OWNER_SPLIT = Split(
    "负责人", "每位负责人", "owner", "person", "dealer",
    f"按代理商看见[未办结工作（按代理商）]({BY_DEALER})。命令行：`kefu find --owner 姓名 --open`。",
    _owner, _owner_heading, lambda desk, owner: "")
BY_DEALER_SPLIT = Split(
    "代理商", "每个代理商", "dealer", "dealer", "owner",
    f"按负责人看见[未办结工作（按负责人）]({BY_OWNER})，代理商的编号和地区见[代理商名录]({DEALERS})。"
    "命令行：`kefu find --dealer 名称或编号 --open`。",
    _dealer, _dealer, _dealer_link)
