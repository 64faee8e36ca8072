"""`kefu event`, `kefu close`, `kefu reopen`: append one entry to a record's log, in place.

The file is edited as text: the new entry is added at the end of the log in the file's own
indentation, and the status line changed when the entry changes it; nothing else in the file
moves (comments, quoting, order stay byte for byte). The result is parsed again and checked
like any record before it is written; a file laid out so that this cannot be done safely
(the log not last, written in flow style) is refused with a message, never reformatted.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kefu import files, times
from kefu.chars import visible
from kefu.problems import KefuError

from .check import check_file
from .kinds import KINDS, Events, Kind, kind_for_id
from .loader import ParseFailure, load_mapping
from .messages import inner_model
from .model import field_labels


@dataclass
class EventResult:
    """What `append_event` wrote: the file, the entry, the status now and the open deadlines."""

    path: Path
    record_id: str
    event: dict[str, Any]
    status: str | None
    action_label: str
    deadlines: list[Any] = field(default_factory=list)  # open kefu.sla.Due, soonest first


def append_event(ws: Any, record_id: str, action: str, *, note: str | None = None,
                 at: dt.datetime | None = None, by: str | None = None) -> EventResult:
    """Append `action` (code or Chinese label) to the log of record `record_id`."""
    kind, rules = _kind_with_events(record_id)
    path = ws.root / (kind.expected_rel(record_id) or "")
    rel = path.relative_to(ws.root).as_posix()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KefuError(f"找不到{kind.title} {record_id}（应在 {rel}）。", "unknown-record",
                        2) from None
    try:
        data, text = load_mapping(raw, kind.max_bytes)
    except ParseFailure as failure:
        raise KefuError(f"{rel} 本身有错误，请先修正：{failure.issue.message}", "invalid-record",
                        1) from None
    code = action_code(kind, action)
    refusal = rules.refuse(data, code)
    if refusal:
        raise KefuError(f"{kind.title} {record_id}：{refusal}", "event-refused", 1)
    when = (at or times.now()).astimezone(times.SHANGHAI)
    event: dict[str, Any] = {"at": when, "by": by or _default_by(ws, data), "action": code}
    if note:
        event["note"] = note
    changes = {k: v for k, v in rules.after(data, code).items() if data.get(k) != v}
    new_text = _appended(text, kind, event, changes, rel)
    _check(ws, kind, rel, new_text)
    deadlines = _open_deadlines(ws, kind, new_text)  # before writing: a broken sla.yml stops it
    files.write_file(path, new_text, root=ws.root)
    status = changes.get("status", data.get("status"))
    return EventResult(path, record_id, event, status, actions(kind).get(code, code), deadlines)


def close_record(ws: Any, record_id: str, *, note: str | None = None,
                 at: dt.datetime | None = None, by: str | None = None) -> EventResult:
    kind, rules = _kind_with_events(record_id)
    return append_event(ws, record_id, rules.close, note=note, at=at, by=by)


def reopen_record(ws: Any, record_id: str, reason: str, *, at: dt.datetime | None = None,
                  by: str | None = None) -> EventResult:
    """Reopen a closed record: the reason is the entry's note (required)."""
    if not visible(reason):  # "\u3000\u200b" from an issue form is no reason
        raise KefuError("重新打开要写明原因：--reason 对方又来反映的内容。", "usage", 2)
    kind, rules = _kind_with_events(record_id)
    return append_event(ws, record_id, rules.reopen, note=reason, at=at, by=by)


def _kind_with_events(record_id: str) -> tuple[Kind, Events]:
    kind = kind_for_id(record_id)
    if kind is None or kind.events is None or kind.log is None:
        kinds = "、".join(f"{k.title}（{k.id_format}）" for k in KINDS.values()
                         if k.events is not None and k.id_format)
        raise KefuError(f"「{record_id}」不是可以登记事件的记录编号：应为{kinds}。",
                        "unknown-record", 2)
    return kind, kind.events


def actions(kind: Kind) -> dict[str, str]:
    """Action code -> Chinese label of the kind's log entries."""
    model = kind.model
    assert model is not None and kind.log is not None
    entry = inner_model(model.model_fields[kind.log].annotation)
    return field_labels(entry.model_fields["action"]) if entry is not None else {}


def action_code(kind: Kind, typed: str) -> str:
    """The code for an action typed as a code or as its Chinese label (寄回代理商 -> returned)."""
    labels = actions(kind)
    by_label = {label: code for code, label in labels.items()}
    text = typed.strip()
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


def _default_by(ws: Any, data: Mapping[str, Any]) -> str:
    """Whoever the checkout says is working (KEFU_USER / git config kefu.user), else the owner."""
    me = ws.me()
    return me if me else str(data.get("owner", ""))


def _appended(text: str, kind: Kind, event: dict[str, Any], changes: Mapping[str, Any],
              rel: str) -> str:
    """`text` with `event` at the end of its log and the `changes` made to top-level lines."""
    log = kind.log or ""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(rf"{log}:\s*(#.*)?$", line)),
                 None)
    items = [i for i, line in enumerate(lines[start + 1:], start + 1)
             if re.match(r"\s*- ", line)] if start is not None else []
    later_keys = [line for line in lines[(start or 0) + 1:]
                  if re.match(r"[^\s#-]", line)] if start is not None else []
    if start is None or not items or later_keys:
        raise KefuError(f"{rel} 的写法（`{log}` 不是文件最后一项，或用了流式写法）无法自动追加："
                        f"请手工在 `{log}` 末尾添加，再运行 kefu validate。", "layout", 1)
    indent = len(lines[items[0]]) - len(lines[items[0]].lstrip(" "))
    block = _render(event).splitlines(keepends=True)
    out = [*lines]
    if out and not out[-1].endswith("\n"):
        out[-1] += "\n"
    out += [" " * indent + line for line in block]
    for key, value in changes.items():
        pattern = re.compile(rf"^{re.escape(key)}:([ \t]+)[^\s#'\"]+([ \t]*(#.*)?)$")
        found = [i for i, line in enumerate(out) if pattern.match(line.rstrip("\n"))]
        if len(found) != 1:
            raise KefuError(f"{rel} 的 `{key}` 写法无法自动修改：请手工改为 `{key}: {value}`。",
                            "layout", 1)
        match = pattern.match(out[found[0]].rstrip("\n"))
        assert match is not None
        out[found[0]] = f"{key}:{match.group(1)}{value}{match.group(2)}\n"
    return "".join(out)


def _render(event: Mapping[str, Any]) -> str:
    from .yamlout import dump_value

    return dump_value([dict(event)])


def _check(ws: Any, kind: Kind, rel: str, text: str) -> None:
    """The edited record checked like any file (and its references) before it is written."""
    from .new import unknown_refs

    result = check_file(rel, text.encode("utf-8"), kind=kind)
    problems = [p.message for p in result.problems if p.severity == "error"]
    problems += unknown_refs(ws.root, result.refs)
    if problems:
        raise KefuError("无法登记：\n" + "\n".join(f"- {m}" for m in dict.fromkeys(problems)),
                        "invalid", 1)


def _open_deadlines(ws: Any, kind: Kind, text: str) -> list[Any]:
    """The record's deadlines still open after the entry, soonest first (if the kind has any)."""
    if kind.deadlines is None or kind.model is None:
        return []
    data, _ = load_mapping(text.encode("utf-8"), kind.max_bytes)
    return kind.deadlines(ws, kind.model.model_validate(data).model_dump(exclude_none=True))
