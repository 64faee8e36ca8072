"""The checks across files in the index: duplicate ids and references to records that do not
exist (kefu.records.references says what each finding is).

Their findings are kept (the `checks` row named "cross") with the generation they were made at.
Each update notes which files it changed and which ids those files held before (`note` in
kefu.index.update), so the next run checks again only what those changes can touch (`cross`):
the changed files, the other holders of their ids, the files that refer to those ids, and the
files already referring to a missing record of a kind whose ids changed (their hint names the
nearest id). Anything else (no kept findings of the generation the notes start from, too many
changes) checks every file.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

import orjson

from kefu.problems import Problem
from kefu.records.references import cross_check
from kefu.records.result import FileResult

from .query import ids
from .store import Index, transaction
from .update import CHANGES, dumps_problems, generations, held_ids, loads_problems, read_note

ReadText = Callable[[str], str]


def cross(ix: Index, read_text: ReadText) -> list[Problem]:
    """Duplicate ids and references to records that do not exist, over every file: kept until
    a file changes, then checked again where the changes can reach."""
    db = ix.db
    key = generations(db, [""])
    kept = db.execute("SELECT key, problems FROM checks WHERE name='cross'").fetchone()
    if kept is not None and kept[0] == key.encode():
        return loads_problems(kept[1])
    row = db.execute("SELECT value FROM meta WHERE key = ?", (CHANGES,)).fetchone()
    changes = read_note(row[0]) if row is not None else None
    if kept is not None and changes is not None and kept[0] == changes["from"].encode():
        problems = _again(ix, loads_problems(kept[1]), changes, read_text)
    else:
        problems = _whole(ix, read_text)
    with transaction(db):
        db.execute("INSERT OR REPLACE INTO checks VALUES ('cross', ?, ?)",
                   (key.encode(), dumps_problems(problems)))
        db.execute("DELETE FROM meta WHERE key = ?", (CHANGES,))
    return problems


def _whole(ix: Index, read_text: ReadText) -> list[Problem]:
    """Every file's findings: SQL names the files that may have one, Python words them."""
    db = ix.db
    suspects = {rel for (rel,) in db.execute(
        "SELECT f.rel FROM files f JOIN (SELECT kind, rid FROM files WHERE rid IS NOT NULL "
        "GROUP BY kind, rid HAVING count(*) > 1) d ON f.kind = d.kind AND f.rid = d.rid")}
    suspects |= {rel for (rel,) in db.execute(  # each distinct target looked up once
        "SELECT r.rel FROM refs r JOIN (SELECT t.kind, t.id FROM (SELECT DISTINCT kind, id "
        "FROM refs) t WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.kind = t.kind "
        "AND f.rid = t.id)) m ON r.kind = m.kind AND r.id = m.id")}
    return _check(ix, suspects, read_text)


def _again(ix: Index, kept: list[Problem], changes: dict[str, Any],
           read_text: ReadText) -> list[Problem]:
    """The kept findings, with those of the files the noted changes can reach made again."""
    db = ix.db
    rels = set(changes["rels"])
    held = {(kind, rid) for kind, rid in changes["ids"]}
    held |= set(held_ids(db, rels))  # and what the changed files hold now
    suspects = set(rels)
    for files in ids(ix, pairs=held).values():  # the other holders, by files_by_id
        for holders in files.values():
            suspects.update(holders)
    suspects |= {rel for (rel,) in db.execute(  # the files naming them, by refs_target
        "SELECT r.rel FROM refs r JOIN json_each(?) a ON r.kind = json_extract(a.value, '$[0]') "
        "AND r.id = json_extract(a.value, '$[1]')", (orjson.dumps(sorted(held)).decode(),))}
    kinds = {kind for kind, _ in held}
    suspects |= {p.path for p in kept if p.slug.removeprefix("unknown-") in kinds}
    again = _check(ix, suspects, read_text)
    return sorted([p for p in kept if p.path not in suspects] + again,
                  key=lambda p: (p.path, p.line, p.col, p.slug))


def _check(ix: Index, suspects: Collection[str], read_text: ReadText) -> list[Problem]:
    """The findings of the files `suspects` (those still in the index)."""
    if not suspects:
        return []
    wanted = orjson.dumps(sorted(suspects)).decode()
    results = [FileResult(rel, kind, rid, refs=[tuple(r) for r in orjson.loads(refs)])
               for rel, kind, rid, refs in ix.db.execute(
                   "SELECT rel, kind, rid, refs FROM files WHERE rel IN (SELECT value FROM "
                   "json_each(?)) ORDER BY rel", (wanted,))]
    return cross_check(results, _known(ix, results), read_text)


def _known(ix: Index, results: Sequence[FileResult]) -> dict[str, dict[str, list[str]]]:
    """kind -> id -> files for what `results` hold and name (not the 100,000s of tickets a
    few change files name); every id of a kind one of them names and misses, for the hint."""
    asked = {(r.kind, r.id) for r in results if r.kind and r.id is not None}
    known = ids(ix, pairs=asked | {ref for r in results for ref in r.refs})
    missed = {kind for r in results for kind, value in r.refs
              if value not in known.get(kind, {})}
    return known | ids(ix, missed) if missed else known


def cross_of(ix: Index, rels: Collection[str], read_text: ReadText) -> list[Problem]:
    """`cross` after the files `rels` were added (none replaced): all that adding files can
    break is their ids (a duplicate names the other holders too) and their own references."""
    db = ix.db
    wanted = orjson.dumps(sorted(rels)).decode()
    suspects = {rel for pair in db.execute(  # both holders of an id: each names the other
        "SELECT f.rel, n.rel FROM files f JOIN files n ON n.kind = f.kind AND n.rid = f.rid "
        "AND n.rel != f.rel WHERE n.rel IN (SELECT value FROM json_each(?))", (wanted,))
        for rel in pair}
    suspects |= {rel for (rel,) in db.execute(
        "SELECT r.rel FROM refs r WHERE r.rel IN (SELECT value FROM json_each(?)) AND NOT "
        "EXISTS (SELECT 1 FROM files f WHERE f.kind = r.kind AND f.rid = r.id)", (wanted,))}
    return _check(ix, suspects, read_text)
