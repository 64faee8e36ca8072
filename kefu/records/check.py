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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from kefu.problems import Problem, Severity

from . import texts, timely
from .kinds import KINDS, Finding, Kind, kind_of, known_places, read_across, schema_rel
from .loader import ParseFailure, compose, load_mapping, locate_node
from .messages import inner_model, translate
from .paths import origins, plain
from .references import refs_of
from .result import FileResult

SCHEMA_LINE = "# yaml-language-server: $schema="
MAX_PROBLEMS = 30  # per file: a list of 100,000 bad values is reported by its first ones


def check_file(rel: str, raw: bytes, want_data: bool = True, kind: Kind | None = None,
               clock: timely.Clock | None = None) -> FileResult:
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
    if kind.file:  # a one-file kind that fails to parse is there, broken, not missing
        result.id = kind.name
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
    if kind.changes_of:  # a change file: named by its folder (the record) and its own name
        result.id = change_key(rel)
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
        if keep:
            result.data = plain(record.model_dump(exclude_none=True), kind)
        else:
            result.partial = True
    # a valid record with changes is checked whole once they are folded in
    # (kefu.records.fold); an invalid one now, as far as it goes, so that every problem of the
    # file is reported at once
    own = () if kind.changes is not None and not problems else kind.checks
    findings = [*timely.findings(kind, record, data, clock or timely.Clock.now()),
                *(f for check in own for f in check(record)), *texts.in_text(text, data),
                *_state_written(kind, data)]
    if findings:
        problems.extend(findings_problems(rel, text, findings, node))
    if kind.changes_of:
        problems.extend(_change_place(rel, kind, text, data))
    else:
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
            if inner is not None and list in origins(info.annotation) and isinstance(items, list):
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
    if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
        return TypeAdapter(annotated)  # a nested record keeps its own config
    return TypeAdapter(annotated, config=config)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=4096)
def schema_line(kind: Kind, folder: str) -> str:
    """The first line a record file in `folder` must have."""
    return SCHEMA_LINE + posixpath.relpath(schema_rel(kind), folder)


def _belongs_elsewhere(kind: Kind, data: dict[str, Any]) -> Kind | None:
    """The other one-file-per-record kind whose model accepts `data` as it is, if any."""
    for other in KINDS.values():
        model = other.model if other is not kind and other.folder and not other.changes_of \
            else None
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


def change_key(rel: str) -> str:
    """A change file's id among all files: its record's folder and its own name
    (T-20260315-k7m2/20260316-093000-replied-k3x9)."""
    folder, _, name = rel.rpartition("/")
    return f"{folder.rpartition('/')[2]}/{name.rpartition('.')[0]}"


def _state_written(kind: Kind, data: dict[str, Any]) -> list[Finding]:
    """A record file writes no field that only its changes set (a ticket's status)."""
    log = kind.changes
    if log is None:
        return []
    found = []
    for name in log.state:
        if name in data and data[name] not in log.starts.get(name, ()):
            found.append(Finding(
                "state-in-record", (name,),
                f"`{name}` 由后续的{log.title}文件决定，不写在{kind.title}文件里："
                "后续的变化用 kefu 命令登记（kefu event、kefu close、kefu approve），"
                "每次在“编号”文件夹里新增一个文件。整个历史都写在这一个文件里的旧格式记录，"
                "请运行 kefu migrate 转换。"))
    return found


def _change_place(rel: str, kind: Kind, text: str, data: dict[str, Any]) -> list[Problem]:
    """A change file sits in the folder of the record it names, under a name of the form
    `day-time-action-xxxx.yml` that agrees with its time and action."""
    from .kinds import CHANGE_ID, change_id

    folder, _, name = rel.rpartition("/")
    record = folder.rpartition("/")[2]
    stem = name.rsplit(".", 1)[0]
    problems = []
    named = data.get("record")
    if isinstance(named, str) and named != record:
        problems.append(Problem(rel, *locate_node(compose(text), ("record",), key=False),
                                "wrong-record",
                                f"这个文件在 `{record}/` 文件夹里，却写着 `record: {named}`："
                                f"一条变更放在它所属记录的文件夹里，两处应一致。"))
    import re

    at, action = data.get("at"), data.get("action")
    if isinstance(at, str):  # the parser gives YAML 1.2 timestamps as text
        try:
            at = dt.datetime.fromisoformat(at)
        except ValueError:
            at = None  # the model reports it
    if isinstance(at, dt.datetime) and at.tzinfo is None:
        at = None
    if not re.fullmatch(CHANGE_ID, stem) or not name.endswith(".yml"):
        problems.append(Problem(rel, 1, 1, "change-name",
                                f"文件名 `{name}` 不是“日期-时间-动作-4 位随机码.yml”的形式"
                                "（如 20261124-153000-replied-k3x9.yml）：请用 kefu 命令登记，"
                                "或照此改名。"))
    elif hasattr(at, "astimezone") and isinstance(action, str):
        expected = change_id(at, action, stem[-4:])
        if expected != stem:
            problems.append(Problem(rel, 1, 1, "change-name",
                                    f"文件名 `{name}` 与这条变更的时间和动作不一致，"
                                    f"应为 `{expected}.yml`：请改名（按文件名排序即按时间排序）。",
                                    Severity.WARNING))
    return problems


def _id_pos(text: str) -> tuple[int, int]:
    return locate_node(compose(text), ("id",), key=False)


def findings_problems(rel: str, text: str, findings: Sequence[Finding],
                      node: Any = None) -> list[Problem]:
    """Problems for findings about the YAML `text` of `rel` (its node tree, if composed)."""
    node = node if node is not None else compose(text)
    return [Problem(rel, *locate_node(node, f.loc, key=False), f.slug, f.message, f.severity)
            for f in findings]
