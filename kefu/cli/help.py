"""Help screens laid out in display cells: a Chinese character takes two columns of a terminal,
and click counts it as one (its `term_len` is `len`), so Chinese help ran past the screen's edge
and option names holding Chinese (`--root 文件夹`) pushed their column out of line. Click also
joins the lines of a docstring paragraph with a space, which Chinese does not put between words.

`HelpFormatter` measures with wcwidth and wraps with its `wrap` (Unicode line breaking: no line
starts with ，or 。); everything else is click's own. `install()` makes it every command's.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import click
from wcwidth import width, wrap

RAW = "\b"  # click's mark for a paragraph kept as written


class HelpFormatter(click.HelpFormatter):
    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrapped(text, self.width, indent, indent) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((width(first) for first, _ in rows), default=0), col_max)
        first_col += col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrapped(second, max(self.width - first_col - 2, 10)).splitlines() or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n" if line else "\n")


def wrapped(text: str, columns: int, first: str = "", rest: str = "") -> str:
    """`text` in lines of at most `columns` display cells, paragraph by paragraph (blank lines
    between them; one starting with a line of "\\b" kept as written), as click's wrap_text."""
    out = []
    for indent, raw, lines in _paragraphs(text.expandtabs()):
        pad = " " * indent
        if raw:
            out.append("\n".join(f"{rest}{pad}{line}" for line in lines))
        else:
            out.append("\n".join(wrap(joined(lines), columns, initial_indent=first + pad,
                                      subsequent_indent=rest + pad, break_on_hyphens=False))
                       or first)
    return "\n\n".join(out)


def joined(lines: list[str]) -> str:
    """A paragraph's lines as one, spaced as kefu writes Chinese: none between two Chinese
    characters or beside Chinese punctuation (a line ending in 请假、 and the next starting
    出差), one between Chinese and a Latin word and between two Latin words."""
    text = ""
    for line in lines:
        if text and not _tight(text[-1], line[0]):
            text += " "
        text += line
    return text


def _tight(before: str, after: str) -> bool:
    wide = [c for c in (before, after) if width(c) == 2]
    return len(wide) == 2 or any(unicodedata.category(c).startswith("P") for c in wide)


def _paragraphs(text: str) -> list[tuple[int, bool, list[str]]]:
    """(indent of its first line, kept as written, lines) of each paragraph."""
    found: list[tuple[int, bool, list[str]]] = []
    lines: list[str] = []
    indent = 0
    for line in [*text.splitlines(), ""]:
        if line.strip():
            if not lines:
                indent = len(line) - len(line.lstrip())
            lines.append(line.rstrip())
            continue
        if lines:
            raw = lines[0].strip() == RAW
            kept = [line[indent:] for line in lines[1:]] if raw else [x.strip() for x in lines]
            found.append((indent, raw, kept))
            lines = []
    return found


def short_help(help: str, max_length: int = 45) -> str:
    """A command's line in the list of commands: the first sentence of its `help` (to 。), cut
    to `max_length` display cells with … (click's own cuts at `max_length` characters and only
    knows the full stop "." of English)."""
    cells = max_length
    paragraphs = _paragraphs(help)
    if not paragraphs:
        return ""
    line = joined(paragraphs[0][2])
    line = line[:line.index("。") + 1] if "。" in line[:-1] else line
    if width(line) <= cells:
        return line
    while line and width(line) > cells - 1:
        line = line[:-1]
    return line.rstrip("，、；：（ ") + "…"


def install() -> None:
    """Every command's help laid out by `HelpFormatter` (click makes one per context), and the
    list of commands by `short_help` (click 8.x, pinned: tests/test_cli.py fails if it moves)."""
    import click.core

    click.Context.formatter_class = HelpFormatter
    click.core._make_default_short_help = short_help
