"""`kefu staff MONTH`: per person, days on duty, leave by kind, 补卡, swaps and hand-overs, and the
penalties the records prove, proposed only (the supervisor accepts one by committing a
rewards-and-penalties record: `kefu new sanction`).

The figures are those of the effective rosters (approved swaps applied, approved leave and trips
taken out); issue 10's monthly report reads them through `month_summary()` or `--format json`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kefu import times
from kefu.collation import name_key
from kefu.problems import KefuError
from kefu.staff.book import StaffBook, days_between
from kefu.staff.checks import punch_positions
from kefu.staff.terms import week_of
from kefu.times import SHANGHAI

if TYPE_CHECKING:
    from kefu.workspace import Workspace


@dataclass(frozen=True)
class Proposal:
    """A penalty the records prove, not yet decided: the rule, the amount and the evidence."""

    person: str
    name: str
    rule: str  # key of the ledger in records/staff-rules.yml
    title: str
    amount: int | None
    evidence: tuple[str, ...]  # record ids
    reason: str
    date: dt.date  # when it happened
    accepted: str | None = None  # the rewards-and-penalties record that took it up

    def command(self, recorded_by: str) -> str:
        """The `kefu new sanction` command that accepts it."""
        amount = f" --amount {self.amount}" if self.amount is not None else ""
        return (f"kefu new sanction --person {self.person} --rule {self.rule}{amount} "
                f"--evidence {','.join(self.evidence)} --reason \"{self.reason}\" "
                f"--recorded-by {recorded_by}")


@dataclass
class PersonMonth:
    id: str
    name: str
    duty_days: int = 0
    shifts: dict[str, int] = field(default_factory=dict)  # shift key -> count
    leave_days: dict[str, int] = field(default_factory=dict)  # leave type -> days
    trip_days: int = 0
    absent_days: int = 0
    punches: int = 0
    swaps_given: int = 0
    swaps_taken: int = 0
    handovers: int = 0


@dataclass
class StaffMonth:
    month: str  # 2026-11
    first: dt.date
    last: dt.date
    people: list[PersonMonth] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    missing_weeks: list[str] = field(default_factory=list)  # weeks of the month with no roster
    shift_titles: dict[str, str] = field(default_factory=dict)  # shift key -> 白班
    recorded_by: str = "客服主管编号"

    @property
    def open_proposals(self) -> list[Proposal]:
        return [p for p in self.proposals if p.accepted is None]


def parse_month(text: str | None, today: dt.date) -> dt.date:
    if not text:
        return today.replace(day=1)
    try:
        first = dt.date.fromisoformat(f"{text.strip()}-01")
    except ValueError:
        raise KefuError(f"无法识别的月份 `{text}`：请写 YYYY-MM，如 2026-11。",
                        "bad-date", 2) from None
    times.check_year(first.year, text, "月份")
    return first


def month_summary(ws: Workspace, first: dt.date) -> StaffMonth:
    book, _ = StaffBook.load(ws)
    return summarize(book, first)


def summarize(book: StaffBook, first: dt.date) -> StaffMonth:
    assert book.rules is not None
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    report = StaffMonth(first.strftime("%Y-%m"), first, last)
    report.recorded_by = (book.supervisors() or ["客服主管编号"])[0]
    people: dict[str, PersonMonth] = {}

    def of(person: str) -> PersonMonth:
        if person not in people:
            people[person] = PersonMonth(person, book.name(person))
        return people[person]

    absent = {(str(item["person"]), day) for item in book.lists["leave"]
              if item.get("status") == "absent"
              for day in days_between(item["start"], item["end"])}
    weeks = sorted({week_of(day) for day in days_between(first, last)})
    for week_id in weeks:
        week = book.week(week_id)
        if week is None:
            report.missing_weeks.append(week_id)
            continue
        worked: set[tuple[str, dt.date]] = set()
        for duty in week.duties:
            key = (duty.person, duty.day)
            if not first <= duty.day <= last or key in book.away or key in absent:
                continue
            person = of(duty.person)
            report.shift_titles.setdefault(duty.shift, week.shifts[duty.shift].title)
            person.shifts[duty.shift] = person.shifts.get(duty.shift, 0) + 1
            worked.add(key)
        for person_id, _ in worked:
            of(person_id).duty_days += 1
        for person_id in week.people():
            of(person_id)
    for item in book.lists["leave"]:
        start, end = max(item["start"], first), min(item["end"], last)
        if start > end:
            continue
        person = of(str(item["person"]))
        if item.get("status") == "approved":
            kind = str(item["type"])
            days = book.leave_days(person.id, start, end)
            person.leave_days[kind] = person.leave_days.get(kind, 0) + days
        elif item.get("status") == "absent":
            person.absent_days += (end - start).days + 1
    for item in book.lists["trip"]:
        if item.get("status") != "approved":
            continue
        stop = max(item["end"], item.get("extended_to") or item["end"])
        start, end = max(item["start"], first), min(stop, last)
        if start <= end:
            of(str(item["person"])).trip_days += (end - start).days + 1
    for swap in book.lists["swap"]:
        if swap.get("status") == "approved" and first <= swap["date"] <= last:
            of(str(swap["giver"])).swaps_given += 1
            of(str(swap["taker"])).swaps_taken += 1
    for record in book.lists["handover"]:
        if record.get("status") == "handed-over" and first <= record["date"] <= last:
            of(str(record["outgoing"])).handovers += 1
    report.proposals = _proposals(book, first, last)
    for punch in book.lists["punch"]:
        if punch.get("status") != "cancelled" and first <= punch["missed"] <= last:
            of(str(punch["person"])).punches += 1
    for proposal in report.proposals:
        of(proposal.person)
    report.people = sorted(people.values(), key=lambda p: (name_key(p.name), p.id))
    return report


def _proposals(book: StaffBook, first: dt.date, last: dt.date) -> list[Proposal]:
    assert book.rules is not None
    rules, ledger = book.rules, book.rules.ledger
    found: list[Proposal] = []

    def propose(person: str, rule: str, evidence: str, reason: str, day: dt.date) -> None:
        entry = ledger[rule]
        found.append(Proposal(person, book.name(person), rule, entry.title, entry.amount,
                              (evidence,), reason, day, _accepted(book, person, rule, evidence)))

    within = rules.punches.within_days
    for punch, position, late in punch_positions(book):
        day = punch["missed"]
        if not first <= day <= last:
            continue
        if late:
            applied = punch["applied"].astimezone(SHANGHAI).date()
            propose(str(punch["person"]), rules.punches.penalty, str(punch["id"]),
                    f"{day.isoformat()} 忘记打卡，{applied.isoformat()} 才申请补卡"
                    f"（应在 {within} 日内），按未补卡处理", day)
        elif position > rules.punches.max_per_month:
            propose(str(punch["person"]), rules.punches.penalty, str(punch["id"]),
                    f"{day:%Y 年 %m 月}第 {position} 次忘记打卡（每月最多补卡 "
                    f"{rules.punches.max_per_month} 次），按未补卡处理", day)
    # No swap record proves the 20-yuan fine: seed 000 fines only 私自离岗未做好调班 (a shift left
    # with nobody covering it), while every swap record, approved late or private, names the
    # colleague who covered. The supervisor records that fine herself, with her evidence.
    for item in book.lists["leave"]:
        if item.get("status") == "absent" and first <= item["start"] <= last:
            span = item["start"].isoformat() + (
                f" 至 {item['end'].isoformat()}" if item["end"] != item["start"] else "")
            propose(str(item["person"]), rules.leave.absence_penalty, str(item["id"]),
                    f"{span} 未经批准缺勤，按旷工处理", item["start"])
    found.sort(key=lambda p: (p.date, p.person, p.evidence))
    return found


def _accepted(book: StaffBook, person: str, rule: str, evidence: str) -> str | None:
    """The rewards-and-penalties record that took this proposal up, if any."""
    for record in book.lists["sanction"]:
        if record.get("person") == person and record.get("rule") == rule and \
                evidence in (record.get("evidence") or ()):
            return str(record["id"])
    return None
