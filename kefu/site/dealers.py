"""The dealer directory (docs/generated/dealers.md) and one page per dealer
(docs/generated/dealers/<D-number>.md).

The directory lists every dealer: number, company, region, the contact's post (never the
contact's name, phone or any other personal value), since when, whether still active, and the
open tickets, each linked to its page. A dealer's page holds the same facts, its open tickets
with their next deadlines and its latest closed ones. Dealer pages are lookup pages of the site's
search (`search: {scope: lookup, keys: [company, D-number]}`): 远航电子 or D-0002 finds the page
first; the directory is found as 代理商名录 or 代理商编号. Dealer pages are not in the nav (as
ticket pages are not: mkdocs.yml's not_in_nav); the directory links them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from kefu import files
from kefu.collation import name_key
from kefu.lookup import Desk
from kefu.lookup.facts import stamp
from kefu.lookup.state import created
from kefu.lookup.work import Work, open_work, tickets_of
from kefu.output import md_text
from kefu.records import Record
from kefu.workspace import Workspace

from .open_work import NONE, front, ticket_cell, ticket_table, wide

FOLDER = "dealers"
DIRECTORY = "dealers.md"  # beside the folder: an index.md would become its nav section's page
IN_DIRECTORY = 5  # open tickets linked from the directory's row of a dealer (the rest counted)
CLOSED_SHOWN = 20  # latest closed tickets on a dealer's page


def write_site_pages(ws: Workspace, out: Path) -> None:
    """Write out/dealers.md and out/dealers/<id>.md; remove pages of dealers now gone."""
    from kefu.ticket_pages import pages_for

    desk = Desk.open(ws)
    folder = files.real_folder(out / FOLDER, ws.root)
    dealers = sorted(desk.of_kind("dealer"), key=_order)
    with_pages = pages_for(ws, [r.data for r in desk.of_kind("ticket")])
    open_by: dict[str, list[Work]] = {}
    for work in open_work(desk):
        open_by.setdefault(str(work.record.data.get("dealer") or ""), []).append(work)
    closed_by: dict[str, list[Work]] = {}  # one pass over the tickets, not one per dealer
    for work in tickets_of(desk, lambda r: r.data.get("status") == "closed"):
        closed_by.setdefault(str(work.record.data.get("dealer") or ""), []).append(work)

    def write(path: Path, text: str) -> None:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            files.write_file(path, text, root=ws.root, durable=False)

    write(out / DIRECTORY, directory_page(desk, dealers, open_by, with_pages))
    pages = set()
    for dealer in dealers:
        pages.add(f"{dealer.id}.md")
        write(folder / f"{dealer.id}.md", dealer_page(desk, dealer, open_by.get(dealer.id, []),
                                                      closed_by.get(dealer.id, []), with_pages))
    for stale in folder.glob("*.md"):
        if stale.name not in pages:
            files.remove(stale, ws.root)


def _newest(work: Work) -> tuple[float, str]:
    began = created(work.record)
    return (-began.timestamp() if began else 0.0, work.record.id)


def _order(dealer: Record) -> tuple[int, str]:
    """Active dealers first, then by number (the order they were signed)."""
    return (0 if dealer.data.get("active", True) else 1, dealer.id)


def facts(dealer: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the site says of a dealer: nothing personal (no contact name, phone, address…)."""
    return [("编号", f'<span class="kefu-id">{md_text(dealer.get("id", ""))}</span>'),
            ("公司", md_text(dealer.get("company", ""))),
            ("地区", md_text(dealer.get("region", "")) or NONE),
            ("联系人职务", md_text(dealer.get("contact_role") or "") or NONE),
            ("合作起始", f'<span class="kefu-when">{stamp(dealer.get("since"))}</span>'
                         if dealer.get("since") else NONE),
            ("状态", "合作中" if dealer.get("active", True) else "已停止合作")]


def directory_page(desk: Desk, dealers: Sequence[Record], open_by: Mapping[str, list[Work]],
                   with_pages: Collection[str]) -> str:
    active = sum(1 for d in dealers if d.data.get("active", True))
    lines = [*front("代理商名录", "全部代理商的编号、公司、地区、联系人职务和未结工单",
                    ["代理商名录", "代理商编号", "代理商列表"]),
             "# 代理商名录", "",
             f"本页由 `kefu` 根据 `records/dealers/` 中的代理商档案生成，截至 "
             f"{desk.ws.today.isoformat()}：共 {len(dealers)} 个代理商，{active} 个合作中。"
             "登记工单时代理商写编号（D-0001）或公司名称都可以（命令行 `kefu new … --dealer`、"
             "issue 表单“登记新工单”）。点编号看这个代理商的全部工单。"
             "本页不列联系人姓名、电话、地址等个人信息：需要时请看代理商档案，"
             "或运行 `kefu show 编号 --with-personal`。"
             "未结工单按负责人、按代理商见[未办结工作](open-work/by-dealer.md)。", ""]
    if not dealers:
        return "\n".join([*lines, "还没有代理商档案（`kefu new dealer` 登记）。"]) + "\n"
    table = ["| 编号 | 公司 | 地区 | 联系人职务 | 合作起始 | 状态 | 未结工单 |",
             "|---|---|---|---|---|---|---|"]
    for dealer in dealers:
        cells = dict(facts(dealer.data))
        cells["编号"] = f"[{cells['编号']}]({FOLDER}/{dealer.id}.md)"
        works = open_by.get(dealer.id, [])
        shown = "、".join(ticket_cell(w.record.id, with_pages, "")
                         for w in works[:IN_DIRECTORY])
        more = f" 等 {len(works)} 张" if len(works) > IN_DIRECTORY else ""
        table.append("| " + " | ".join(cells.values()) + f" | {shown + more or NONE} |")
    lines += ["## 名录", "", *wide(table), "", "按公司名称（拼音）：" + "、".join(
        f"[{md_text(d.data.get('company', d.id))}]({FOLDER}/{d.id}.md)"
        for d in sorted(dealers, key=lambda d: name_key(str(d.data.get("company", d.id)))))]
    return "\n".join(lines) + "\n"


def dealer_page(desk: Desk, dealer: Record, works: Sequence[Work], closed: Sequence[Work],
                with_pages: Collection[str]) -> str:
    data = dealer.data
    company = str(data.get("company") or dealer.id)
    region = str(data.get("region") or "")
    state = "合作中" if data.get("active", True) else "已停止合作"
    summary = " · ".join(p for p in (f"{company}（{dealer.id}）", region, state,
                                     f"未结工单 {len(works)} 张") if p)
    lines = [*front(f"代理商 {company}（{dealer.id}）", summary, [company, dealer.id]),
             f'# 代理商 {md_text(company)}（<span class="kefu-id">{md_text(dealer.id)}</span>）',
             "",
             "| 项目 | 内容 |", "|---|---|", *(f"| {k} | {v} |" for k, v in facts(data)), "",
             f"本页由 `kefu` 根据记录生成，截至 {desk.ws.today.isoformat()}；不含联系人姓名、电话等"
             f"个人信息。[返回代理商名录](../{DIRECTORY})", "", f"## 未结工单（{len(works)} 张）", ""]
    lines += ticket_table(desk, works, with_pages, "owner") if works else ["没有未结工单。"]
    lines += ["", f"## 已结工单（{len(closed)} 张）", ""]
    if closed:
        latest = sorted(closed, key=_newest)[:CLOSED_SHOWN]
        if len(closed) > CLOSED_SHOWN:
            lines += [f"最近收到的 {CLOSED_SHOWN} 张；全部工单：`kefu find --dealer {dealer.id}`。", ""]
        lines += ticket_table(desk, latest, with_pages, "owner", due=False)
    else:
        lines.append("没有已结工单。")
    return "\n".join(lines) + "\n"
