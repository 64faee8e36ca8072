"""Deadlines in working days: one rule from a start time, and every milestone of a ticket.

"Within N working days of T": close of business of the N-th working day after T's calendar day
(a T on a day off counts the same way). 当天 (same day): close of business of T's day, or of the
next working day when T is after close of business or on a day off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kefu.calendar import WorkCalendar
from kefu.problems import KefuError

from .rules import AGREED_FIELD, Rule, Rules, load_rules

REOPENED = "reopened"  # the event that restarts the rules counted from arrival


@dataclass(frozen=True)
class Deadline:
    rule: str
    title: str
    start: dt.datetime
    due: dt.datetime
    provisional: bool
    term: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "provisional": self.provisional,
            "term": self.term,
        }


@dataclass(frozen=True)
class Due:
    """An open deadline as people read it: the rule's title and when it falls due."""

    rule: str
    title: str
    due: dt.datetime
    provisional: bool


def dues(stones: Iterable[Milestone], rules: Rules) -> list[Due]:
    """The open milestones with a due time, soonest first, titled by their rules."""
    found = [Due(m.rule, rules[m.rule].title if m.rule in rules else m.rule, m.due,
                 m.provisional) for m in stones if m.met_at is None and m.due is not None]
    return sorted(found, key=lambda d: d.due)


@dataclass(frozen=True)
class Milestone:
    """One deadline of one ticket: met when `met_at` is set."""

    rule: str
    start: dt.datetime
    due: dt.datetime | None  # None: critical complaint without agreed_due
    met_at: dt.datetime | None
    provisional: bool


# -- deadlines ----------------------------------------------------------------------------------
def _context(
    root_or_calendar: Path | WorkCalendar, rules: Rules | None
) -> tuple[WorkCalendar, Rules]:
    if isinstance(root_or_calendar, WorkCalendar):
        cal = root_or_calendar
        if rules is None:
            if cal.root is None:
                raise KefuError(
                    "需要仓库根目录以读取 records/sla.yml。", slug="sla-missing", exit_code=2
                )
            rules = load_rules(cal.root)
    else:
        cal = WorkCalendar.load(Path(root_or_calendar))
        rules = rules or load_rules(Path(root_or_calendar))
    return cal, rules


def localize(start: dt.datetime | dt.date, tz: dt.tzinfo) -> dt.datetime:
    """An aware datetime in `tz`; a date means its midnight, a naive datetime is local time."""
    if not isinstance(start, dt.datetime):
        return dt.datetime.combine(start, dt.time(0, 0), tzinfo=tz)
    if start.tzinfo is None:
        return start.replace(tzinfo=tz)
    return start.astimezone(tz)


def due_date(
    rule: Rule, start: dt.datetime, cal: WorkCalendar, close: dt.time
) -> tuple[dt.date, bool]:
    """Due day of a working-day or same-day rule for a local start, and if it is provisional."""
    day = start.date()
    if rule.same_day:
        if cal.is_workday(day) and start.time() <= close:
            return day, cal.is_provisional(day)
        nxt, prov = cal.add_workdays(day, 1)
        return nxt, prov or cal.is_provisional(day)
    assert rule.working_days is not None
    return cal.add_workdays(day, rule.working_days)


def deadline(
    rule_id: str,
    start: dt.datetime | dt.date,
    root_or_calendar: Path | WorkCalendar,
    rules: Rules | None = None,
) -> Deadline:
    """The deadline of `rule_id` for an event at `start` (KefuError for unknown or agreed rules)."""
    cal, rules = _context(root_or_calendar, rules)
    if rule_id not in rules:
        raise KefuError(
            f"未知的规则编号 {rule_id}。可用的规则：{'、'.join(rules)}（见 records/sla.yml）。",
            slug="unknown-rule",
            exit_code=2,
        )
    rule = rules[rule_id].at(localize(start, rules.tz).date())
    if rule.agreed:
        raise KefuError(
            f"规则 {rule_id}（{rule.title}）没有固定时限："
            f"截止时间是工单中记录的约定期限 {AGREED_FIELD}。",
            slug="agreed-rule",
            exit_code=2,
        )
    local, due, provisional = _working_due(rule, start, cal, rules)
    return Deadline(rule.id, rule.title, local, due, provisional, rule.term_text)


def _working_due(
    rule: Rule, start: dt.datetime | dt.date, cal: WorkCalendar, rules: Rules
) -> tuple[dt.datetime, dt.datetime, bool]:
    """(local start, due at close of business, provisional) of a working-day or same-day rule."""
    local = localize(start, rules.tz)
    day, provisional = due_date(rule, local, cal, rules.close_of_business)
    return local, dt.datetime.combine(day, rules.close_of_business, tzinfo=rules.tz), provisional


def milestones(ticket: Mapping[str, Any], rules: Rules, cal: WorkCalendar) -> list[Milestone]:
    """Every deadline of one ticket (plain dict with aware datetimes), met or not."""
    out: list[Milestone] = []
    events = ticket.get("events") or ()
    for rule in rules.for_type(str(ticket.get("type"))):
        if not rule.applies(ticket):
            continue
        for start in _starts(rule, ticket, events):
            met = next(
                (
                    e["at"]
                    for e in events
                    if e.get("action") == rule.stop and _ge(e.get("at"), start)
                ),
                None,
            )
            out.append(_milestone(rule, start, met, ticket, rules, cal))
    return out


def _starts(
    rule: Rule, ticket: Mapping[str, Any], events: Iterable[Mapping[str, Any]]
) -> list[dt.datetime]:
    if rule.start == "received":
        # Reopening restarts what counts from arrival: the dealer came back about the case,
        # so it is answered within the same term again, counted from the reopening.
        received = ticket.get("received")
        again = [e["at"] for e in events
                 if e.get("action") == REOPENED and isinstance(e.get("at"), dt.datetime)]
        if isinstance(received, dt.datetime):
            return [received, *again]
    return [
        e["at"]
        for e in events
        if e.get("action") == rule.start and isinstance(e.get("at"), dt.datetime)
    ]


def _ge(at_: Any, start: dt.datetime) -> bool:
    return isinstance(at_, dt.datetime) and at_ >= start


def _milestone(
    rule: Rule,
    start: dt.datetime,
    met: dt.datetime | None,
    ticket: Mapping[str, Any],
    rules: Rules,
    cal: WorkCalendar,
) -> Milestone:
    if rule.effective_from is not None:  # a term changed: the one of the start's day applies
        rule = rule.at(localize(start, rules.tz).date())
    if rule.agreed:
        agreed = ticket.get(AGREED_FIELD)
        due = localize(agreed, rules.tz) if isinstance(agreed, dt.date) else None
        if isinstance(agreed, dt.date) and not isinstance(agreed, dt.datetime):
            due = dt.datetime.combine(agreed, rules.close_of_business, tzinfo=rules.tz)
        return Milestone(rule.id, start, due, met, False)
    _, due, provisional = _working_due(rule, start, cal, rules)
    return Milestone(rule.id, start, due, met, provisional)
