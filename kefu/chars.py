"""Characters that no output can take, and names shown on one line.

Record text goes into terminals, CI logs, Markdown, HTML, PDF, iCalendar, CSV and Excel. Some
characters break some of them: control characters (ESC steers a terminal, and Excel refuses
every C0 control in a cell), lone surrogates (not UTF-8 at all), U+FFFE/U+FFFF (not XML), and
line breaks in a name or a title (one line in a table, a calendar's SUMMARY, a log line).
kefu refuses them at the door (validate, `kefu new`, intake) so that every output can write
every value it accepts; names of files are shown escaped so that one file name is one line.
"""

from __future__ import annotations

import re

# Never in any text: C0 controls but tab and line feed, DEL, C1 controls, surrogates,
# the two non-characters XML refuses.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Everything str.splitlines() breaks a line at (a name must stay on one line).
LINE_BREAK = re.compile("[\n\x0b\x0c\r\x1c-\x1e\x85\u2028\u2029]")
# Not visible: white space, zero-width characters, direction marks, BOM, soft hyphen.
_INVISIBLE = re.compile(r"[\s\u00ad\u180e\u200b-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]")
_CHAR_NAMES = {"\x1b": "ESC", "\x00": "NUL", "\x7f": "DEL", "\r": "CR", "\n": "换行",
               "\x0b": "VT", "\x0c": "FF", "\u2028": "U+2028 行分隔符", "\u2029": "U+2029 段分隔符"}
_ESCAPE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def visible(text: str | None) -> bool:
    """Whether `text` shows anything: not empty, not only spaces or invisible characters."""
    return bool(text) and bool(_INVISIBLE.sub("", text or ""))


def char_name(char: str) -> str:
    """How a message names a bad character: ESC, NUL, 换行, or U+XXXX."""
    return _CHAR_NAMES.get(char, f"U+{ord(char):04X}")


def first_bad(text: str, one_line: bool) -> str | None:
    """The first character of `text` that no output can take (or a line break, if `one_line`)."""
    match = FORBIDDEN.search(text)
    if match is None and one_line:
        match = LINE_BREAK.search(text)
    return match.group() if match else None


def one_line(text: str) -> str:
    """`text` with every control character and line break shown as an escape (\\n, \\x1b), so
    that one name is one line in a terminal or a CI log: no line can start with `::`."""
    if not _ESCAPE.search(text):
        return text
    return _ESCAPE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    special = {"\n": "\\n", "\r": "\\r"}.get(char)
    if special:
        return special
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
