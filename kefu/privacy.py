"""Personal data stays off the site: free text is masked where it is shown, and the built site is
scanned for every personal value of the records before the build may finish.

Masks keep a hint for people who know the value (138****0001, w***@example.com, 钱**) and
nothing a reader could use.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

_PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])(0[0-9]{2,3}|400)[- ]?([0-9]{3,4})[- ]?([0-9]{3,4})(?![0-9])")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_ID_NUMBER = re.compile(r"(?<![0-9])([0-9]{3})[0-9]{11}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
TEXT_SUFFIXES = (".html", ".htm", ".js", ".json", ".xml", ".txt", ".md", ".css", ".svg", ".ics",
                 ".csv", ".yml", ".yaml")


def hint(value: str) -> str:
    """A personal value reduced to a hint: its first character and a star for each other one."""
    text = str(value)
    return text[:1] + "*" * max(1, len(text) - 1) if text else ""


def mask(text: str, known: Iterable[str] = ()) -> str:
    """`text` with phone, e-mail and id numbers masked, and each `known` personal value too."""
    out = _ID_NUMBER.sub(lambda m: f"{m.group(1)}{'*' * 11}{m.group(2)}", str(text))
    out = _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", out)
    out = _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(3)[-2:]}", out)
    out = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", out)
    for value in sorted({str(v) for v in known if len(str(v)) >= 2}, key=len, reverse=True):
        out = out.replace(value, hint(value))
    return out


def readings(path: Path) -> Iterator[str]:
    """Every way a value could be spelt in a text file: raw, entity/\\u-decoded, JSON-decoded."""
    raw = path.read_bytes()
    name = path.name.lower()
    if name.endswith(".gz"):
        raw, name = gzip.decompress(raw), name[:-3]
    text = raw.decode("utf-8", errors="replace")
    yield text
    decoded = html.unescape(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))
    yield decoded.translate(_INVISIBLE)
    if name.endswith(".json"):
        with contextlib.suppress(ValueError, RecursionError):
            yield json.dumps(json.loads(raw), ensure_ascii=False).translate(_INVISIBLE)


def text_files(folder: Path) -> list[Path]:
    """The files of a built site that text can be read from (PDFs and images are not)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and p.name.lower().removesuffix(".gz").endswith(TEXT_SUFFIXES))


def leaks(files: Iterable[Path], folder: Path, secrets: Iterable[str],
          reader: Callable[[Path], Iterable[str]] = readings) -> list[tuple[str, str]]:
    """(file, value) for every personal value found in any of `files`."""
    wanted = sorted({s for s in secrets if len(s) >= 2})
    found: set[tuple[str, str]] = set()
    for path in files:
        for text in reader(path):
            found.update((path.relative_to(folder).as_posix(), s) for s in wanted if s in text)
    return sorted(found)
