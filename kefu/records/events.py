"""`kefu event`, `kefu close`, `kefu reopen`: a new change file in the record's folder.

Nothing is edited: the event is a file of its own (kefu.records.kinds.Log), named by its time,
its action and 4 random characters, written only when every check passes on the record with it
folded in (kefu.records.writing). Who did it is the person running the command (KEFU_USER or
`git config kefu.user`), or the one given with --by; never guessed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kefu import times
from kefu.chars import visible
from kefu.problems import KefuError

from .ids import ALPHABET
from .kinds import CHANGE_SUFFIX, KINDS, Kind, change_id, kind_for_id
from .model import field_labels
from .split import render_record
from .writing import write_new

NO_USER = ("不知道你是谁：请先设置员工编号（或姓名），例如 `export KEFU_USER=zhangmin`，"
           "或在本仓库里运行 `git config kefu.user zhangmin`；也可以用 --by 写明经办人。")


@dataclass
class EventResult:
    """What `append_event` wrote: the file, the entry, the status now and the open deadlines."""

    path: Path
    record_id: str
    event: dict[str, Any]
    status: str | None
    action_label: str
    deadlines: list[Any] = field(default_factory=list)  # open kefu.sla.Due, soonest first
    names: dict[str, str] = field(default_factory=dict)  # person id -> name, for messages
    warnings: list[Any] = field(default_factory=list)  # kefu.problems.Problem it brought


def append_event(ws: Any, record_id: str, action: str, *, note: str | None = None,
                 at: dt.datetime | None = None, by: str | None = None, to: str | None = None,
                 correct: dict[str, Any] | None = None) -> EventResult:
    """Add `action` (code or Chinese label) to record `record_id` as a new change file."""
    kind = kind_with_changes(record_id)
    rel = kind.expected_rel(record_id) or ""
    if not (ws.root / rel).is_file():
        raise KefuError(f"找不到{kind.title} {record_id}（应在 {rel}）。", "unknown-record", 2)
    code = action_code(kind, action)
    who = by or ws.me()
    if not who:
        raise KefuError(NO_USER, "no-user", 2)
    when = _own_second(ws.root / (kind.changes_folder(record_id) or ""),
                       (at or times.now()).astimezone(times.SHANGHAI).replace(microsecond=0))
    change: dict[str, Any] = {"record": record_id, "at": when, "by": who, "action": code}
    if note:
        change["note"] = note
    if to:
        change["to"] = to
    if correct:
        change["correct"] = correct
    if kind.deadlines is not None:  # a broken sla.yml stops it before anything is written
        _ = (ws.rules, ws.calendar)
    token = "".join(secrets.choice(ALPHABET) for _ in range(4))
    change_rel = kind.change_rel(record_id, change_id(when, code, token)) or ""
    text = render_record(f"{kind.name}{CHANGE_SUFFIX}", change, change_rel)
    found = write_new(ws.root, {change_rel: text})
    data = found.records.get((kind.name, record_id)) or {}
    deadlines = kind.deadlines(ws, data) if kind.deadlines is not None and data else []
    names = {who: ws.name(who) for who in (change.get("by"), change.get("to")) if who}
    return EventResult(ws.root / change_rel, record_id, change, data.get("status"),
                       actions(kind).get(code, code), deadlines, names, found.warnings)


def _own_second(folder: Path, when: dt.datetime) -> dt.datetime:
    """`when`, or the first second after it that no earlier change of the record has: changes
    in one second would fold in the order of their random names, not the order written."""
    taken = {name[:15] for name in (p.name for p in folder.glob("*.yml"))} \
        if folder.is_dir() else set()
    while f"{when:%Y%m%d-%H%M%S}" in taken:
        when += dt.timedelta(seconds=1)
    return when


def close_record(ws: Any, record_id: str, *, note: str | None = None,
                 at: dt.datetime | None = None, by: str | None = None) -> EventResult:
    return append_event(ws, record_id, "closed", note=note, at=at, by=by)


def reopen_record(ws: Any, record_id: str, reason: str, *, at: dt.datetime | None = None,
                  by: str | None = None) -> EventResult:
    """Reopen a closed record: the reason is the entry's note (required)."""
    if not visible(reason):  # "\u3000\u200b" from an issue form is no reason
        raise KefuError("重新打开要写明原因：--reason 对方又来反映的内容。", "usage", 2)
    return append_event(ws, record_id, "reopened", note=reason, at=at, by=by)


def kind_with_changes(record_id: str) -> Kind:
    """The kind of a record that takes change files, from its id; KefuError otherwise."""
    kind = kind_for_id(record_id)
    if kind is None or kind.changes is None:
        kinds = "、".join(f"{k.title}（{k.id_format}）" for k in KINDS.values()
                         if k.changes is not None and k.id_format)
        raise KefuError(f"「{record_id}」不是可以登记事件的记录编号：应为{kinds}。",
                        "unknown-record", 2)
    return kind


def actions(kind: Kind) -> dict[str, str]:
    """Action code -> Chinese label of the kind's change files."""
    assert kind.changes is not None
    return field_labels(kind.changes.model.model_fields["action"])


def action_code(kind: Kind, typed: str) -> str:
    """The code for an action typed as a code or as its Chinese label (寄回代理商 -> returned)."""
    labels = actions(kind)
    by_label = {label: code for code, label in labels.items()}
    text = typed.strip()
    if text in ("received", "受理") and "received" not in labels:
        raise KefuError("受理（received）只能是第一条事件：新建工单时已经记下，不能再登记。"
                        "要记一笔情况请用 note（备注）。", "received-again", 1)
    if text in labels:
        return text
    if text in by_label:
        return by_label[text]
    short = [code for code, label in labels.items() if text and text in label]
    if len(short) == 1:
        return short[0]  # 寄回 -> 寄回代理商 -> returned
    close = difflib.get_close_matches(text, [*labels, *by_label], n=1, cutoff=0.5)
    hint = ""
    if close:
        code = by_label.get(close[0], close[0])
        hint = f"是不是 {code}（{labels[code]}）？"
    allowed = "、".join(f"{code}（{label}）" for code, label in labels.items())
    raise KefuError(f"不认识的动作 `{typed}`。{hint}可用：{allowed}。", "bad-enum", 2)
