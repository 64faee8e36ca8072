"""Text tables whose columns line up on a terminal, whatever the mix of Chinese and Latin.

A Chinese character takes two columns of a terminal and a Latin letter one; `len()` counts both
as one, so padding by `len()` (or with the ideographic space) leaves columns ragged. wcwidth
measures what a terminal shows (wide and zero-width characters, combining marks, escape
sequences); every text table kefu prints (`kefu report`, `kefu staff`, `kefu roster`,
`kefu overdue`, `kefu calendar`, `kefu form --list`) is laid out here.
"""

from __future__ import annotations

from collections.abc import Sequence

from wcwidth import ljust, rjust, width

GAP = "  "


def one_line(text: object) -> str:
    """A cell on one line: runs of whitespace (newlines included) become one space."""
    return " ".join(str(text).split())


def aligned(rows: Sequence[Sequence[object]], right: Sequence[bool] = (),
            gap: str = GAP) -> list[str]:
    """Each row as a line, each column as wide as its widest cell (in terminal columns).

    `right[i]` right-aligns column i (figures); others are left-aligned. Rows may be shorter
    than others (their missing cells are empty). Trailing spaces are dropped.
    """
    cells = [[one_line(c) for c in row] for row in rows]
    count = max((len(row) for row in cells), default=0)
    widths = [max((width(row[i]) for row in cells if i < len(row)), default=0)
              for i in range(count)]
    lines = []
    for row in cells:
        parts = [(rjust if i < len(right) and right[i] else ljust)(text, widths[i])
                 for i, text in enumerate(row)]
        lines.append(gap.join(parts).rstrip())
    return lines

