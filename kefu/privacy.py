"""Personal data stays in the records: the one masking module.

`mask` is used by every output that is not --with-personal (site pages, the printed report,
`kefu overdue`'s Markdown for the reminder issue, exports): number shapes (mobile numbers
however they are written: １３９１２３４５６７８, 139.1234.5678, 139 1234 5678, +86 …; land lines;
ID numbers), e-mail addresses, and each personal value on record (customers' and dealer
contacts' names…) are masked. `leaks` scans a built site for every personal value of the
records, in every spelling, before the build may finish.

Masks keep a hint for people who know the value (139****5678, w***@example.com, 钱**) and
nothing a reader could use. Names are found with an Aho-Corasick automaton (pyahocorasick):
one pass over a text, however many names the records hold.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

# A run of digits (ASCII or full-width), each pair at most one separator apart, with an
# optional + in front and an X at the end (ID numbers). Not inside a word of Latin letters
# (a serial number ZF00000001 stays), but right after Chinese text (手机13912345678) too.
_DIGIT = "0-9\uff10-\uff19"
# ) and ） close an area code: (020)88881234
_SEPARATOR = r"[ \t.\-/)\u00b7\u2010-\u2015\u3000\uff09\uff0d\uff0e]"
_RUN = re.compile(rf"(?<![{_DIGIT}A-Za-z])([+\uff0b]?[(\uff08]?)"
                  rf"([{_DIGIT}](?:{_SEPARATOR}?[{_DIGIT}]){{6,20}})"
                  rf"({_SEPARATOR}?[Xx\uff38\uff58])?(?![{_DIGIT}A-Za-z])")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*[@\uff20]([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_HAS_DIGIT = re.compile(r"\d")  # ASCII and full-width digits alike
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_BETWEEN_DIGITS = re.compile(rf"(?<=[0-9]){_SEPARATOR}+(?=[0-9])")
# a compiled class, not str.translate: translate walks a 3 MB script in Python's per-character
# loop (0.2 s), the pattern in C; a text without them comes back as the same object
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
TEXT_SUFFIXES = (".html", ".htm", ".js", ".json", ".xml", ".txt", ".md", ".css", ".svg", ".ics",
                 ".csv", ".yml", ".yaml")


def hint(value: str) -> str:
    """A personal value reduced to a hint: its first character and a star for each other one."""
    text = str(value)
    return text[:1] + "*" * max(1, len(text) - 1) if text else ""


def _shape(match: re.Match[str]) -> tuple[str, str] | None:
    """(what, masked) for a run of digits with the shape of a phone or an ID number, else None."""
    plus, body, tail = match.group(1).strip("(\uff08"), match.group(2), match.group(3) or ""
    digits = "".join(c for c in unicodedata.normalize("NFKC", body) if c.isdigit())
    if tail:  # only an ID number ends in X
        return ("身份证号", f"{digits[:3]}{'*' * 11}{digits[-3:]}X") if len(digits) == 17 else None
    if digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        return "手机号", f"+86 {digits[2:5]}****{digits[-4:]}"
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return "手机号", f"{plus}{digits[:3]}****{digits[-4:]}"
    if len(digits) == 18:
        return "身份证号", f"{digits[:3]}{'*' * 11}{digits[-4:]}"
    if 10 <= len(digits) <= 12 and (digits[0] == "0" or digits.startswith("400")):
        area = digits[:3] if digits[:2] in ("01", "02") or digits.startswith("400") else digits[:4]
        return "电话号码", f"{area}-****{digits[-2:]}"
    return None


def _number(match: re.Match[str]) -> str:
    found = _shape(match)
    if found is None:
        return match.group()
    # an area code's opening parenthesis goes with it; any other stays: 手机(139****5678)
    kept = "" if found[0] == "电话号码" else match.group(1).lstrip("+\uff0b")
    return kept + found[1]


def shapes(text: str) -> list[str]:
    """What personal shapes `text` holds, in Chinese (手机号, 身份证号, 电话号码, 电子邮箱)."""
    found = [shape[0] for m in _RUN.finditer(text) if (shape := _shape(m)) is not None]
    if _EMAIL.search(text):
        found.append("电子邮箱")
    return list(dict.fromkeys(found))


class Names:
    """Known personal values, found in one pass over a text (pyahocorasick)."""

    def __init__(self, values: Iterable[str]) -> None:
        import ahocorasick

        self.automaton: Any = None
        words = {str(v) for v in values if len(str(v)) >= 2}
        if words:
            self.automaton = ahocorasick.Automaton()
            for word in words:
                self.automaton.add_word(word, len(word))
            self.automaton.make_automaton()

    def found(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each known value in `text`, longest first, not overlapping."""
        if self.automaton is None:
            return []
        return [(end + 1 - length, end + 1) for end, length in self.automaton.iter_long(text)]

    def mask(self, text: str) -> str:
        spans = self.found(text)
        if not spans:
            return text
        out, last = [], 0
        for start, end in spans:
            out += [text[last:start], hint(text[start:end])]
            last = end
        return "".join(out) + text[last:]


_NAMES: dict[int, tuple[object, Names]] = {}  # id(known) -> (known, its automaton)


def names(known: Collection[str] | Names) -> Names:
    """The automaton of `known`, built once per collection (callers pass the same set again)."""
    if isinstance(known, Names):
        return known
    kept = _NAMES.get(id(known))
    if kept is not None and kept[0] is known:
        return kept[1]
    built = Names(known)
    if len(_NAMES) >= 8:
        _NAMES.clear()
    _NAMES[id(known)] = (known, built)  # holding `known` keeps its id from being reused
    return built


def mask(text: str, known: Collection[str] | Names = ()) -> str:
    """`text` with phone, e-mail and ID numbers masked, and each `known` personal value too."""
    out = str(text)
    if _HAS_DIGIT.search(out):  # shapes first: a known phone number keeps its usual mask
        out = _RUN.sub(_number, out)
    if "@" in out or "\uff20" in out:
        out = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", out)
    return names(known).mask(out) if known else out


def texts(path: Path) -> Iterator[str]:
    """The text of a file (gzip undone), and a JSON file's text once more as its values read
    back (\\u escapes and all): what `spellings` is then applied to."""
    raw = path.read_bytes()
    name = path.name.lower()
    if name.endswith(".gz"):
        raw, name = gzip.decompress(raw), name[:-3]
    yield raw.decode("utf-8", errors="replace")
    if name.endswith(".json"):
        with contextlib.suppress(ValueError, RecursionError):
            yield json.dumps(json.loads(raw), ensure_ascii=False)


def spellings(text: str) -> list[str]:
    """Every way a value could be spelt in `text`: raw, entity/\\u-decoded, and with digits
    normalised (full-width to ASCII, no separator between two digits); each once.

    Each step keeps a line a line (no entity, escape or separator runs over a line break, and
    NFKC never joins across one), so the spellings of a text are those of its lines joined:
    `leaks` spells each distinct line once.
    """
    decoded = html.unescape(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))
    out = [text, _INVISIBLE.sub("", decoded),
           _BETWEEN_DIGITS.sub("", _INVISIBLE.sub("", unicodedata.normalize("NFKC", decoded)))]
    return list(dict.fromkeys(out))


def text_files(folder: Path) -> list[Path]:
    """The files of a built site that text can be read from (PDFs and images are not)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and p.name.lower().removesuffix(".gz").endswith(TEXT_SUFFIXES))


def leaks(files: Iterable[Path], folder: Path, secrets: Iterable[str],
          reader: Callable[[Path], Iterable[str]] = texts) -> list[tuple[str, str]]:
    """(file, value) for every personal value found in any spelling of any of `files`."""
    values = {str(v) for v in secrets}
    scan = _Scan(Names(v for v in values if "\n" not in v),
                 Names(v for v in values if "\n" in v))
    found: set[tuple[str, str]] = set()
    for path in files:
        rel = path.relative_to(folder).as_posix()
        for text in reader(path):
            found.update((rel, value) for value in scan.text(text))
    return sorted(found)


class _Scan:
    """The personal values in texts, each distinct line spelt and scanned once: a site's pages
    share most of their lines (the header, the navigation, the footer), 33,000 distinct lines in
    1.6 million on the demo site."""

    def __init__(self, single: Names, multi: Names) -> None:
        self.single, self.multi = single, multi  # values without and with a line break
        self.seen: set[str] = set()
        self.hits: dict[str, set[str]] = {}  # a line -> the values in its spellings

    def text(self, text: str) -> set[str]:
        lines = set(text.split("\n"))
        new = lines - self.seen
        if new:
            self.seen |= new
            batch = "\n".join(new)  # spelt and scanned as one text: per line only on a find
            if self._in(batch, self.single):
                for line in new:
                    hits = self._in(line, self.single)
                    if hits:
                        self.hits[line] = hits
        found: set[str] = set()
        for line in lines & self.hits.keys():
            found |= self.hits[line]
        if self.multi.automaton is not None:  # a value over two lines: the whole text
            found |= self._in(text, self.multi)
        return found

    @staticmethod
    def _in(text: str, wanted: Names) -> set[str]:
        return {spelt[start:end] for spelt in spellings(text)
                for start, end in wanted.found(spelt)}
