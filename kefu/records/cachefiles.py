"""The records cache's files (kefu.records.cache): how each part is written and read back.

JSON through orjson, never anything executable; every part carries the format and the
fingerprint of the code that wrote it, and a part of another format or code is not read.
Findings travel as rows and are checked for shape on the way back: a row of the wrong shape
makes its part count as missing, never an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from pathlib import Path
from typing import Any

import orjson

from kefu import times
from kefu.problems import Problem, Severity

from .kinds import source_files
from .result import Row

FORMAT = 6
DERIVED_FROM = ("sla", "calendar")  # kefu packages whose results the cache's `derived` keeps


class Across:
    """What a kind's Across check found, and the key of the files it read (their blob ids)."""

    __slots__ = ("key", "problems")

    def __init__(self, key: str, problems: list[tuple[Problem, str]]) -> None:
        self.key, self.problems = key, problems  # (problem, owner or "")


def read_part(path: Path, print_: str) -> dict[str, Any] | None:
    """A part of the cache as JSON, or None: missing, unreadable, or of another format or code."""
    try:
        raw = orjson.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if type(raw) is not dict or raw.get("format") != FORMAT or raw.get("fingerprint") != print_:
        return None
    return raw


def finding_row(item: tuple[Problem, str]) -> list[Any]:
    """A finding (problem, owner or "") as the row the cache keeps."""
    problem, owner = item
    return [problem.path, problem.line, problem.col, problem.slug, problem.message,
            problem.severity.value, owner]


def findings(item: Any) -> Across | None:
    """[key, finding rows] read back, or None when any part is not what was written."""
    try:
        key, rows = item
        if type(key) is not str:
            return None
        found = []
        for path, line, col, slug, message, severity, owner in rows:
            if type(line) is not int or type(col) is not int:
                return None
            found.append((Problem(str(path), line, col, str(slug), str(message),
                                  Severity(severity)), str(owner)))
        return Across(key, found)
    except (ValueError, TypeError):
        return None


def problem_of(rel: str, item: Any) -> Problem:
    line, col, slug, message, severity = item
    if type(line) is not int or type(col) is not int:
        raise TypeError("position")
    return Problem(rel, line, col, str(slug), str(message), Severity(severity))
def ref_pairs(flat: list[Any]) -> list[tuple[Any, Any]]:
    """[a, b, c, d] as [(a, b), (c, d)]; ValueError for an odd length."""
    if len(flat) == 4:  # a ticket's owner and dealer: the warm run's common case
        return [(flat[0], flat[1]), (flat[2], flat[3])]
    it = iter(flat)
    return list(zip(it, it, strict=True))


def _json_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def dumps(value: Any) -> bytes:
    """JSON bytes (orjson: several times faster than json on a 100 MB cache); dates and times
    as `isoformat` gives them. TypeError for what orjson cannot write back exactly (a
    non-text key, an integer beyond 64 bits: it would read back as a float)."""
    return orjson.dumps(value, default=_json_value, option=orjson.OPT_PASSTHROUGH_DATETIME)


def as_json(row: Row) -> Row:
    """`row` with its data as JSON gives it back (times and dates as ISO text), as a cached
    row of a raw kind comes; unchanged when JSON cannot carry the data exactly."""
    data = row[2]
    if data is None:
        return row
    try:
        return (row[0], row[1], orjson.loads(dumps(data)), *row[3:])
    except TypeError:
        return row


def fingerprint() -> str:
    """Changes whenever the checking code, pydantic or Python changes, invalidating the cache."""
    import pydantic

    # the year too: the latest timestamp a record may hold moves on each New Year
    year = times.today().year
    digest = hashlib.blake2b(f"{FORMAT} {pydantic.VERSION} {sys.version} {year}".encode(),
                             digest_size=16)
    here = Path(__file__).parent
    machinery = [*sorted(here.glob("*.py")), here.parent / "problems.py",
                 *(file for package in DERIVED_FROM
                   for file in sorted((here.parent / package).glob("*.py")))]
    for source in dict.fromkeys([*map(str, machinery), *source_files()]):
        digest.update(Path(source).read_bytes())
    return digest.hexdigest()
