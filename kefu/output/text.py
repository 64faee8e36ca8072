"""Text as every report and page shows it: one Markdown escape, no terminal control characters,
JSON with Chinese kept readable, problems as lines or a table, record text masked for pages."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

import orjson

from kefu.problems import Problem

# Record text in Markdown escapes only what could turn into markup, so that a report pasted
# into 企业微信 or 钉钉 reads as written (2026-12-06, not 2026\-12\-06). Anywhere in the text:
# a backslash that would escape the next character, code (`), emphasis (* and an _ that is not
# inside a word), links and images ([ ]), attribute lists ({, the site's attr_list) and table
# cells (|); < only where it could open an HTML tag, comment or autolink, & only where it could
# start an entity. At the start of the text: a heading (#, with or without a space after it:
# Python-Markdown reads #1 as a heading), a quote (>), a list item (- + or 1.
# followed by a space), a thematic break (---) or a fence (~~~). Digits, hyphens, dots,
# parentheses, ! and # elsewhere are left alone.
_MD_INLINE = re.compile(r"\\(?=[!-/:-@\[-`{-~])|[`*\[\]{|]|(?<!\w)_|_(?!\w)")
_MD_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_LEADING = re.compile(r"^(?:#|>|[-+](?=\s|$|-*\s*$)|~~~)")
_MD_NUMBERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")

if TYPE_CHECKING:
    from kefu.privacy import Names


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


_COMMAND = re.compile(r"^(?=::)", re.M)


def printable(text: str) -> str:
    """`text` without the characters that steer a terminal (ANSI escapes, direction overrides),
    and no line that a CI runner would take for a workflow command (`::error::`, `::set-env`)."""
    return _COMMAND.sub(" ", _CONTROL.sub("", text))


def md_text(text: object) -> str:
    """Record text made inert in Markdown (and in the HTML it becomes), on one line, with no
    more backslashes than that needs (see _MD_INLINE)."""
    one_line = " ".join(str(text).split())
    out = _MD_INLINE.sub(lambda m: "\\" + m.group(0), one_line)
    out = _MD_TAG.sub("&lt;", _MD_ENTITY.sub("&amp;", out))
    out = _MD_NUMBERED.sub(r"\1\\\2", out)
    return _MD_LEADING.sub(lambda m: "\\" + m.group(0), out)


def md_code(text: object) -> str:
    """`text` as a code span (a file path, a command): shown as is, never escaped inside."""
    one_line = " ".join(str(text).split())
    fence = "``" if "`" in one_line else "`"
    pad = " " if "`" in one_line else ""
    return f"{fence}{pad}{one_line}{pad}{fence}"


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
    """`data` as `json.dumps(data, ensure_ascii=False, indent=2)` writes it, written by orjson
    (in C: a month's report is 100,000s of values) whenever that gives the same text; it does
    for all but what `_plain` turns away."""
    if _plain(data):
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()
        except orjson.JSONEncodeError:  # a lone surrogate in a text
            pass
    return json.dumps(data, ensure_ascii=False, indent=2)


_EXACT = {str, bool, type(None)}


def _plain(data: Any) -> bool:
    """Whether orjson writes `data` as json.dumps does: only dicts with text keys, lists,
    tuples, texts, booleans, None, 64-bit integers, and floats json.dumps writes without an
    exponent below 1 (orjson writes 1e-05 as 0.00001) and that are finite (NaN: null)."""
    todo = [data]
    while todo:
        value = todo.pop()
        kind = value.__class__
        if kind in _EXACT:
            continue
        if kind is float:
            if not math.isfinite(value) or (value != 0 and abs(value) < 1e-4):
                return False
        elif kind is int:
            if not -(2**63) <= value < 2**64:
                return False
        elif kind is dict:
            if any(key.__class__ is not str for key in value):
                return False
            todo.extend(value.values())
        elif kind is list or kind is tuple:
            todo.extend(value)
        else:  # a date, a subclass: json.dumps's way (or its error), not orjson's
            return False
    return True


# -- problems ---------------------------------------------------------------------------------
def problems_text(problems: Iterable[Problem]) -> str:
    return "\n".join(p.format() for p in problems)


def problems_json(problems: Iterable[Problem], **extra: object) -> str:
    return dumps({"problems": [p.to_dict() for p in problems], **extra})


def problems_markdown(problems: Iterable[Problem]) -> str:
    rows = [f"| {md_code(f'{p.path}:{p.line}:{p.col}')} | {p.slug} | "
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
