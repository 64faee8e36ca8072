"""`kefu pending [--for PERSON]` and the site's 待审批 page: what awaits whose decision.

Oldest request first, each with who may decide it and its term from the staff rules (leave
before its first day, a swap before its shift, a 补卡 within 3 days, a trip before it starts,
a confidential archive before it is lent); next week's roster too, due by Friday 17:30, while
the department keeps rosters here. Said without personal values (no reason, no kind of leave):
the same items feed the site's page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kefu.staff.authority import Awaiting, day_start, deciders, pending, who_text
from kefu.staff.book import StaffBook
from kefu.staff.terms import week_days, week_of

KIND_TITLES = {"leave": "请假", "swap": "调班", "punch": "补卡", "trip": "出差",
               "loan": "档案借阅", "sanction": "申诉", "roster": "值班表"}
SOON = dt.timedelta(days=1)  # `kefu pending` marks what falls due within it
STEP_TITLES = {"approved": "审批", "reviewed": "部门审核", "appeal": "复核", "roster": "编排"}


@dataclass(frozen=True)
class PendingItem:
    kind: str
    id: str
    step: str
    what: str
    who: str  # who may decide, in Chinese
    deciders: tuple[str, ...]  # their person ids
    since: dt.datetime
    due: dt.datetime | None
    term: str
    overdue: bool
    soon: bool = False  # due within the next day

    @property
    def command(self) -> str:
        if self.kind == "roster":
            return f"kefu new roster --week {self.id}"
        return f"kefu approve {self.id}"


@dataclass
class PendingReport:
    now: dt.datetime
    person: str | None = None  # --for: only what this person may decide
    person_name: str = ""
    items: list[PendingItem] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def overdue(self) -> list[PendingItem]:
        return [i for i in self.items if i.overdue]


def deadline_text(due: dt.datetime | None) -> str:
    """`2026-12-02 24:00` for the end of a day, `2026-12-02 17:30` otherwise; `无规定时限`."""
    if due is None:
        return "无规定时限"
    if due.hour == 0 and due.minute == 0:
        return f"{due - dt.timedelta(days=1):%Y-%m-%d} 24:00"
    return f"{due:%Y-%m-%d %H:%M}"


def report(book: StaffBook, person: str | None = None) -> PendingReport:
    """What awaits a decision in `book` (only what `person` may decide, when given)."""
    out = PendingReport(book.now, person, book.name(person) if person else "",
                        names={pid: book.name(pid) for pid in book.people})
    for item in pending(book):
        people = tuple(deciders(book, item, recorders=True))
        if person is not None and person not in people:
            continue
        out.items.append(_item(book, item, people))
    roster = _roster(book)
    if roster is not None and (person is None or person in roster.deciders):
        out.items.append(roster)
    out.items.sort(key=lambda i: (i.since, i.id))
    return out


def _item(book: StaffBook, item: Awaiting, people: tuple[str, ...]) -> PendingItem:
    overdue = item.due is not None and item.due <= book.now
    soon = not overdue and item.due is not None and item.due - book.now <= SOON
    return PendingItem(item.kind, item.id, item.step, item.what, who_text(book, item), people,
                       item.since, item.due, item.term, overdue, soon)


def _roster(book: StaffBook) -> PendingItem | None:
    """Next week's roster while it is missing and rosters are kept here lately."""
    assert book.rules is not None
    rule = book.rules.roster
    monday = book.today - dt.timedelta(days=book.today.weekday())
    recent = {week_of(monday - dt.timedelta(days=7 * n)) for n in range(5)}
    following = week_of(monday + dt.timedelta(days=7))
    if not recent & set(book.rosters) or following in book.rosters:
        return None
    hours, minutes = (int(x) for x in rule.due_time.split(":"))
    due = day_start(monday + dt.timedelta(days=rule.due_weekday - 1), hours * 60 + minutes)
    days = week_days(following)
    people = tuple(book.supervisors())
    who = "客服主管" + (f"（{'、'.join(book.name(p) for p in people)}）" if people else "")
    return PendingItem("roster", following, "roster",
                       f"下周值班表 {following}（{days[0].isoformat()} 至 {days[-1].isoformat()}）",
                       who, people, day_start(monday), due,
                       "本周五 17:30 前排好，交行政部汇总", due <= book.now,
                       book.now < due <= book.now + SOON)


def for_person(ws: Any, typed: str | None) -> str | None:
    """The person --for names (id or name), or None for everyone."""
    return ws.person(typed, "--for") if typed else None

