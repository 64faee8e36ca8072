"""The records cache (.kefu-cache/records.json): each file's result, and how to tell it is current.

Data only (JSON; nothing in it is ever executed), and trusted only when it can be:
- an entry answers for a file whose size, mtime, ctime and inode are all unchanged, as git's
  index does; `touch` cannot set ctime back, so an edit that keeps size and mtime is still seen;
- a file changed at or after the start of the run that wrote its entry ("racy", as git calls
  it) is read again and compared by content hash; the start is read off a file the run
  touches, so it has the file system's own clock and granularity;
- the content is keyed by the git blob id, so a fresh clone with a restored cache (CI) takes
  unchanged files' ids from git's index without reading them;
- a cache of another format or checking code (the fingerprint covers the records machinery and
  every module a registered kind's model and checks live in), or of the wrong shape, is ignored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kefu import times
from kefu.problems import Problem, Severity

from .kinds import KINDS, RECORDS, source_files
from .result import Row

CACHE_DIR = ".kefu-cache"
CACHE_FILE = "records.json"
_FORMAT = 4
_OLD_FILES = ("records.marshal", "records.pickle")  # earlier formats: removed, never read
GIT_MIN = 500  # ask git for blob hashes only when this many cached files changed (stat)
CLOCK_FILE = "started"
TIMELY = "future-date"  # a verdict that changes as days pass: always checked again


class Entry:
    """What the cache knows of one file: its stat, its git blob id and its result row.

    Read from the JSON as it is and decoded only when asked (a warm run asks for every one):
    a part of the wrong shape makes the entry count as missing, never an error.
    """

    __slots__ = ("stat", "_item", "_rel", "_row", "_blob")

    def __init__(self, stat: tuple[int, int, int, int], item: list[Any] | None, rel: str,
                 row: Row | None = None, blob: bytes | None = None) -> None:
        self.stat, self._item, self._rel, self._row, self._blob = stat, item, rel, row, blob

    @classmethod
    def of(cls, rel: str, item: Any) -> Entry | None:
        if type(item) is not list or len(item) != 12:
            return None
        stat = (item[0], item[1], item[2], item[3])
        return cls(stat, item, rel)

    @property
    def row(self) -> Row | None:
        """The result row, or None when the cached one has the wrong shape."""
        if self._row is None and self._item is not None:
            self._row = _row(self._rel, self._item)
            if self._row is None:
                self._item = None
        return self._row

    @property
    def blob(self) -> bytes | None:
        if self._blob is None and self._item is not None:
            try:
                self._blob = bytes.fromhex(self._item[4])
            except (TypeError, ValueError):
                return None
        return self._blob

    def item(self) -> list[Any] | None:
        """The JSON form: as read, when nothing changed (no need to encode it again)."""
        if self._item is not None:
            return self._item
        return _item(self) if self._row is not None else None


def stat_key(stat: os.stat_result) -> tuple[int, int, int, int]:
    """(size, mtime, ctime, inode): what must be unchanged for an entry to answer."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class Cache:
    """The entries of one repository, read once per run and written back once if changed."""

    def __init__(self, root: Path, entries: dict[str, Entry], started_ns: int,
                 written_from_ns: int, across: dict[str, Across] | None = None) -> None:
        self.root = root
        self.entries = entries
        self.across = across or {}  # kind -> findings of its Across check, by their inputs' key
        self.started_ns = started_ns  # this run: files changed from now on are racy next time
        self.racy_from = written_from_ns  # files changed since the entries' run: re-read
        self.dirty = False

    @classmethod
    def read(cls, root: Path) -> Cache:
        started = _file_clock(root)
        try:
            raw = json.loads((root / CACHE_DIR / CACHE_FILE).read_bytes())
            if (type(raw) is not dict or raw.get("format") != _FORMAT
                    or raw.get("fingerprint") != fingerprint()):
                return cls(root, {}, started, 0)
            written = raw["started_ns"]
            items = raw["entries"]
            if type(written) is not int or type(items) is not dict:
                return cls(root, {}, started, 0)
            entries = {rel: entry for rel, item in items.items()
                       if (entry := Entry.of(rel, item)) is not None}
            found = raw.get("across")
            across = {kind: checked for kind, item in found.items()
                      if type(kind) is str and (checked := _across(item)) is not None
                      } if type(found) is dict else {}
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return cls(root, {}, started, 0)
        return cls(root, entries, started, written, across)

    def get(self, rel: str) -> Entry | None:
        """The entry of `rel` if there is one of the right shape."""
        entry = self.entries.get(rel)
        if entry is not None and entry.row is None:
            del self.entries[rel]
            self.dirty = True
            return None
        return entry

    def answers(self, rel: str, stat: os.stat_result, entry: Entry) -> bool:
        """Whether `entry` stands for the file as it is now, without reading it.

        A verdict that time can change (an event dated in the future) is never taken as read.
        """
        key = stat_key(stat)
        row = entry.row
        return (key == entry.stat and key[1] < self.racy_from and key[2] < self.racy_from
                and row is not None and lasting(row))

    def put(self, rel: str, stat: tuple[int, int, int, int], blob: bytes, row: Row) -> None:
        old = self.entries.get(rel)
        if old is not None and old.stat == stat and old.blob == blob and old.row == row:
            return  # checked again (racy, or a verdict time may change) and still the same
        self.entries[rel] = Entry(stat, None, rel, row, blob)
        self.dirty = True

    def drop(self, rels: list[str]) -> None:
        for rel in rels:
            del self.entries[rel]
        self.dirty = self.dirty or bool(rels)

    def write(self) -> None:
        """Write the cache once, atomically; a read-only checkout simply goes without."""
        if not self.dirty:
            return
        items = {rel: item for rel, entry in self.entries.items()
                 if (item := entry.item()) is not None}
        payload = {"format": _FORMAT, "fingerprint": fingerprint(), "started_ns": self.started_ns,
                   "entries": items,
                   "across": {kind: [found.key, [_found(p) for p in found.problems]]
                              for kind, found in self.across.items()}}
        folder = self.root / CACHE_DIR
        try:
            text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"),
                              default=_json_value)  # one call: the C encoder, not chunks
            folder.mkdir(exist_ok=True)
            temp = folder / f"{CACHE_FILE}.{os.getpid()}.tmp"
            temp.write_text(text, encoding="utf-8")
            os.replace(temp, folder / CACHE_FILE)
            for old in _OLD_FILES:
                (folder / old).unlink(missing_ok=True)
        except OSError:
            pass


class Across:
    """What a kind's Across check found, and the key of the files it read (their blob ids)."""

    __slots__ = ("key", "problems")

    def __init__(self, key: str, problems: list[tuple[Problem, str]]) -> None:
        self.key, self.problems = key, problems  # (problem, owner or "")


def across_key(entries: Mapping[str, Entry], rels: list[str], packages: tuple[str, ...],
               salt: str = "") -> str:
    """The key of an Across check's inputs: each file it reads, by path and git blob id, and the
    versions of the packages whose data it uses ("" when a file is not in the cache)."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.blake2b(salt.encode(), digest_size=16)
    for rel in sorted(rels):
        entry = entries.get(rel)
        blob = entry.blob if entry is not None else None
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


def _item(entry: Entry) -> list[Any]:
    assert entry.row is not None and entry.blob is not None
    kind, record_id, data, problems, refs, partial, facets = entry.row
    return [*entry.stat, entry.blob.hex(), kind, record_id, data,
            [[p.line, p.col, p.slug, p.message, p.severity.value] for p in problems],
            [part for ref in refs for part in ref], partial, facets]  # refs flat: kind, id, …


def _row(rel: str, item: list[Any]) -> Row | None:
    """The result row of a cached item, or None when any part has the wrong shape."""
    try:
        kind, record_id, data, problems, refs, partial, facets = item[5:12]
        # one pass of C-level type checks per part: a warm run decodes every entry
        if (type(partial) is not bool or type(facets) is not dict or type(refs) is not list
                or len(refs) % 2 or not _ONLY_STR.issuperset(map(type, refs))
                or not _ONLY_STR.issuperset(map(type, facets.values()))
                or (kind is not None and kind not in KINDS)
                or (record_id is not None and type(record_id) is not str)):
            return None
        return (kind, record_id, _revive(kind, data) if data is not None else None,
                [_problem(rel, p) for p in problems] if problems else [],
                list(zip(refs[::2], refs[1::2], strict=True)), partial, facets)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


_ONLY_STR = frozenset({str})


def _problem(rel: str, item: Any) -> Problem:
    line, col, slug, message, severity = item
    if type(line) is not int or type(col) is not int:
        raise TypeError("position")
    return Problem(rel, line, col, str(slug), str(message), Severity(severity))


def _revive(kind: str | None, data: Any) -> dict[str, Any]:
    """Dates and times back from their ISO text, at the paths the kind's model has them."""
    if type(data) is not dict or kind is None:
        raise TypeError("data")
    from .paths import slots, typed_paths

    for path, of in typed_paths(kind):
        for container, key in slots(data, path, str):
            container[key] = of.fromisoformat(container[key])
    return data


def fingerprint() -> str:
    """Changes whenever the checking code, pydantic or Python changes, invalidating the cache."""
    import pydantic

    # the year too: the latest timestamp a record may hold moves on each New Year
    year = times.today().year
    digest = hashlib.blake2b(f"{_FORMAT} {pydantic.VERSION} {sys.version} {year}".encode(),
                             digest_size=16)
    here = Path(__file__).parent
    machinery = [*sorted(here.glob("*.py")), here.parent / "problems.py"]
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
