"""`kefu new`: build a record from command-line fields, check it like any file, write it."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, get_args

from kefu.problems import KefuError

from .corpus import find_root, load
from .ids import SHANGHAI, ticket_id
from .kinds import KINDS, schema_rel
from .models import Ticket, TicketType
from .validate import SCHEMA_LINE, check_file

TICKET_TYPES: tuple[str, ...] = get_args(TicketType)  # from the model, the one source of truth
TICKET_FIELDS = ("title", "owner", "dealer", "customer", "product", "department", "channel",
                 "status", "level", "received", "agreed_due", "note", "by")
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def parse_field_args(args: Sequence[str]) -> dict[str, str]:
    """`--title 硬盘异响 --agreed-due=...` -> {"title": "硬盘异响", "agreed_due": "..."}."""
    fields: dict[str, str] = {}
    items = list(args)
    while items:
        item = items.pop(0)
        if not item.startswith("--") or len(item) < 3:
            raise KefuError(f"看不懂参数 `{item}`：请写成 --字段 值。", "usage", 2)
        name, has_value, value = item[2:].partition("=")
        if not has_value:
            if not items:
                raise KefuError(f"参数 `{item}` 缺少值。", "usage", 2)
            value = items.pop(0)
        fields[name.replace("-", "_")] = value
    return fields


def create(record_type: str, fields: dict[str, str], root: Path | None = None) -> Path:
    """Write a new ticket of `record_type`; return its path. Invalid input raises KefuError."""
    root = (root or find_root()).resolve()
    if record_type not in TICKET_TYPES:
        raise KefuError(f"不认识的类型 `{record_type}`。可用：{'、'.join(TICKET_TYPES)}。",
                        "usage", 2)
    unknown = sorted(set(fields) - set(TICKET_FIELDS))
    if unknown:
        allowed = "、".join("--" + f.replace("_", "-") for f in TICKET_FIELDS)
        raise KefuError(f"不认识的字段：{'、'.join(unknown)}。可用：{allowed}。", "usage", 2)
    data = _ticket(record_type, fields, root)
    rel = KINDS["ticket"].expected_rel(data["id"]) or ""
    text = render_record("ticket", data, rel)
    result = check_file(rel, text.encode("utf-8"))
    known = load(root, [p for p in (root / "records/people", root / "records/dealers")
                        if p.exists()])
    ids = {(r.kind, r.id) for r in known.records}
    problems = [p.message for p in result.problems]
    names = {"person": "员工（records/people/）", "dealer": "代理商（records/dealers/）"}
    problems += [f"`{value}` 不是已登记的{names.get(target, target)}：请检查拼写。"
                 for target, value in sorted(result.refs) if (target, value) not in ids]
    problems = list(dict.fromkeys(problems))
    if problems:
        raise KefuError("无法新建记录：\n" + "\n".join(f"- {m}" for m in problems), "invalid", 1)
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise KefuError(f"文件已存在：{rel}，请重试。", "exists", 1) from None
    return target


def _ticket(record_type: str, fields: dict[str, str], root: Path) -> dict[str, Any]:
    received = _when(fields.get("received"), "received") or datetime.now(SHANGHAI).replace(
        microsecond=0)
    owner = fields.get("owner", "")
    kind = KINDS["ticket"]
    data: dict[str, Any] = {
        "id": ticket_id(received, lambda i: (root / (kind.expected_rel(i) or "")).exists()),
        "type": record_type,
        "title": fields.get("title", ""),
        "received": received,
        "channel": fields.get("channel") or ("dealer" if fields.get("dealer") else "hotline"),
    }
    for name in ("dealer", "customer", "product", "department"):
        if fields.get(name):
            data[name] = fields[name]
    data["owner"] = owner
    data["status"] = fields.get("status", "open")
    if "level" in fields:
        data["level"] = fields["level"]
    if "agreed_due" in fields:
        data["agreed_due"] = _when(fields["agreed_due"], "agreed_due")
    event: dict[str, Any] = {"at": received, "by": fields.get("by", owner), "action": "received"}
    if fields.get("note"):
        event["note"] = fields["note"]
    data["events"] = [event]
    return data


def _when(text: str | None, name: str) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise KefuError(f"--{name.replace('_', '-')} 的时间 `{text}` 无效：请写成 "
                        "2026-03-15T10:20:00+08:00 或 2026-03-15T10:20。", "usage", 2) from None
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


def render_record(kind: str, data: dict[str, Any], rel: str) -> str:
    """YAML text of a record, with the $schema line first; free text is always quoted."""
    schema = posixpath.relpath(schema_rel(KINDS[kind]), posixpath.dirname(rel))
    lines = [f"{SCHEMA_LINE}{schema}"]
    for key, value in data.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            for item in value:
                first = True
                for sub, subvalue in item.items():
                    lines.append(f"{'  - ' if first else '    '}{sub}: {_scalar(subvalue)}")
                    first = False
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


__all__ = ["Ticket", "create", "parse_field_args", "render_record"]
