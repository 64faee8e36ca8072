"""The later files of trips, archive loans and sanctions (see kefu.kinds.staff_changes).

- A trip is reviewed by the department (`reviewed`), approved by the general manager
  (`approved`), handed to the front desk (`front-desk`), and, back later than planned, applied
  for again (`extended`, with the day actually back in `until`); or refused, or cancelled.
- A loan of a confidential archive is approved (or refused) by the general manager; any loan is
  `returned` (the day of its `at`).
- A sanction is `appealed` by the person (the reason in `reason`), and each appeal is decided:
  `upheld`, `changed` or `revoked`, with a note.
Each fold gives the fields the one-file layout had, and a few new optional ones where that layout
had no place for who decided (a trip's approved_by, an appeal's decided_by).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from kefu.kinds.staff_changes import (
    ACTION_LABELS,
    REFERENCES,
    SECOND,
    STATUS_WORDS,
    StaffChange,
    Unsplittable,
    begin,
    decision,
    labels,
    where,
)
from kefu.kinds.staff_fields import dated_id
from kefu.records.kinds import Log
from kefu.times import SHANGHAI

TRIP_ACTIONS = ("reviewed", "approved", "refused", "cancelled", "front-desk", "extended")
LOAN_ACTIONS = ("approved", "refused", "returned")
APPEAL_OUTCOMES = ("upheld", "changed", "revoked")
SANCTION_ACTIONS = ("appealed", *APPEAL_OUTCOMES)


class TripChange(StaffChange):
    """出差的一条后续记录（部门审核、总经理审批、交前台、超期补交……）：一个文件一条，只新增。"""

    model_config = ConfigDict(title="出差后续记录")

    record: str = Field(pattern=dated_id("B"), description="所属出差记录编号（所在文件夹的名称）")
    action: Annotated[Literal["reviewed", "approved", "refused", "cancelled", "front-desk",
                              "extended"], labels(*TRIP_ACTIONS)] = Field(description="动作")
    until: dt.date | None = Field(default=None,
                                  description="超期返回（extended）时：实际返回日期")


class LoanChange(StaffChange):
    """档案借阅的一条后续记录（批准、不批准、归还）：一个文件一条，只新增。"""

    model_config = ConfigDict(title="档案借阅后续记录")

    record: str = Field(pattern=dated_id("A"), description="所属借阅记录编号（所在文件夹的名称）")
    action: Annotated[Literal["approved", "refused", "returned"],
                      labels(*LOAN_ACTIONS)] = Field(description="动作（归还日期即 at 的日期）")


class SanctionChange(StaffChange):
    """奖惩记录的一条后续记录（申诉、复核决定）：一个文件一条，只新增。"""

    model_config = ConfigDict(title="奖惩申诉与复核")

    record: str = Field(pattern=dated_id("J"), description="所属奖惩记录编号（所在文件夹的名称）")
    action: Annotated[Literal["appealed", "upheld", "changed", "revoked"],
                      labels(*SANCTION_ACTIONS)] = Field(description="动作")


# -- trips ----------------------------------------------------------------------------------------
TRIP_STATE = ("status", "reviewed_by", "reviewed", "approver", "approved_by", "approved",
              "front_desk", "extended_to", "extension_applied")


def trip_apply(trip: dict[str, Any], change: Mapping[str, Any]) -> str | None:
    action, status = str(change.get("action")), str(trip.get("status"))
    if status in ("refused", "cancelled") and action != "front-desk":
        return f"这次出差{STATUS_WORDS[status]}，不能再登记“{ACTION_LABELS.get(action, action)}”。"
    if action == "reviewed":
        if trip.get("reviewed") is not None:
            return "部门已经审核过这次出差。"
        trip["reviewed"] = change["at"]
        if change.get("by"):
            trip["reviewed_by"] = change["by"]
    elif action == "approved":
        if status != "pending":
            return f"这次出差{STATUS_WORDS.get(status, status)}。"
        trip.update(status="approved", approved=change["at"])
        if change.get("approver"):
            trip["approver"] = change["approver"]
        if change.get("by"):
            trip["approved_by"] = change["by"]
    elif action in ("refused", "cancelled"):
        trip["status"] = action
    elif action == "front-desk":
        trip["front_desk"] = change["at"]
    elif action == "extended":
        if change.get("until") is None:
            return "超期返回要写实际返回日期 `until`。"
        trip.update(extended_to=change["until"], extension_applied=change["at"])
    return None


def trip_split(whole: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    rid = str(whole["id"])
    record = {k: v for k, v in whole.items() if k not in TRIP_STATE}
    changes: list[dict[str, Any]] = []
    status = str(whole.get("status") or "pending")
    if whole.get("reviewed") is not None:
        changes.append(decision(rid, "reviewed", whole["reviewed"], whole.get("reviewed_by"),
                                "supervisor" if whole.get("reviewed_by") else None))
    elif whole.get("reviewed_by"):
        raise Unsplittable(f"{rid}：写了审核人却没有审核时间 reviewed。")
    if whole.get("approved") is not None:
        if status not in ("approved", "cancelled"):
            raise Unsplittable(f"{rid}：有总经理审批时间，状态却是 {status}。")
        changes.append(decision(rid, "approved", whole["approved"], whole.get("approved_by"),
                                whole.get("approver")))
    elif status == "approved" or whole.get("approver") or whole.get("approved_by"):
        raise Unsplittable(f"{rid}：已批准却没有总经理审批时间 approved。")
    if status in ("refused", "cancelled"):
        last = max([whole["applied"], *(c["at"] for c in changes)])
        changes.append({"record": rid, "at": last + SECOND, "action": status})
    if whole.get("front_desk") is not None:
        changes.append({"record": rid, "at": whole["front_desk"], "action": "front-desk"})
    if whole.get("extended_to") is not None:
        if whole.get("extension_applied") is None:
            raise Unsplittable(f"{rid}：超期返回却没有补交申请的时间 extension_applied。")
        changes.append({"record": rid, "at": whole["extension_applied"], "action": "extended",
                        "until": whole["extended_to"]})
    elif whole.get("extension_applied") is not None:
        raise Unsplittable(f"{rid}：有补交申请时间却没有实际返回日期 extended_to。")
    return record, changes


# -- archive loans --------------------------------------------------------------------------------
LOAN_STATE = ("approver", "approved_by", "approved", "refused", "returned")


def loan_apply(loan: dict[str, Any], change: Mapping[str, Any]) -> str | None:
    action = str(change.get("action"))
    if action in ("approved", "refused"):
        if loan.get("approved") is not None or loan.get("refused") is not None:
            return "这次借阅已经审批过。"
        if action == "refused" and loan.get("returned") is not None:
            return "档案已经归还，不能再不批准。"
        loan[action] = change["at"]
        if change.get("approver"):
            loan["approver"] = change["approver"]
        if change.get("by"):
            loan["approved_by"] = change["by"]
        return None
    if action == "returned":
        if loan.get("returned") is not None:
            return f"档案已于 {loan['returned'].isoformat()} 归还。"
        if loan.get("refused") is not None:
            return "这次借阅没有批准，档案没有借出，不能登记归还。"
        loan["returned"] = change["at"].astimezone(SHANGHAI).date()
        return None
    return f"`{action}` 不是借阅记录的动作。"


def loan_split(whole: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    rid = str(whole["id"])
    record = {k: v for k, v in whole.items() if k not in LOAN_STATE}
    changes: list[dict[str, Any]] = []
    for action in ("approved", "refused"):
        if whole.get(action) is not None:
            changes.append(decision(rid, action, whole[action], whole.get("approved_by"),
                                    whole.get("approver")))
    if not changes and (whole.get("approver") or whole.get("approved_by")):
        raise Unsplittable(f"{rid}：写了批准人却没有批准时间 approved。")
    if whole.get("returned") is not None:
        back = dt.datetime.combine(whole["returned"], dt.time(0), SHANGHAI)
        changes.append({"record": rid, "at": back, "action": "returned"})
    return record, changes


# -- sanctions: appeals ---------------------------------------------------------------------------
def sanction_apply(sanction: dict[str, Any], change: Mapping[str, Any]) -> str | None:
    action = str(change.get("action"))
    appeals = list(sanction.get("appeals") or [])
    if action == "appealed":
        reason = change.get("reason") or change.get("note")
        if not change.get("by") or not reason:
            return "申诉要写申诉人 `by` 和异议与理由 `reason`。"
        appeals.append({"at": change["at"], "by": change["by"], "reason": reason,
                        "outcome": "pending"})
        sanction["appeals"] = appeals
        return None
    open_one = next((i for i, a in enumerate(appeals) if a.get("outcome") == "pending"), None)
    if open_one is None:
        return "这条奖惩记录没有待复核的申诉。"
    appeal = {**appeals[open_one], "outcome": action, "decided": change["at"]}
    if change.get("note"):
        appeal["note"] = change["note"]
    if change.get("by"):
        appeal["decided_by"] = change["by"]
    appeals[open_one] = appeal
    sanction["appeals"] = appeals
    return None


def sanction_split(whole: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    rid = str(whole["id"])
    record = {k: v for k, v in whole.items() if k != "appeals"}
    changes: list[dict[str, Any]] = []
    for appeal in whole.get("appeals") or ():
        changes.append({"record": rid, "at": appeal["at"], "by": appeal["by"],
                        "action": "appealed", "reason": appeal["reason"]})
        outcome = appeal.get("outcome")
        if outcome == "pending":
            if appeal.get("decided") or appeal.get("note") or appeal.get("decided_by"):
                raise Unsplittable(f"{rid}：复核中的申诉却写了复核时间或说明。")
            continue
        if appeal.get("decided") is None:
            raise Unsplittable(f"{rid}：申诉已有复核结果 {outcome}，却没有复核时间 decided。")
        changes.append(decision(rid, str(outcome), appeal["decided"], appeal.get("decided_by"),
                                note=appeal.get("note")))
    return record, changes


TRIP_LOG = Log(TripChange, trip_apply, title="审批", state=TRIP_STATE, begin=begin,
               split=trip_split, references=REFERENCES, where=where)
LOAN_LOG = Log(LoanChange, loan_apply, title="审批", state=LOAN_STATE, split=loan_split,
               references=REFERENCES, where=where)
SANCTION_LOG = Log(SanctionChange, sanction_apply, title="申诉", state=("appeals",),
                   split=sanction_split, references=REFERENCES, where=where)
