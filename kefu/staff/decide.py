"""`kefu approve`, `kefu refuse`, `kefu return`, `kefu appeal`: a staff record's next step as a
new change file (kefu.kinds.staff_changes), written only when every check passes with it.

The decider is the person running the command (KEFU_USER or `git config kefu.user`), or the one
an issue comment was verified to come from (`by`); what she may decide, and as whom, comes from
records/staff-rules.yml (kefu.staff.authority). Nobody decides her own request.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kefu import times
from kefu.chars import visible
from kefu.problems import KefuError
from kefu.records.ids import ALPHABET
from kefu.records.kinds import KINDS, Kind, change_id, kind_for_id
from kefu.staff.authority import KINDS as DECIDED
from kefu.staff.authority import OWN, RECORDER, Awaiting, awaiting, qualifies, who_text
from kefu.staff.book import StaffBook
from kefu.staff.terms import APPROVER_LABELS

NO_USER = ("不知道你是谁：请先设置员工编号（或姓名），例如 `export KEFU_USER=wangfang`，"
           "或在本仓库里运行 `git config kefu.user wangfang`。")
STEP_WORDS = {"approved": "审批", "reviewed": "部门审核", "appeal": "复核"}
DONE_WORDS = {"approved": "已批准", "refused": "已不批准", "reviewed": "已通过部门审核",
              "upheld": "已复核：维持原处理", "changed": "已复核：更正处理",
              "revoked": "已复核：撤销处理", "returned": "已登记归还",
              "extended": "已登记超期返回", "appealed": "已登记申诉", "cancelled": "已撤销"}


@dataclass
class Decided:
    """What one command wrote: the change file, the record as it now stands, and for whom."""

    path: Path
    record_id: str
    kind: str
    action: str
    by: str
    by_name: str
    approver: str | None
    what: str  # the record, said without personal values
    status: str | None  # the record's status now, where it has one
    next_step: str = ""  # what it awaits next (a trip approved after its review)
    warnings: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        """One Chinese line saying what was recorded."""
        role = f"（以{APPROVER_LABELS[self.approver]}身份）" if self.approver else ""
        text = f"{self.record_id}：{DONE_WORDS.get(self.action, self.action)}{role}，" \
               f"{self.by_name}（{self.by}）登记。"
        return text + (f"下一步：{self.next_step}" if self.next_step else "")


def decide(ws: Any, record_id: str, approve: bool, *, reason: str | None = None,
           authority: str | None = None, at: dt.datetime | None = None, by: str | None = None,
           outcome: str | None = None) -> Decided:
    """Approve (or refuse, with `reason`) what record `record_id` awaits, as the person running
    the command (or `by`); KefuError saying who may decide when she may not."""
    kind, book, data = _record(ws, record_id)
    item = awaiting(book, kind.name, data)
    if item is None:
        raise KefuError(f"{record_id} 现在不等待审批（{_state(kind.name, data)}）：kefu pending "
                        "列出等待审批的申请。", "not-pending", 1)
    who = _who(ws, by)
    if who == item.applicant:
        raise KefuError(f"{book.name(who)}（{who}）不能审批自己的申请：{record_id} 须由"
                        f"{who_text(book, item)}审批。", "own-request", 1)
    role = _authority(book, item, who, authority)
    if not approve and not visible(reason):
        raise KefuError("不批准必须写明理由：--reason 理由（会告诉申请人）。", "usage", 2)
    action = _action(item, approve, outcome)
    change: dict[str, Any] = {"record": record_id, "at": _when(at), "by": who, "action": action,
                              "approver": role}
    if reason and visible(reason):  # a refusal's reason; a note on an approval or an appeal
        change["reason" if not approve and item.step != "appeal" else "note"] = reason.strip()
    done = write_change(ws, kind, record_id, change)
    after = done.records.get((kind.name, record_id)) or {}
    later = awaiting(book, kind.name, after) if after else None
    return Decided(ws.root / done.rel, record_id, kind.name, action, who, book.name(who), role,
                   item.what, after.get("status"),
                   f"等待{who_text(book, later)}{STEP_WORDS[later.step]}。" if later else "",
                   [p.format() for p in done.warnings])


def record_step(ws: Any, record_id: str, action: str, *, at: dt.datetime | None = None,
                by: str | None = None, reason: str | None = None,
                until: dt.date | None = None) -> Decided:
    """A step that is not a decision: a loan returned, a trip back late, an appeal lodged."""
    kind, book, data = _record(ws, record_id)
    allowed = {"loan": ("returned",), "trip": ("extended",), "sanction": ("appealed",)}
    if action not in allowed.get(kind.name, ()):
        raise KefuError(f"{kind.title} {record_id} 不能登记这一步。", "usage", 2)
    who = _who(ws, by)
    change: dict[str, Any] = {"record": record_id, "at": _when(at), "by": who, "action": action}
    if reason:
        change["reason"] = reason.strip()
    if until is not None:
        change["until"] = until
    done = write_change(ws, kind, record_id, change)
    after = done.records.get((kind.name, record_id)) or {}
    return Decided(ws.root / done.rel, record_id, kind.name, action, who, book.name(who), None,
                   record_id, after.get("status"), "", [p.format() for p in done.warnings])


# -- the pieces -----------------------------------------------------------------------------------
def _record(ws: Any, record_id: str) -> tuple[Kind, StaffBook, dict[str, Any]]:
    kind = kind_for_id(record_id.strip())
    if kind is None or kind.name not in DECIDED:
        kinds = "、".join(f"{KINDS[k].title}（{KINDS[k].id_format.split('（')[0]}）"
                         for k in DECIDED)
        raise KefuError(f"「{record_id}」不是需要审批的记录编号：应为{kinds}。",
                        "unknown-record", 2)
    rel = kind.expected_rel(record_id) or ""
    if not (ws.root / rel).is_file():
        raise KefuError(f"找不到{kind.title} {record_id}（应在 {rel}）：申请的拉取请求还没有"
                        "合并的，合并后再审批。", "unknown-record", 2)
    book, result = StaffBook.load(ws)
    data = next((r.data for r in result.of_kind(kind.name) if r.id == record_id), None)
    if data is None:
        bad = [p.format() for p in result.errors if record_id in p.path]
        raise KefuError(f"{kind.title} {record_id} 有错误，请先改正：\n" + "\n".join(bad),
                        "invalid", 1)
    return kind, book, dict(data)


def _who(ws: Any, by: str | None) -> str:
    who = by or ws.me()
    if not who:
        raise KefuError(NO_USER, "no-user", 2)
    return str(who)


def _authority(book: StaffBook, item: Awaiting, who: str, wanted: str | None) -> str:
    """As whom `who` decides `item`: `wanted` (--as), or her own post or office."""
    need = who_text(book, item)
    name = f"{book.name(who)}（{who}）"
    step = STEP_WORDS[item.step]
    if wanted is not None:
        if wanted not in item.allowed:
            label = APPROVER_LABELS.get(wanted, wanted)
            raise KefuError(f"{item.id} 须由{need}{step}，不能以{label}身份审批。",
                            "not-allowed", 1)
        if qualifies(book, who, wanted) is None:
            raise KefuError(f"{name}不能以{APPROVER_LABELS.get(wanted, wanted)}身份审批或登记："
                            f"{item.id} 须由{need}{step}。", "not-allowed", 1)
        return wanted
    own = [a for a in item.allowed if qualifies(book, who, a) == OWN]
    if own:
        return own[0]
    entered = [a for a in item.allowed if qualifies(book, who, a) == RECORDER]
    hint = ""
    if entered:
        hint = (f"如果{APPROVER_LABELS[entered[0]]}已在申请表上签字同意，请用 "
                f"`--as {entered[0]}` 登记其决定。")
    raise KefuError(f"{name}无权{step} {item.id}：须由{need}{step}。{hint}", "not-allowed", 1)


def _action(item: Awaiting, approve: bool, outcome: str | None) -> str:
    if item.step == "appeal":
        if not approve:
            return "upheld"
        return outcome or "revoked"
    if outcome is not None:
        raise KefuError("--outcome 只用于复核申诉（奖惩记录）。", "usage", 2)
    if not approve:
        return "refused"
    return item.step


def _when(at: dt.datetime | None) -> dt.datetime:
    return (at or times.now()).astimezone(times.SHANGHAI).replace(microsecond=0)


def _state(kind: str, data: dict[str, Any]) -> str:
    from kefu.kinds.staff_changes import STATUS_WORDS

    status = data.get("status")
    if status:
        return STATUS_WORDS.get(str(status), str(status))
    if kind == "loan":
        return "一般档案借阅不需要审批" if data.get("category") != "confidential" else "已经审批过"
    return "没有待复核的申诉" if kind == "sanction" else "已经处理过"


@dataclass
class Written:
    rel: str
    records: dict[tuple[str, str], dict[str, Any]]
    warnings: list[Any]


def write_change(ws: Any, kind: Kind, record_id: str, change: dict[str, Any]) -> Written:
    """Write `change` as a new file in the record's folder, every check first (write_new);
    its second moved on past the record's earlier changes, so they fold in the order written."""
    from kefu.records.split import render_record
    from kefu.records.writing import write_new

    folder = ws.root / (kind.changes_folder(record_id) or "")
    taken = {p.name[:15] for p in folder.glob("*.yml")} if folder.is_dir() else set()
    while f"{change['at']:%Y%m%d-%H%M%S}" in taken:
        change["at"] += dt.timedelta(seconds=1)
    token = "".join(secrets.choice(ALPHABET) for _ in range(4))
    rel = kind.change_rel(record_id, change_id(change["at"], change["action"], token)) or ""
    text = render_record(f"{kind.name}-change", change, rel)
    found = write_new(ws.root, {rel: text}, "登记")
    return Written(rel, found.records, found.warnings)
