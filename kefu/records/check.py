"""Checks of one record file: parse, schema, the kind's own checks, place and name.

Runs in worker processes for every changed file, so the path of a valid file is kept lean.
Every problem of a file is reported at once: when the model refuses the file, the kind's checks
still run on the fields that passed (`salvage`).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import posixpath
import typing
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timezone, tzinfo
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import AwareDatetime, BaseModel, TypeAdapter, ValidationError

from kefu import times
from kefu.problems import Problem, Severity

from .kinds import KINDS, Finding, Kind, kind_of, known_places, read_across, schema_rel
from .loader import ParseFailure, compose, load_mapping, locate_node
from .messages import inner_model, translate
from .model import EARLIEST_YEAR
from .references import refs_of, walk
from .result import FileResult, Where, passes

SCHEMA_LINE = "# yaml-language-server: $schema="
MAX_PROBLEMS = 30  # per file: a list of 100,000 bad values is reported by its first ones


def check_file(rel: str, raw: bytes, want_data: bool = True,
               where: Where | None = None, kind: Kind | None = None,
               clock: Clock | None = None) -> FileResult:
    """Parse and check one record file's bytes (of `kind`, else the kind of its place).

    Never raises for bad input.
    """
    kind = kind or kind_of(rel)
    if kind is None:
        return FileResult(rel, None, problems=[Problem(
            rel, 1, 1, "unknown-location",
            f"不认识这个位置的记录文件。记录只能放在：{known_places()}（按年、月分目录的见各自说明）。",
        )])
    result = FileResult(rel, kind.name)
    try:
        data, text = load_mapping(raw, kind.max_bytes)
    except ParseFailure as failure:
        issue = failure.issue
        result.problems.append(Problem(rel, issue.line, issue.col, issue.slug, issue.message))
        return result
    if kind.folder or rel == kind.expected_rel(""):
        result.problems.extend(_schema_line(rel, kind, text))
    raw_id = data.get("id")
    result.id = raw_id if isinstance(raw_id, str) else (kind.name if kind.file else None)
    result.refs = refs_of(kind, data)
    model = kind.model
    if model is None:
        result.data = data  # a kind without a model: parsed, not checked
        return result
    problems: list[Problem] = []
    node: Any = None
    try:
        record = model.model_validate(data)
    except ValidationError as err:
        elsewhere = _belongs_elsewhere(kind, data)
        node = compose(text)
        if elsewhere is not None:  # a whole record of another kind: one message, not twenty
            result.problems.append(Problem(
                rel, *locate_node(node, ("id",)), "wrong-folder",
                f"这是一份{elsewhere.title}，却放在了{kind.title}目录："
                f"应放在 `{elsewhere.expected_rel(str(raw_id)) or elsewhere.folder}`。"))
            return result
        problems.extend(translate(rel, node, kind, err))
        record = salvage(model, data)
    else:
        result.facets = {name: data[name] for name in kind.facets
                         if isinstance(data.get(name), str)}
        # an Across check reads this kind's data even when the caller only validates
        keep = want_data or kind.name in read_across()
        if keep and passes(kind.name, result.facets, where):
            result.data = plain(record.model_dump(exclude_none=True), kind)
        else:
            result.partial = True
    clock = clock or Clock.now()
    timely = () if _plainly_timely(kind, data, clock) else _time_findings(kind, record, clock)
    findings = [*timely,
                *(f for check in kind.checks for f in check(record))]
    if findings:
        problems.extend(findings_problems(rel, text, findings, node))
    problems.extend(_place(rel, kind, text, result.id))
    result.problems.extend(_capped(rel, problems))
    return result


def _capped(rel: str, problems: list[Problem]) -> list[Problem]:
    """At most MAX_PROBLEMS per file, and a last line saying how many more there are."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], Problem(
        rel, problems[MAX_PROBLEMS].line, problems[MAX_PROBLEMS].col, "more-problems",
        f"这个文件还有 {more} 个问题未列出：请先改正上面的问题，再运行 kefu validate。")]


class Clock(NamedTuple):
    """The time window a record's timestamps must fall in, fixed once per run."""

    first: datetime  # EARLIEST_YEAR-01-01
    last: datetime  # New Year after next
    soon: datetime  # now + 1 day: events later than this have not happened
    settled: str  # the date two days ago: a timestamp written on or before it is in the past

    @classmethod
    def now(cls) -> Clock:
        now = times.now()
        return cls(datetime(EARLIEST_YEAR, 1, 1, tzinfo=times.SHANGHAI),
                   datetime(now.year + 2, 1, 1, tzinfo=times.SHANGHAI),
                   now + dt.timedelta(days=1), (now - dt.timedelta(days=2)).date().isoformat())


_LOW = f"{EARLIEST_YEAR}-01-02"  # after the earliest moment in any time zone


def _plainly_timely(kind: Kind, data: dict[str, Any], clock: Clock) -> bool:
    """Whether every timestamp of the file, as written, is surely inside the window.

    Most files are (dates after 2000, more than two days ago), and comparing their ISO text is
    far cheaper than comparing aware datetimes; the rest are checked exactly on the model.
    """
    settled = clock.settled
    for path in _stamp_paths(kind.name):
        for value in _raw_values(data, path):
            if type(value) is not str or value < _LOW or value[:10] > settled:
                return False
    return True


def _raw_values(data: dict[str, Any], path: Sequence[str]) -> list[Any]:
    """The values at `path` of parsed YAML, None left out; fast for `x` and `x.*.y`."""
    if len(path) == 1:
        value = data.get(path[0])
        return [] if value is None else [value]
    if len(path) == 3 and path[1] == "*":
        items, key = data.get(path[0]), path[2]
        if type(items) is not list:
            return [] if items is None else [items]
        return [v for item in items
                if (v := item.get(key) if type(item) is dict else item) is not None]
    return [v for _, v in walk(data, path, ()) if v is not None]


def _time_findings(kind: Kind, record: BaseModel, clock: Clock) -> Iterable[Finding]:
    """Timestamps from EARLIEST_YEAR to the end of next year; no event later than tomorrow.

    Runs for every file: one pass over the timestamps, places looked up only when one is off.
    """
    first, last, soon, _ = clock
    stamps = [value for path in _stamp_paths(kind.name) for value in _values(record, path)]
    if not stamps:
        return
    earliest, latest = min(stamps), max(stamps)
    if earliest < first or latest >= last:
        for path in _stamp_paths(kind.name):
            for loc, value in _attributes(record, path, ()):
                if isinstance(value, datetime) and not first <= value < last:
                    yield Finding("date-range", loc,
                                  f"时间 {value.isoformat()} 不在 {EARLIEST_YEAR}–{last.year - 1} "
                                  "年之间：多半是年份打错了，请改正。")
    if latest > soon:  # no_future paths are timestamps too: nothing to look for otherwise
        for path in kind.no_future:
            for loc, value in _attributes(record, path, ()):
                if isinstance(value, datetime) and soon < value < last:
                    yield Finding("future-date", loc,
                                  f"时间 {value.isoformat()} 比现在晚一天以上："
                                  "事件只能记录已经发生的事，请核对日期（北京时间）。")


def _attributes(node: Any, path: Sequence[str], loc: tuple[str | int, ...]
                ) -> Iterable[tuple[tuple[str | int, ...], Any]]:
    """(field path, value) at `path` of a model instance ("*" = each list item)."""
    if not path:
        yield loc, node
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for index, item in enumerate(node if isinstance(node, list) else ()):
            yield from _attributes(item, rest, (*loc, index))
    elif node is not None and (value := getattr(node, head, None)) is not None:
        yield from _attributes(value, rest, (*loc, head))


@functools.cache
def _stamp_paths(kind_name: str) -> tuple[tuple[str, ...], ...]:
    return tuple(path for path, of in typed_paths(kind_name) if of is datetime)


def _values(record: Any, path: Sequence[str]) -> list[datetime]:
    """The datetimes at `path` of a model instance; fast for `x` and `x.*.y` (every file)."""
    if len(path) == 1:
        value = getattr(record, path[0], None)
        return [value] if isinstance(value, datetime) else []
    if len(path) == 3 and path[1] == "*":
        key = path[2]
        found = (getattr(item, key, None) for item in getattr(record, path[0], None) or ())
        return [value for value in found if isinstance(value, datetime)]
    return [v for _, v in _attributes(record, path, ()) if isinstance(v, datetime)]


def read_single(kind: Kind, path: Path, root: Path | None = None
                ) -> tuple[BaseModel | None, list[Problem]]:
    """Read and check a one-file kind (sla.yml, calendar.yml) the way `kefu validate` does.

    Returns its model instance (None when it has errors) and every problem, the file named
    relative to `root`.
    """
    shown = _shown(path, root)
    try:
        raw = read_limited(path, kind.max_bytes)
    except OSError as err:
        return None, [Problem(shown, 0, 0, "unreadable", f"无法读取文件：{err.strerror}。")]
    result = check_file(shown, raw, kind=kind)
    if result.data is None or any(p.severity is Severity.ERROR for p in result.problems):
        return None, result.problems
    assert kind.model is not None
    return kind.model.model_validate(result.data), result.problems


def read_limited(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, at most `max_bytes` + 1 (enough to tell it is too large).

    Never follows a symlink and never blocks on a FIFO; OSError for what cannot be read.
    """
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        return os.read(handle, max_bytes + 1)
    finally:
        os.close(handle)


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def salvage(model: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    """An unvalidated instance holding the fields of `data` that pass on their own.

    Lists of models keep their length: an item that fails is None, so indices still match.
    `model_fields_set` names every field the file has, the failed ones included, so that a
    check can tell a missing field from a bad one.
    """
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        try:
            values[name] = _adapter(model, name).validate_python(data[name])
        except ValidationError:
            inner = inner_model(info.annotation)
            items = data[name]
            if inner is not None and list in _origins(info.annotation) and isinstance(items, list):
                values[name] = [_salvage_item(inner, item) for item in items]
    given = set(data) & set(model.model_fields)
    return model.model_construct(_fields_set=given, **values)


def _salvage_item(model: type[BaseModel], item: Any) -> BaseModel | None:
    try:
        return model.model_validate(item)
    except ValidationError:
        return None


@functools.cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    config = {"coerce_numbers_to_str": True} if model.model_config.get(
        "coerce_numbers_to_str") else None
    annotated: Any = typing.Annotated[info.annotation, info]
    return TypeAdapter(annotated, config=config)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=4096)
def schema_line(kind: Kind, folder: str) -> str:
    """The first line a record file in `folder` must have."""
    return SCHEMA_LINE + posixpath.relpath(schema_rel(kind), folder)


def _belongs_elsewhere(kind: Kind, data: dict[str, Any]) -> Kind | None:
    """The other one-file-per-record kind whose model accepts `data` as it is, if any."""
    for other in KINDS.values():
        model = other.model if other is not kind and other.folder else None
        if model is None:
            continue
        try:
            record = model.model_validate(data)
        except ValidationError:
            continue
        if not [f for check in other.checks for f in check(record)
                if f.severity is Severity.ERROR]:
            return other
    return None


def _schema_line(rel: str, kind: Kind, text: str) -> list[Problem]:
    want = schema_line(kind, rel.rpartition("/")[0])
    if text.startswith(want) and text[len(want):len(want) + 1] in ("\n", "\r", ""):
        return []
    first = text.split("\n", 1)[0].strip()
    if first.startswith(SCHEMA_LINE):
        return [Problem(rel, 1, 1, "wrong-schema-line",
                        f"第一行的 schema 路径不对，应为：`{want}`（编辑器靠它自动补全字段）。",
                        Severity.WARNING)]
    return [Problem(rel, 1, 1, "missing-schema-line",
                    f"缺少第一行 `{want}`：请加上，编辑器才能自动补全和提示字段。",
                    Severity.WARNING)]


def _place(rel: str, kind: Kind, text: str, record_id: str | None) -> list[Problem]:
    """File name = id, and the file sits in its kind's folder (and sub-folder, if any)."""
    if kind.file or record_id is None:
        return []
    name = posixpath.basename(rel)
    stem = name.rsplit(".", 1)[0]
    if stem != record_id:
        return [Problem(rel, *_id_pos(text), "id-filename-mismatch",
                        f"文件名 `{name}` 与编号 `{record_id}` 不一致："
                        f"文件应命名为 `{record_id}.yml`（或把 id 改成与文件名相同）。")]
    expected = kind.expected_rel(record_id)
    if expected and expected != rel:
        return [Problem(rel, *_id_pos(text), "wrong-folder",
                        f"{kind.title}文件放错了目录：编号 `{record_id}` 的文件"
                        f"应放在 `{expected}`。")]
    if not name.endswith(".yml"):
        return [Problem(rel, 1, 1, "wrong-extension",
                        f"记录文件的扩展名应为 .yml：请改名为 `{stem}.yml`。")]
    return []


def _id_pos(text: str) -> tuple[int, int]:
    return locate_node(compose(text), ("id",), key=False)


_ZONES: dict[Any, tzinfo] = {}


def plain(data: dict[str, Any], kind: Kind) -> dict[str, Any]:
    """Swap pydantic's per-value TzInfo for one shared `datetime.timezone` per offset.

    Shared standard zones pickle once per batch instead of once per value, which is most of
    the cost of sending 100,000 records between processes and into the cache.
    """
    for path in _datetime_paths(kind.name):
        for container, key in slots(data, path):
            value = container[key]
            offset = value.utcoffset()
            zone = _ZONES.get(offset)
            if zone is None:
                zone = _ZONES[offset] = timezone(offset)
            container[key] = value.replace(tzinfo=zone)
    return data


@functools.cache
def _datetime_paths(kind_name: str) -> tuple[tuple[str, ...], ...]:
    model = KINDS[kind_name].model
    return tuple(_paths_of(model)) if model else ()


@functools.cache
def typed_paths(kind_name: str) -> tuple[tuple[tuple[str, ...], type[date]], ...]:
    """(path, datetime or date) of every timestamp and date field of the kind."""
    model = KINDS[kind_name].model
    if model is None:
        return ()
    stamps = [(path, datetime) for path in _paths_of(model)]
    days = [(path, date) for path in _paths_of(model, date)]
    return tuple([*stamps, *days])


def _paths_of(model: type[BaseModel], leaf: type = datetime) -> Iterable[tuple[str, ...]]:
    for name, info in model.model_fields.items():
        annotation = info.annotation
        leaves = _leaves(annotation)
        if leaf in leaves or (leaf is datetime and AwareDatetime in leaves):
            yield (name,)
        inner = inner_model(annotation)
        if inner is not None:
            star = ("*",) if list in _origins(annotation) else ()
            for sub in _paths_of(inner, leaf):
                yield (name, *star, *sub)


def _leaves(annotation: Any) -> set[Any]:
    args = typing.get_args(annotation)
    if not args:
        return {annotation}
    if typing.get_origin(annotation) is typing.Annotated:
        return {args[0]} | _leaves(args[0])
    return set().union(*(_leaves(a) for a in args))


def _origins(annotation: Any) -> set[Any]:
    origin = typing.get_origin(annotation)
    found = {origin} if origin else set()
    for arg in typing.get_args(annotation):
        found |= _origins(arg)
    return found


def slots(node: Any, path: Sequence[str], of: type = datetime) -> Iterable[tuple[Any, Any]]:
    """(container, key) pairs holding a value of type `of` at `path` ("*" = every list item)."""
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(node, list):
            for item in node:
                yield from slots(item, rest, of)
    elif isinstance(node, dict) and head in node:
        if rest:
            yield from slots(node[head], rest, of)
        elif isinstance(node[head], of):
            yield node, head


def findings_problems(rel: str, text: str, findings: Sequence[Finding],
                      node: Any = None) -> list[Problem]:
    """Problems for findings about the YAML `text` of `rel` (its node tree, if composed)."""
    node = node if node is not None else compose(text)
    return [Problem(rel, *locate_node(node, f.loc, key=False), f.slug, f.message, f.severity)
            for f in findings]
