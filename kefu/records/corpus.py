"""`load()`: find, read, check and cross-check record files, in parallel and with a cache.

Cross-file checks (duplicate ids, references) always run, over every record in the repository;
so do the kinds' checks across records (kefu.records.across), as of `today`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kefu.problems import KefuError, Problem, Severity

from . import across, cache, keys, odd, workers
from .across import Notice
from .check import check_file
from .kinds import KINDS, RECORDS, kind_of, read_across
from .references import cross_check
from .result import FileResult, Record, Where, passes

_BY_KIND = "records by kind"
QUIET_FILES = frozenset({".gitkeep", "README.md"})  # may sit in records/ without a warning


@dataclass
class LoadResult:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0  # files checked
    reparsed: int = 0  # of which not answered from the cache
    read: int = 0  # files opened this run (cache misses by size/mtime and by git blob id)
    notices: list[Notice] = field(default_factory=list)  # warnings with the person they are for
    # the records cache the files were answered from (None without one): results derived from
    # the records are kept in it (kefu.sla.summaries), and `memo` holds them for this load
    store: cache.Cache | None = field(default=None, repr=False, compare=False)
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    raw: frozenset[str] = frozenset()  # kinds whose data came as JSON gives it (see `load`)

    def of_kind(self, kind: str) -> list[Record]:
        by_kind = self.memo.get(_BY_KIND)
        if by_kind is None or by_kind[0] != len(self.records):  # grouped once per load
            groups: dict[str, list[Record]] = {}
            for record in self.records:
                groups.setdefault(record.kind, []).append(record)
            by_kind = self.memo[_BY_KIND] = (len(self.records), groups)
        return list(by_kind[1].get(kind, ()))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def load(root: Path, paths: Sequence[Path] | None = None, *, use_cache: bool = True,
         jobs: int | None = None, data: bool = True, where: Where | None = None,
         skip_filtered: bool = False, today: dt.date | None = None,
         raw: Collection[str] = ()) -> LoadResult:
    """Load and check the records under `root` (all, or only `paths`: files or folders).

    `data=False` only checks (records stay empty): `kefu validate` skips building the data.
    `where` keeps only matching records of the kinds it names, e.g. open tickets for
    `kefu overdue`: {"ticket": {"status": {"open", "in-progress", "waiting"}}} (fields: FACETS).
    Every file is still checked and every problem reported; the others' data is never built.
    `skip_filtered=True` (with `where`) trades that for speed: a file whose top lines plainly
    fail `where` (`status: closed`) is neither parsed nor checked, so its problems go unreported
    and it is not counted in `files`; any file the byte scan cannot settle (flow style, quoted
    values...) is checked as usual. Its id still counts, by its file name, for duplicate ids.
    Checks across records run as of `today` (default: now), e.g. an archive loan past due.
    `raw` names kinds whose data the caller takes as JSON gives it, times and dates as ISO
    text (kefu export writes them out as text anyway): cached data is not revived. Kinds a
    check across records reads always come typed; `LoadResult.raw` says which came raw.
    """
    for name, rules in (where or {}).items():
        unknown = set(rules) - set(KINDS[name].facets)
        if unknown:
            raise ValueError(f"where= on {name} can only filter on {KINDS[name].facets}, "
                             f"not {sorted(unknown)}")
    root = Path(root).resolve()
    with gc_paused():
        try:
            return _load(root, paths, use_cache, jobs, data, where, skip_filtered, today, raw)
        except (TypeError, ValueError, AttributeError, KeyError) as err:
            if not use_cache:
                raise
            # a cached part of the wrong shape (see cache._row): once more, from the files
            cache.forget(root)
            del err
            return _load(root, paths, use_cache, jobs, data, where, skip_filtered, today, raw)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: with 100,000s of records alive, every collection
    would rescan them all, again and again, while the next 100,000s of containers are made.

    What lives on afterwards is frozen (gc.freeze): records live until the command ends, and
    the first full collection after the pause would otherwise scan them all once more (0.6 s
    on 100,000 tickets, after every load and every report). Frozen objects are still freed
    when their last reference goes; only cycles among them wait for the process to end.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def _load(root: Path, paths: Sequence[Path] | None, use_cache: bool, jobs: int | None,
          data: bool, where: Where | None, skip_filtered: bool = False,
          today: dt.date | None = None, raw: Collection[str] = ()) -> LoadResult:
    every, ignored = _walk(root)
    wanted = every if paths is None else _select(root, paths)
    wanted_kinds = None if paths is None else {k for rel in wanted if (k := _kind_name(rel))}
    if paths is None:
        need = every
    else:  # referenced kinds (people, dealers) are always read: references are checked
        targets = {ref.target for k in KINDS.values() for ref in k.references}
        targets |= across.read_by(wanted_kinds or set())  # and what checks across records read
        need = sorted(set(wanted) | {rel for rel in every if _kind_name(rel) in targets})
    raw_kinds = frozenset(raw) - across.read_by(set(KINDS))  # checks across records: typed
    results, parsed, read, store = _check_many(root, need, use_cache, jobs, prune=paths is None,
                                               want_data=data, where=where,
                                               skip=where if skip_filtered else None,
                                               raw=raw_kinds)
    chosen = [result for rel in wanted if (result := results.get(rel)) is not None]
    problems = [p for r in chosen for p in r.problems]
    def read_text(rel: str) -> str:
        return (root / rel).read_text("utf-8")

    known = functools.cache(lambda: _known(every, results))
    # every file has a result and every result an entry: the cache can keep the cross-checks
    whole = store if store is not None and paths is None and not skip_filtered \
        and len(results) == len(store.items) else None
    if whole is not None and whole.settled is not None:
        problems += whole.settled  # no entry changed since they were checked together
    else:
        crossed = cross_check(chosen, known(), read_text)
        if whole is not None:
            whole.settle(crossed)
        problems += crossed
    found, notices = across.gather(root, results, known, wanted_kinds, today, read_text,
                                   store)
    if store is not None:
        store.write()
    if paths is not None:
        chosen_rels = set(wanted)
        found = [p for p in found if p.path in chosen_rels]
        notices = [n for n in notices if n.problem.path in chosen_rels]
    problems += found
    if paths is None:
        problems += [*_ignored(ignored, root), *_missing(root)]
    problems.sort(key=lambda p: (p.path, p.line, p.col, p.slug))
    base = str(root)
    # a record with an error is reported, never used: no command computes with a year typo
    at, error = Record.at, Severity.ERROR
    records = [at(r.kind, r.id, base, r.rel, r.data) for r in chosen
               if r.data is not None and r.kind is not None and r.id is not None
               and (where is None or passes(r.kind, r.facets, where))
               and (not r.problems or not any(p.severity is error for p in r.problems))]
    return LoadResult(records, problems, len(chosen), len(parsed & set(wanted)), read, notices,
                      store, raw=raw_kinds)


def check_blobs(files: Sequence[str], every: Sequence[str],
                read: Callable[[str], bytes]) -> list[Problem]:
    """Problems of the record files `files` as `read` gives them (e.g. from a git commit),
    cross-checked against every record file `every` of the same tree (ids by file name)."""
    results = {rel: check_file(rel, read(rel), want_data=False) for rel in files}
    problems = [p for result in results.values() for p in result.problems]
    known = _known(every, results)
    problems += cross_check(list(results.values()), known,
                            lambda rel: read(rel).decode("utf-8", "replace"))
    return sorted(problems, key=lambda p: (p.path, p.line, p.col, p.slug))


def discover(root: Path) -> list[str]:
    """Every .yml/.yaml file under records/, as sorted posix paths relative to `root`."""
    return _walk(root)[0]


def _walk(root: Path) -> tuple[list[str], list[str]]:
    """The record files under records/ and the other files there, which kefu does not read."""
    found: list[str] = []
    ignored: list[str] = []
    stack = [RECORDS]
    if os.path.islink(root / RECORDS):  # kefu reads nothing through a link (kefu.records.odd)
        return found, [RECORDS]
    while stack:
        rel_dir = stack.pop()
        try:
            entries = list(os.scandir(root / rel_dir))
        except (FileNotFoundError, NotADirectoryError):
            continue
        if rel_dir != RECORDS and odd.is_submodule(entries):
            ignored.append(rel_dir)
            continue
        for entry in entries:  # 100,000 files: the usual case first
            name = entry.name
            if name.endswith((".yml", ".yaml")) and entry.is_file(follow_symlinks=False):
                found.append(f"{rel_dir}/{name}")
            elif entry.is_dir(follow_symlinks=False):
                if not name.startswith("."):
                    stack.append(f"{rel_dir}/{name}")
            elif name not in QUIET_FILES:
                ignored.append(f"{rel_dir}/{name}")
    found.sort()
    ignored.sort()
    return found, ignored


def _ignored(rels: list[str], root: Path) -> list[Problem]:
    """A warning for each file kefu does not read: a record saved as .YML or a backup copy;
    an error for a symlink, a FIFO or a submodule (kefu.records.odd)."""
    problems = []
    for rel in rels:
        special = odd.special(root, rel)
        if special is not None:
            problems.append(special)
            continue
        name = rel.rpartition("/")[2]
        stem = name.split(".", 1)[0] if not name.startswith(".") else name
        hint = (f"若是记录，请改名为 `{stem}.yml`（小写扩展名）；"
                "若是编辑器留下的备份或临时文件，请删除，不要提交。")
        problems.append(Problem(rel, 0, 0, "ignored-file",
                                f"kefu 不读取这个文件（不是 .yml 记录文件）。{hint}",
                                Severity.WARNING))
    return problems


def _missing(root: Path) -> list[Problem]:
    """Every single-file kind the repository must hold (records/sla.yml) that is missing."""
    return [Problem(f"{RECORDS}/{kind.file}", 0, 0, "missing-file",
                    f"缺少{kind.title}文件 {RECORDS}/{kind.file}：其他命令都依赖它，"
                    "请从仓库历史恢复（git checkout -- 该文件）。")
            for kind in KINDS.values() if kind.file and kind.required
            and not (root / RECORDS / kind.file).is_file()]


def _select(root: Path, paths: Sequence[Path]) -> list[str]:
    chosen: set[str] = set()
    for path in paths:
        odd.refuse_special(Path(path))
        try:
            full = Path(path).resolve()
        except (OSError, RuntimeError):  # a symlink loop
            raise KefuError(f"路径无法解析（符号链接形成了循环）：{path}",
                            "no-such-path", 2) from None
        if not full.exists():
            raise KefuError(f"路径不存在：{path}", "no-such-path", 2)
        try:
            rel = full.relative_to(root).as_posix()
        except ValueError:
            raise KefuError(f"路径不在仓库 {root} 内：{path}（另一个仓库请用 --root 指定）。",
                            "outside-repo", 2) from None
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


def _check_many(root: Path, rels: list[str], use_cache: bool, jobs: int | None,
                prune: bool, want_data: bool, where: Where | None = None,
                skip: Where | None = None, raw: frozenset[str] = frozenset()
                ) -> tuple[dict[str, FileResult], set[str], int, cache.Cache | None]:
    """Results for `rels`, the files actually parsed this time, how many were read, and the
    cache (not yet written: the checks across records add to it).

    Files left out by `skip` have no result.
    """
    # a run that keeps no data (validate) wants only what checks across records read
    data_for = None if want_data else read_across()
    store = cache.Cache.read(root, data_for, where, raw) if use_cache else None
    base = str(root)
    results: dict[str, FileResult] = {}
    todo: list[tuple[str, bytes | None]]
    if store is None:
        todo = [(rel, None) for rel in rels]
    else:
        results, rest = store.answers(rels, base)
        # an unchanged file's row is reused by its blob id, unless time may change its verdict
        # or it lacks the data wanted (a file touched after `kefu validate` cached it)
        todo = [(rel, store.blob(rel) if store.row(rel) is not None else None) for rel in rest]
    if store is not None and sum(1 for _, digest in todo if digest) >= cache.GIT_MIN:
        todo = _answer_from_git(store, todo, results)
    parsed: set[str] = set()
    for rel, key, digest, fresh in workers.run(root, todo, jobs, want_data, where, skip,
                                               use_cache):
        if fresh is None:  # content unchanged, only touched
            row = store.row(rel) if store is not None else None
            assert row is not None  # the blob id came from an entry of the right shape
        else:
            row = fresh
            parsed.add(rel)
        results[rel] = FileResult.from_row(rel, cache.as_json(row) if row[0] in raw else row)
        kind = KINDS.get(row[0] or "")
        if store is not None and kind is not None and kind.cacheable and key[0] >= 0:
            store.put(rel, key, digest, row)
        elif store is not None:
            store.settled = None  # a result its entry does not stand for
    if store is not None:
        kept = results.keys() | {rel for rel, _ in todo} if skip else results.keys()
        store.drop([rel for rel in store.items if rel not in kept] if prune else [])
    return results, parsed, len(todo), store


def _answer_from_git(store: cache.Cache, todo: list[tuple[str, bytes | None]],
                     results: dict[str, FileResult]) -> list[tuple[str, bytes | None]]:
    """Settle files whose git blob id (tracked, unmodified) matches the cache; return the rest."""
    blobs = keys.git_blobs(store.root)
    rest: list[tuple[str, bytes | None]] = []
    for rel, digest in todo:
        if digest is not None and blobs.get(rel) == digest:
            try:
                stat = os.stat(store.root / rel, follow_symlinks=False)
            except OSError:
                rest.append((rel, digest))
                continue
            row = store.row(rel)
            assert row is not None
            store.put(rel, keys.stat_key(stat), digest, row)
            results[rel] = FileResult.from_row(rel, row)
        else:
            rest.append((rel, digest))
    return rest
