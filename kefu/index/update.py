"""Bringing the index up to date with the files: only what changed is read, checked and folded.

1. A file whose stat (size, mtime, ctime, inode) is what the index holds is not opened — git's
   own trick; one touched but unchanged (same git blob id) only gets its new stat.
2. A changed or new file is checked (kefu.records.check, in two processes for many files) and its
   row replaced; a removed file's row goes.
3. Every record one of whose files changed is folded again from its rows (kefu.records.fold),
   as Fossil rebuilds the rows of a ticket that gained an artifact.
Each kind has a generation, counted up whenever one of its files changes: results computed
from whole kinds (the checks across records) are kept by the generations they read.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from kefu.collation import name_key
from kefu.problems import Problem, Severity
from kefu.records import workers
from kefu.records.discover import Listing, Stat
from kefu.records.fold import Member, fold
from kefu.records.kinds import KINDS
from kefu.records.paths import revive
from kefu.records.privacy import record_values
from kefu.records.result import FileResult

from .columns import columns
from .store import Index, transaction

REFUSED = "change-refused"  # kefu.records.fold: a change that does not fit, not applied
TIMELY = "future-date"  # a verdict that changes as days pass: the file is checked every run
RACY_NS = 2_000_000_000  # a file changed this close to the run's start may change unseen
Key = tuple[str, str]  # (kind, record id)
NAMED = "person"  # whose names every list of people sorts by (kefu.collation): kept worked out
CHANGES = "cross-changes"  # the meta row: {"from": generation, "rels": [...], "ids": [...]}
MAX_CHANGES = 20_000  # changed files noted for kefu.index.crosscheck; past this, it checks all
MAX_NOTE = 64 * 1024 * 1024  # bytes: a longer note is not read (every file is checked)


@dataclass
class Sync:
    """What one update did."""

    read: int = 0  # files opened
    checked: set[str] = field(default_factory=set)  # files checked anew
    touched: set[Key] = field(default_factory=set)  # records folded anew
    kinds: set[str] = field(default_factory=set)  # kinds whose generation went up


def sync(ix: Index, root: Path, listing: Listing, jobs: int | None = None,
         scope: Sequence[str] = (), paths: Collection[str] | None = None) -> Sync:
    """Bring the files and records tables up to date with `listing`: a walk of everything, or
    of the folders `scope` and the files `paths` only, when either is given (the rows of other
    files stay as the last sync left them)."""
    db = ix.db
    start = time.time_ns()
    columns = "SELECT rel, size, mtime, ctime, ino, blob, lasting, kind, record FROM files"
    if scope or paths is not None:  # '/' + 1 is '0': the range of paths under a folder
        known = {row[0]: row for folder in scope for row in db.execute(
            columns + " WHERE rel > ? AND rel < ?", (f"{folder}/", f"{folder}0"))}
        known.update((row[0], row) for rel in paths or () for row in db.execute(
            columns + " WHERE rel = ?", (rel,)))
    else:
        known = {row[0]: row for row in db.execute(columns)}
    todo: list[tuple[str, bytes | None]] = []
    for rel, stat in listing.files.items():
        row = known.get(rel)
        if row is None:
            todo.append((rel, None))
        elif not row[6]:
            todo.append((rel, None))  # its verdict depends on the day: checked again
        elif (row[1], row[2], row[3], row[4]) != stat:
            todo.append((rel, row[5]))
    gone = [rel for rel in known if rel not in listing.files]
    done = Sync(read=len(todo))
    if not todo and not gone:
        return done
    fresh = workers.run(root, todo, jobs) if todo else []
    with transaction(ix.db):
        apply(ix.db, root, fresh, {rel: known[rel][7:9] for rel in gone}, known, start, done,
              _reader(root))
    return done


def apply(db: Any, root: Path, fresh: Iterable[tuple[str, Stat, bytes, Any]],
          gone: dict[str, tuple[str, str]], known: dict[str, Any], start: int,
          done: Sync, read_text: Callable[[str], str], deadlines: bool = True) -> None:
    """Write checked files' rows, drop gone ones, fold their records again (and make their
    deadlines, unless not `deadlines`: a preview rolled back), count the kinds' generations
    up; inside the caller's transaction."""
    fresh = list(fresh)
    changed = [rel for rel, _, _, row in fresh if row is not None] + list(gone)
    if changed:  # what kefu.index.crosscheck checks again: before the rows change
        note(db, changed, generations(db, [""]))
    touched: set[Key] = set()
    for rel, stat, digest, row in fresh:
        kept = _stat(stat, start)
        if row is None:  # same content, only touched
            db.execute("UPDATE files SET size=?, mtime=?, ctime=?, ino=? WHERE rel=?",
                       (*kept, rel))
            continue
        done.checked.add(rel)
        old = known.get(rel)
        if old is not None:
            touched.add(_record_key(old[7], old[8]))
        result = FileResult.from_row(rel, row)
        values = _file_row(rel, kept, digest, result)
        db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", values)
        db.execute("DELETE FROM refs WHERE rel=?", (rel,))
        db.executemany("INSERT INTO refs VALUES (?,?,?)",
                       [(rel, target, value) for target, value in result.refs])
        touched.add(_record_key(values[6], values[8]))
    for kind, record in gone.values():
        touched.add(_record_key(kind, record))
    db.executemany("DELETE FROM files WHERE rel=?", [(rel,) for rel in gone])
    db.executemany("DELETE FROM refs WHERE rel=?", [(rel,) for rel in gone])
    touched.discard(("", ""))
    folded = [made for key in sorted(touched) if (made := _refold(db, key, read_text))]
    if folded and deadlines:  # their deadlines, while the rules are at hand (index.milestones)
        from .milestones import fold_in

        fold_in(db, root, folded)
    done.kinds |= {kind for kind, _ in touched}
    done.touched |= touched
    if changed:  # a file only touched (same content) changes nothing kept
        _bump(db, {kind for kind, _ in touched})


def _stat(stat: Stat, start: int) -> Stat:
    """The stat to keep: a file changed around the start of the run is read again next time."""
    return (stat[0], -1, stat[2], stat[3]) if stat[1] >= start - RACY_NS else stat


def _record_key(kind: str | None, record: str | None) -> Key:
    """The record a file belongs to: a change file to its record's kind and id."""
    if not kind or not record:
        return ("", "")
    spec = KINDS.get(kind)
    return (spec.changes_of or kind, record) if spec is not None else (kind, record)


def _file_row(rel: str, stat: Stat, digest: bytes, result: FileResult) -> tuple[Any, ...]:
    kind = KINDS.get(result.kind or "")
    record = result.id
    if record is None and kind is not None and kind.folder and not kind.changes_of:
        record = rel.rpartition("/")[2].rpartition(".")[0]  # unreadable: named by its file
    if kind is not None and kind.changes_of:
        record = rel.rpartition("/")[0].rpartition("/")[2]
    errors = any(p.severity is Severity.ERROR for p in result.problems)
    lasting = not any(p.slug == TIMELY for p in result.problems)
    return (rel, *stat, digest, result.kind, result.id or record, record, int(not errors),
            int(lasting),
            dumps_problems(result.problems), orjson.dumps(result.refs),
            orjson.dumps(result.data) if result.data is not None else None)


def _refold(db: Any, key: Key, read_text: Callable[[str], str]) -> tuple[str, bytes] | None:
    """The records row of one record, made again from its files' rows, and its personal
    values; (id, data as JSON) of a valid record that has deadlines."""
    kind_name, record_id = key
    kind = KINDS.get(kind_name)
    change_name = f"{kind_name}-change"
    members = db.execute("SELECT rel, kind, blob, ok, data FROM files WHERE record=? AND kind "
                         "IN (?, ?) ORDER BY rel", (record_id, kind_name, change_name)).fetchall()
    own = [m for m in members if m[1] == kind_name]
    db.execute("DELETE FROM records WHERE kind=? AND id=?", key)
    db.execute("DELETE FROM personal WHERE kind=? AND id=?", key)
    if kind is not None and kind.deadlines is not None:
        # kept deadlines are of a valid record as it stands: none outlive it (reports.view)
        db.execute("DELETE FROM milestones WHERE ticket=?", (record_id,))
    if kind is None or not own:
        return None
    rel, _, _, ok, raw = own[0]
    digest = hashlib.blake2b(digest_size=16)
    for member in members:
        digest.update(member[0].encode() + b"\0" + member[2])
    data = revive(kind_name, orjson.loads(raw)) if raw is not None else None
    problems: list[Problem] = []
    if kind.changes is not None and data is not None:
        changes = [Member(m[0], revive(change_name, orjson.loads(m[4])) if m[3] and m[4]
                          else None) for m in members if m[1] == change_name]
        folded = fold(kind, Member(rel, data), changes, read_text)
        data, problems = folded.data, folded.problems
    # a refused change is reported and left out; the record stands without it
    ok = bool(ok) and data is not None and not any(
        p.severity is Severity.ERROR and p.slug != REFUSED for p in problems)
    text = orjson.dumps(data) if data is not None else None
    db.execute("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)",
               (kind_name, record_id, rel, digest.digest(), int(ok), dumps_problems(problems),
                text, *columns(data or {})))
    if data is not None:
        db.executemany("INSERT INTO personal VALUES (?,?,?)",
                       [(kind_name, record_id, v) for v in record_values(kind_name, data)])
        name = data.get(kind.display) if kind_name == NAMED and kind.display else None
        if isinstance(name, str):
            db.execute("INSERT OR IGNORE INTO names VALUES (?, ?)",
                       (name, orjson.dumps(name_key(name))))
    return (record_id, text) if ok and text is not None and kind.deadlines is not None else None


def _reader(root: Path) -> Callable[[str], str]:
    def read(rel: str) -> str:
        return (root / rel).read_text("utf-8", errors="replace")
    return read


def _bump(db: Any, kinds: Iterable[str]) -> None:
    for kind in kinds:
        db.execute("INSERT INTO meta VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET "
                   "value = CAST(value AS INTEGER) + 1", (f"gen:{kind}",))
    db.execute("INSERT INTO meta VALUES ('gen', '1') ON CONFLICT(key) DO UPDATE SET "
               "value = CAST(value AS INTEGER) + 1")


def note(db: Any, rels: Collection[str], since: str) -> None:
    """The files `rels` about to change (added, edited, removed) and the ids they hold before,
    at the generation `since`: added to the changes noted since the cross check was last made.
    Past MAX_CHANGES nothing is noted (nor asked of the index: a first build changes every
    file) and the next cross check checks every file."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", (CHANGES,)).fetchone()
    kept = read_note(row[0]) if row is not None else None
    if kept is None:
        kept = {"from": since, "rels": [], "ids": []}
    changed = set(kept["rels"]) | set(rels)
    if len(changed) > MAX_CHANGES:  # the whole check is quicker: forget both
        db.execute("DELETE FROM meta WHERE key = ?", (CHANGES,))
        db.execute("DELETE FROM checks WHERE name = 'cross'")
        return
    ids = {(kind, rid) for kind, rid in kept["ids"]} | set(held_ids(db, rels))
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (CHANGES, orjson.dumps(
        {"from": kept["from"], "rels": sorted(changed), "ids": sorted(ids)}).decode()))


def held_ids(db: Any, rels: Collection[str]) -> list[tuple[str, str]]:
    """The (kind, id) each of the files `rels` holds now (one query, by the files' key)."""
    return [(kind, rid) for kind, rid in db.execute(
        "SELECT kind, rid FROM files WHERE rel IN (SELECT value FROM json_each(?)) "
        "AND rid IS NOT NULL", (orjson.dumps(sorted(rels)).decode(),))]


def read_note(raw: str) -> dict[str, Any] | None:
    """A change note of the shape `note` writes, or None (not to be trusted otherwise)."""
    if len(raw) > MAX_NOTE:
        return None
    try:
        found = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    ok = (isinstance(found, dict) and isinstance(found.get("from"), str)
          and isinstance(found.get("rels"), list)
          and all(isinstance(r, str) for r in found["rels"])
          and isinstance(found.get("ids"), list)
          and all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
                  for p in found["ids"]))
    return found if ok else None


def generations(db: Any, kinds: Iterable[str]) -> str:
    """The generations of `kinds` (and of everything, for ""), as one key."""
    meta = dict(db.execute("SELECT key, value FROM meta WHERE key LIKE 'gen%'").fetchall())
    return "|".join(f"{kind}:{meta.get(f'gen:{kind}' if kind else 'gen', '0')}"
                    for kind in sorted(kinds))


def dumps_problems(problems: list[Problem]) -> bytes:
    return orjson.dumps([(p.path, p.line, p.col, p.slug, p.message, str(p.severity))
                         for p in problems])


def loads_problems(raw: bytes | None) -> list[Problem]:
    if not raw:
        return []
    return [Problem(path, line, col, slug, message, Severity(severity))
            for path, line, col, slug, message, severity in orjson.loads(raw)]
