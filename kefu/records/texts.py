"""Characters no output can take, refused in every text of every record (kefu.chars).

Runs on the parsed file for every kind, so `kefu validate`, `kefu new`, `kefu event` and the
issue forms refuse the same values: a control character (ESC…) anywhere, a line break in a name,
a title or any other one-line field. Free-text fields may hold line breaks (MULTILINE).
"""

from __future__ import annotations

import re
from typing import Any

from kefu.chars import LINE_BREAK, char_name, first_bad

from .kinds import Finding

# Fields of prose, where a line break is a paragraph; every other text is one line
# (names, titles, companies, places, ids).
MULTILINE = frozenset({"note", "fault", "reason", "cause", "progress", "result", "purpose",
                       "basis", "instructions", "seed", "description", "notes", "summary"})
_MAX = 5  # findings per file: one bad paste is one problem, said a few times at most
# What a file needs for a parsed text to hold such a character: the character itself, an escape
# (a backslash), a block scalar (| or >), or a blank line (a folded line break). Most files have
# none of these, and the walk over their values (50 us a file) is skipped.
_MAYBE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\\\\|>]"
                    "|\n[ \t]*\r?\n")


def in_text(text: str, data: Any) -> list[Finding]:
    """`findings(data)` for the file `text` parsed into `data`, skipped when it cannot have any."""
    return findings(data) if _MAYBE.search(text) else []


def findings(data: Any) -> list[Finding]:
    """A finding for each text (or key) holding a character no output can take."""
    found: list[Finding] = []
    stack: list[tuple[tuple[str | int, ...], Any, str]] = [((), data, "")]
    while stack and len(found) < _MAX:
        loc, value, field = stack.pop()
        if type(value) is dict:
            for key, inner in value.items():
                if type(key) is str:
                    bad = first_bad(key, one_line=True)
                    if bad is not None:
                        found.append(_finding((*loc, key), key, bad, key=True))
                    stack.append(((*loc, key), inner, key))
        elif type(value) is list:
            stack.extend(((*loc, index), inner, field) for index, inner in enumerate(value))
        elif type(value) is str:
            bad = first_bad(value, one_line=field not in MULTILINE)
            if bad is not None:
                found.append(_finding(loc, field, bad))
    return found


def _finding(loc: tuple[str | int, ...], field: str, bad: str, key: bool = False) -> Finding:
    where = f"字段名 `{field!r}`" if key else f"`{field or '值'}`"
    if LINE_BREAK.match(bad):
        return Finding("line-break", loc,
                       f"{where} 里有{'换行' if bad == chr(10) else f'换行符（{char_name(bad)}）'}"
                       "：姓名、名称、标题等只能写一行，"
                       "请改成一行（需要分段的说明写在 note 等说明字段里）。")
    return Finding("control-character", loc,
                   f"{where} 里有控制字符 {char_name(bad)}：它会破坏终端、表格、网页和日历的显示，"
                   "多半是从别处粘贴带进来的，请删除它。")
