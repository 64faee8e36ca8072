"""`load()`: the records as every command sees them, from the index brought up to date.

The files are walked (kefu.records.discover), the index learns what changed (kefu.index.update:
changed files checked, their records folded again), and the answer is read from it
(kefu.index.query): every problem — each file's own, what folding found, duplicate ids and
unknown references across files, the kinds' checks across records as of `today` — and the valid
records with their folded data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kefu.collation import learn
from kefu.problems import Problem, Severity

from .across import Notice
from .check import check_file
from .discover import discover, ignored, missing, select, walk
from .kinds import KINDS, kind_of
from .references import cross_check
from .result import FileResult, Record, Where

__all__ = ["LoadResult", "Record", "check_blobs", "discover", "gc_paused", "load"]


@dataclass
class LoadResult:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0  # files checked (asked about)
    reparsed: int = 0  # of which checked anew this run (the rest answered by the index)
    read: int = 0  # files opened this run
    notices: list[Notice] = field(default_factory=list)  # warnings with the person they are for
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    raw: frozenset[str] = frozenset()  # kinds whose data came as JSON gives it (see `load`)
    root: Path | None = None
    # the index's generation the records were read at (kefu.index.update); None: no index on
    # disk to ask (built in memory only, or records made by a test)
    generation: str | None = None
    # kinds whose records were not read (`load(held=...)`): readers ask the index for the
    # ones they need; their personal values, which the index keeps, are here
    held: frozenset[str] = frozenset()
    held_personal: frozenset[str] = frozenset()

    def of_kind(self, kind: str) -> list[Record]:
        by_kind = self.memo.get("records by kind")
        if by_kind is None or by_kind[0] != len(self.records):  # grouped once per load
            groups: dict[str, list[Record]] = {}
            for record in self.records:
                groups.setdefault(record.kind, []).append(record)
            by_kind = self.memo["records by kind"] = (len(self.records), groups)
        return list(by_kind[1].get(kind, ()))

    @contextlib.contextmanager
    def index(self) -> Iterator[Any]:
        """The index these records were read from (a kefu.index.Index), for what readers ask
        of it after loading (kept deadlines, a period's quiet tickets); None when there is none,
        or when it has changed since (another run synced newer files): ask the records."""
        from kefu.index import open_index
        from kefu.index.update import generations

        if self.generation is None or self.root is None:
            yield None
            return
        ix = open_index(self.root)
        try:
            yield ix if generations(ix.db, [""]) == self.generation else None
        finally:
            ix.close()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def load(root: Path, paths: Sequence[Path] | None = None, *, use_cache: bool = True,
         jobs: int | None = None, data: bool = True, where: Where | None = None,
         skip_filtered: bool = False, today: dt.date | None = None,
         raw: Collection[str] = (), held: Collection[str] = ()) -> LoadResult:
    """Load and check the records under `root` (all, or only those in `paths`).

    `data=False` only checks (records stay empty): `kefu validate`.
    `where` keeps only matching records of the kinds it names, e.g. open tickets for
    `kefu overdue`: {"ticket": {"status": {"open", "in-progress", "waiting"}}} (fields: the
    kind's facets). Every problem is still reported. `use_cache=False` builds the index in
    memory only. Checks across records run as of `today` (default: now). `raw` names kinds
    whose data the caller takes as JSON gives it, times and dates as ISO text. `held` names
    kinds whose records are not read at all when the index is on disk (the caller asks it for
    the few it needs, `LoadResult.index`); `LoadResult.held` says which were. (`skip_filtered`
    is kept for callers; the index answers a filtered load as fast as a plain one.)
    """
    from kefu.index import crosscheck, query
    from kefu.index.update import generations

    del skip_filtered
    for name, rules in (where or {}).items():
        unknown = set(rules) - set(KINDS[name].facets)
        if unknown:
            raise ValueError(f"where= on {name} can only filter on {KINDS[name].facets}, "
                             f"not {sorted(unknown)}")
    root = Path(root).resolve()
    read_text = _reader(root)
    with gc_paused():  # one pause for the sync and the reads (the sync's own is then none)
        ix, seen, done = _synced(root, use_cache, jobs)
        try:
            wanted = None if paths is None else set(select(
                root, paths, list(seen.listing.files) if seen.whole else query.rels(ix)))
            problems = query.file_problems(ix, wanted) + query.fold_problems(ix, wanted)
            cross = crosscheck.cross(ix, read_text)
            wanted_kinds = None if wanted is None else {
                k.changes_of or k.name for rel in wanted if (k := kind_of(rel))}
            found, notices = query.across_checks(ix, root, today, read_text, wanted_kinds)
            if wanted is not None:
                cross = [p for p in cross if p.path in wanted]
                found = [p for p in found if p.path in wanted]
                notices = [n for n in notices if n.problem.path in wanted]
            problems += cross + found
            if wanted is None:
                problems += [*ignored(seen.odd, root), *missing(root)]
            generation = generations(ix.db, [""]) if ix.path is not None else None
            held = frozenset(held) if generation is not None and data else frozenset()
            kinds = [k for k in KINDS if k not in held] if held else None
            records = query.records(ix, root, kinds, where, raw, wanted) if data else []
            if data:  # the people's names sort without pypinyin's dictionaries
                learn(query.name_keys(ix))
            held_personal = frozenset(query.personal(ix, held)) if held else frozenset()
            files_held = query.count(ix)
        finally:
            ix.close()
    problems = sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.slug))
    asked = len(wanted) if wanted is not None else files_held
    checked = len(done.checked if wanted is None else done.checked & wanted)
    return LoadResult(records, problems, asked, checked, done.read, notices,
                      raw=frozenset(raw), root=root, generation=generation, held=held,
                      held_personal=held_personal)


def _synced(root: Path, use_cache: bool, jobs: int | None = None) -> tuple[Any, Any, Any]:
    """The index of `root` opened and brought up to date (kefu.index.survey says which files
    to look at), the survey, and what the update did."""
    from kefu.index import open_index
    from kefu.index.survey import begin, keep, survey
    from kefu.index.update import sync

    running = begin(root)  # git status runs while the index opens
    try:
        ix = open_index(root, keep=use_cache)
    except BaseException:
        if running is not None:
            running.kill()
            running.communicate()
        raise
    try:
        seen = survey(ix, root, running)
        with gc_paused():
            done = sync(ix, root, seen.listing, jobs, scope=seen.folders, paths=seen.paths)
        keep(ix, seen)
    except BaseException:
        ix.close()
        raise
    return ix, seen, done


@dataclass
class Preview:
    """What the repository would be with some files added: the errors they would bring (that
    the repository does not have now), and the records they touch as they would stand."""

    errors: list[Problem]
    warnings: list[Problem]
    records: dict[tuple[str, str], dict[str, Any]]


def preview(root: Path, extra: dict[str, bytes], today: dt.date | None = None) -> Preview:
    """Every check `kefu validate` runs, on the repository with the files `extra` (path from the
    root -> content) added, without writing them: what `kefu new` and `kefu event` ask before
    they write. The index learns the files on disk; the added ones are rolled back."""
    from kefu.index import crosscheck, query
    from kefu.index.update import Sync, apply
    from kefu.records.workers import blob_hash

    root = Path(root).resolve()
    plain = _reader(root)

    def read_text(rel: str) -> str:
        return extra[rel].decode("utf-8", "replace") if rel in extra else plain(rel)

    ix = _synced(root, True)[0]
    with gc_paused():
        try:
            before = set(crosscheck.cross(ix, plain))
            before |= set(query.across_checks(ix, root, today, plain)[0])
            replaced = any(ix.db.execute("SELECT 1 FROM files WHERE rel = ?", (rel,)).fetchone()
                           for rel in extra)
            ix.db.execute("BEGIN IMMEDIATE")
            try:
                fresh = [(rel, (len(raw), 0, 0, 0), blob_hash(raw), check_file(rel, raw).row())
                         for rel, raw in extra.items()]
                done = Sync()
                # no deadlines made: nothing the preview asks reads them, and it is undone
                apply(ix.db, root, fresh, {}, {}, 0, done, read_text, deadlines=False)
                members = {rel for kind, record in done.touched for (rel,) in ix.db.execute(
                    "SELECT rel FROM files WHERE record=? AND kind IN (?, ?)",
                    (record, kind, f"{kind}-change"))}
                found = query.file_problems(ix, set(extra)) + query.fold_problems(ix, members)
                after = set(crosscheck.cross(ix, read_text) if replaced
                            else crosscheck.cross_of(ix, set(extra), read_text))
                after |= set(query.across_checks(ix, root, today, read_text)[0])
                found += [p for p in after - before if p.path in members or p.path in extra
                          or p.severity is Severity.ERROR]
                touched = {(r.kind, r.id): r.data for kind, record_id in done.touched
                           for r in query.records(ix, root, [kind], record_id=record_id)}
            finally:
                ix.db.execute("ROLLBACK")
        finally:
            ix.close()
    found = sorted(set(found), key=lambda p: (p.path, p.line, p.col, p.slug))
    return Preview([p for p in found if p.severity is Severity.ERROR],
                   [p for p in found if p.severity is not Severity.ERROR], touched)


def record(root: Path, kind: str, record_id: str) -> dict[str, Any] | None:
    """One valid record as it stands (folded with its changes), or None: only its own folder
    is walked (a ticket's month), not the whole tree."""
    rel = KINDS[kind].expected_rel(record_id)
    if rel is None:
        return None
    found = directory(root, [rel.rpartition("/")[0]], {kind}, rels={rel})
    return next((r.data for r in found if r.id == record_id), None)


def directory(root: Path, folders: Sequence[str], kinds: Collection[str],
              rels: Collection[str] | None = None) -> list[Record]:
    """The valid records of `kinds` (of the files `rels`) as they stand, walking and bringing
    up to date only `folders` (posix, from the root): people or dealers by name, one ticket.
    No check across records runs: for looking up, never for judging the repository."""
    from kefu.index import open_index, query
    from kefu.index.survey import synced_folders
    from kefu.index.update import sync

    root = Path(root).resolve()
    listing = walk(root, folders)
    scope = [f for f in folders if f not in listing.ignored]
    if not scope:  # nothing walked (a link): nothing answered, nothing synced
        return []
    inside = tuple(f"{root}/{folder}/" for folder in scope)
    ix = open_index(root)
    with gc_paused():
        try:
            sync(ix, root, listing, scope=scope)
            synced_folders(ix, scope)
            return [r for r in query.records(ix, root, kinds, rels=rels)
                    if str(r.file).startswith(inside)]
        finally:
            ix.close()


def _reader(root: Path) -> Callable[[str], str]:
    def read(rel: str) -> str:
        return (root / rel).read_text("utf-8", errors="replace")
    return read


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: with 100,000s of records alive, every collection
    would rescan them all, again and again, while the next 100,000s of containers are made.
    What lives on afterwards is frozen (gc.freeze), so that no later full collection scans it.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def check_blobs(files: Sequence[str], every: Sequence[str],
                read: Callable[[str], bytes]) -> list[Problem]:
    """Problems of the record files `files` as `read` gives them (e.g. from a git commit),
    cross-checked against every record file `every` of the same tree (ids by file name)."""
    results = {rel: check_file(rel, read(rel), want_data=False) for rel in files}
    problems = [p for result in results.values() for p in result.problems]
    known: dict[str, dict[str, list[str]]] = {}
    for rel in every:
        result = results.get(rel)
        kind = kind_of(rel)
        if result is not None:
            name, record_id = result.kind, result.id
        elif kind is not None:
            name = kind.name
            record_id = rel.rpartition("/")[2].rpartition(".")[0]
            if kind.changes_of:
                record_id = f"{rel.rpartition('/')[0].rpartition('/')[2]}/{record_id}"
        else:
            continue
        if name is not None and record_id is not None:
            known.setdefault(name, {}).setdefault(record_id, []).append(rel)
    checked: list[FileResult] = list(results.values())
    problems += cross_check(checked, known, lambda rel: read(rel).decode("utf-8", "replace"))
    return sorted(problems, key=lambda p: (p.path, p.line, p.col, p.slug))
