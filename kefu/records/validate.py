"""Checks of one record file (runs in worker processes) and of the whole set (ids, references)."""

from __future__ import annotations

import difflib
import functools
import posixpath
import re
import types
import typing
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone, tzinfo
from typing import Any

from pydantic import AwareDatetime, BaseModel, ValidationError

from kefu.problems import Problem, Severity

from . import models
from .ids import SHANGHAI
from .kinds import Kind, kind_of, known_places, schema_rel
from .loader import ParseFailure, load_mapping, locate, parse, top_level_words
from .models import Ticket, ticket_rules

SCHEMA_LINE = "# yaml-language-server: $schema="
_DATETIME = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_RULE_TEXT = {
    "missing-level": "投诉工单必须填写 `level`（normal、serious 或 critical）。",
    "level-not-complaint": "只有投诉（type: complaint）才有 `level`："
    "请删除该字段或把类型改为 complaint。",
    "critical-needs-agreed-due": "特别严重投诉（level: critical）没有固定时限，"
    "必须填写与客户约定的完成时间 `agreed_due`，例如 `agreed_due: 2026-03-30T17:30:00+08:00`。",
}
_FORMATS = {  # pattern -> what to write, for bad-format messages
    models.PHONE: "手机号（如 138-0000-0001）或座机号（如 021-12345678）",
    models.EMAIL: "电子邮箱（如 name@example.com）",
    models.ID_NUMBER: "18 位身份证号（最后一位可以是 X）",
    models.PERSON_ID: "小写拼音员工编号（如 wangfang）",
    models.DEALER_ID: "D- 加 4–8 位大写字母或数字（如 D-0001）",
    models.TICKET_ID: "T-收到日期-4 位小写字母或数字（如 T-20260315-k7m2，可用 kefu new 生成）",
}
_TYPE_NAMES = {
    "string_type": "文本", "bool_type": "true 或 false", "bool_parsing": "true 或 false",
    "list_type": "列表（每项以“- ”开头）", "dict_type": "映射（字段: 值）",
    "model_type": "映射（字段: 值）", "model_attributes_type": "映射（字段: 值）",
    "int_type": "整数", "int_parsing": "整数",
}


# A reference to another record, checked once every file is read: (target kind, id). Where it
# is written is looked up again only for a reference that turns out to be unknown.
Ref = tuple[str, str]


@dataclass
class FileResult:
    """Everything learnt from one file: picklable, cached, merged by the corpus."""

    rel: str
    kind: str | None
    id: str | None = None
    data: dict[str, Any] | None = None  # validated data; None if invalid or not asked for
    problems: list[Problem] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    partial: bool = False  # valid, but data was not kept (validate-only run, or filtered out)
    facets: dict[str, str] = field(default_factory=dict)  # FACETS of a valid record

    def row(self) -> Row:
        """The result as a plain tuple: what crosses process boundaries and fills the cache
        (plain tuples pickle and unpickle several times faster than objects)."""
        return (self.kind, self.id, self.data, self.problems, self.refs, self.partial,
                self.facets)

    @classmethod
    def from_row(cls, rel: str, row: Row) -> FileResult:
        return cls(rel, *row)


Row = tuple[str | None, str | None, dict[str, Any] | None, list[Problem], list[Ref], bool,
            dict[str, str]]
# Top-level fields a caller may filter on (`load(where=...)`), kept even when data is not.
FACETS = ("type", "status")
# kind -> field -> allowed values, e.g. {"ticket": {"status": {"open", "waiting"}}}
Where = Mapping[str, Mapping[str, Collection[str]]]


def passes(kind: str | None, facets: Mapping[str, str], where: Where | None) -> bool:
    """Whether a valid record passes the `where` filter (kinds not named always pass)."""
    rules = where.get(kind or "") if where else None
    if not rules:
        return True
    return all(facets.get(name) in allowed for name, allowed in rules.items())


def plainly_fails(rel: str, raw: bytes, where: Where) -> bool:
    """Whether the file's top lines already show that its record fails `where`, unparsed.

    False whenever the byte scan is not conclusive (flow style, quoted or late `status:`...).
    """
    kind = kind_of(rel)
    rules = where.get(kind.name) if kind is not None else None
    if not rules:
        return False
    facets = top_level_words(raw, rules)
    return any(name in facets and facets[name] not in allowed for name, allowed in rules.items())


def check_file(rel: str, raw: bytes, want_data: bool = True,
               where: Where | None = None) -> FileResult:
    """Parse and check one record file's bytes; never raises for bad input."""
    kind = kind_of(rel)
    if kind is None:
        return FileResult(rel, None, problems=[Problem(
            rel, 1, 1, "unknown-location",
            f"不认识这个位置的记录文件。记录只能放在：{known_places()}（工单按 年/月 分目录）。",
        )])
    result = FileResult(rel, kind.name)
    try:
        data, text = load_mapping(raw)
    except ParseFailure as failure:
        issue = failure.issue
        result.problems.append(Problem(rel, issue.line, issue.col, issue.slug, issue.message))
        return result
    result.problems.extend(_schema_line(rel, kind, text))
    raw_id = data.get("id")
    result.id = raw_id if isinstance(raw_id, str) else (kind.name if kind.file else None)
    result.refs = _refs(kind, data)
    model = kind.load_model()
    if model is None:
        result.data = data  # plug-in kind without a model yet: parsed, not checked here
        return result
    problems = [Problem(rel, *locate(text, loc), slug, _RULE_TEXT[slug])
                for slug, loc in (ticket_rules(data) if kind.name == "ticket" else [])]
    try:
        record = model.model_validate(data)
    except ValidationError as err:
        elsewhere = _belongs_elsewhere(kind, data)
        if elsewhere is not None:  # a whole record of another kind: one message, not twenty
            result.problems.append(Problem(
                rel, *locate(text, ("id",)), "wrong-folder",
                f"这是一份{elsewhere.title}，却放在了{kind.title}目录："
                f"应放在 `{elsewhere.expected_rel(str(raw_id)) or elsewhere.folder}`。"))
            return result
        reported = {p.slug for p in problems}
        problems.extend(_translate(rel, text, model, err, reported))
    else:
        result.facets = {name: data[name] for name in FACETS if isinstance(data.get(name), str)}
        if want_data and passes(kind.name, result.facets, where):
            result.data = plain(record.model_dump(exclude_none=True), kind)
        else:
            result.partial = True
        problems.extend(_semantic(rel, kind, text, record))
    problems.extend(_place(rel, kind, text, result.id))
    result.problems.extend(problems)
    return result


@functools.lru_cache(maxsize=4096)
def schema_line(kind: Kind, folder: str) -> str:
    """The first line a record file in `folder` must have."""
    return SCHEMA_LINE + posixpath.relpath(schema_rel(kind), folder)


def _belongs_elsewhere(kind: Kind, data: dict[str, Any]) -> Kind | None:
    """The other one-file-per-record kind whose model accepts `data` as it is, if any."""
    from .kinds import KINDS

    for other in KINDS.values():
        model = other.load_model() if other is not kind and other.folder else None
        if model is None:
            continue
        try:
            model.model_validate(data)
        except ValidationError:
            continue
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


def _refs(kind: Kind, data: dict[str, Any]) -> list[Ref]:
    """Each distinct (kind, id) the record refers to; runs for every file, so kept lean."""
    found: set[Ref] = set()
    for path, target in kind.references:
        if len(path) == 1:
            value = data.get(path[0])
            if type(value) is str:
                found.add((target, value))
        elif len(path) == 3 and path[1] == "*":
            items, key = data.get(path[0]), path[2]
            if type(items) is list:
                for item in items:
                    if type(item) is dict and type(value := item.get(key)) is str:
                        found.add((target, value))
        else:
            found.update((target, v) for _, v in _walk(data, path, ()) if isinstance(v, str))
    return list(found)


def ref_loc(kind: Kind, data: Any, target: str, value: str) -> Loc:
    """Field path of the first place `data` refers to `value` of kind `target`."""
    for path, to in kind.references:
        if to == target:
            for loc, found in _walk(data, path, ()):
                if found == value:
                    return loc
    return ()


Loc = tuple[str | int, ...]


def _walk(node: Any, path: Sequence[str], loc: Loc) -> Iterable[tuple[Loc, Any]]:
    if not path:
        yield loc, node
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from _walk(item, rest, (*loc, index))
    elif isinstance(node, dict) and head in node:
        yield from _walk(node[head], rest, (*loc, head))


def _place(rel: str, kind: Kind, text: str, record_id: str | None) -> list[Problem]:
    """File name = id, and the file sits in its kind's folder (tickets: year/month of the id)."""
    if kind.file or record_id is None:
        return []
    name = posixpath.basename(rel)
    stem = name.rsplit(".", 1)[0]
    if stem != record_id:
        return [Problem(rel, *locate(text, ("id",)), "id-filename-mismatch",
                        f"文件名 `{name}` 与编号 `{record_id}` 不一致："
                        f"文件应命名为 `{record_id}.yml`（或把 id 改成与文件名相同）。")]
    expected = kind.expected_rel(record_id)
    if expected and expected != rel:
        return [Problem(rel, *locate(text, ("id",)), "wrong-folder",
                        f"{kind.title}文件放错了目录：编号 `{record_id}` 的文件"
                        f"应放在 `{expected}`。")]
    if not name.endswith(".yml"):
        return [Problem(rel, 1, 1, "wrong-extension",
                        f"记录文件的扩展名应为 .yml：请改名为 `{stem}.yml`。")]
    return []


def _semantic(rel: str, kind: Kind, text: str, record: BaseModel) -> list[Problem]:
    """Rules a schema cannot say: ticket id date, event order, status vs. log."""
    if not isinstance(record, Ticket):
        return []
    problems: list[Problem] = []
    local = record.received.astimezone(SHANGHAI)
    day = f"{local.year:04d}{local.month:02d}{local.day:02d}"
    if record.id[2:10] != day:
        problems.append(Problem(rel, *locate(text, ("id",)), "id-date-mismatch",
                                f"编号中的日期 {record.id[2:10]} 与收到时间"
                                f"（北京时间 {day}）不一致：编号应为 T-收到日期-4位随机码，"
                                "可用 `kefu new` 生成。"))
    events = record.events
    for index in range(1, len(events)):
        if events[index].at < events[index - 1].at:
            problems.append(Problem(rel, *locate(text, ("events", index, "at")), "events-order",
                                    "事件记录只能按时间顺序追加：这一条早于上一条。"
                                    "请把它移到正确位置或修正时间。"))
    if events[0].at < record.received:
        problems.append(Problem(rel, *locate(text, ("events", 0, "at")), "event-before-received",
                                "第一条事件早于收到时间 `received`：请核对时间。"))
    last = [e.action for e in events if e.action in ("closed", "reopened")]
    closed_by_log = bool(last) and last[-1] == "closed"
    if record.status == "closed" and not closed_by_log:
        problems.append(Problem(rel, *locate(text, ("status",)), "closed-without-event",
                                "状态为 closed，但事件记录里没有结案事件："
                                "请追加一条 `action: closed` 的事件。"))
    elif record.status != "closed" and closed_by_log:
        problems.append(Problem(rel, *locate(text, ("status",)), "status-mismatch",
                                "事件记录显示已结案（最后是 closed），但状态不是 closed："
                                "请把 status 改为 closed，或追加 reopened 事件。"))
    return problems


_ZONES: dict[Any, tzinfo] = {}


def plain(data: dict[str, Any], kind: Kind) -> dict[str, Any]:
    """Swap pydantic's per-value TzInfo for one shared `datetime.timezone` per offset.

    Shared standard zones pickle once per batch instead of once per value, which is most of
    the cost of sending 100,000 records between processes and into the cache.
    """
    for path in _datetime_paths(kind.name):
        for container, key in _slots(data, path):
            value = container[key]
            offset = value.utcoffset()
            zone = _ZONES.get(offset)
            if zone is None:
                zone = _ZONES[offset] = timezone(offset)
            container[key] = value.replace(tzinfo=zone)
    return data


@functools.cache
def _datetime_paths(kind_name: str) -> tuple[tuple[str, ...], ...]:
    from .kinds import KINDS

    model = KINDS[kind_name].load_model()
    return tuple(_paths_of(model)) if model else ()


def _paths_of(model: type[BaseModel]) -> Iterable[tuple[str, ...]]:
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if datetime in _leaves(annotation) or AwareDatetime in _leaves(annotation):
            yield (name,)
        inner = _inner_model(annotation)
        if inner is not None:
            star = ("*",) if list in _origins(annotation) else ()
            for sub in _paths_of(inner):
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


def _slots(node: Any, path: Sequence[str]) -> Iterable[tuple[Any, Any]]:
    """(container, key) pairs holding a datetime at `path` ("*" = every list item)."""
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(node, list):
            for item in node:
                yield from _slots(item, rest)
    elif isinstance(node, dict) and head in node:
        if rest:
            yield from _slots(node[head], rest)
        elif isinstance(node[head], datetime):
            yield node, head


def _translate(rel: str, text: str, model: type[BaseModel], err: ValidationError,
               reported: set[str]) -> list[Problem]:
    problems = []
    for error in err.errors(include_url=False):
        loc = tuple(error["loc"])
        etype = error["type"]
        if etype == "value_error" and not loc:
            slug = str(error.get("ctx", {}).get("error", ""))
            if slug in reported or slug not in _RULE_TEXT:
                continue
            problems.append(Problem(rel, 1, 1, slug, _RULE_TEXT[slug]))
            continue
        slug, message = _explain(model, loc, etype, error)
        problems.append(Problem(rel, *locate(text, loc), slug, message))
    return problems


def _label(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "（顶层）"


def _explain(model: type[BaseModel], loc: tuple[Any, ...], etype: str,
             error: Any) -> tuple[str, str]:
    name = _label(loc)
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if etype == "extra_forbidden":
        fields = _fields_at(model, loc[:-1])
        allowed = "、".join(fields) or "（无）"
        close = difflib.get_close_matches(str(loc[-1]), fields, n=1)
        hint = f"是不是想写 `{close[0]}`？" if close else "请检查拼写，或删除该字段。"
        return "unknown-field", f"未知字段 `{name}`。{hint}允许的字段：{allowed}。"
    if etype == "missing":
        return "missing-field", f"缺少必填字段 `{name}`{_describe(model, loc)}：请补上。"
    if etype in ("literal_error", "enum"):
        allowed = "、".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return "bad-enum", f"`{name}` 的值 `{value}` 无效。允许的值：{allowed}。"
    if etype == "string_pattern_mismatch":
        expected = _FORMATS.get(str(ctx.get("pattern")), "规定格式")
        return "bad-format", f"`{name}` 的格式不对（`{value}`）：应为{expected}。"
    if etype.startswith(("datetime", "date", "time")) or etype == "timezone_aware":
        return _explain_time(name, value, etype)
    if etype in ("too_short", "string_too_short"):
        return "empty-value", f"`{name}` 不能为空{_describe(model, loc)}。"
    if etype == "string_too_long":
        return "too-long", f"`{name}` 太长（最多 {ctx.get('max_length')} 个字符）：请精简。"
    expected = _TYPE_NAMES.get(etype, "规定类型")
    return "wrong-type", f"`{name}` 的类型不对：应为{expected}，实际是 `{value!r}`。"


def _explain_time(name: str, value: Any, etype: str) -> tuple[str, str]:
    with_time = etype.startswith("datetime") or etype == "timezone_aware"
    example = "2026-03-15T10:20:00+08:00" if with_time else "2026-03-15"
    match = _DATETIME.match(str(value).strip()) if isinstance(value, str) else None
    if match:
        year, month, day, hour, minute, second, _tz = match.groups()
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            return "impossible-date", (f"`{name}` 的日期 `{value}` 不存在（月份或日期超出范围）："
                                       f"请改正，例如 {example}。")
        if hour is not None and (int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59):
            return "impossible-time", (f"`{name}` 的时间 `{value}` 不存在（时 0–23、分秒 0–59）："
                                       f"请改正，例如 {example}。")
    if etype == "timezone_aware":
        return "missing-timezone", f"`{name}` 缺少时区：请写成带 +08:00 的格式，例如 {example}。"
    if etype == "date_from_datetime_inexact":
        return "bad-date", f"`{name}` 只需要日期，不要写时间：例如 {example}。"
    return "bad-datetime", (f"`{name}` 不是有效的日期时间（`{value}`）：应为 ISO 8601 格式，"
                            f"例如 {example}。")


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Any, Any] | None:
    """(model or None, info of the last named field) at `loc`; None when `loc` leaves the models."""
    current: Any = model
    info: Any = None
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current, info


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    walked = _model_at(model, loc)
    if walked is not None and isinstance(walked[0], type) and issubclass(walked[0], BaseModel):
        return list(walked[0].model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    """The BaseModel inside list[...] / X | None, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if isinstance(annotation, types.UnionType) or origin in (list, typing.Union):
        for arg in typing.get_args(annotation):
            inner = _inner_model(arg)
            if inner is not None:
                return inner
    return None


def _describe(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """（字段说明） from the model, when there is one."""
    walked = _model_at(model, loc)
    description = walked[1].description if walked is not None and walked[1] is not None else None
    return f"（{description}）" if description else ""


def cross_check(results: Sequence[FileResult], known: dict[str, dict[str, list[str]]],
                read_text: typing.Callable[[str], str]) -> list[Problem]:
    """Duplicate ids (naming both files) and references to unknown people or dealers.

    `known` maps kind -> id -> rels of every record in the repository (also files not re-read).
    """
    problems: list[Problem] = []
    no_ids: dict[str, list[str]] = {}
    for result in results:
        if result.kind is None or result.id is None:
            continue
        holders = known.get(result.kind, no_ids).get(result.id, [])
        if len(holders) == 1 and holders[0] == result.rel:
            continue  # the usual case, cheaply: runs for every file
        others = [rel for rel in holders if rel != result.rel]
        if others:
            names = "、".join(f"`{rel}`" for rel in others)
            line, col = _pos(read_text, result.rel, ("id",))
            problems.append(Problem(result.rel, line, col, "duplicate-id",
                                    f"编号 `{result.id}` 与 {names} 重复：每条记录的编号必须唯一，"
                                    "请用 `kefu new` 生成新编号并相应改名。"))
    for result in results:
        for target, value in sorted(result.refs) if result.refs else ():
            ids = known.get(target, no_ids)
            if value in ids:
                continue
            loc = _ref_loc(read_text, result, target, value)
            close = difflib.get_close_matches(value, list(ids), n=1)
            hint = f"是不是 `{close[0]}`？" if close else ""
            folder = "records/people/" if target == "person" else "records/dealers/"
            what = "员工" if target == "person" else "代理商"
            problems.append(Problem(
                result.rel, *_pos(read_text, result.rel, loc), f"unknown-{target}",
                f"`{_label(loc)}` 引用的{what} `{value}` 不存在于 {folder}。{hint}"
                f"请检查拼写，或先新增该{what}档案。"))
    return problems


def _ref_loc(read_text: typing.Callable[[str], str], result: FileResult, target: str,
             value: str) -> Loc:
    from .kinds import KINDS

    try:
        data = parse(read_text(result.rel))
    except (OSError, UnicodeDecodeError, ParseFailure):
        return ()
    return ref_loc(KINDS[result.kind or ""], data, target, value)


def _pos(read_text: typing.Callable[[str], str], rel: str, loc: tuple[Any, ...]) -> tuple[int, int]:
    try:
        return locate(read_text(rel), loc)
    except (OSError, UnicodeDecodeError):
        return 1, 1
