"""The records cache (.kefu-cache/): each file's result, and how to tell it is current.

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

It is kept in parts, each read only by a run that needs it: `records.json` holds every file's
verdict (what `kefu validate` reads), `data-<kind>.json` the checked data of one kind's valid
records, by path and blob id (read by commands that compute with that kind), `derived.json`
the derived results. A verdict says whether its data was kept; data whose blob id is not the
verdict's is never used. How the parts are encoded, and the fingerprint: kefu.records.cachefiles.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

import orjson

from kefu.problems import Problem

from . import paths
from .cachefiles import (
    FORMAT,
    Across,
    as_json,
    dumps,
    finding_row,
    findings,
    fingerprint,
    problem_of,
    read_part,
    ref_pairs,
)
from .kinds import KINDS
from .result import FileResult, Row, Where, passes

__all__ = ["Across", "Cache", "as_json", "fingerprint", "forget", "lasting"]

CACHE_DIR = ".kefu-cache"
CACHE_FILE = "records.json"  # the verdicts
DATA_FILE = "data-{kind}.json"
DERIVED_FILE = "derived.json"
_OLD_FILES = ("records.marshal", "records.pickle")  # earlier formats: removed, never read
GIT_MIN = 500  # ask git for blob hashes only when this many cached files changed (stat)
CLOCK_FILE = "started"
TIMELY = "future-date"  # a verdict that changes as days pass: always checked again
_KEPT = 1  # an entry's data slot when the data is in its kind's data file


class Cache:
    """The cache of one repository, read once per run and written back once if changed.

    An entry is the JSON list `[size, mtime, ctime, inode, blob id, kind, id, kept, problems,
    refs, partial, facets]` (`kept`: 1 when the data is in the kind's data file), kept as read
    and decoded only when asked (a warm run asks for every one, so the path is lean): a part
    of the wrong shape makes the entry count as missing, never an error.

    `data_for` (kinds; None: every kind) and `where` say whose data the run wants: only their
    rows come with data (read from the data files on first need); a row that is wanted with
    its data but was checked without it is no answer.
    """

    def __init__(self, root: Path, items: dict[str, list[Any]], started_ns: int,
                 written_from_ns: int, across: dict[str, Across] | None = None,
                 *, data_for: Collection[str] | None = None, where: Where | None = None,
                 raw: Collection[str] = (), print_: str = "") -> None:
        self.root = root
        self.items = items
        self.across = across or {}  # kind -> findings of its Across check, by their inputs' key
        self.started_ns = started_ns  # this run: files changed from now on are racy next time
        self.racy_from = written_from_ns  # files changed since the entries' run: re-read
        self.dirty = False
        self.data_for = None if data_for is None else frozenset(data_for)
        self.where = where or None
        self.raw = frozenset(raw)  # kinds whose data is given as read (ISO text), not revived
        self._print = print_ or fingerprint()
        self._rows: dict[str, Row | None] = {}
        self._kinds = frozenset(KINDS)
        self._data: dict[str, dict[str, Any]] = {}  # kind -> rel -> [blob id, data], as read
        self._data_dirty: set[str] = set()
        self._derived: dict[str, Any] | None = None
        self._derived_dirty = False
        # what checking references and ids across every entry found, as long as no entry
        # changed since (a warm run of an unchanged repository skips that pass)
        self.settled: list[Problem] | None = None

    @classmethod
    def read(cls, root: Path, data_for: Collection[str] | None = None,
             where: Where | None = None, raw: Collection[str] = ()) -> Cache:
        started = _file_clock(root)
        print_ = fingerprint()
        empty = cls(root, {}, started, 0, data_for=data_for, where=where, raw=raw,
                    print_=print_)
        payload = read_part(root / CACHE_DIR / CACHE_FILE, print_)
        if payload is None:
            return empty
        try:
            written, items = payload["started_ns"], payload["entries"]
            if type(written) is not int or type(items) is not dict:
                return empty
            found = payload.get("across")
            across = {kind: checked for kind, item in found.items()
                      if type(kind) is str and (checked := findings(item)) is not None
                      } if type(found) is dict else {}
        except (TypeError, KeyError, AttributeError):
            return empty
        store = cls(root, items, started, written, across, data_for=data_for, where=where,
                    raw=raw, print_=print_)
        settled = findings(payload.get("settled"))
        if settled is not None and settled.key == str(len(items)):
            store.settled = [problem for problem, _ in settled.problems]
        return store

    def settle(self, problems: list[Problem]) -> None:
        """Keep what the references and ids of every entry gave (`settled`)."""
        if self.settled != problems:
            self.settled = problems
            self.dirty = True

    def wants(self, kind: str, facets: Any) -> bool:
        """Whether the run wants the data of a valid record of `kind` with these facets."""
        return ((self.data_for is None or kind in self.data_for)
                and (self.where is None or passes(kind, facets, self.where)))

    def row(self, rel: str) -> Row | None:
        """The cached result of `rel`, or None (no entry, one of the wrong shape, or one that
        lacks the data the run wants)."""
        row = self._rows.get(rel, _UNSEEN)
        if row is _UNSEEN:
            item = self.items.get(rel)
            row = self._rows[rel] = self._row(rel, item) if item is not None else None
        return row

    def answers(self, rels: list[str], base: str) -> tuple[dict[str, FileResult], list[str]]:
        """The cached results of those of `rels` (files under `base`) it still stands for,
        without reading them, and the files it does not answer for.

        Size, mtime, ctime and inode must be unchanged and the file older than the run that
        wrote the entry; a verdict that time can change (a future date) never answers.
        A warm run of 100,000 files goes round here: an entry with no problems whose data
        is not wanted (validate's usual case) is decoded on the spot.
        """
        found: dict[str, FileResult] = {}
        rest: list[str] = []
        get, stat, racy, kinds = self.items.get, os.stat, self.racy_from, self._kinds
        lean = self.data_for is not None and self.where is None
        data_for = self.data_for or frozenset()
        prefix = f"{base}/"
        for rel in rels:
            item = get(rel)
            if item.__class__ is not list or len(item) != 12:
                rest.append(rel)
                continue
            try:
                now = stat(prefix + rel, follow_symlinks=False)
            except OSError:
                rest.append(rel)
                continue
            mtime, ctime = now.st_mtime_ns, now.st_ctime_ns
            if (item[0] != now.st_size or item[1] != mtime or item[2] != ctime
                    or item[3] != now.st_ino or mtime >= racy or ctime >= racy):
                rest.append(rel)
                continue
            kind, kept, problems, refs, partial = item[5], item[7], item[8], item[9], item[10]
            if (lean and not problems and kind not in data_for and kind in kinds
                    and refs.__class__ is list and partial.__class__ is bool
                    and (kept is None or kept == _KEPT)):
                if len(refs) == 4:  # a ticket's owner and dealer
                    pairs = [(refs[0], refs[1]), (refs[2], refs[3])]
                elif refs:
                    try:
                        pairs = ref_pairs(refs)
                    except ValueError:
                        rest.append(rel)
                        continue
                else:
                    pairs = []
                found[rel] = FileResult(rel, kind, item[6], None, [], pairs,
                                        partial or kept is not None, item[11])
                continue
            row = self._row(rel, item)
            if row is not None and (not row[3] or lasting(row)):
                found[rel] = FileResult(rel, *row)
            else:
                rest.append(rel)
        return found, rest

    def blob(self, rel: str) -> bytes | None:
        """The git blob id of the cached content, if its result can be reused for it."""
        row = self.row(rel)
        return self.stored_blob(rel) if row is not None and lasting(row) else None

    def stored_blob(self, rel: str) -> bytes | None:
        """The git blob id the entry of `rel` was made from (None without an entry)."""
        blob = self.stored_hex(rel)
        try:
            return bytes.fromhex(blob) if blob is not None else None
        except ValueError:
            return None

    def stored_hex(self, rel: str) -> str | None:
        """`stored_blob` as the hex text the entry holds (None without an entry)."""
        item = self.items.get(rel)
        blob = item[4] if type(item) is list and len(item) == 12 else None
        return blob if type(blob) is str else None

    def put(self, rel: str, stat: tuple[int, int, int, int], blob: bytes, row: Row) -> None:
        kind, record_id, data, problems, refs, partial, facets = row
        hexed = blob.hex()
        kept = None
        if data is not None and kind is not None:
            kept = self._keep_data(kind, rel, hexed, data)
            partial = partial or kept is None
        old = self.items.get(rel)
        if (kept is None and partial and type(old) is list and len(old) == 12
                and old[4] == hexed and old[7] == _KEPT):
            kept, partial = _KEPT, False  # checked again without data: the data kept stands
        item = [*stat, hexed, kind, record_id, kept,
                [[p.line, p.col, p.slug, p.message, p.severity.value] for p in problems],
                [part for ref in refs for part in ref], partial, facets]
        self._rows[rel] = row
        if old == item:
            return  # checked again (racy, or a verdict time may change) and still the same
        self.items[rel] = item
        self.dirty = True
        self.settled = None

    def _keep_data(self, kind: str, rel: str, hexed: str, data: dict[str, Any]) -> int | None:
        """Keep a valid record's data in its kind's data file; None if JSON cannot carry it
        exactly (left to the file: read again when wanted)."""
        part = self._part(kind)
        entry = part.get(rel)
        if type(entry) is list and len(entry) == 2 and entry[0] == hexed:
            return _KEPT  # the same content gives the same data
        try:
            part[rel] = [hexed, orjson.Fragment(dumps(data))]
        except TypeError:
            return None
        self._data_dirty.add(kind)
        return _KEPT

    @property
    def derived(self) -> dict[str, Any]:
        """name -> results other modules keep (see `keep`), read on first use."""
        if self._derived is None:
            raw = read_part(self.root / CACHE_DIR / DERIVED_FILE, self._print)
            found = raw.get("derived") if raw is not None else None
            self._derived = found if type(found) is dict else {}
        return self._derived

    def keep(self, name: str, value: Any) -> None:
        """Keep `value` (JSON data) as the derived result `name`, written with the entries."""
        if self.derived.get(name) != value:
            self.derived[name] = value
            self._derived_dirty = True

    def drop(self, rels: list[str]) -> None:
        for rel in rels:
            del self.items[rel]
        if rels:
            self.dirty, self.settled = True, None

    def write(self) -> None:
        """Write the changed parts, each atomically; a read-only checkout simply goes without."""
        folder = self.root / CACHE_DIR
        parts: list[tuple[str, dict[str, Any]]] = []
        if self.dirty:
            parts.append((CACHE_FILE, {
                "started_ns": self.started_ns, "entries": self.items,
                "across": {kind: [found.key, [finding_row(p) for p in found.problems]]
                           for kind, found in self.across.items()},
                **({"settled": [str(len(self.items)), [finding_row((p, "")) for p in self.settled]]}
                   if self.settled is not None else {})}))
        for kind in sorted(self._data_dirty):
            part = self._data[kind]
            current = {rel: entry for rel, entry in part.items()  # stale or damaged: left behind
                       if type(entry) is list and len(entry) == 2
                       and type(item := self.items.get(rel)) is list and len(item) == 12
                       and item[7] == _KEPT and item[5] == kind and item[4] == entry[0]}
            parts.append((DATA_FILE.format(kind=kind), {"entries": current}))
        if self._derived_dirty and self._derived is not None:
            parts.append((DERIVED_FILE, {"derived": self._derived}))
        try:
            for name, payload in parts:
                text = dumps({"format": FORMAT, "fingerprint": self._print, **payload})
                folder.mkdir(exist_ok=True)
                temp = folder / f"{name}.{os.getpid()}.tmp"
                temp.write_bytes(text)
                os.replace(temp, folder / name)
            self.dirty, self._derived_dirty = False, False
            self._data_dirty.clear()
            for old in _OLD_FILES:
                (folder / old).unlink(missing_ok=True)
        except (OSError, TypeError):  # TypeError: a derived part JSON cannot carry exactly
            pass

    def _part(self, kind: str) -> dict[str, Any]:
        """rel -> [blob id, data] of `kind`'s data file, read on first use."""
        part = self._data.get(kind)
        if part is None:
            raw = read_part(self.root / CACHE_DIR / DATA_FILE.format(kind=kind), self._print)
            found = raw.get("entries") if raw is not None else None
            part = self._data[kind] = found if type(found) is dict else {}
        return part

    def _row(self, rel: str, item: Any) -> Row | None:
        """The result row of a cached item, or None when its frame has the wrong shape or it
        lacks the data the run wants.

        Only the frame is checked here, for every entry of a warm run; a part of the wrong
        type further in fails where it is used, and `load` forgets the cache and runs again
        from the files: a damaged cache costs one cold run, never a crash.
        """
        if type(item) is not list or len(item) != 12:
            return None
        _, _, _, _, blob, kind, record_id, kept, problems, refs, partial, facets = item
        if kind not in self._kinds or type(partial) is not bool or type(refs) is not list:
            return None
        data = None
        wanted = (kept is not None or partial) and self.wants(kind, facets)
        try:
            if wanted:
                if kept != _KEPT:
                    return None  # checked without the data this run wants
                entry = self._part(kind).get(rel)
                if type(entry) is not list or len(entry) != 2 or entry[0] != blob:
                    return None  # the data file lost it, or holds an older content's
                data = entry[1] if kind in self.raw else paths.revive(kind, entry[1])
                if data.__class__ is not dict:
                    return None
            elif kept is not None:
                if kept != _KEPT:
                    return None
                partial = True  # valid, its data not wanted
            return (kind, record_id, data,
                    [problem_of(rel, p) for p in problems] if problems else [],
                    ref_pairs(refs) if refs else [], partial, facets)
        except (ValueError, TypeError, KeyError, AttributeError):
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


def forget(root: Path) -> None:
    """Remove the cache (it held something of the wrong shape); the next run rebuilds it."""
    folder = root / CACHE_DIR
    for path in [folder / CACHE_FILE, folder / DERIVED_FILE, *folder.glob("data-*.json")]:
        with contextlib.suppress(OSError):
            path.unlink()
