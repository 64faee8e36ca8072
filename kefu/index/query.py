"""Named reads of the index: problems, records, and the checks across files, kept by the
generations of the kinds they read (kefu.index.update)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson

from kefu.problems import Problem, Severity
from kefu.records import across
from kefu.records.kinds import KINDS
from kefu.records.paths import revive
from kefu.records.result import Record, Where
from kefu.times import SHANGHAI

from .store import Index, transaction
from .update import generations, loads_problems

ReadText = Callable[[str], str]
COLUMNS = ("status", "type")  # facets the records table holds as columns
FEW = 50  # up to this many files asked for: their rows are looked up one by one


def file_problems(ix: Index, rels: Collection[str] | None = None) -> list[Problem]:
    """Each file's own problems (of `rels` only, when given)."""
    # problems are JSON (orjson bytes): more than "[]" is at least one
    rows = ix.db.execute("SELECT rel, problems FROM files WHERE length(problems) > 2").fetchall()
    return [p for rel, raw in rows if rels is None or rel in rels for p in loads_problems(raw)]


def fold_problems(ix: Index, rels: Collection[str] | None = None) -> list[Problem]:
    """What folding found (a change that does not fit, a record's checks as a whole)."""
    rows = ix.db.execute("SELECT problems FROM records WHERE length(problems) > 2").fetchall()
    return [p for (raw,) in rows for p in loads_problems(raw) if rels is None or p.path in rels]


def records(ix: Index, root: Path, kinds: Collection[str] | None = None,
            where: Where | None = None, raw: Collection[str] = (),
            rels: Collection[str] | None = None, record_id: str | None = None,
            ids: Collection[str] | None = None) -> list[Record]:
    """The valid records (of `kinds`; of the files `rels`: a change file stands for its
    record; with the `ids` only), passing `where`, with their data typed — or as JSON gives
    it (times as ISO text) for the kinds in `raw`."""
    sql = "SELECT kind, id, rel, data, status, type FROM records WHERE ok=1"
    args: list[Any] = []
    if rels is not None:
        wanted = set(rels)
        if len(wanted) <= FEW:  # one ticket (kefu show, kefu form): its row, not every row
            found = {(k, r) for rel in wanted for (k, r) in ix.db.execute(
                "SELECT kind, record FROM files WHERE rel = ?", (rel,))}
        else:
            found = {(k, r) for (k, r, rel) in ix.db.execute(
                "SELECT kind, record, rel FROM files") if rel in wanted}
        keys = {((KINDS[k].changes_of or k) if k in KINDS else k, r) for k, r in found}
        if len(keys) <= FEW:
            return [r for kind, rid in sorted(keys, key=str)
                    for r in records(ix, root, [kind] if kinds is None or kind in kinds else [],
                                     where, raw, record_id=rid)]
        return [r for r in records(ix, root, kinds, where, raw) if (r.kind, r.id) in keys]
    if kinds is not None:
        sql += f" AND kind IN ({','.join('?' * len(kinds))})"
        args += list(kinds)
    if record_id is not None:
        sql += " AND id = ?"
        args.append(record_id)
    if ids is not None:  # one JSON array: any number of ids in one bound value
        sql += " AND id IN (SELECT value FROM json_each(?))"
        args.append(orjson.dumps(sorted(ids)).decode())
    for kind, rules in (where or {}).items():  # e.g. only open tickets: not read at all
        columns = {name: allowed for name, allowed in rules.items() if name in COLUMNS}
        if columns:
            sql += " AND (kind != ? OR (" + " AND ".join(
                f"{name} IN ({','.join('?' * len(allowed))})"
                for name, allowed in columns.items()) + "))"
            args += [kind, *(value for allowed in columns.values() for value in allowed)]
    base = str(root)
    out = []
    for kind, record_id, rel, data, status, kind_type in ix.db.execute(sql + " ORDER BY rel",
                                                                       args):
        if where and not _passes(where.get(kind), status, kind_type):
            continue
        value = orjson.loads(data)
        out.append(Record.at(kind, record_id, base, rel,
                             value if kind in raw else revive(kind, value)))
    return out


def _passes(rules: Mapping[str, Collection[str]] | None, status: str | None,
            kind_type: str | None) -> bool:
    if not rules:
        return True
    facets = {"status": status, "type": kind_type}
    return all(facets.get(name) in allowed for name, allowed in rules.items())


def personal(ix: Index, kinds: Collection[str]) -> set[str]:
    """The personal values (every spelling, kefu.records.privacy) of the valid records of
    `kinds`, as folding kept them."""
    marks = ",".join("?" * len(kinds))
    return {value for (value,) in ix.db.execute(
        f"SELECT DISTINCT p.value FROM personal p JOIN records r ON r.kind = p.kind "
        f"AND r.id = p.id WHERE r.ok = 1 AND p.kind IN ({marks})", list(kinds))}


def name_keys(ix: Index) -> dict[str, Any]:
    """The people's names and their sort keys (kefu.collation), as folding worked them out."""
    return {name: orjson.loads(key) for name, key in ix.db.execute("SELECT name, key FROM names")}


def ids(ix: Index, kinds: Collection[str] | None = None,
        pairs: Collection[tuple[str, str]] | None = None) -> dict[str, dict[str, list[str]]]:
    """kind -> id -> files, for every file that has an id (valid or not; of `kinds` only, or
    holding one of the (kind, id) `pairs` only)."""
    sql = "SELECT kind, rid, rel FROM files WHERE rid IS NOT NULL"
    args: tuple[str, ...] = ()
    if kinds is not None:  # one JSON array: any number of kinds in one bound value
        sql += " AND kind IN (SELECT value FROM json_each(?))"
        args = (orjson.dumps(sorted(kinds)).decode(),)
    elif pairs is not None:  # each looked up by files_by_id
        sql = ("SELECT f.kind, f.rid, f.rel FROM files f JOIN json_each(?) a "
               "ON f.kind = json_extract(a.value, '$[0]') "
               "AND f.rid = json_extract(a.value, '$[1]')")
        args = (orjson.dumps(sorted(pairs)).decode(),)
    known: dict[str, dict[str, list[str]]] = {}
    for kind, rid, rel in ix.db.execute(sql + " ORDER BY rel", args):
        known.setdefault(kind, {}).setdefault(rid, []).append(rel)
    return known


def across_checks(ix: Index, root: Path, today: dt.date | None, read_text: ReadText,
                  wanted_kinds: set[str] | None = None
                  ) -> tuple[list[Problem], list[across.Notice]]:
    """The kinds' checks across records: each kept by the generations of the kinds it reads."""
    present = {kind for kind in KINDS if ix.db.execute(  # one row each, by the index
        "SELECT 1 FROM records WHERE kind = ? AND ok = 1 LIMIT 1", (kind,)).fetchone()}
    names = across.hooks(present, wanted_kinds)
    if not names:
        return [], []
    reads = across.read_by(set(names))
    keys = {}
    for name in names:
        spec = KINDS[name].across
        assert spec is not None
        keys[name] = generations(ix.db, {name, *spec.reads}) + _packages(spec.packages)
    earlier = dict(_kept(ix))
    by_kind: dict[str, list[Record]] = {}
    for record in records(ix, root, reads):
        by_kind.setdefault(record.kind, []).append(record)
    rel_of = {(r.kind, r.id): r.file.removeprefix(f"{root}/") for rs in by_kind.values()
              for r in rs}
    day, now = across.moment(today)
    group = across.Group(root, day, now, by_kind, lambda: ids(ix), keys)
    found, fresh = across.run(group, names, rel_of, read_text, earlier)
    if fresh:
        with transaction(ix.db):
            for name, (key, placed) in fresh.items():
                ix.db.execute("INSERT OR REPLACE INTO checks VALUES (?, ?, ?)", (
                    f"across:{name}", key.encode(), orjson.dumps(
                        [(p.path, p.line, p.col, p.slug, p.message, str(p.severity), owner)
                         for p, owner in placed])))
    return [p for p, _ in found], [across.Notice(p, owner) for p, owner in found if owner]


def _kept(ix: Index) -> Iterable[tuple[str, tuple[str, list[tuple[Problem, str]]]]]:
    """Each Across check's kept findings (with the owner of each warning) and their key."""
    for name, key, raw in ix.db.execute(
            "SELECT name, key, problems FROM checks WHERE name LIKE 'across:%'"):
        try:
            placed = [(Problem(path, line, col, slug, message, Severity(severity)), owner)
                      for path, line, col, slug, message, severity, owner in orjson.loads(raw)]
        except (orjson.JSONDecodeError, ValueError, TypeError):
            continue  # not of the shape written here: checked again
        yield name.removeprefix("across:"), (key.decode(), placed)


def _packages(names: Iterable[str]) -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in names:
        try:
            out.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            out.append(name)
    return "|" + ",".join(out)


def changes(ix: Index, kind: str, record_id: str) -> list[dict[str, Any]]:
    """The valid change files of one record, typed, in the order they fold."""
    change = f"{kind}-change"
    return [revive(change, orjson.loads(raw)) for (raw,) in ix.db.execute(
        "SELECT data FROM files WHERE kind=? AND record=? AND ok=1 AND data IS NOT NULL "
        "ORDER BY rel", (change, record_id))]


def changes_of_action(ix: Index, kind: str, action: str) -> dict[str, list[dict[str, Any]]]:
    """record id -> its valid change files with this action, typed, in the order they fold."""
    change = f"{kind}-change"
    found: dict[str, list[dict[str, Any]]] = {}
    for record, raw in ix.db.execute(
            "SELECT record, data FROM files WHERE kind=? AND ok=1 AND data IS NOT NULL "
            "ORDER BY rel", (change,)):
        data = orjson.loads(raw)
        if data.get("action") == action:
            found.setdefault(record, []).append(revive(change, data))
    return found


def rels(ix: Index) -> list[str]:
    """Every record file the index holds, sorted."""
    return [rel for (rel,) in ix.db.execute("SELECT rel FROM files ORDER BY rel")]


def count(ix: Index) -> int:
    """How many record files the index holds."""
    return int(ix.db.execute("SELECT count(*) FROM files").fetchone()[0])


def first_received(ix: Index) -> dt.datetime | None:
    """When the earliest valid ticket was received (None: there is none)."""
    (seconds,) = ix.db.execute("SELECT min(received) FROM records WHERE kind = 'ticket' "
                               "AND ok = 1").fetchone()
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, SHANGHAI)
