"""Open milestones that are past due or due soon, grouped by owner and ticket type.

A milestone is open while its stop event is missing and the ticket is not closed (a closed
ticket has no open milestones). It is overdue once the calendar day of its due time is past,
and due soon when it falls within the next N working days (0 = today).
Invalid record files are skipped and counted; a ticket file that plainly says `status: closed`
is not even read (most of a large corpus), so its problems are left to `kefu validate`.
The warnings the record kinds raise for a person (next week's roster missing, an archive loan
past due, a hand-over matter open too long) are listed too, by owner: `load()` gives them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from kefu.calendar import WorkCalendar
from kefu.collation import Key, name_key
from kefu.kinds.ticket import OPEN_STATUSES, TYPE_LABELS
from kefu.privacy import mask, names
from kefu.problems import Problem
from kefu.records import personal_values
from kefu.records.across import Notice
from kefu.sla import Rules, milestones
from kefu.workspace import Workspace


@dataclass(frozen=True)
class Item:
    """One open milestone that is overdue or due soon."""

    ticket: str
    title: str
    type: str
    owner: str
    owner_name: str
    rule: str
    rule_title: str
    start: dt.datetime
    due: dt.datetime
    overdue: bool
    working_days: int  # late by (overdue) or left (due soon)
    provisional: bool
    path: str


@dataclass
class OverdueReport:
    today: dt.date
    within: int
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # invalid records, skipped
    notices: list[Notice] = field(default_factory=list)  # the kinds' warnings, with owners
    names: dict[str, str] = field(default_factory=dict)  # person id -> name, for notices

    @property
    def overdue(self) -> list[Item]:
        return [i for i in self.items if i.overdue]

    @property
    def due_soon(self) -> list[Item]:
        return [i for i in self.items if not i.overdue]

    @property
    def provisional(self) -> bool:
        return any(i.provisional for i in self.items)

    def notices_by_owner(self) -> list[tuple[str, list[Notice]]]:
        """Warnings grouped by `名字（编号）` of their owner."""
        found: dict[str, list[Notice]] = {}
        ordered = sorted(self.notices, key=lambda n: (
            name_key(self.names.get(n.owner, "") or n.owner), n.owner, n.problem))
        for notice in ordered:
            name = self.names.get(notice.owner, "")
            found.setdefault(f"{name}（{notice.owner}）" if name else notice.owner,
                             []).append(notice)
        return list(found.items())

    def summary(self) -> str:
        soon = "今天" if self.within == 0 else f"{self.within} 个工作日内"
        return (
            f"截至 {self.today.isoformat()}：超期 {len(self.overdue)} 项，"
            f"{soon}到期 {len(self.due_soon)} 项。"
        )


def grouped(items: Iterable[Item]) -> list[tuple[str, list[tuple[str, list[Item]]]]]:
    """Items by owner (most overdue items first), then by ticket type; most late first inside."""
    owners: dict[str, dict[str, list[Item]]] = {}
    for item in sorted(items, key=_order):
        label = f"{item.owner_name}（{item.owner}）" if item.owner_name else item.owner
        owners.setdefault(label, {}).setdefault(item.type, []).append(item)

    def weight(entry: tuple[str, dict[str, list[Item]]]) -> tuple[int, Key, str]:
        late = sum(i.overdue for group in entry[1].values() for i in group)
        return (-late, name_key(entry[0]), entry[0])

    return [(owner, sorted(types.items(), key=lambda kv: _type_rank(kv[0])))
            for owner, types in sorted(owners.items(), key=weight)]


def _order(item: Item) -> tuple[int, dt.datetime, str]:
    return (0 if item.overdue else 1, item.due, item.ticket)


def _type_rank(ttype: str) -> int:
    names = list(TYPE_LABELS)
    return names.index(ttype) if ttype in names else len(names)


def scan(
    tickets: Iterable[tuple[object, Mapping[str, Any]]],
    people: Mapping[str, str],
    rules: Rules,
    cal: WorkCalendar,
    today: dt.date,
    within: int = 0,
) -> list[Item]:
    """Open milestones of (path, ticket data) pairs, overdue or due by `within` working days.

    Runs once per ticket of the whole corpus: keep the work for a ticket with nothing due tiny.
    """
    horizon = cal.add_workdays(today, within)[0] if within > 0 else today
    items: list[Item] = []
    for path, ticket in tickets:
        if ticket.get("status") == "closed":
            continue
        for stone in milestones(ticket, rules, cal):
            if stone.met_at is not None or stone.due is None:
                continue
            due_day = stone.due.astimezone(rules.tz).date()
            if due_day > horizon:
                continue
            overdue = due_day < today
            days = (max(1, cal.workdays_between(due_day, today)) if overdue
                    else cal.workdays_between(today, due_day))
            owner = str(ticket.get("owner", ""))
            items.append(Item(
                str(ticket.get("id", "")), str(ticket.get("title", "")),
                str(ticket.get("type", "")),
                owner, people.get(owner, ""), stone.rule, rules[stone.rule].title, stone.start,
                stone.due, overdue, days, stone.provisional, str(path),
            ))
    return sorted(items, key=_order)


def find_overdue(ws: Workspace, within: int = 0, owner: str | None = None) -> OverdueReport:
    """Open milestones of the records in `ws`, overdue or due within N working days of today
    (of one owner's tickets only, when `owner` is given)."""
    rules, cal = ws.rules, ws.calendar
    # closed tickets have no open milestones: never build them, and skip reading those whose
    # file plainly says `status: closed` (their problems are for `kefu validate` to report)
    result = ws.load(where={"ticket": {"status": OPEN_STATUSES}}, skip_filtered=True)
    people = {r.id: str(r.data.get("name", "")) for r in result.of_kind("person")}
    prefix = str(ws.root) + "/"
    tickets = ((r.file.removeprefix(prefix), r.data) for r in result.records
               if r.kind == "ticket" and (owner is None or r.data.get("owner") == owner))
    # every format of this report may be posted (the daily reminder issue, a CI summary):
    # personal values typed into a title or a note are masked, as on the site
    known = names(personal_values(result))
    items = [replace(item, title=mask(item.title, known))
             for item in scan(tickets, people, rules, cal, ws.today, within)]
    notices = [Notice(replace(n.problem, message=mask(n.problem.message, known)), n.owner)
               for n in result.notices if owner is None or n.owner == owner]
    return OverdueReport(ws.today, within, items, result.errors, notices, people)
