"""Text as every report and page shows it: one Markdown escape, no terminal control characters,
JSON with Chinese kept readable, problems as lines or a table, record text masked for pages."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from kefu.problems import Problem

if TYPE_CHECKING:
    from kefu.privacy import Names

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


_COMMAND = re.compile(r"^(?=::)", re.M)


def printable(text: str) -> str:
    """`text` without the characters that steer a terminal (ANSI escapes, direction overrides),
    and no line that a CI runner would take for a workflow command (`::error::`, `::set-env`)."""
    return _COMMAND.sub(" ", _CONTROL.sub("", text))


def md_text(text: object) -> str:
    """Record text made inert in Markdown (and in the HTML it becomes): no markup, no pipes."""
    one_line = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def md_message(text: str) -> str:
    """A Chinese message in Markdown: its `code` spans kept as code, the rest made inert."""
    parts = re.split(r"`([^`\n]*)`", text)
    return "".join(f"`{part}`" if index % 2 else _spaced(part) for index, part in enumerate(parts))


def _spaced(text: str) -> str:
    """md_text, keeping one space where `text` began or ended with one (beside a code span)."""
    head = " " if text[:1].isspace() else ""
    tail = " " if text[-1:].isspace() and text.strip() else ""
    return head + md_text(text) + tail


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


# -- problems ---------------------------------------------------------------------------------
def problems_text(problems: Iterable[Problem]) -> str:
    return "\n".join(p.format() for p in problems)


def problems_json(problems: Iterable[Problem], **extra: object) -> str:
    return dumps({"problems": [p.to_dict() for p in problems], **extra})


def problems_markdown(problems: Iterable[Problem]) -> str:
    rows = [f"| `{md_text(p.path)}:{p.line}:{p.col}` | {p.slug} | "
            f"{'错误' if p.severity == 'error' else '警告'} | {md_text(p.message)} |"
            for p in problems]
    if not rows:
        return "没有问题。\n"
    return "\n".join(["| 位置 | 类别 | 级别 | 说明 |", "|---|---|---|---|", *rows]) + "\n"


def page_text(text: object, known: Collection[str] | Names = ()) -> str:
    """Record free text (titles, notes, names) as every generated page and printed report shows
    it: the one place that decides how record text reaches the site and the PDF. Phone numbers,
    e-mails and ID numbers are masked, and so is each `known` personal value of the records."""
    from kefu.privacy import mask

    return md_text(mask(str(text), known))
