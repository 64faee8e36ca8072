"""The story of a record: what happened to it and who did it, oldest first.

A ticket's story is its events; a sanction's, its publication and appeals; the staff requests'
(leave, swaps, 补卡, trips), their application and decision; a loan's, approval, lending and
return. The moments each kind's fields record are declared in MOMENTS; a kind not listed there
tells its story by its timestamps (and its log, if it has one), labelled by the model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kefu.kinds.ticket import ACTION_LABELS
from kefu.privacy import mask, names
from kefu.records import KINDS, Record
from kefu.staff.terms import APPROVER_LABELS
from kefu.times import SHANGHAI

from .desk import Desk
from .facts import field_info, label_at, story_list

When = dt.datetime | dt.date
Note = Callable[[Mapping[str, Any], Desk], str]


@dataclass(frozen=True)
class Step:
    """One thing that happened: when, who (a person id, or ""), what (Chinese), a note."""

    at: When
    by: str
    what: str
    note: str = ""


@dataclass(frozen=True)
class Moment:
    """A field of a kind that records a moment: what happened then and whose field says who."""

    field: str
    what: str  # "" for a decision: said with the record's status (已批准, 未批准…)
    who: tuple[str, ...] = ()  # the first of these fields that holds a person id
    note: Note | None = None


def _decided(data: Mapping[str, Any], desk: Desk) -> str:
    approver = data.get("approver")
    return f"审批人：{APPROVER_LABELS[approver]}" if approver in APPROVER_LABELS else ""


def _by_phone(data: Mapping[str, Any], desk: Desk) -> str:
    return "先电话请示" if data.get("by_phone") else ""


def _handed_to(data: Mapping[str, Any], desk: Desk) -> str:
    return f"交给 {desk.name('person', data.get('incoming'))}" if data.get("incoming") else ""


def _returned_on(data: Mapping[str, Any], desk: Desk) -> str:
    return f"实际返回 {data['extended_to']}" if data.get("extended_to") else ""


def _published(data: Mapping[str, Any], desk: Desk) -> str:
    return str(data.get("published") or "")


def _borrower(data: Mapping[str, Any], desk: Desk) -> str:
    return f"借阅人 {data['borrower']}" if data.get("borrower") else ""


DECISION = Moment("decided", "", ("approved_by",), _decided)
MOMENTS: dict[str, tuple[Moment, ...]] = {
    "leave": (Moment("applied", "提交请假申请", ("applied_by", "person"), _by_phone), DECISION),
    "swap": (Moment("requested", "提交调班申请", ("giver",)), DECISION),
    "punch": (Moment("applied", "提交补卡申请", ("person",)), DECISION),
    "trip": (Moment("applied", "提交出差申请", ("person",)),
             Moment("reviewed", "部门审核", ("reviewed_by",)),
             Moment("approved", "总经理审批"),
             Moment("front_desk", "交前台登记考勤", ("person",)),
             Moment("extension_applied", "补交延期申请", ("person",), _returned_on)),
    "loan": (Moment("approved", "批准借阅", (), _decided),
             Moment("out", "借出", ("handler",), _borrower),
             Moment("returned", "归还", ("handler",))),
    "handover": (Moment("at", "交接班", ("outgoing",), _handed_to),),
    "roster": (Moment("prepared", "值班表定稿", ("prepared_by",)),),
    "assessment": (Moment("assessed", "绩效评分", ("assessor",)),),
    "sanction": (Moment("date", "公布", ("recorded_by",), _published),),
    "dealer": (Moment("since", "成为代理商"),),
    "person": (),
    "ticket": (),  # its events are its story
}


def story(desk: Desk, record: Record, with_personal: bool = False) -> list[Step]:
    """What happened to the record, oldest first (free text masked unless `with_personal`)."""
    kind = KINDS[record.kind]
    data = record.data
    known = None if with_personal else names(desk.personal)
    steps = _moments(desk, record, MOMENTS.get(record.kind))
    listed = story_list(kind)
    log = data.get(listed) if listed else None
    for entry in log if isinstance(log, list) else ():
        if isinstance(entry, Mapping):
            steps += _entry(record.kind, entry, desk)
    steps += [_correction(record.kind, change, with_personal) for change in desk.changes(record)
              if change.get("action") == "corrected" and isinstance(change.get("at"), dt.date)]
    steps = _ordered(steps)
    if known is None:
        return steps
    return [Step(s.at, s.by, s.what, mask(s.note, known)) if s.note else s for s in steps]


def _moments(desk: Desk, record: Record, declared: tuple[Moment, ...] | None) -> list[Step]:
    data = record.data
    if declared is None:  # a kind of its own: its timestamps, labelled by the model
        declared = tuple(Moment(name, label_at(record.kind, (name,)))
                         for name, value in data.items() if isinstance(value, dt.datetime))
    steps = []
    for moment in declared:
        at = data.get(moment.field)
        if not isinstance(at, dt.date):
            continue
        who = next((str(data[f]) for f in moment.who if data.get(f)), "")
        what = moment.what or _status_word(record)
        note = moment.note(data, desk) if moment.note is not None else ""
        steps.append(Step(at, who, what, note))
    return steps


def _status_word(record: Record) -> str:
    """A decision said with the record's status label (审批：已批准)."""
    from kefu.records.model import field_labels

    status = str(record.data.get("status", ""))
    labels = field_labels(field_info(record.kind, ("status",)))
    return f"审批：{labels.get(status, status)}"


def _entry(kind: str, entry: Mapping[str, Any], desk: Desk) -> list[Step]:
    """A log entry: a ticket's event, a sanction's appeal (and its review), another kind's."""
    at, by = entry.get("at"), str(entry.get("by") or "")
    if not isinstance(at, dt.date):
        return []
    if kind == "sanction":
        from kefu.kinds.sanction import OUTCOME_LABELS

        steps = [Step(at, by, "提出申诉", str(entry.get("reason") or ""))]
        decided = entry.get("decided")
        if isinstance(decided, dt.date):
            outcome = str(entry.get("outcome", ""))
            steps.append(Step(decided, str(entry.get("decided_by") or ""),
                              f"申诉复核：{OUTCOME_LABELS.get(outcome, outcome)}",
                              str(entry.get("note") or "")))
        return steps
    action = str(entry.get("action", ""))
    what = ACTION_LABELS.get(action, action)
    if entry.get("to"):  # 分派: to whom
        what += f" → {desk.name('person', entry['to'])}"
    return [Step(at, by, what, str(entry.get("note") or ""))]


def _correction(kind: str, change: Mapping[str, Any], with_personal: bool) -> Step:
    """A correction: which fields became what (a personal value hidden unless asked)."""
    from kefu.records.corrections import describe

    return Step(change["at"], str(change.get("by") or ""),
                "更正：" + describe(kind, change.get("correct") or {}, with_personal),
                str(change.get("note") or ""))


def _ordered(steps: list[Step]) -> list[Step]:
    """Oldest first. A date without a time (a loan's day out) goes after the moments of that
    day listed before it (its approval), so the declared order settles a tie within a day."""
    keyed = []
    last: dt.time = dt.time(0, 0)
    for index, step in enumerate(steps):
        if isinstance(step.at, dt.datetime):
            local = step.at.astimezone(SHANGHAI)
            day, last = local.date(), local.time()
        else:
            day = step.at
        keyed.append(((day, last, index), step))
    return [step for _, step in sorted(keyed, key=lambda pair: pair[0])]
