"""The exported tables: one per record kind and per list of nested records, from the kinds'
models, and the computed ones (sla_rules, ticket_milestones); see kefu.export."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import AwareDatetime, BaseModel, NaiveDatetime

from kefu import times
from kefu.collation import name_key
from kefu.records import LoadResult, personal_values
from kefu.records.corpus import gc_paused
from kefu.records.kinds import KINDS, Kind
from kefu.records.messages import inner_model
from kefu.reports import tables as rt
from kefu.times import SHANGHAI
from kefu.workspace import Workspace


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


def collect(ws: Workspace, with_personal: bool = False,
            notes: list[str] | None = None) -> list[Data]:
    """Every exported table, filled from the records of `ws` (invalid files left out, and said
    in `notes`)."""
    with gc_paused():  # millions of cells of 100,000s of records
        return _collect(ws, ws.load(raw=KINDS.keys()), with_personal, notes)


def _collect(ws: Workspace, result: LoadResult, with_personal: bool,
             notes: list[str] | None = None) -> list[Data]:
    return [*record_tables(result, with_personal, notes), *computed_tables(ws, result)]


def record_tables(result: LoadResult, with_personal: bool,
                  notes: list[str] | None = None) -> list[Data]:
    """A table per kind and per list of nested records, filled from the loaded records.

    A record with an error is left out of every format alike; a reference to it is emptied
    (so the SQLite file's foreign keys hold), and both are said in `notes`.
    """
    layouts = {name: _Layout(kind, with_personal) for name, kind in KINDS.items()
               if kind.folder and kind.model is not None and not kind.changes_of}
    for record in result.records:
        layout = layouts.get(record.kind)
        if layout is not None:
            layout.add(record.data)
    person = layouts.get("person")
    if person is not None:  # people in the order every list of people has: by name's pinyin
        names = [c.name for c in person.main.columns]
        at, key = names.index("name"), names.index("id")
        person.main.rows.sort(key=lambda row: (name_key(str(row[at] or "")), str(row[key])))
    out: list[Data] = []
    for layout in layouts.values():
        out += [layout.main, *(child for _, child, _ in layout.children)]
    for table in out:
        _in_beijing(table)
    emptied = _empty_dangling(out)
    if notes is not None and result.errors:
        bad = len({p.path for p in result.errors})
        notes.append(f"{bad} 个记录文件有错误，未导出" + (
            f"，对它们的 {emptied} 处引用已置空" if emptied else "")
            + "：请运行 kefu validate 查看并改正。")
    if not with_personal:
        _mask_free_text(out, personal_values(result))
    return out


def _empty_dangling(tables: list[Data]) -> int:
    """Empty each reference to a record that is not exported (it has an error); how many."""
    ids = {t.name: {row[0] for row in t.rows} for t in tables if t.key == ("id",)}
    emptied = 0
    for table in tables:
        for index, column in enumerate(table.columns):
            target = (column.references or "").partition("(")[0]
            known = ids.get(target)
            if known is None:
                continue
            for row in table.rows:
                if row[index] is not None and row[index] not in known:
                    row[index] = None
                    emptied += 1
    return emptied


def _mask_free_text(tables: list[Data], known: set[str]) -> None:
    """Personal values typed into free text (a phone number in a note, a customer's name in a
    title) masked in every text column that is not a key or a reference (kefu.privacy)."""
    from kefu.privacy import mask, names

    automaton = names(known)
    done: dict[str, str] = {}  # a text repeats (a note, a title): masked once
    for table in tables:
        for index, column in enumerate(table.columns):
            if column.kind != rt.TEXT or column.references or (column.name,) == table.key:
                continue
            for row in table.rows:
                value = row[index]
                if value.__class__ is str and value:
                    masked = done.get(value)
                    if masked is None:
                        masked = done[value] = mask(value, automaton)
                    row[index] = masked


def computed_tables(ws: Workspace, result: LoadResult) -> list[Data]:
    from kefu.index.milestones import deadlines
    from kefu.reports.figures import state_of

    rules, now = ws.rules, times.now()
    of = deadlines(ws, result).of  # kept in the index, made when missing
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
    from kefu.kinds.ticket_terms import stands_closed
    from kefu.reports.figures import moment

    if events and (moment(events[-1]["at"]) or now) > now:  # rare: an event later today
        events = [e for e in events if (moment(e["at"]) or now) <= now]
    return stands_closed(events)
