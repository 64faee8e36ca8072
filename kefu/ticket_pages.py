"""One generated page per ticket (docs/generated/tickets/<id>.md): its timeline, deadlines, forms.

The dashboard and the report pages link ticket ids here. Which tickets get a page: every ticket
while the repository holds at most ALL_PAGES_LIMIT of them; beyond that, open tickets and those
with an event in the last RECENT_DAYS days (the ones a supervisor opens from the dashboard and
this month's report). Why: each page costs the MkDocs build about as much as a handbook page
(`make bench-reports` prints the figures), so 100,000 pages would take many minutes and a search
index the browser cannot hold; older tickets remain in `kefu export` and the records themselves.
A ticket page shows no personal field (no customer, no dealer contact). It is a lookup page
(`search: {scope: lookup}`, hooks/search_index.py): the site's search finds it by its id, title,
dealer (name or number) and product, after the handbook's answers.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from kefu import files
from kefu.kinds.ticket import (
    ACTION_LABELS,
    CHANNEL_LABELS,
    LEVEL_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
)
from kefu.output import html_blocks as hb
from kefu.output import md_text, page_text
from kefu.output.html_blocks import html_text
from kefu.records import personal_values
from kefu.times import SHANGHAI
from kefu.workspace import Workspace

FOLDER = "tickets"
ALL_PAGES_LIMIT = 2000
RECENT_DAYS = 92


def _stamp(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return "—" if value is None else str(value)


def pages_for(ws: Workspace, tickets: Sequence[Mapping[str, Any]]) -> set[str]:
    """Ids of the tickets that get a page (see the module's docstring)."""
    if len(tickets) <= ALL_PAGES_LIMIT:
        return {str(t.get("id")) for t in tickets}
    since = dt.datetime.combine(ws.today - dt.timedelta(days=RECENT_DAYS), dt.time(0, 0),
                                tzinfo=SHANGHAI)
    return {str(t.get("id")) for t in tickets if t.get("status") != "closed"
            or any(e["at"] >= since for e in t.get("events") or ())}


def page_link(ticket: str, with_pages: Collection[str], prefix: str = "") -> str | None:
    """Relative link to a ticket's page from docs/generated/ (`prefix` for sub-folders)."""
    return f"{prefix}{FOLDER}/{ticket}.md" if ticket in with_pages else None


def write_site_pages(ws: Workspace, out: Path) -> None:
    """Write out/tickets/<id>.md for the chosen tickets and remove pages of the others."""
    loaded = ws.load()
    tickets = [r.data for r in loaded.of_kind("ticket")]
    chosen = pages_for(ws, tickets)
    folder = out / FOLDER
    files.real_folder(folder, ws.root)
    people = {r.id: str(r.data.get("name") or r.id) for r in loaded.of_kind("person")}
    dealers = {r.id: str(r.data.get("company") or r.id) for r in loaded.of_kind("dealer")}
    forms = _form_titles(ws)
    known = personal_values(loaded)  # a customer's name typed into a note is masked too
    corrections = _corrections(loaded)
    for ticket in tickets:
        record_id = str(ticket.get("id"))
        if record_id in chosen:
            text = ticket_page(ws, ticket, people, dealers, forms, known,
                               corrections.get(record_id, ()))
            path = folder / f"{record_id}.md"
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                files.write_file(path, text, root=ws.root, durable=False)
    for stale in folder.glob("*.md"):
        if stale.stem not in chosen:
            files.remove(stale, ws.root)


def _corrections(loaded: Any) -> dict[str, list[dict[str, Any]]]:
    """Each ticket's corrections (folded into its fields, so not among its events)."""
    from kefu.index import query

    with loaded.index() as ix:
        return query.changes_of_action(ix, "ticket", "corrected") if ix is not None else {}


def _form_titles(ws: Workspace) -> dict[str, str]:
    from kefu.forms.registry import load_registry

    return {form.key: form.title for form in load_registry(ws.root).forms}


def _summary(ticket: Mapping[str, Any], dealers: Mapping[str, str], known: Collection[str]) -> str:
    """The line a search result shows under the ticket's id: title, kind, state, dealer, product
    (plain text, masked like the page; the search worker escapes it)."""
    from kefu.privacy import mask

    dealer = ticket.get("dealer")
    parts = (ticket.get("title"), TYPE_LABELS.get(str(ticket.get("type"))),
             STATUS_LABELS.get(str(ticket.get("status"))),
             f"{dealers[str(dealer)]}（{dealer}）" if str(dealer) in dealers else dealer,
             ticket.get("product"))
    return " · ".join(" ".join(mask(str(part), known).split()) for part in parts if part)


def _keys(ticket: Mapping[str, Any], dealers: Mapping[str, str],
          known: Collection[str]) -> list[str]:
    """What an agent looks the ticket up by: its id, its dealer's name and number, its product."""
    from kefu.privacy import mask

    dealer = ticket.get("dealer")
    keys = (ticket.get("id"), dealers.get(str(dealer)), dealer, ticket.get("product"))
    return [" ".join(mask(str(key), known).split()) for key in keys if key]


def ticket_page(ws: Workspace, ticket: Mapping[str, Any], people: Mapping[str, str],
                dealers: Mapping[str, str], forms: Mapping[str, str],
                known: Collection[str] = (),
                corrections: Sequence[Mapping[str, Any]] = ()) -> str:
    """One ticket's page as Markdown, its tables as HTML (kefu.output.html_blocks; no personal
    field; free text masked); its events and the corrections made to it, oldest first."""

    def text(value: Any) -> str:
        return html_text(value, known)

    from kefu.records.kinds import KINDS
    from kefu.reports.figures import STATE_LABELS, TicketView, classify
    from kefu.sla import milestones

    record_id = str(ticket.get("id"))

    def name(person: Any) -> str:
        return html_text(people.get(str(person), str(person))) if person else "—"

    def labelled(labels: Mapping[str, str], value: Any) -> str:
        return html.escape(labels.get(str(value), str(value))) if value else "—"

    def stamp(value: Any) -> str:
        return html.escape(_stamp(value))

    dealer = ticket.get("dealer")
    # the company and its number: an agent searches either, the issue forms ask the number
    dealer_text = (hb.page_link(f"../dealers/{dealer}.md",
                                text(f"{dealers[str(dealer)]}（{dealer}）"))
                   if str(dealer) in dealers else text(dealer) if dealer else "—")
    facts = [
        ("类型", labelled(TYPE_LABELS, ticket.get("type"))),
        ("状态", labelled(STATUS_LABELS, ticket.get("status"))),
        ("投诉等级", labelled(LEVEL_LABELS, ticket.get("level"))),
        ("来源渠道", labelled(CHANNEL_LABELS, ticket.get("channel"))),
        ("代理商", dealer_text),
        ("产品", text(ticket.get("product")) if ticket.get("product") else "—"),
        ("责任部门", text(ticket.get("department")) if ticket.get("department") else "—"),
        ("负责人", name(ticket.get("owner"))),
        ("收到时间", stamp(ticket.get("received"))),
        ("约定期限", stamp(ticket.get("agreed_due"))),
    ]
    lines = [
        "---",
        f"title: 工单 {record_id}",
        "search:",
        "  scope: lookup",
        f"  summary: {json.dumps(_summary(ticket, dealers, known), ensure_ascii=False)}",
        f"  keys: {json.dumps(_keys(ticket, dealers, known), ensure_ascii=False)}",
        "---",
        "",
        f'# 工单 <span class="kefu-id">{html.escape(record_id)}</span>',
        "",
        f"**{page_text(ticket.get('title', ''), known)}**",
        "",
        f"本页由 `kefu` 根据记录生成，截至 {ws.today.isoformat()}；"
        "不含顾客、代理商联系人等个人信息。"
        "[返回工单看板](../tracker.md)",
        *hb.table(["项目", "内容"], facts),
        "## 时限",
        "",
    ]
    now = dt.datetime.combine(ws.today, dt.time(0, 0), tzinfo=SHANGHAI)
    view = TicketView(ticket, now)
    stones = milestones(ticket, ws.rules, ws.calendar)
    if stones:
        rows = []
        for stone in stones:
            rule = ws.rules[stone.rule]
            state = STATE_LABELS[classify(view, stone, now)] if stone.due else "未约定期限"
            mark = "（暂定）" if stone.provisional else ""
            rows.append([hb.page_link(f"../deadlines.md#{rule.id}", html.escape(rule.title)),
                         html.escape(rule.term_text), stamp(stone.start),
                         stamp(stone.due) + mark, stamp(stone.met_at), html.escape(state)])
        lines += hb.table(["时限规则", "时限", "起算", "截止", "完成", "情况"], rows)
    else:
        lines += ["这张工单还没有开始计算的时限（起算事件尚未发生）。", ""]
    from kefu.records.corrections import describe

    events = [(event.get("at"), name(event.get("by")),
               labelled(ACTION_LABELS, event.get("action"))
               + (f" → {name(event['to'])}" if event.get("to") else ""),
               event.get("note")) for event in ticket.get("events") or ()]
    events += [(change.get("at"), name(change.get("by")),
                "更正：" + text(describe("ticket", change.get("correct") or {})),
                change.get("note")) for change in corrections]
    events.sort(key=lambda row: row[0] or now)  # stable: a correction after its second's events
    lines += ["## 事件记录",
              *hb.table(["时间", "经办人", "动作", "备注"],
                        [[stamp(at), by, what, text(note) if note else ""]
                         for at, by, what, note in events])]
    fillers = [f for f in KINDS["ticket"].forms
               if all(ticket.get(k) == v for k, v in f.when.items())]
    lines += ["## 可打印的表单", ""]
    if fillers:
        for filler in fillers:
            title = md_text(forms.get(filler.form, filler.form))
            lines.append(f"- [{title}（空白）](../forms/{filler.form}.pdf)；"
                         f"按本工单填好的表单：`kefu form {filler.form} --record {record_id}`")
    else:
        lines.append("这类工单没有可从记录直接填写的表单；空白表单见[表单下载](../forms.md)。")
    return "\n".join(lines) + "\n"
