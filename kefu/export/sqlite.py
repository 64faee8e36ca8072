"""The export as a SQLite database file."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from kefu import outputs
from kefu.records import LoadResult
from kefu.records.corpus import gc_paused
from kefu.records.kinds import KINDS
from kefu.workspace import Workspace

from .tables import Data, computed_tables, record_tables


def _ddl(table: Data) -> Iterator[str]:
    cols = [f'"{c.name}" {c.sql}' for c in table.columns]
    keys = ", ".join(f'"{k}"' for k in table.key)
    foreign = [f'FOREIGN KEY ("{c.name}") REFERENCES {c.references}'
               for c in table.columns if c.references]
    yield f'CREATE TABLE "{table.name}" ({", ".join([*cols, f"PRIMARY KEY ({keys})", *foreign])})'
    for c in table.columns:
        if c.indexed and (c.name,) != table.key:
            yield f'CREATE INDEX "{table.name}_{c.name}" ON "{table.name}" ("{c.name}")'


def sqlite_bytes(tables: list[Data], more: Callable[[], list[Data]] | None = None) -> bytes:
    """A SQLite database file holding `tables`, and then the tables `more()` gives (called
    while `tables` are written), foreign keys checked before it is returned.

    One transaction per part; every table filled before its indexes are made (one sort each
    instead of an index update per row); foreign keys are not enforced while filling (tables
    come in any order) but checked once at the end, as a whole.
    """
    db = sqlite3.connect(":memory:")
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        _fill(db, _ordered(tables))
        if more is not None:
            _fill(db, _ordered(more()))
        if db.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise sqlite3.IntegrityError("FOREIGN KEY constraint failed")
        return db.serialize()
    finally:
        db.close()


def _fill(db: sqlite3.Connection, tables: list[Data]) -> None:
    with db:
        for table in tables:
            create, *indexes = _ddl(table)
            db.execute(create)
            marks = ", ".join("?" * len(table.columns))
            db.executemany(f'INSERT OR REPLACE INTO "{table.name}" VALUES ({marks})',
                           table.rows)
            for statement in indexes:
                db.execute(statement)


_FORKED: tuple[Workspace, LoadResult] | None = None  # what a forked `_computed_job` reads


def _computed_job() -> list[Data]:
    assert _FORKED is not None
    return computed_tables(*_FORKED)


def _computed_meanwhile(ws: Workspace, result: LoadResult) -> Callable[[], list[Data]]:
    """`computed_tables(ws, result)` started in a forked process (it is pure Python, the SQLite
    writing it overlaps is mostly not), and a call that waits for its tables. Without fork
    (or with one core), computed when called."""
    import multiprocessing
    import os

    if "fork" not in multiprocessing.get_all_start_methods() or (os.cpu_count() or 1) < 2:
        return lambda: computed_tables(ws, result)
    from concurrent.futures import ProcessPoolExecutor

    global _FORKED
    _FORKED = (ws, result)
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    job = pool.submit(_computed_job)
    _FORKED = None

    def wait() -> list[Data]:
        try:
            return job.result()
        finally:
            pool.shutdown()

    return wait


def _ordered(tables: list[Data]) -> list[Data]:
    """Referenced tables first (people before tickets before ticket_events)."""
    done: list[Data] = []
    pending = list(tables)
    while pending:
        names = {t.name for t in done}
        ready = [t for t in pending if all((c.references or "").split("(")[0] in names
                                           or not c.references
                                           or (c.references or "").startswith(t.name + "(")
                                           for c in t.columns)]
        if not ready:  # a cycle: keep the given order
            ready = pending[:1]
        for t in ready:
            pending.remove(t)
            done.append(t)
    return done


def write_sqlite(ws: Workspace, target: str | Path, with_personal: bool = False,
                 notes: list[str] | None = None) -> Path:
    path = outputs.output_file(target, "kefu.sqlite", ws.root, "SQLite 数据库")
    with gc_paused():
        result = ws.load(raw=KINDS.keys())
        computed = _computed_meanwhile(ws, result)
        data = sqlite_bytes(record_tables(result, with_personal, notes), computed)
    return outputs.write_output(path, data, "SQLite 数据库")
