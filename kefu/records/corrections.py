"""`kefu correct`: `字段=值` pairs read against the kind's correction model (the `correct:` of
its change files), fields by code or Chinese name, values by code or Chinese label."""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import AwareDatetime, BaseModel

from kefu import times
from kefu.problems import KefuError

from .events import kind_with_changes
from .kinds import KINDS
from .messages import inner_model
from .model import field_labels

YES, NO = {"是", "true", "yes", "1"}, {"否", "false", "no", "0"}


def correction_model(record_id: str) -> type[BaseModel]:
    """The model of what a change of this record may correct; KefuError when it has none."""
    kind = kind_with_changes(record_id)
    changes = kind.changes
    info = changes.model.model_fields.get("correct") if changes is not None else None
    model = inner_model(info.annotation) if info is not None else None
    if model is None:
        raise KefuError(f"{kind.title}不能更正：它的变化请用 kefu event 登记。", "no-correction", 2)
    found: type[BaseModel] = model
    return found


def field_names(model: type[BaseModel]) -> dict[str, str]:
    """Chinese name -> code of each field (its description up to the first bracket, comma or
    colon)."""
    return {re.split(r"[（(，,：:]", info.description or name)[0].strip(): name
            for name, info in model.model_fields.items()}


def _code(model: type[BaseModel], names: dict[str, str], name: str) -> str | None:
    """A field's code from its code, its Chinese name, or a shortening of one name only
    (等级, 责任部门)."""
    if name in model.model_fields:
        return name
    if name in names:
        return names[name]
    partial = [code for label, code in names.items() if name and _within(name, label)]
    return partial[0] if len(partial) == 1 else None


def _within(short: str, label: str) -> bool:
    """Whether the characters of `short` appear in `label` in order (责任部门 in 责任/目标部门)."""
    rest = iter(label)
    return all(char in rest for char in short)


def parse_corrections(ws: Any, record_id: str, pairs: Iterable[str]) -> dict[str, Any]:
    """{field code: value} from `字段=值` pairs; KefuError naming the pair and what is allowed."""
    model = correction_model(record_id)
    names = field_names(model)
    found: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name, text = name.strip(), text.strip()
        code = _code(model, names, name)
        if not sep or code is None:
            allowed = "、".join(names)
            raise KefuError(f"「{pair}」看不懂：要写 字段=值，字段是 {allowed} 之一。",
                            "bad-correction", 2)
        if code in found:
            raise KefuError(f"字段「{name}」写了两次：每个字段只写一次。", "bad-correction", 2)
        found[code] = _value(ws, model, code, name, text)
    return found


def _value(ws: Any, model: type[BaseModel], code: str, name: str, text: str) -> Any:
    info = model.model_fields[code]
    labels = field_labels(info)
    if labels:
        by_label = {label: value for value, label in labels.items()}
        if text in labels or text in by_label:
            return by_label.get(text, text)
        choices = "、".join(f"{label}（{value}）" for value, label in labels.items())
        raise KefuError(f"「{name}」不能是「{text}」：可以是 {choices}。", "bad-correction", 2)
    kinds = {_bare(k) for k in (*typing.get_args(info.annotation), info.annotation)}
    if bool in kinds:
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise KefuError(f"「{name}」写 是 或 否。", "bad-correction", 2)
    if code == "dealer":
        return ws.resolve("dealer", text, name)
    if AwareDatetime in kinds or any(isinstance(k, type) and issubclass(k, dt.datetime)
                                     for k in kinds):
        return times.parse_when(text, today=times.today())
    return text


def _bare(annotation: Any) -> Any:
    """The type inside Annotated[...]."""
    return typing.get_args(annotation)[0] if typing.get_origin(annotation) is typing.Annotated \
        else annotation


def describe(kind: str, fields: Mapping[str, Any], with_personal: bool = False) -> str:
    """What a correction of a `kind` record set, in Chinese: 投诉等级 → 严重；… (a personal
    value hidden unless `with_personal`)."""
    from kefu.times import SHANGHAI

    info = KINDS[f"{kind}-change"].model.model_fields.get("correct")  # type: ignore[union-attr]
    model = inner_model(info.annotation) if info is not None else None
    label_of = {code: name for name, code in field_names(model).items()} if model else {}
    parts = []
    for code, value in fields.items():
        field = model.model_fields.get(code) if model is not None else None
        extra = field.json_schema_extra if field is not None else None
        if isinstance(extra, dict) and extra.get("personal") and not with_personal:
            shown = "（个人信息，已隐藏）"
        elif isinstance(value, dt.datetime):
            shown = f"{value.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        elif isinstance(value, bool):
            shown = "是" if value else "否"
        else:
            shown = field_labels(field).get(str(value), str(value)) if field else str(value)
        parts.append(f"{label_of.get(code, code)} → {shown}")
    return "；".join(parts)
