"""`load()`: find, read, check and cross-check record files, in parallel and with a cache.

Only files whose (size, mtime) or content changed since the last run are parsed again; the
cache lives in `.kefu-cache/` (git-ignored). Content is keyed by the git blob hash, so a fresh
clone with a restored cache (CI) takes unchanged files' hashes from git without reading them.
Cross-file checks (duplicate ids, references) always run.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import marshal
import os
import pickle
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kefu.problems import KefuError, Problem, Severity

from .kinds import KINDS, RECORDS, Kind, kind_of
from .loader import MAX_BYTES
from .validate import (
    FACETS,
    FileResult,
    Row,
    Where,
    check_file,
    cross_check,
    passes,
    plainly_fails,
)

CACHE_DIR = ".kefu-cache"
CACHE_FILE = "records.marshal"
_FORMAT = 2  # layout of CACHE_FILE: (format, fingerprint, plain entries, pickled rich ones)
PARALLEL_MIN = 2000  # below this, starting worker processes costs more than it saves
GIT_MIN = 500  # ask git for blob hashes only when this many cached files changed (size, mtime)
_Entry = tuple[int, int, bytes, Row]  # size, mtime_ns, git blob id, result row
_Fresh = tuple[str, int, int, bytes, Row | None]  # rel, size, mtime_ns, blob id, row or unchanged


class Record:
    """One valid record: timestamps are aware datetimes, dates are dates.

    `path` is built on first use: making 100,000 Path objects up front costs seconds.
    """

    __slots__ = ("kind", "id", "data", "_path", "_where")

    def __init__(self, kind: str, id: str, path: Path, data: dict[str, Any]) -> None:  # noqa: A002
        self.kind, self.id, self.data = kind, id, data
        self._path: Path | None = Path(path)
        self._where = ""

    @classmethod
    def at(cls, kind: str, record_id: str, root: str, rel: str, data: dict[str, Any]) -> Record:
        record = cls.__new__(cls)
        record.kind, record.id, record.data = kind, record_id, data
        record._path, record._where = None, f"{root}/{rel}"
        return record

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = Path(self._where)
        return self._path

    @property
    def file(self) -> str:
        """`str(self.path)`, without building the Path."""
        return self._where if self._path is None else str(self._path)

    def __repr__(self) -> str:
        return f"Record({self.kind!r}, {self.id!r}, {str(self.path)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and (self.kind, self.id, self.path, self.data) == (
            other.kind, other.id, other.path, other.data)

    __hash__ = None  # type: ignore[assignment]  # mutable data, like the dataclass it replaces


@dataclass
class LoadResult:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0  # files checked
    reparsed: int = 0  # of which not answered from the cache
    read: int = 0  # files opened this run (cache misses by size/mtime and by git blob id)

    def of_kind(self, kind: str) -> list[Record]:
        return [r for r in self.records if r.kind == kind]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def find_root(start: Path | None = None) -> Path:
    """The repository root: the nearest folder upwards holding `records/` or `.git`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / RECORDS).is_dir() or (folder / ".git").exists():
            return folder
    return here


def load(root: Path, paths: Sequence[Path] | None = None, *, use_cache: bool = True,
         jobs: int | None = None, data: bool = True, where: Where | None = None,
         skip_filtered: bool = False) -> LoadResult:
    """Load and check the records under `root` (all, or only `paths`: files or folders).

    `data=False` only checks (records stay empty): `kefu validate` skips building the data.
    `where` keeps only matching records of the kinds it names, e.g. open tickets for
    `kefu overdue`: {"ticket": {"status": {"open", "in-progress", "waiting"}}} (fields: FACETS).
    Every file is still checked and every problem reported; the others' data is never built.
    `skip_filtered=True` (with `where`) trades that for speed: a file whose top lines plainly
    fail `where` (`status: closed`) is neither parsed nor checked, so its problems go unreported
    and it is not counted in `files`; any file the byte scan cannot settle (flow style, quoted
    values...) is checked as usual. Its id still counts, by its file name, for duplicate ids.
    """
    unknown = {f for rules in (where or {}).values() for f in rules} - set(FACETS)
    if unknown:
        raise ValueError(f"where= can only filter on {FACETS}, not {sorted(unknown)}")
    root = Path(root).resolve()
    collecting = gc.isenabled()
    gc.disable()  # 100,000s of new containers: the collector would rescan them again and again
    try:
        return _load(root, paths, use_cache, jobs, data, where, skip_filtered)
    finally:
        if collecting:
            gc.enable()


def _load(root: Path, paths: Sequence[Path] | None, use_cache: bool, jobs: int | None,
          data: bool, where: Where | None, skip_filtered: bool = False) -> LoadResult:
    every = discover(root)
    wanted = every if paths is None else _select(root, paths)
    if paths is None:
        need = every
    else:  # referenced kinds (people, dealers) are always read: references are checked
        targets = {kind for k in KINDS.values() for _, kind in k.references}
        need = sorted(set(wanted) | {rel for rel in every if _kind_name(rel) in targets})
    results, parsed, read = _check_many(root, need, use_cache, jobs, prune=paths is None,
                                        want_data=data, where=where,
                                        skip=where if skip_filtered else None)
    known = _known(every, results)
    chosen = [result for rel in wanted if (result := results.get(rel)) is not None]
    problems = [p for r in chosen for p in r.problems]
    problems += cross_check(chosen, known, lambda rel: (root / rel).read_text("utf-8"))
    problems.sort(key=lambda p: (p.path, p.line, p.col, p.slug))
    base = str(root)
    records = [Record.at(r.kind, r.id, base, r.rel, r.data) for r in chosen
               if r.kind is not None and r.id is not None and r.data is not None
               and passes(r.kind, r.facets, where)]
    return LoadResult(records, problems, len(chosen), len(parsed & set(wanted)), read)


def discover(root: Path) -> list[str]:
    """Every .yml/.yaml file under records/, as sorted posix paths relative to `root`."""
    found: list[str] = []
    stack = [RECORDS]
    while stack:
        rel_dir = stack.pop()
        try:
            entries = list(os.scandir(root / rel_dir))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    stack.append(rel)
            elif entry.name.endswith((".yml", ".yaml")):
                found.append(rel)
    found.sort()
    return found


def _select(root: Path, paths: Sequence[Path]) -> list[str]:
    chosen: set[str] = set()
    for path in paths:
        full = Path(path).resolve()
        if not full.exists():
            raise KefuError(f"路径不存在：{path}", "no-such-path", 2)
        try:
            rel = full.relative_to(root).as_posix()
        except ValueError:
            raise KefuError(f"路径不在仓库 {root} 内：{path}", "outside-repo", 2) from None
        if full.is_dir():
            if rel not in (".", RECORDS) and not rel.startswith(f"{RECORDS}/"):
                raise KefuError(f"{path} 不在 {RECORDS}/ 目录中：记录文件都在 "
                                f"{root / RECORDS} 下（另一个仓库请用 --root 指定）。",
                                "not-records", 2)
            chosen.update(r for r in discover(root) if r == rel or r.startswith(f"{rel}/")
                          or rel == ".")
        else:
            chosen.add(rel)
    return sorted(chosen)


def _kind_name(rel: str) -> str | None:
    kind = kind_of(rel)
    return kind.name if kind else None


def _known(every: Iterable[str], results: dict[str, FileResult]) -> dict[str, dict[str, list[str]]]:
    """kind -> id -> files; files not read this run count by their file name (= their id)."""
    known: dict[str, dict[str, list[str]]] = {}
    for rel in every:
        result = results.get(rel)
        if result is not None:
            name, record_id = result.kind, result.id
        else:
            name = _kind_name(rel)
            record_id = rel.rpartition("/")[2].rpartition(".")[0]
        if name is None or record_id is None:
            continue
        ids = known.get(name)
        if ids is None:
            ids = known[name] = {}
        holders = ids.get(record_id)
        if holders is None:
            ids[record_id] = [rel]
        else:
            holders.append(rel)
    return known


def _fingerprint() -> str:
    """Changes whenever the checking code or pydantic changes, invalidating the cache."""
    import pydantic

    digest = hashlib.blake2b(f"{pydantic.VERSION} {sys.version} {marshal.version}".encode(),
                             digest_size=16)
    here = Path(__file__).parent
    for source in sorted(here.glob("*.py")) + [here.parent / "problems.py"]:
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _read_cache(root: Path) -> dict[str, _Entry]:
    try:
        stored = marshal.loads((root / CACHE_DIR / CACHE_FILE).read_bytes())
        tag, fingerprint, entries, rich = stored
        if tag != _FORMAT or fingerprint != _fingerprint() or not isinstance(entries, dict):
            return {}
        if rich:
            extra = pickle.loads(rich)
            if not isinstance(extra, dict):
                return {}
            entries.update(extra)
    except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError, AttributeError,
            ImportError, IndexError):
        return {}
    return entries


def _write_cache(root: Path, entries: dict[str, _Entry]) -> None:
    """Write the cache once, atomically: marshal for the plain entries, pickle for the rest.

    A validate run's entries (no data, no problems) hold only str, int, bytes, tuples, lists and
    dicts, which marshal writes about ten times faster than pickle (no memo to keep); entries
    with data (datetimes) or problems (objects) are pickled, into one bytes value of the file.
    """
    plain = {rel: entry for rel, entry in entries.items()
             if entry[3][2] is None and not entry[3][3]}
    rich = ({rel: entry for rel, entry in entries.items() if rel not in plain}
            if len(plain) != len(entries) else {})
    try:
        extra = pickle.dumps(rich, protocol=pickle.HIGHEST_PROTOCOL) if rich else b""
        payload = marshal.dumps((_FORMAT, _fingerprint(), plain, extra))
    except ValueError:  # an unexpected type (a str subclass...) in a plain entry: pickle all
        payload = marshal.dumps((_FORMAT, _fingerprint(), {},
                                 pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)))
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        temp = folder / f"{CACHE_FILE}.{os.getpid()}.tmp"
        temp.write_bytes(payload)
        os.replace(temp, folder / CACHE_FILE)
        (folder / "records.pickle").unlink(missing_ok=True)  # the format before this one
    except OSError:
        pass  # a read-only checkout still validates, only slower next time


def _check_many(root: Path, rels: list[str], use_cache: bool, jobs: int | None,
                prune: bool, want_data: bool, where: Where | None = None,
                skip: Where | None = None) -> tuple[dict[str, FileResult], set[str], int]:
    """Results for `rels`, the files actually parsed this time, and how many were read.

    Files left out by `skip` have no result.
    """
    cached = _read_cache(root) if use_cache else {}
    base = str(root)
    results: dict[str, FileResult] = {}
    todo: list[tuple[str, bytes | None]] = []
    for rel in rels:
        entry = cached.get(rel)
        if entry is not None and want_data and entry[3][5] and passes(entry[3][0], entry[3][6],
                                                                       where):
            entry = None  # checked before without keeping the data it needs now: parse again
        if entry is not None:
            try:
                stat = os.stat(f"{base}/{rel}")
            except OSError:
                stat = None
            if stat is not None and stat.st_size == entry[0] and stat.st_mtime_ns == entry[1]:
                results[rel] = FileResult.from_row(rel, entry[3])
                continue
        todo.append((rel, entry[2] if entry is not None else None))
    dirty = False
    if sum(1 for _, digest in todo if digest) >= GIT_MIN:
        before = len(todo)
        todo = _answer_from_git(root, todo, cached, results)
        dirty = len(todo) != before
    parsed: set[str] = set()
    for rel, size, mtime, digest, row in _run(root, todo, jobs, want_data, where, skip,
                                              use_cache):
        if row is None:  # content unchanged, only touched
            row = cached[rel][3]
        else:
            parsed.add(rel)
        results[rel] = FileResult.from_row(rel, row)
        kind = KINDS.get(row[0] or "")
        if use_cache and kind is not None and kind.cacheable and size >= 0:
            cached[rel] = (size, mtime, digest, row)
            dirty = True
    if use_cache:
        kept = results.keys() | {rel for rel, _ in todo} if skip else results.keys()
        stale = [rel for rel in cached if rel not in kept] if prune else []
        for rel in stale:
            del cached[rel]
        if dirty or stale:
            _write_cache(root, cached)
    return results, parsed, len(todo)


def blob_hash(raw: bytes) -> bytes:
    """The git blob id of `raw` (what `git hash-object` prints), as 20 bytes."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).digest()


def _answer_from_git(root: Path, todo: list[tuple[str, bytes | None]],
                     cached: dict[str, _Entry], results: dict[str, FileResult]
                     ) -> list[tuple[str, bytes | None]]:
    """Settle files whose git blob id (tracked, unmodified) matches the cache; return the rest."""
    blobs = _git_blobs(root)
    rest: list[tuple[str, bytes | None]] = []
    for rel, digest in todo:
        if digest is not None and blobs.get(rel) == digest:
            try:
                stat = os.stat(root / rel)
            except OSError:
                rest.append((rel, digest))
                continue
            row = cached[rel][3]
            cached[rel] = (stat.st_size, stat.st_mtime_ns, digest, row)
            results[rel] = FileResult.from_row(rel, row)
        else:
            rest.append((rel, digest))
    return rest


def _git_blobs(root: Path) -> dict[str, bytes]:
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


def _run(root: Path, todo: list[tuple[str, bytes | None]], jobs: int | None,
         want_data: bool, where: Where | None, skip: Where | None = None,
         digests: bool = True) -> list[_Fresh]:
    workers = jobs or os.cpu_count() or 1
    if len(todo) < PARALLEL_MIN or workers < 2:
        return _check_chunk(str(root), todo, want_data, where, skip, digests)
    for kind in KINDS.values():
        kind.load_model()  # import models once, before forking, not in every worker
    import multiprocessing

    count = workers * 4
    if skip:  # strided: the files that are not skipped cluster (open tickets: recent months)
        chunks = [todo[i::count] for i in range(count)]
    else:  # consecutive: neighbouring files share folders
        size = -(-len(todo) // count)
        chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        out: list[_Fresh] = []
        for part in pool.map(_check_chunk, [str(root)] * len(chunks), chunks,
                             [want_data] * len(chunks), [where] * len(chunks),
                             [skip] * len(chunks), [digests] * len(chunks)):
            out.extend(part)
    return out


def _check_chunk(root: str, items: list[tuple[str, bytes | None]], want_data: bool,
                 where: Where | None = None, skip: Where | None = None,
                 digests: bool = True) -> list[_Fresh]:
    """Worker: read and check each file; None row when its content hash is unchanged.

    `digests=False` (no cache to fill or compare with) leaves the git blob ids empty.
    With `skip`, a file plainly failing it is left out: no row at all.
    """
    out: list[_Fresh] = []
    for rel, known_digest in items:
        path = f"{root}/{rel}"
        try:  # os.open/os.read: no buffered file object per file
            # never follow a symlink out of the repository; never block on a FIFO
            handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            try:
                stat = os.fstat(handle)
                raw = os.read(handle, MAX_BYTES + 1)  # enough to know it is too large
            finally:
                os.close(handle)
        except OSError as err:
            message = (f"无法读取文件：{err.strerror}。" if err.errno != errno.ELOOP else
                       "记录文件不能是符号链接：请换成普通文件。")
            result = FileResult(rel, _kind_name(rel), problems=[
                Problem(rel, 0, 0, "unreadable", message)])
            out.append((rel, -1, -1, b"", result.row()))
            continue
        if skip and plainly_fails(rel, raw, skip):
            continue
        digest = blob_hash(raw) if digests else b""
        if digest == known_digest:
            out.append((rel, stat.st_size, stat.st_mtime_ns, digest, None))
        else:
            row = check_file(rel, raw, want_data, where).row()
            out.append((rel, stat.st_size, stat.st_mtime_ns, digest, row))
    return out


def personal_values(result: LoadResult) -> set[str]:
    """Every personal value in the loaded records (fields flagged `personal: true`)."""
    values: set[str] = set()
    for record in result.records:
        kind: Kind | None = KINDS.get(record.kind)
        model = kind.load_model() if kind else None
        if model is None:
            continue
        for name, info in model.model_fields.items():
            extra = info.json_schema_extra
            value = record.data.get(name)
            if isinstance(extra, dict) and extra.get("personal") and value is not None:
                values.update(_spellings(value))
    return values


def _spellings(value: Any) -> set[str]:
    """The value as text, plus the other ways a page could print it."""
    if isinstance(value, datetime | date):
        return {value.isoformat(), f"{value.year}年{value.month}月{value.day}日"}
    text = str(value)
    digits = text.replace("-", "").replace(" ", "")
    return {text, digits} if digits != text and digits.isdigit() else {text}
