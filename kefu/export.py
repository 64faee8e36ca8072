"""`kefu export`: every record kind as tables, for SQLite (stdlib sqlite3), CSV files or a workbook.

Tables are derived from the record kinds' models, so a new kind is exported without a change
here: one table per kind (named after its folder: tickets, people, dealers, assessments), one
table per list of nested records (ticket_events: `<kind>_<field>`, with `seq`, the position in
the list), nested records flattened into `<field>_<subfield>` columns. References between kinds
become foreign keys, ids primary keys, and every reference and time column gets an index.
Computed tables: sla_rules (records/sla.yml) and ticket_milestones (every deadline of every
ticket with its due time, as `kefu due` computes it). Personal fields (phone, e-mail, address, ID
number, birthday, customer) are left out unless `with_personal`.
Times are ISO 8601 text in Beijing time with the offset (2026-03-15T10:20:00+08:00), so
`substr(received, 1, 7)` is the Beijing month; dates are ISO text; true/false are 1/0.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import sqlite3
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, BaseModel, NaiveDatetime

from kefu import files, times
from kefu.records import LoadResult
from kefu.records.corpus import gc_paused
from kefu.records.kinds import KINDS, Kind
from kefu.records.messages import inner_model
from kefu.reports import tables as rt
from kefu.times import SHANGHAI
from kefu.workspace import Workspace

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class Col:
    name: str
    sql: str  # TEXT, INTEGER or REAL
    kind: str = rt.TEXT  # how the workbook shows it
    references: str | None = None  # "table(column)"
    personal: bool = False
    indexed: bool = False


@dataclass
class Data:
    """One exported table: its columns, primary key and rows (values ready for SQL)."""

    name: str
    title: str
    columns: list[Col]
    key: tuple[str, ...]
    rows: list[list[Any]] = field(default_factory=list)


def _scalar(annotation: Any) -> tuple[str, str] | None:
    """(SQL type, column kind) of a scalar annotation, or None for lists and models."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _scalar(typing.get_args(annotation)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _scalar(inner[0]) if len(inner) == 1 else ("TEXT", rt.TEXT)
    if origin is typing.Literal:
        return ("TEXT", rt.TEXT)
    if origin is not None:  # list, dict
        return None
    if annotation is bool:
        return ("INTEGER", rt.INT)
    if annotation is int:
        return ("INTEGER", rt.INT)
    if annotation is float:
        return ("REAL", rt.SCORE)
    if annotation in (AwareDatetime, NaiveDatetime) or (
            isinstance(annotation, type) and issubclass(annotation, dt.datetime)):
        return ("TEXT", rt.TIME)
    if isinstance(annotation, type) and issubclass(annotation, dt.date):
        return ("TEXT", rt.DATE)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return None
    return ("TEXT", rt.TEXT)


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list or any(
        _is_list(a) for a in typing.get_args(annotation))


def _personal(info: Any) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("personal"))


_EIGHT = dt.timedelta(hours=8)
_PLAIN = frozenset({str, int, float, type(None)})


def _value(value: Any) -> Any:
    """A cell's SQL value (millions per export: the common cases first)."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, dt.datetime):
        # Beijing has kept +08:00 all year since 1992: such a time already reads as Beijing's
        if value.year >= 1992 and value.utcoffset() == _EIGHT:
            return value.isoformat()
        return value.astimezone(SHANGHAI).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=_iso)
    return value


def _iso(value: Any) -> Any:
    """Nested dates and times as ISO text, as the records cache holds them."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _in_beijing(table: Data) -> None:
    """Times that came as ISO text (data from the records cache, not revived: 1M fewer
    datetimes) in Beijing time, as `_value` gives a datetime; the usual +08:00 is kept as is."""
    for index, column in enumerate(table.columns):
        if column.kind != rt.TIME:
            continue
        for row in table.rows:
            value = row[index]
            if value.__class__ is str and (value[-6:] != "+08:00" or value < "1992"):
                with contextlib.suppress(ValueError):  # not a time after all: left as written
                    row[index] = _value(dt.datetime.fromisoformat(value))


def table_name(kind: Kind) -> str:
    return kind.folder


class _Layout:
    """The tables of one kind, from its model."""

    def __init__(self, kind: Kind, with_personal: bool) -> None:
        assert kind.model is not None
        self.kind, self.with_personal = kind, with_personal
        refs = {ref.path: f"{table_name(KINDS[ref.target])}(id)" for ref in kind.references
                if ref.target in KINDS and KINDS[ref.target].folder}
        self.main = Data(table_name(kind), kind.title, [], ("id",))
        self.fields: list[tuple[str, ...]] = []  # value paths of the main columns
        self.children: list[tuple[str, Data, list[tuple[str, ...]]]] = []
        self._columns(kind.model, (), self.main, self.fields, refs, ())
        for name, info in kind.model.model_fields.items():
            inner = inner_model(info.annotation)
            if inner is None or not _is_list(info.annotation):
                continue
            if _personal(info) and not with_personal:
                continue
            child = Data(f"{kind.name}_{name}", f"{kind.title}：{info.description or name}",
                         [Col("record_id", "TEXT", references=f"{self.main.name}(id)",
                              indexed=True), Col("seq", "INTEGER", rt.INT)],
                         ("record_id", "seq"))
            paths: list[tuple[str, ...]] = []
            self._columns(inner, (), child, paths, refs, (name, "*"))
            self.children.append((name, child, paths))

    def _columns(self, model: type[BaseModel], prefix: tuple[str, ...], table: Data,
                 paths: list[tuple[str, ...]], refs: dict[tuple[str, ...], str],
                 ref_prefix: tuple[str, ...]) -> None:
        for name, info in model.model_fields.items():
            path = (*prefix, name)
            if _personal(info) and not self.with_personal:
                continue
            scalar = _scalar(info.annotation)
            if scalar is None:
                inner = inner_model(info.annotation)
                if inner is not None and not _is_list(info.annotation):
                    self._columns(inner, path, table, paths, refs, ref_prefix)
                elif not _is_list(info.annotation) or inner is None:
                    table.columns.append(Col("_".join(path), "TEXT", personal=_personal(info)))
                    paths.append(path)
                continue
            sql, kind = scalar
            target = refs.get((*ref_prefix, *path))
            table.columns.append(Col("_".join(path), sql, kind, references=target,
                                     personal=_personal(info),
                                     indexed=target is not None or kind in (rt.TIME, rt.DATE)))
            paths.append(path)

    def add(self, data: dict[str, Any]) -> None:
        self.main.rows.append(_cells(data, self.fields))
        for name, child, paths in self.children:
            for seq, item in enumerate(data.get(name) or (), start=1):
                child.rows.append([data.get("id"), seq, *_cells(item, paths)])


def _cells(data: Any, paths: list[tuple[str, ...]]) -> list[Any]:
    """The values at `paths` of one record (or nested record), ready for SQL."""
    if type(data) is not dict:
        return [None] * len(paths)
    get = data.get
    return [_value(get(p[0]) if len(p) == 1 else _get(data, p)) for p in paths]


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def collect(ws: Workspace, with_personal: bool = False) -> list[Data]:
    """Every exported table, filled from the records of `ws` (invalid files left out)."""
    with gc_paused():  # millions of cells of 100,000s of records
        return _collect(ws, ws.load(raw=KINDS.keys()), with_personal)


def _collect(ws: Workspace, result: LoadResult, with_personal: bool) -> list[Data]:
    return [*_record_tables(result, with_personal), *_computed(ws, result)]


def _record_tables(result: LoadResult, with_personal: bool) -> list[Data]:
    """A table per kind and per list of nested records, filled from the loaded records."""
    layouts = {name: _Layout(kind, with_personal) for name, kind in KINDS.items()
               if kind.folder and kind.model is not None}
    for record in result.records:
        layout = layouts.get(record.kind)
        if layout is not None:
            layout.add(record.data)
    out: list[Data] = []
    for layout in layouts.values():
        out += [layout.main, *(child for _, child, _ in layout.children)]
    for table in out:
        _in_beijing(table)
    return out


def _computed(ws: Workspace, result: LoadResult) -> list[Data]:
    from kefu.reports.figures import state_of
    from kefu.sla.summaries import deadlines

    rules, now = ws.rules, times.now()
    of = deadlines(ws, result).of  # kept in the records cache, else computed
    rule_table = Data("sla_rules", "时限规则", [
        Col("id", "TEXT"), Col("title", "TEXT"), Col("ticket_type", "TEXT"), Col("level", "TEXT"),
        Col("start_action", "TEXT"), Col("stop_action", "TEXT"),
        Col("working_days", "INTEGER", rt.INT), Col("same_day", "INTEGER", rt.INT),
        Col("agreed", "INTEGER", rt.INT), Col("seed", "TEXT")], ("id",))
    for r in rules.values():
        rule_table.rows.append([r.id, r.title, r.type, r.level, r.start, r.stop, r.working_days,
                                int(r.same_day), int(r.agreed), r.seed])
    stones = Data("ticket_milestones", "工单时限", [
        Col("ticket_id", "TEXT", references="tickets(id)", indexed=True),
        Col("rule", "TEXT", references="sla_rules(id)", indexed=True),
        Col("start", "TEXT", rt.TIME, indexed=True), Col("due", "TEXT", rt.TIME, indexed=True),
        Col("met_at", "TEXT", rt.TIME, indexed=True), Col("provisional", "INTEGER", rt.INT),
        Col("state", "TEXT")], ("ticket_id", "rule", "start"))
    for record in result.of_kind("ticket"):
        ticket = record.data
        closed = _closed(ticket.get("events") or [], now)
        for stone in of(ticket):
            state = state_of(stone, closed, now) if stone.due is not None else "no-due"
            stones.rows.append([ticket.get("id"), stone.rule, _value(stone.start),
                                _value(stone.due), _value(stone.met_at), int(stone.provisional),
                                state])
    return [rule_table, stones]


def _closed(events: list[dict[str, Any]], now: dt.datetime) -> bool:
    """Whether a ticket with these events (times typed, or ISO text) stands closed at `now`:
    the last closed or reopened event up to then decides."""
    def at(event: dict[str, Any]) -> dt.datetime:
        when = event["at"]
        return dt.datetime.fromisoformat(when) if when.__class__ is str else when

    if events and at(events[-1]) > now:  # rare: an event later today
        events = [e for e in events if at(e) <= now]
    closed = False
    for event in events:
        if event["action"] == "closed":
            closed = True
        elif event["action"] == "reopened":
            closed = False
    return closed


# -- SQLite -----------------------------------------------------------------------------------
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
    return _computed(*_FORKED)


def _computed_meanwhile(ws: Workspace, result: LoadResult) -> Callable[[], list[Data]]:
    """`_computed(ws, result)` started in a forked process (it is pure Python, the SQLite
    writing it overlaps is mostly not), and a call that waits for its tables. Without fork
    (or with one core), computed when called."""
    import multiprocessing
    import os

    if "fork" not in multiprocessing.get_all_start_methods() or (os.cpu_count() or 1) < 2:
        return lambda: _computed(ws, result)
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


# -- CSV and workbook -------------------------------------------------------------------------
def csv_bytes(table: Data) -> bytes:
    """UTF-8 with a byte-order mark (Excel opens it as Chinese text), header row first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in table.columns])
    writer.writerows(table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_tables(tables: Iterable[Data]) -> list[rt.Table]:
    """The export as report tables (for the workbook): times back to datetimes."""
    out = []
    for t in tables:
        columns = [rt.Column(c.name, c.name, c.kind) for c in t.columns]
        rows = [[_typed(v, c.kind) for v, c in zip(row, t.columns, strict=True)] for row in t.rows]
        out.append(rt.Table(t.name, t.name, columns, rows))
    return out


def _typed(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == rt.TIME:
        return dt.datetime.fromisoformat(value)
    if kind == rt.DATE:
        return dt.date.fromisoformat(value)
    return value


def write_sqlite(ws: Workspace, target: str | Path, with_personal: bool = False) -> Path:
    path = files.output_file(target, "kefu.sqlite", ws.root, SQLITE_MAGIC, "SQLite 数据库")
    with gc_paused():
        result = ws.load(raw=KINDS.keys())
        computed = _computed_meanwhile(ws, result)
        data = sqlite_bytes(_record_tables(result, with_personal), computed)
    return files.write_atomic(path, data)


def write_csv(ws: Workspace, folder: str | Path, with_personal: bool = False) -> list[Path]:
    tables = collect(ws, with_personal)
    written = []
    for table in tables:
        data = csv_bytes(table)
        header = data.split(b"\n", 1)[0]
        path = files.output_file(f"{folder}/", f"{table.name}.csv", ws.root, header, "CSV 文件")
        written.append(files.write_atomic(path, data))
    return written


def write_xlsx(ws: Workspace, target: str | Path, with_personal: bool = False) -> Path:
    from kefu.reports.xlsx import MAGIC, check_ours, workbook

    path = files.output_file(target, "kefu.xlsx", ws.root, MAGIC, "工作簿")
    check_ours(path)
    tables = as_tables(collect(ws, with_personal))
    return files.write_atomic(path, workbook(tables, "kefu 记录导出"))
