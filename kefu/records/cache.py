"""The records cache (.kefu-cache/records.json): each file's result, and how to tell it is current.

Data only (JSON; nothing in it is ever executed), and trusted only when it can be:
- an entry answers for a file whose size, mtime, ctime and inode are all unchanged, as git's
  index does; `touch` cannot set ctime back, so an edit that keeps size and mtime is still seen;
- a file changed at or after the start of the run that wrote its entry ("racy", as git calls
  it) is read again and compared by content hash; the start is read off a file the run
  touches, so it has the file system's own clock and granularity;
- the content is keyed by the git blob id, so a fresh clone with a restored cache (CI) takes
  unchanged files' ids from git's index without reading them;
- a cache of another format or checking code (the fingerprint covers the records machinery,
  every module a registered kind's model and checks live in, and the deadline and work-calendar
  code whose results are kept in `derived`), or of the wrong shape, is ignored;
- `derived` holds results computed from records by other modules (each ticket's deadlines:
  kefu.sla.summaries), under a key of the files they read; a part of the wrong shape counts
  as missing and is computed again from the files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sys
import time
from collections.abc import Callable, Container, Mapping
from pathlib import Path
from typing import Any

import orjson

from kefu import times
from kefu.problems import Problem, Severity

from . import paths
from .kinds import KINDS, RECORDS, source_files
from .result import Row

CACHE_DIR = ".kefu-cache"
CACHE_FILE = "records.json"
_FORMAT = 5
_OLD_FILES = ("records.marshal", "records.pickle")  # earlier formats: removed, never read
GIT_MIN = 500  # ask git for blob hashes only when this many cached files changed (stat)
CLOCK_FILE = "started"
TIMELY = "future-date"  # a verdict that changes as days pass: always checked again
DERIVED_FROM = ("sla", "calendar")  # kefu packages whose results `derived` keeps


def stat_key(stat: os.stat_result) -> tuple[int, int, int, int]:
    """(size, mtime, ctime, inode): what must be unchanged for an entry to answer."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class Cache:
    """The entries of one repository, read once per run and written back once if changed.

    An entry is the JSON list `[size, mtime, ctime, inode, blob id, <result row>]`, kept as
    read and decoded only when asked (a warm run asks for every one, so the path is lean): a
    part of the wrong shape makes the entry count as missing, never an error.
    """

    def __init__(self, root: Path, items: dict[str, list[Any]], started_ns: int,
                 written_from_ns: int, across: dict[str, Across] | None = None,
                 derived: dict[str, Any] | None = None) -> None:
        self.root = root
        self.items = items
        self.across = across or {}  # kind -> findings of its Across check, by their inputs' key
        self.derived = derived or {}  # name -> results other modules keep (see `keep`)
        self.started_ns = started_ns  # this run: files changed from now on are racy next time
        self.racy_from = written_from_ns  # files changed since the entries' run: re-read
        self.dirty = False
        self._rows: dict[str, Row | None] = {}
        self._kinds = frozenset(KINDS)

    @classmethod
    def read(cls, root: Path) -> Cache:
        started = _file_clock(root)
        try:
            raw = orjson.loads((root / CACHE_DIR / CACHE_FILE).read_bytes())
            if (type(raw) is not dict or raw.get("format") != _FORMAT
                    or raw.get("fingerprint") != fingerprint()):
                return cls(root, {}, started, 0)
            written, items = raw["started_ns"], raw["entries"]
            if type(written) is not int or type(items) is not dict:
                return cls(root, {}, started, 0)
            found = raw.get("across")
            across = {kind: checked for kind, item in found.items()
                      if type(kind) is str and (checked := _across(item)) is not None
                      } if type(found) is dict else {}
            derived = raw.get("derived")
            if type(derived) is not dict:
                derived = {}
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return cls(root, {}, started, 0)
        return cls(root, items, started, written, across, derived)

    def row(self, rel: str) -> Row | None:
        """The cached result of `rel`, or None (no entry, or one of the wrong shape)."""
        row = self._rows.get(rel, _UNSEEN)
        if row is _UNSEEN:
            item = self.items.get(rel)
            row = self._rows[rel] = _row(rel, item, self._kinds) if item is not None else None
        return row

    def answer(self, rel: str, path: str, data_for: Container[str] | None = None) -> Row | None:
        """The cached result, if it stands for the file as it is now (without reading it).

        Size, mtime, ctime and inode must be unchanged and the file older than the run that
        wrote the entry; a verdict that time can change (a future date) never answers.
        `data_for`: the kinds whose data the caller wants (None: all); the others' rows come
        without it (partial), as a run that does not keep data would have made them.
        """
        item = self.items.get(rel)
        if type(item) is not list or len(item) != 12:
            return None
        try:
            stat = os.stat(path, follow_symlinks=False)
        except OSError:
            return None
        mtime, ctime, racy = stat.st_mtime_ns, stat.st_ctime_ns, self.racy_from
        if (item[0] != stat.st_size or item[1] != mtime or item[2] != ctime
                or item[3] != stat.st_ino or mtime >= racy or ctime >= racy):
            return None
        if data_for is None or item[5] in data_for or item[7] is None:
            row = self._rows[rel] = _row(rel, item, self._kinds)
        else:  # not kept as the entry's row: a later `row(rel)` still gives the data
            row = _row(rel, item, self._kinds, revive=False)
        return row if row is not None and (not row[3] or lasting(row)) else None

    def blob(self, rel: str) -> bytes | None:
        """The git blob id of the cached content, if its result can be reused for it."""
        row = self.row(rel)
        return self.stored_blob(rel) if row is not None and lasting(row) else None

    def stored_blob(self, rel: str) -> bytes | None:
        """The git blob id the entry of `rel` was made from (None without an entry)."""
        item = self.items.get(rel)
        try:
            return bytes.fromhex(item[4]) if type(item) is list and len(item) == 12 else None
        except (TypeError, ValueError):
            return None

    def stored_hex(self, rel: str) -> str | None:
        """`stored_blob` as the hex text the entry holds (None without an entry)."""
        item = self.items.get(rel)
        blob = item[4] if type(item) is list and len(item) == 12 else None
        return blob if type(blob) is str else None

    def put(self, rel: str, stat: tuple[int, int, int, int], blob: bytes, row: Row) -> None:
        item = _item(stat, blob, row)
        if self.items.get(rel) == item:
            return  # checked again (racy, or a verdict time may change) and still the same
        self.items[rel] = item
        self._rows[rel] = row
        self.dirty = True

    def keep(self, name: str, value: Any) -> None:
        """Keep `value` (JSON data) as the derived result `name`, written with the entries."""
        if self.derived.get(name) != value:
            self.derived[name] = value
            self.dirty = True

    def drop(self, rels: list[str]) -> None:
        for rel in rels:
            del self.items[rel]
        self.dirty = self.dirty or bool(rels)

    def write(self) -> None:
        """Write the cache once, atomically; a read-only checkout simply goes without."""
        if not self.dirty:
            return
        payload = {"format": _FORMAT, "fingerprint": fingerprint(), "started_ns": self.started_ns,
                   "entries": self.items,
                   "across": {kind: [found.key, [_found(p) for p in found.problems]]
                              for kind, found in self.across.items()},
                   "derived": self.derived}
        folder = self.root / CACHE_DIR
        try:
            text = _dumps(payload)
            folder.mkdir(exist_ok=True)
            temp = folder / f"{CACHE_FILE}.{os.getpid()}.tmp"
            temp.write_bytes(text)
            os.replace(temp, folder / CACHE_FILE)
            self.dirty = False
            for old in _OLD_FILES:
                (folder / old).unlink(missing_ok=True)
        except (OSError, TypeError):  # TypeError: a derived part JSON cannot carry exactly
            pass


class Across:
    """What a kind's Across check found, and the key of the files it read (their blob ids)."""

    __slots__ = ("key", "problems")

    def __init__(self, key: str, problems: list[tuple[Problem, str]]) -> None:
        self.key, self.problems = key, problems  # (problem, owner or "")


def across_key(blob_of: Callable[[str], bytes | None], rels: list[str],
               packages: tuple[str, ...], salt: str = "") -> str:
    """The key of an Across check's inputs: each file it reads, by path and git blob id, and the
    versions of the packages whose data it uses ("" when a file is not in the cache)."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.blake2b(salt.encode(), digest_size=16)
    for rel in sorted(rels):
        blob = blob_of(rel)
        if blob is None:
            return ""
        digest.update(rel.encode() + b"\0" + blob)
    for name in packages:
        try:
            digest.update(f"{name}={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(name.encode())
    return digest.hexdigest()


def _found(item: tuple[Problem, str]) -> list[Any]:
    problem, owner = item
    return [problem.path, problem.line, problem.col, problem.slug, problem.message,
            problem.severity.value, owner]


def _across(item: Any) -> Across | None:
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


_UNSEEN: Any = object()  # no row asked for yet (None: an entry of the wrong shape)


def lasting(row: Row) -> bool:
    """Whether the row's verdict holds until the file changes (not one that time can change)."""
    return not any(p.slug == TIMELY for p in row[3])


def _file_clock(root: Path) -> int:
    """Now, by the file system's clock: the mtime of a file touched now (else the system's)."""
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        clock = folder / CLOCK_FILE
        clock.write_bytes(b"")
        return clock.stat().st_mtime_ns
    except OSError:
        return time.time_ns()


def _json_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _dumps(value: Any) -> bytes:
    """JSON bytes (orjson: several times faster than json on a 100 MB cache); dates and times
    as `isoformat` gives them. TypeError for what orjson cannot write back exactly (a
    non-text key, an integer beyond 64 bits: it would read back as a float)."""
    return orjson.dumps(value, default=_json_value, option=orjson.OPT_PASSTHROUGH_DATETIME)


def _item(stat: tuple[int, int, int, int], blob: bytes, row: Row) -> list[Any]:
    """An entry's JSON form (data with dates and times as ISO text, refs flat)."""
    kind, record_id, data, problems, refs, partial, facets = row
    if data is not None:  # as JSON will give it back, so that an unchanged entry compares equal
        try:
            data = orjson.loads(_dumps(data))
        except TypeError:  # data JSON cannot carry exactly: kept without it (read when wanted)
            data, partial = None, True
    return [*stat, blob.hex(), kind, record_id, data,
            [[p.line, p.col, p.slug, p.message, p.severity.value] for p in problems],
            [part for ref in refs for part in ref], partial, facets]


def _row(rel: str, item: Any, kinds: frozenset[str], revive: bool = True) -> Row | None:
    """The result row of a cached item, or None when its frame has the wrong shape.

    Only the frame is checked here, for every entry of a warm run; a part of the wrong type
    further in fails where it is used, and `load` forgets the cache and runs again from the
    files: a damaged cache costs one cold run, never a crash.
    """
    if type(item) is not list or len(item) != 12:
        return None
    _, _, _, _, _, kind, record_id, data, problems, refs, partial, facets = item
    if kind not in kinds or type(partial) is not bool or type(refs) is not list:
        return None
    try:
        if not revive and data is not None:  # a valid record whose data is not wanted
            data, partial = None, True
        return (kind, record_id, None if data is None else paths.revive(kind, data),
                [_problem(rel, p) for p in problems] if problems else [],
                _pairs(refs) if refs else [], partial, facets)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _pairs(flat: list[Any]) -> list[tuple[Any, Any]]:
    """[a, b, c, d] as [(a, b), (c, d)]; ValueError for an odd length."""
    if len(flat) == 4:  # a ticket's owner and dealer: the warm run's common case
        return [(flat[0], flat[1]), (flat[2], flat[3])]
    it = iter(flat)
    return list(zip(it, it, strict=True))


def forget(root: Path) -> None:
    """Remove the cache (it held something of the wrong shape); the next run rebuilds it."""
    with contextlib.suppress(OSError):
        (root / CACHE_DIR / CACHE_FILE).unlink()


def _problem(rel: str, item: Any) -> Problem:
    line, col, slug, message, severity = item
    if type(line) is not int or type(col) is not int:
        raise TypeError("position")
    return Problem(rel, line, col, str(slug), str(message), Severity(severity))


def fingerprint() -> str:
    """Changes whenever the checking code, pydantic or Python changes, invalidating the cache."""
    import pydantic

    # the year too: the latest timestamp a record may hold moves on each New Year
    year = times.today().year
    digest = hashlib.blake2b(f"{_FORMAT} {pydantic.VERSION} {sys.version} {year}".encode(),
                             digest_size=16)
    here = Path(__file__).parent
    machinery = [*sorted(here.glob("*.py")), here.parent / "problems.py",
                 *(file for package in DERIVED_FROM
                   for file in sorted((here.parent / package).glob("*.py")))]
    for source in dict.fromkeys([*map(str, machinery), *source_files()]):
        digest.update(Path(source).read_bytes())
    return digest.hexdigest()


def blob_hash(raw: bytes) -> bytes:
    """The git blob id of `raw` (what `git hash-object` prints), as 20 bytes."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).digest()


def git_blobs(root: Path) -> Mapping[str, bytes]:
    """rel -> blob id of the files under records/ that git tracks and that are unmodified."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True)
        return done.stdout.decode("utf-8", "surrogateescape")

    try:
        staged = git("ls-files", "-s", "-z", "--", RECORDS)
        changed = set(git("diff", "--name-only", "--relative", "-z", "--", RECORDS).split("\0"))
    except (OSError, subprocess.CalledProcessError):
        return {}  # not a git checkout, or no git: files are simply read
    blobs: dict[str, bytes] = {}
    for line in staged.split("\0"):
        meta, _, rel = line.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[2] == "0" and rel not in changed:
            blobs[rel] = bytes.fromhex(parts[1])
    return blobs
