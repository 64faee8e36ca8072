"""Tables that kefu writes as HTML inside a generated page's Markdown, for the site.

A generated page's big tables (a ticket's facts, deadlines and events; a month report's) cost
most of its build when Markdown reads them: every cell goes through every inline pattern. So the
site's pages carry them as HTML between a START and an END line, which the kefu MkDocs plugin
keeps aside as raw HTML (kefu.site.raw_html). Nothing in a cell is read as Markdown: record text
goes in through `html_text` (masked, escaped), and a link to another page of the site through
`page_link`, resolved by the plugin as MkDocs resolves a Markdown link (and failing the build
when its page is missing).
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kefu.privacy import Names

START, END = "<!-- kefu:html -->", "<!-- /kefu:html -->"
LINK_ATTRIBUTE = "data-kefu-md"  # a docs path relative to the page, made an href by the plugin
RIGHT = ' style="text-align: right;"'  # as Markdown's tables write a ---: column


def html_text(text: object, known: Collection[str] | Names = ()) -> str:
    """Record free text as a cell shows it: masked as `page_text` masks it, on one line,
    escaped for HTML."""
    from kefu.privacy import mask

    return html.escape(" ".join(mask(str(text), known).split()))


def page_link(target: str, inner: str) -> str:
    """A link to the site's page `target` (a docs path relative to this page, `#anchor` kept)
    around `inner` (HTML)."""
    return f'<a {LINK_ATTRIBUTE}="{html.escape(target)}">{inner}</a>'


def table(heads: Sequence[str], rows: Iterable[Sequence[str]],
          right: Sequence[bool] | None = None) -> list[str]:
    """The lines of one table (heads and cells are HTML), between START and END, with a blank
    line before and after, as Markdown's tables extension would write it."""
    align = [RIGHT if r else "" for r in right] if right else [""] * len(heads)
    lines = ["", START, "<table>", "<thead>", "<tr>"]
    lines += [f"<th{a}>{h}</th>" for h, a in zip(heads, align, strict=True)]
    lines += ["</tr>", "</thead>", "<tbody>"]
    for row in rows:
        lines.append("<tr>")
        lines += [f"<td{a}>{c}</td>" for c, a in zip(row, align, strict=True)]
        lines.append("</tr>")
    return [*lines, "</tbody>", "</table>", END, ""]
