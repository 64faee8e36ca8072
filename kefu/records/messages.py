"""Schema errors (pydantic's) told in Chinese: which field, what is wrong, what to write."""

from __future__ import annotations

import difflib
import re
import types
import typing
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from kefu.privacy import hint
from kefu.problems import Problem

from .kinds import Kind, id_formats
from .loader import locate_node
from .model import FORMATS, VISIBLE, field_labels

_DATETIME = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_TYPE_NAMES = {
    "string_type": "文本", "bool_type": "true 或 false", "bool_parsing": "true 或 false",
    "list_type": "列表（每项以“- ”开头）", "dict_type": "映射（字段: 值）",
    "model_type": "映射（字段: 值）", "model_attributes_type": "映射（字段: 值）",
    "int_type": "整数", "int_parsing": "整数",
}
MAX_SHOWN = 60  # characters of a bad value quoted back in a message


def translate(rel: str, node: Any, kind: Kind, err: ValidationError) -> list[Problem]:
    """One Problem per schema error, placed at the value (or the key, for unknown fields).

    `node` is the file's composed YAML node tree (loader.compose), or None.
    """
    model = kind.model
    assert model is not None
    problems = []
    for error in err.errors(include_url=False):
        loc = tuple(error["loc"])
        etype = error["type"]
        special = kind.explain(loc, etype) if kind.explain is not None else None
        if special is not None:
            slug, advice = special
            message = f"{label(loc) if loc else '文件'}{_shown(error.get('input'))}：{advice}"
        else:
            slug, message = explain(model, loc, etype, error)
        place = locate_node(node, loc, key=etype in ("extra_forbidden", "missing"))
        problems.append(Problem(rel, *place, slug, message))
    return problems


def choices_hint(value: str, codes: list[str], labels: dict[str, str]) -> str:
    """`是不是 returned（寄回代理商）？允许的值：…` with each code's Chinese label beside it.

    A Chinese label typed for the code is named as such (写 `returned`，不要写 `寄回代理商`).
    """
    shown = [f"{code}（{labels[code]}）" if code in labels else code for code in codes]
    by_label = {text: code for code, text in labels.items() if code in codes}
    hint = ""
    if value in by_label:
        hint = f"请写代码 `{by_label[value]}`（{value}）。"
    else:
        partial = [text for text in by_label if value and value in text]  # 寄回 -> 寄回代理商
        close = difflib.get_close_matches(value, [*codes, *by_label], n=1, cutoff=0.5)
        guess = by_label.get(close[0], close[0]) if close else (
            by_label[partial[0]] if len(partial) == 1 else None)
        if guess:
            hint = f"是不是 `{guess}`" + (f"（{labels[guess]}）" if guess in labels else "") + "？"
    return f"{hint}允许的值：{'、'.join(shown)}。"


def label(loc: tuple[Any, ...]) -> str:
    """`events[2].by` for a field path."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "（顶层）"


def _shown(value: Any) -> str:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return f"（现为 {_clip(repr(value))}）"
    return ""


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def explain(model: type[BaseModel], loc: tuple[Any, ...], etype: str,
            error: Any) -> tuple[str, str]:
    """(slug, Chinese message) for one pydantic error at `loc` of `model`."""
    name = label(loc)
    value = error.get("input")
    # messages reach CI logs: of a personal value, a hint only
    secret = personal(model, loc) and value is not None
    value = hint(str(value)) if secret else value
    ctx = error.get("ctx") or {}
    if etype == "extra_forbidden":
        fields = fields_at(model, loc[:-1])
        allowed = "、".join(fields) or "（无）"
        close = difflib.get_close_matches(str(loc[-1]), fields, n=1)
        advice = f"是不是想写 `{close[0]}`？" if close else "请检查拼写，或删除该字段。"
        return "unknown-field", f"未知字段 `{name}`。{advice}允许的字段：{allowed}。"
    if etype == "missing":
        return "missing-field", f"缺少必填字段 `{name}`{describe(model, loc)}：请补上。"
    if etype in ("literal_error", "enum"):
        codes = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return "bad-enum", f"`{name}` 的值 `{_clip(str(value))}` 无效。" + choices_hint(
            str(value), codes, labels_at(model, loc))
    if etype == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        if pattern == VISIBLE:
            return "blank-text", (f"`{name}` 不能只有空格或看不见的字符{describe(model, loc)}："
                                  "请写上内容。")
        ids = id_formats()  # a kind's id pattern, anchored or not
        expected = (FORMATS.get(pattern) or ids.get(pattern) or ids.get(pattern.strip("^$"))
                    or describe(model, loc).removeprefix("（").removesuffix("）")
                    or f"与 `{pattern}` 相符的格式")
        return "bad-format", f"`{name}` 的格式不对（`{_clip(str(value))}`）：应为{expected}。"
    if etype.startswith(("datetime", "date", "time")) or etype == "timezone_aware":
        return _explain_time(name, error.get("input"), etype, value if secret else None)
    if etype in ("too_short", "string_too_short"):
        return "empty-value", f"`{name}` 不能为空{describe(model, loc)}。"
    if etype == "string_too_long":
        return "too-long", f"`{name}` 太长（最多 {ctx.get('max_length')} 个字符）：请精简。"
    if etype in _BOUNDS:
        return "out-of-range", (f"`{name}` 应{_BOUNDS[etype]} {ctx.get(_BOUND_KEY[etype])}"
                                f"（现为 `{_clip(repr(value))}`）：请改正。")
    expected = _TYPE_NAMES.get(etype, "规定类型")
    return "wrong-type", f"`{name}` 的类型不对：应为{expected}，实际是 `{_clip(repr(value))}`。"


# Number limits (ge=/le= of a field): pydantic's error type -> Chinese, and its context key.
_BOUNDS = {"less_than_equal": "不大于", "greater_than_equal": "不小于", "less_than": "小于",
           "greater_than": "大于"}
_BOUND_KEY = {"less_than_equal": "le", "greater_than_equal": "ge", "less_than": "lt",
              "greater_than": "gt"}


def _explain_time(name: str, value: Any, etype: str, masked: Any = None) -> tuple[str, str]:
    with_time = etype.startswith("datetime") or etype == "timezone_aware"
    example = "2026-03-15T10:20:00+08:00" if with_time else "2026-03-15"
    shown = _clip(str(masked if masked is not None else value))
    match = _DATETIME.match(str(value).strip()) if isinstance(value, str) else None
    if match:
        year, month, day, hour, minute, second, _tz = match.groups()
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            return "impossible-date", (f"`{name}` 的日期 `{shown}` 不存在（月份或日期超出范围）："
                                       f"请改正，例如 {example}。")
        if hour is not None and (int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59):
            return "impossible-time", (f"`{name}` 的时间 `{shown}` 不存在（时 0–23、分秒 0–59）："
                                       f"请改正，例如 {example}。")
    if etype == "timezone_aware":
        return "missing-timezone", f"`{name}` 缺少时区：请写成带 +08:00 的格式，例如 {example}。"
    if etype == "date_from_datetime_inexact":
        return "bad-date", f"`{name}` 只需要日期，不要写时间：例如 {example}。"
    return "bad-datetime", (f"`{name}` 不是有效的日期时间（`{shown}`）：应为 ISO 8601 格式，"
                            f"例如 {example}。")


def model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Any, Any] | None:
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
        current = inner_model(info.annotation)
    return current, info


def fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    walked = model_at(model, loc)
    if walked is not None and isinstance(walked[0], type) and issubclass(walked[0], BaseModel):
        return list(walked[0].model_fields)
    return []


def labels_at(model: type[BaseModel], loc: tuple[Any, ...]) -> dict[str, str]:
    """Chinese labels of the enum field at `loc`, if it has them."""
    walked = model_at(model, loc)
    return field_labels(walked[1]) if walked is not None and walked[1] is not None else {}


def inner_model(annotation: Any) -> Any:
    """The BaseModel inside list[...] / X | None, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if isinstance(annotation, types.UnionType) or origin in (list, typing.Union):
        for arg in typing.get_args(annotation):
            inner = inner_model(arg)
            if inner is not None:
                return inner
    return None


def personal(model: type[BaseModel], loc: tuple[Any, ...]) -> bool:
    """Whether the field at `loc` holds personal data (`personal: true`)."""
    walked = model_at(model, loc)
    extra = getattr(walked[1], "json_schema_extra", None) if walked is not None else None
    return isinstance(extra, dict) and bool(extra.get("personal"))


def describe(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """（字段说明） from the model, when there is one."""
    walked = model_at(model, loc)
    description = walked[1].description if walked is not None and walked[1] is not None else None
    return f"（{description}）" if description else ""
