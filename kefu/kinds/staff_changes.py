"""The later files of staff records: a decision, a return, an appeal, one file each.

A leave request (and a swap, a 补卡, a trip, an archive loan, a sanction) is written once, as its
applicant wrote it: records/leave/2026/10/L-20261012-ab12.yml. What happens to it later is a
file in the folder of the same name beside it, e.g. L-20261012-ab12/20261009-150000-approved-
k3x9.yml: `record`, `at`, `by` (who decided: the person running `kefu approve`), `action`, the
authority it was decided as (`approver`: supervisor, gm-office, general-manager), a reason for
a refusal. Folding them gives the record the shape the one-file layout had (status, approver,
approved_by, decided…), so every check, page and report reads it unchanged.

This module holds the change models and the fold of the kinds decided once (leave, swap, 补卡);
kefu.kinds.staff_logs the trip's two steps, the loan's approval and return, a sanction's appeals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from kefu.kinds.staff_fields import dated_id
from kefu.kinds.staff_rules import ApproverRole, Lazy
from kefu.records.kinds import Log, Reference
from kefu.records.model import PERSONAL, Labels, PersonId, Stamp

DECISIONS = ("approved", "refused")
ACTION_LABELS = {
    "approved": "批准", "refused": "不批准", "cancelled": "撤销", "reviewed": "部门审核通过",
    "front-desk": "交前台登记考勤", "extended": "超期返回（补交申请）", "returned": "归还",
    "appealed": "申诉", "upheld": "维持原处理", "changed": "更正处理", "revoked": "撤销处理",
}
# actions that decide a request: only the decider may add one (check-pr), never for herself
DECIDING = frozenset({"approved", "refused", "reviewed", "upheld", "changed", "revoked"})
STATUS_WORDS = {"pending": "还在待审批", "approved": "已经批准", "refused": "已经不批准",
                "cancelled": "已经撤销", "absent": "登记为旷工", "private": "登记为私自调班"}
APPROVAL_STATE = ("status", "approver", "approved_by", "decided")


class Unsplittable(ValueError):
    """A one-file record whose later steps cannot be told apart (a decision with no time):
    `kefu migrate` leaves it for a person to fix."""


def labels(*actions: str) -> Labels:
    return Labels.of({a: ACTION_LABELS[a] for a in actions})


class StaffChange(Lazy):
    """What every staff change file holds besides its record and action."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, defer_build=True)

    at: Stamp = Field(description="时间，ISO 8601 带时区，如 2026-11-24T15:30:00+08:00")
    by: PersonId | None = Field(
        default=None, description="谁做的：审批人（kefu approve 的运行者）、归还或申诉的经办人")
    approver: ApproverRole | None = Field(
        default=None, description="以什么身份审批：supervisor（客服主管）、gm-office（总经办）或 "
                                  "general-manager（总经理）")
    reason: str | None = Field(default=None, description="不批准的理由；申诉时的异议和理由",
                               json_schema_extra=PERSONAL)
    note: str | None = Field(default=None, description="备注（复核说明等）")


Decision = Annotated[Literal["approved", "refused", "cancelled"],
                     labels("approved", "refused", "cancelled")]
ACTION_HELP = "动作：approved（批准）、refused（不批准）或 cancelled（撤销）"


class LeaveChange(StaffChange):
    """请假的一条后续记录（批准、不批准、撤销）：一个文件一条，只新增，不修改。"""

    model_config = ConfigDict(title="请假审批")

    record: str = Field(pattern=dated_id("L"), description="所属请假记录编号（所在文件夹的名称）")
    action: Decision = Field(description=ACTION_HELP)


class SwapChange(StaffChange):
    """调班的一条后续记录（批准、不批准、撤销）：一个文件一条，只新增，不修改。"""

    model_config = ConfigDict(title="调班审批")

    record: str = Field(pattern=dated_id("S"), description="所属调班记录编号（所在文件夹的名称）")
    action: Decision = Field(description=ACTION_HELP)


class PunchChange(StaffChange):
    """补卡的一条后续记录（批准、不批准、撤销）：一个文件一条，只新增，不修改。"""

    model_config = ConfigDict(title="补卡审批")

    record: str = Field(pattern=dated_id("P"), description="所属补卡记录编号（所在文件夹的名称）")
    action: Decision = Field(description=ACTION_HELP)


# -- leave, swaps, 补卡: decided once -----------------------------------------------------------
def begin(data: dict[str, Any]) -> None:
    """A request starts pending (unless its file says it started otherwise: 旷工, 私自调班)."""
    data.setdefault("status", "pending")


def apply(data: dict[str, Any], change: Mapping[str, Any]) -> str | None:
    """Fold one decision (or a cancellation) into a request that is decided once."""
    action, status = str(change.get("action")), str(data.get("status"))
    if action in DECISIONS:
        if status != "pending":
            return f"这份申请{STATUS_WORDS.get(status, status)}，不能再{ACTION_LABELS[action]}。"
        data["status"] = action
        decided(data, change)
        return None
    if action == "cancelled":
        if status not in ("pending", "approved"):
            return f"这份申请{STATUS_WORDS.get(status, status)}，不能撤销。"
        data["status"] = "cancelled"
        return None
    return f"`{action}` 不是这类记录的动作。"


def decided(data: dict[str, Any], change: Mapping[str, Any]) -> None:
    """The decision's fields as the one-file layout had them: approver, approved_by, decided."""
    if change.get("approver"):
        data["approver"] = change["approver"]
    if change.get("by"):
        data["approved_by"] = change["by"]
    data["decided"] = change["at"]


def split_of(starts: tuple[str, ...], started: str) -> Callable[
        [dict[str, Any]], tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The split of a kind decided once: `started` names its time field (applied, requested)."""
    def split(whole: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        record = {k: v for k, v in whole.items() if k not in APPROVAL_STATE}
        status = str(whole.get("status") or "pending")
        rid, when = str(whole["id"]), whole.get("decided")
        changes: list[dict[str, Any]] = []
        if status in starts:
            record["status"] = status
            if any(whole.get(k) for k in APPROVAL_STATE[1:]):
                raise Unsplittable(f"{rid}：{status} 的记录不应写审批人和审批时间。")
        elif status in DECISIONS or (status == "cancelled" and when is not None):
            if when is None:
                raise Unsplittable(f"{rid}：{status} 却没有审批时间 decided，无法分成变更文件。")
            changes.append(decision(rid, "approved" if status == "cancelled" else status,
                                    when, whole.get("approved_by"), whole.get("approver")))
        elif status == "pending" and any(whole.get(k) for k in APPROVAL_STATE[1:]):
            raise Unsplittable(f"{rid}：待审批的记录却写了审批人或审批时间。")
        if status == "cancelled":
            changes.append({"record": rid, "at": (when or whole[started]) + SECOND,
                            "action": "cancelled"})
        return record, changes

    return split


SECOND = dt.timedelta(seconds=1)


def decision(rid: str, action: str, at: dt.datetime, by: Any = None,
             approver: Any = None, **more: Any) -> dict[str, Any]:
    """A change's data in the order its file is written."""
    out: dict[str, Any] = {"record": rid, "at": at}
    if by:
        out["by"] = by
    out["action"] = action
    if approver:
        out["approver"] = approver
    out.update({k: v for k, v in more.items() if v is not None})
    return out


REFERENCES = (Reference(("by",), "person"),)

# a field of the folded record -> the actions of the change that sets it (None: any), and where
# in that change file it is written; what a check finds about the field is reported there
ORIGINS: dict[str, tuple[frozenset[str] | None, tuple[str, ...]]] = {
    "status": (None, ("action",)),
    "approver": (DECIDING, ("approver",)), "approved_by": (DECIDING, ("by",)),
    "decided": (DECIDING, ("at",)),
    "reviewed_by": (frozenset({"reviewed"}), ("by",)),
    "reviewed": (frozenset({"reviewed"}), ("at",)),
    "approved": (frozenset({"approved"}), ("at",)), "refused": (frozenset({"refused"}), ("at",)),
    "front_desk": (frozenset({"front-desk"}), ("at",)),
    "extended_to": (frozenset({"extended"}), ("until",)),
    "extension_applied": (frozenset({"extended"}), ("at",)),
    "returned": (frozenset({"returned"}), ("at",)),
}
APPEAL_DECISION = {"outcome": ("action",), "decided": ("at",), "decided_by": ("by",),
                   "note": ("note",)}
Loc = tuple[str | int, ...]


def origin(loc: Loc) -> tuple[frozenset[str] | None, int, Loc] | None:
    """Which change wrote the field at `loc` of a folded staff record: its actions, which one
    of them (-1: the last; n: the n-th, an appeal's) and the place inside it; None: the
    record's own file."""
    head = loc[0] if loc else None
    if head == "appeals" and len(loc) > 2 and isinstance(loc[1], int):
        field = str(loc[2])
        if field in APPEAL_DECISION:
            return frozenset(DECIDING), loc[1], APPEAL_DECISION[field]
        return frozenset({"appealed"}), loc[1], (field,)
    found = ORIGINS.get(str(head))
    return (found[0], -1, found[1]) if found is not None else None


def where(loc: Loc) -> Loc:
    """Log.where: the place in the change file of a finding about the folded record."""
    found = origin(loc)
    return found[2] if found is not None else loc


def log(model: type[StaffChange], starts: tuple[str, ...], started: str) -> Log:
    """The Log of a kind decided once (leave: starts absent; swap: private)."""
    return Log(model, apply, title="审批", state=APPROVAL_STATE,
               starts={"status": starts}, begin=begin, split=split_of(starts, started),
               references=REFERENCES, where=where)
