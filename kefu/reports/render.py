"""A report as text, JSON or Markdown (kefu.output.render dispatches here for a `Report`).

The Markdown is also the body of the site's report pages and of the printed PDF: one writer, so
the page, the PDF and `kefu report --format markdown` say the same thing.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Mapping
from typing import Any

from kefu.output import dumps, md_text, page_text
from kefu.output import html_blocks as hb
from kefu.output.columns import aligned
from kefu.output.html_blocks import html_text
from kefu.times import SHANGHAI

from .tables import DATE, DAYS, INT, PCT, SCORE, TICKET, TIME, Column, Given, Report, Table

EMPTY = "—"


def cell(value: Any, column: Column) -> str:
    """A value as shown in a table (record text is not escaped here)."""
    if value is None:
        return EMPTY
    kind = column.kind
    if kind == PCT:
        return f"{value:.1%}"
    if isinstance(value, Given):
        beside = "本月无时限" if value.computed is None else f"记录算得 {value.computed:.1f}"
        return f"{value:.1f}（{beside}）"
    if kind in (DAYS, SCORE):
        return f"{value:.1f}" if kind == SCORE else f"{value:g}"
    if kind == TIME and isinstance(value, dt.datetime):
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    if kind == DATE and isinstance(value, dt.date):
        return value.isoformat()
    if kind == INT:
        return str(int(value))
    return str(value)


# -- text -------------------------------------------------------------------------------------
def table_text(table: Table) -> list[str]:
    lines = [f"【{table.title}】"]
    if not table.rows:
        return [*lines, f"  {table.empty}"]
    heads = [c.label for c in table.columns]
    body = [[cell(v, c) for v, c in zip(row, table.columns, strict=True)] for row in table.rows]
    numeric = [c.kind in (INT, PCT, DAYS, SCORE) for c in table.columns]
    lines += [f"  {line}" for line in aligned([heads, *body], numeric)]
    if table.note:
        lines.append(f"  注：{table.note}")
    return lines


def report_text(report: Report) -> str:
    lines = [report.title]
    for section in report.sections:
        lines += ["", f"== {section.title} =="]
        lines += section.notes
        for table in section.tables:
            lines += ["", *table_text(table)]
    return "\n".join(lines) + "\n"


# -- JSON -------------------------------------------------------------------------------------
def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(SHANGHAI).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def report_json(report: Report) -> str:
    period = report.period
    data = {
        "period": {"key": period.key, "kind": period.kind, "title": period.title,
                   "first": period.first.isoformat(), "last": period.last.isoformat()},
        "as_of": report.as_of.isoformat(), "complete": report.complete,
        "provisional": report.provisional, "skipped_invalid_files": report.skipped_files,
        "sections": [{
            "key": s.key, "title": s.title, "notes": s.notes,
            "tables": [{"key": t.key, "title": t.title, "note": t.note,
                        "columns": [{"key": c.key, "label": c.label, "kind": c.kind}
                                    for c in t.columns],
                        "rows": [{k: _json_value(v) for k, v in row.items()}
                                 for row in t.as_dicts()]} for t in s.tables],
            "charts": [c.key for c in s.charts]} for s in report.sections],
    }
    return dumps(data)


# -- Markdown ---------------------------------------------------------------------------------
TicketLink = Callable[[str], str | None]


def table_markdown(table: Table, ticket_link: TicketLink | None = None,
                   level: str = "###", site: bool = False) -> list[str]:
    """The table under its heading; for the `site` as HTML (`_site_table`)."""
    lines = [f"{level} {md_text(table.title)}", ""]
    if not table.rows:
        return [*lines, table.empty, ""]
    if site:
        lines = [*lines[:1], *_site_table(table, ticket_link)]
        return [*lines, f"<small>{md_text(table.note)}</small>", ""] if table.note else lines
    align = ["---:" if c.kind in (INT, PCT, DAYS, SCORE) else "---" for c in table.columns]
    lines += ["| " + " | ".join(md_text(c.label) for c in table.columns) + " |",
              "|" + "|".join(align) + "|"]
    for row in table.rows:
        cells = []
        for value, column in zip(row, table.columns, strict=True):
            if column.kind == TICKET and value:
                cells.append(_ticket(str(value), ticket_link))
            elif column.kind in (INT, PCT, DAYS, SCORE, DATE, TIME):
                cells.append(cell(value, column))
            else:
                cells.append(page_text(cell(value, column)))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if table.note:
        lines += [f"<small>{md_text(table.note)}</small>", ""]
    return lines


def _site_table(table: Table, ticket_link: TicketLink | None) -> list[str]:
    """The table for the site, as HTML (kefu.output.html_blocks): a date or a time stays on one
    line, and so does a record id in a text (P-20261029-oywt)."""
    rows = []
    for row in table.rows:
        cells = []
        for value, column in zip(row, table.columns, strict=True):
            if column.kind == TICKET and value:
                target = ticket_link(str(value)) if ticket_link else None
                inner = f'<span class="kefu-id">{html.escape(str(value))}</span>'
                cells.append(hb.page_link(target, inner) if target else inner)
            elif column.kind in (DATE, TIME) and value is not None:
                cells.append(f'<span class="kefu-when">{html.escape(cell(value, column))}</span>')
            elif column.kind in (INT, PCT, DAYS, SCORE, DATE, TIME):
                cells.append(html.escape(cell(value, column)))
            else:
                cells.append(_RECORD_ID.sub(_unbroken, html_text(cell(value, column))))
        rows.append(cells)
    return hb.table([html.escape(c.label) for c in table.columns], rows,
                    [c.kind in (INT, PCT, DAYS, SCORE) for c in table.columns])


# a record id inside a text cell (依据 P-20261029-oywt、S-20261022-teae): the part after its
# last hyphen must not go to the next line
_RECORD_ID = re.compile(r"\b[A-Z]{1,3}-\d{8}-[0-9a-z]+\b")


def _unbroken(match: re.Match[str]) -> str:
    return f'<span class="kefu-id">{match.group(0)}</span>'


def _ticket(ticket: str, link: TicketLink | None) -> str:
    """A ticket id that never wraps, linked to its page when there is one."""
    target = link(ticket) if link else None
    text = f'<span class="kefu-id">{html.escape(ticket)}</span>'
    return f"[{text}]({target})" if target else text


def report_markdown(report: Report, charts: Mapping[str, str] | None = None,
                    ticket_link: TicketLink | None = None, heading: str | None = None,
                    site: bool = False) -> str:
    """The report as Markdown; `charts` maps a chart key to its image path (site and PDF).
    For the `site`, each section's heading has its key as id (the site's attr_list; in the PDF
    or `--format markdown` it would show), so that 2026-11.html#kpi links the same section
    every month, and times do not break."""
    lines = [f"# {heading or report.title}", ""]
    for section in report.sections:
        anchor = f" {{#{section.key}}}" if site else ""
        lines += [f"## {md_text(section.title)}{anchor}", ""]
        for note in section.notes:
            lines += [md_text(note), ""]
        for chart in section.charts:
            if charts and chart.key in charts:
                lines += [f'<img class="kefu-chart" src="{charts[chart.key]}" '
                          f'alt="{html.escape(chart.description or chart.title)}">', ""]
        for table in section.tables:
            lines += table_markdown(table, ticket_link, site=site)
    return "\n".join(lines)


WRITERS: dict[str, dict[str, Callable[[Any], str]]] = {
    "Report": {"text": report_text, "json": report_json, "markdown": report_markdown},
}
