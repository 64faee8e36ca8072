"""The 审批与签字 rows a recorded decision fills on a printed form: who decided, what and
when, on the row of the role they decided as (a leave approved by the supervisor goes on
部门主管（三天内）; by the general manager's office on 总经办…). Rows nobody decided stay blank for
the pen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from kefu.times import SHANGHAI

# the words an approver row of forms/registry.yml names each deciding role with
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "supervisor": ("部门主管", "客服主管", "部门负责人"),
    "gm-office": ("总经办",),
    "general-manager": ("总经理",),
}
OPINIONS = {"approved": "同意", "refused": "不同意", "reviewed": "已审核"}


def signed_rows(approvers: Iterable[str], changes: Iterable[Mapping[str, Any]],
                name: Any) -> dict[str, tuple[str, str, str]]:
    """Approver row -> (意见, 签字, 日期) for each decision among `changes` (oldest first; a later
    decision on the same row wins). `name` turns a person id into her name."""
    rows = list(approvers)
    filled: dict[str, tuple[str, str, str]] = {}
    for change in changes:
        action = str(change.get("action", ""))
        if action not in OPINIONS:
            continue
        row = _row(rows, action, change.get("approver"))
        if row is None:
            continue
        opinion = OPINIONS[action]
        why = change.get("reason") or change.get("note")
        if action == "refused" and why:
            opinion += f"：{why}"
        at = change.get("at")
        day = at.astimezone(SHANGHAI).date() if isinstance(at, dt.datetime) else None
        filled[row] = (f"{opinion}（kefu 登记）", name(change.get("by")),
                       f"{day:%Y年%m月%d日}" if day else "")
    return filled


def _row(rows: list[str], action: str, role: Any) -> str | None:
    if action == "reviewed":
        return next((r for r in rows if "审核" in r), None)
    words = ROLE_WORDS.get(str(role), ())
    return next((r for r in rows if any(w in r for w in words)), None)

