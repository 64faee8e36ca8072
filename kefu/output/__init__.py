"""Every report the commands print, in text, JSON or Markdown.

`render(result, fmt)` picks the writer for the result's type from the module that holds it
(imported on first use); library modules build results, the CLI prints what this package makes
of them. Escaping and masking live in `text`, used by every writer and every generated page.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from .text import (
    dumps,
    md_code,
    md_message,
    md_text,
    page_text,
    printable,
    problems_json,
    problems_markdown,
    problems_text,
)
from .tracker import (
    MD_HEADER,
    MD_RULE,
    PROVISIONAL_NOTE,
    deadline_lines,
    due_text,
    state_cell,
    state_text,
)

__all__ = [
    "FORMATS", "MD_HEADER", "MD_RULE", "PROVISIONAL_NOTE", "deadline_lines", "due_text", "dumps",
    "state_cell", "md_code", "md_message", "md_text", "page_text", "printable", "problems_json",
    "problems_markdown", "problems_text", "render", "state_text",
]

FORMATS = ("text", "json", "markdown")
Writer = Callable[[Any], str]
# result type name -> the module whose WRITERS maps it to a writer per format
WRITER_MODULES: dict[str, str] = {
    "ValidateResult": "kefu.output.tracker",
    "OverdueReport": "kefu.output.tracker",
    "PrResult": "kefu.output.tracker",
    "EventResult": "kefu.output.tracker",
    "Deadline": "kefu.output.calendar",
    "Month": "kefu.output.calendar",
    "DayInfo": "kefu.output.calendar",
    "RosterReport": "kefu.output.staff",
    "StaffMonth": "kefu.output.staff",
    "IntakeResult": "kefu.output.intake",
    "CommentResult": "kefu.output.intake",
    "PendingReport": "kefu.output.pending",
    "Decided": "kefu.output.pending",
    "Report": "kefu.reports.render",
    "Shown": "kefu.output.lookup",
    "Found": "kefu.output.lookup",
}


def writers_for(result: Any) -> dict[str, Writer]:
    """The writers of `result`'s type (or of the nearest base class that has some)."""
    for cls in type(result).__mro__:
        module = WRITER_MODULES.get(cls.__name__)
        if module is not None:
            writers: dict[str, Writer] = importlib.import_module(module).WRITERS[cls.__name__]
            return writers
    raise TypeError(f"no writer for {type(result).__name__}")


def render(result: Any, fmt: str = "text") -> str:
    """`result` written in `fmt` (text, json or markdown); text and Markdown without control
    characters (JSON escapes them itself)."""
    writers = writers_for(result)
    out = (writers.get(fmt) or writers["text"])(result)
    return out if fmt == "json" else printable(out)
