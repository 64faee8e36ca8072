"""A record's deadlines with their state, and which one is due next.

A ticket's deadlines are its milestones under records/sla.yml (kefu.sla), stated as the ticket
pages and the reports state them; an archive loan's is its return date. A deadline is overdue
once the calendar day it falls due on is past, as `kefu overdue` counts it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kefu.records import Record
from kefu.times import SHANGHAI

from .desk import Desk

When = dt.datetime | dt.date
NO_DUE = "no-due"
LOAN_RULE = "loan.due"


@dataclass(frozen=True)
class Term:
    """One deadline: its rule, when it started and falls due, when it was met, and its state."""

    rule: str
    title: str
    term: str  # the rule's term in words (2 个工作日)
    start: When | None
    due: When | None  # None: a critical complaint without an agreed date
    done: When | None
    state: str  # on-time | late | overdue | unrecorded | pending | no-due
    label: str  # the state in Chinese
    provisional: bool = False
    days: int | None = None  # open: working (or, for a loan, calendar) days left or late
    unit: str = "个工作日"

    @property
    def open(self) -> bool:
        return self.state in ("pending", "overdue")

    @property
    def left(self) -> str:
        """How far off it is, said for a person: 还有 2 个工作日, 今天到期, 已超期 3 个工作日."""
        if not self.open or self.days is None:
            return ""
        if self.state == "overdue":
            return f"已超期 {self.days} {self.unit}"
        return "今天到期" if self.days == 0 else f"还有 {self.days} {self.unit}"


def terms(desk: Desk, record: Record) -> list[Term]:
    """Every deadline of the record, in the order its rules give them."""
    if record.kind == "ticket":
        return _ticket(desk, record)
    if record.kind == "loan":
        found = _loan(desk, record)
        return [found] if found is not None else []
    return []


def next_due(found: list[Term]) -> Term | None:
    """The open deadline that falls due first (an overdue one, if any)."""
    open_ = [t for t in found if t.open and t.due is not None]
    return min(open_, key=lambda t: _moment(t.due)) if open_ else None


def _moment(value: When | None) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    assert isinstance(value, dt.date)
    return dt.datetime.combine(value, dt.time(23, 59), tzinfo=SHANGHAI)


def _ticket(desk: Desk, record: Record) -> list[Term]:
    from kefu.reports.figures import STATE_LABELS, state_of
    from kefu.sla import milestones

    rules, cal, today = desk.ws.rules, desk.ws.calendar, desk.ws.today
    as_of = dt.datetime.combine(today, dt.time(0, 0), tzinfo=SHANGHAI)  # due before today: late
    closed = record.data.get("status") == "closed"
    out = []
    for stone in milestones(record.data, rules, cal):
        rule = rules[stone.rule]
        if stone.due is None:
            out.append(Term(rule.id, rule.title, rule.term_text, stone.start, None, stone.met_at,
                            NO_DUE, "未约定期限", stone.provisional))
            continue
        state = state_of(stone, closed, as_of)
        days = None
        if state in ("pending", "overdue"):
            day = stone.due.astimezone(SHANGHAI).date()
            days = (max(1, cal.workdays_between(day, today)) if state == "overdue"
                    else cal.workdays_between(today, day))
        out.append(Term(rule.id, rule.title, rule.term_text, stone.start, stone.due,
                        stone.met_at, state, STATE_LABELS[state], stone.provisional, days))
    return out


def _loan(desk: Desk, record: Record) -> Term | None:
    data, today = record.data, desk.ws.today
    out, due, back = data.get("out"), data.get("due"), data.get("returned")
    if not isinstance(due, dt.date):
        return None
    if isinstance(back, dt.date):
        state, label = ("on-time", "按时归还") if back <= due else ("late", "逾期归还")
        days = None
    elif due < today:
        state, label, days = "overdue", "超期未还", (today - due).days
    else:
        state, label, days = "pending", "借出中", (due - today).days
    term = f"{(due - out).days} 天" if isinstance(out, dt.date) else ""
    return Term(LOAN_RULE, "档案归还", term, out, due, back, state, label, days=days, unit="天")
