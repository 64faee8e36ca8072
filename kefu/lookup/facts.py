"""A record's fields as people read them: Chinese labels, codes as words, people and dealers
by name.

The fields come from the kind's model, in its order, so a new kind is shown without code here.
Personal fields are left out unless asked for (their labels are listed as hidden); free text
is masked (phone numbers, e-mails, every personal value on record) unless personal data is asked
for. The kind's log (a ticket's events, a sanction's appeals) is its story, not a field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from kefu.privacy import Names, mask, names
from kefu.records import KINDS, Record
from kefu.records.messages import inner_model
from kefu.records.model import field_labels
from kefu.times import SHANGHAI

from .desk import Desk, Loc

# fields whose values are keys of a section of records/staff-rules.yml (day -> 白班)
RULE_KEYS = {"shift": "shifts", "days": "shifts", "covers": "channels", "rule": "ledger"}
DAY_WORDS = {"rest": "休息", "leave": "请假或出差"}
# Labels the models' descriptions do not give well, by (kind or "*", field names...).
LABELS: dict[tuple[str, ...], str] = {
    ("*", "approver"): "审批层级", ("swap", "taker"): "顶班人", ("swap", "back"): "换回的班",
    ("roster", "staff"): "排班", ("roster", "staff", "person"): "值班人员",
    ("roster", "staff", "meals"): "用餐", ("handover", "matters", "id"): "事项编号",
}
_CUT = re.compile(r"[，,（(；;：。]")
_QUOTED = re.compile(r'\s*"[^"]*"')
_ID_WORDS = re.compile(r"(?<!或)(员工编号|编号)$")


@dataclass(frozen=True)
class Fact:
    """One field: its path (`dealer`, `staff.0.person`), Chinese label, shown text, JSON value."""

    field: str
    label: str
    text: str
    value: Any


@dataclass(frozen=True)
class Facts:
    shown: list[Fact] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)  # labels of personal fields left out


def stamp(value: Any) -> str:
    """A time as Beijing time to the minute, a date as ISO, anything else as text."""
    if isinstance(value, dt.datetime):
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def plain(value: Any) -> Any:
    """`value` as JSON holds it: times and dates as ISO text."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def label_of(info: Any, name: str) -> str:
    """A field's short Chinese label: its description up to the first comma or bracket, without
    a trailing 员工编号 (负责人员工编号 -> 负责人)."""
    described = _QUOTED.sub("", str(getattr(info, "description", "") or name))
    text = _CUT.split(described, maxsplit=1)[0].strip()
    bare = _ID_WORDS.sub("", text)
    return bare or text or name


def label_at(kind: str, loc: Loc) -> str:
    """The label of the field at `loc` of a record of `kind` (list indexes skipped), by its
    deepest name: 事件记录 › 经办人 is 经办人."""
    names_ = tuple(p for p in loc if isinstance(p, str))
    if not names_:
        return ""
    given = LABELS.get((kind, *names_)) or LABELS.get(("*", names_[-1]))
    return given or label_of(field_info(kind, names_), names_[-1])


def field_info(kind: str, loc: Loc) -> Any:
    """The pydantic field info at `loc` in the kind's model (list indexes skipped), or None."""
    model: Any = KINDS[kind].model
    info: Any = None
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        info = model.model_fields.get(str(part))
        if info is None:
            return None
        model = inner_model(info.annotation)
    return info


def references(kind: str) -> dict[tuple[str, ...], str]:
    """Field path ("*" for list items) -> the kind of record it names."""
    return {ref.path: ref.target for ref in KINDS[kind].references}


def _personal(info: Any) -> bool:
    extra = getattr(info, "json_schema_extra", None)
    return isinstance(extra, dict) and bool(extra.get("personal"))


class _Shower:
    """Turns one record's values into text (kept apart: many small helpers share the state)."""

    def __init__(self, desk: Desk, kind: str, with_personal: bool) -> None:
        self.desk, self.kind, self.with_personal = desk, kind, with_personal
        self.refs = references(kind)
        self.known = names(desk.personal) if not with_personal else None

    def free(self, text: str) -> str:
        one = " ".join(str(text).split())
        return one if self.known is None else mask(one, self.known)

    def scalar(self, info: Any, name: str, path: tuple[str, ...], value: Any) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, dt.date):
            return stamp(value)
        if not isinstance(value, str):
            return str(value)
        labels = field_labels(info) if info is not None else {}
        if value in labels:
            return labels[value]
        target = self.refs.get(path)
        if target is not None:
            shown = self.desk.name(target, value)
            return f"{shown}（{value}）" if shown != value else value
        if name in RULE_KEYS:
            titles = self.desk.titles(RULE_KEYS[name])
            return titles.get(value) or DAY_WORDS.get(value) or self.free(value)
        return self.free(value)

    def text(self, info: Any, name: str, path: tuple[str, ...], value: Any) -> str:
        """Any value on one line: lists joined with 、, nested records as 标签 值；…"""
        if isinstance(value, Mapping):
            model = inner_model(info.annotation) if info is not None else None
            return "；".join(self.nested(model, path, value))
        if isinstance(value, list):
            items = [self.text(info, name, (*path, "*"), item) for item in value]
            return "、".join(items)
        return self.scalar(info, name, path, value)

    def nested(self, model: Any, path: tuple[str, ...], value: Mapping[str, Any]) -> list[str]:
        if set(value) == {"start", "end"}:  # a time span (a meal): 12:40–13:15
            return [f"{stamp(value['start'])}–{stamp(value['end'])}"]
        fields = model.model_fields if isinstance(model, type) and issubclass(model, BaseModel) \
            else {}
        out = []
        for key, inner in value.items():
            info = fields.get(key)
            if inner is None or inner == [] or (_personal(info) and not self.with_personal):
                continue
            label = label_at(self.kind, tuple(p for p in (*path, key) if p != "*"))
            out.append(f"{label} {self.text(info, key, (*path, key), inner)}")
        return out


def _public(model: Any, value: Any, hidden: list[str], known: Names) -> Any:
    """`value` (of a field whose inner model is `model`) as JSON holds it, without its nested
    personal fields and with personal values in its text masked; the labels of the personal
    fields it held go to `hidden`."""
    if isinstance(value, list):
        return [_public(model, item, hidden, known) for item in value]
    if isinstance(value, str):
        return mask(value, known)
    if not (isinstance(value, Mapping) and isinstance(model, type)
            and issubclass(model, BaseModel)):
        return plain(value)
    out = {}
    for key, inner in value.items():
        info = model.model_fields.get(key)
        if _personal(info):
            if inner is not None and label_of(info, key) not in hidden:
                hidden.append(label_of(info, key))
            continue
        out[str(key)] = _public(inner_model(info.annotation) if info else None, inner, hidden,
                                known)
    return out


def story_list(kind: Any) -> str | None:
    """The field that lists a record's story: its log (a ticket's events), or the one list its
    change files fold into (a sanction's appeals)."""
    if kind.log:
        return str(kind.log)
    state: tuple[str, ...] = kind.changes.state if kind.changes is not None else ()
    if len(state) != 1 or kind.model is None:
        return None
    info = kind.model.model_fields.get(state[0])
    return state[0] if info is not None and inner_model(info.annotation) is not None else None


def facts(desk: Desk, record: Record, with_personal: bool = False) -> Facts:
    """The record's fields in the model's order, each as a Fact (the id and the log left out)."""
    kind = KINDS[record.kind]
    model = kind.model
    shower = _Shower(desk, record.kind, with_personal)
    out = Facts()
    fields = model.model_fields if model is not None else {}
    order = [*fields, *(k for k in record.data if k not in fields)]
    for name in order:
        value = record.data.get(name)
        if name in ("id", story_list(kind)) or value is None or value == [] or value == {}:
            continue
        info = fields.get(name)
        label = label_at(record.kind, (name,))
        if _personal(info) and not with_personal:
            out.hidden.append(label)
            continue
        inner = inner_model(info.annotation) if info is not None else None
        shown = value if shower.known is None else _public(inner, value, out.hidden,
                                                           shower.known)
        if not _rows(info, value):
            out.shown.append(Fact(name, label, shower.text(info, name, (name,), value),
                                  plain(shown)))
            continue
        for index, row in enumerate(value, 1):  # a roster's rows, a hand-over's matters
            text = "；".join(shower.nested(inner, (name, "*"), row))
            out.shown.append(Fact(f"{name}.{index - 1}", f"{label} {index}", text,
                                  plain(shown[index - 1])))
    return out


def _rows(info: Any, value: Any) -> bool:
    """Whether a field is a list of nested records, shown one line each."""
    return (isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)
            and info is not None and inner_model(info.annotation) is not None)
