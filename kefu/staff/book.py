"""The staff records of one repository as the checks, commands and pages see them.

`StaffBook` holds the valid records by kind (plain data, as `load()` keeps it), the rules of
records/staff-rules.yml, the work calendar and the people, and computes on demand what several
users need: each week's effective roster (kefu.staff.roster), who is away on which day, how many
days a leave counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kefu.staff.terms import REST, week_monday, week_of

if TYPE_CHECKING:
    from kefu.calendar import WorkCalendar
    from kefu.kinds.staff_rules import StaffRules
    from kefu.records.across import Group
    from kefu.records.corpus import LoadResult
    from kefu.staff.roster import Week
    from kefu.workspace import Workspace

KINDS = ("roster", "swap", "leave", "trip", "punch", "handover", "loan", "sanction")
Data = Mapping[str, Any]


@dataclass(frozen=True)
class Away:
    """One day a person is away on approved leave or an approved trip."""

    kind: str  # "leave" | "trip"
    id: str
    type: str  # leave type, or "trip"
    decided: dt.datetime | None = None  # when it was approved (a trip: by the general manager)


class StaffBook:
    """Staff records, rules, calendar and people of one repository, as of `today`."""

    def __init__(self, records: Mapping[str, Iterable[Data]], rules: StaffRules | None,
                 calendar: WorkCalendar, today: dt.date, now: dt.datetime,
                 rels: Mapping[tuple[str, str], str] | None = None) -> None:
        self.rules = rules
        self.calendar = calendar
        self.today = today
        self.now = now
        self.rels = rels or {}  # (kind, id) -> file, for messages and pages
        self.people: dict[str, Data] = {str(d["id"]): d for d in records.get("person", ())}
        self.rosters: dict[str, Data] = {str(d["id"]): d for d in records.get("roster", ())}
        self.lists: dict[str, list[Data]] = {
            kind: sorted(records.get(kind, ()), key=lambda d: str(d["id"])) for kind in KINDS
            if kind != "roster"}
        self._weeks: dict[tuple[str, bool], Week | None] = {}

    # -- building -------------------------------------------------------------------------
    @classmethod
    def from_group(cls, group: Group) -> StaffBook:
        """The book of an Across check's records (shared by every check of one run)."""
        def make() -> StaffBook:
            from kefu.kinds.staff_rules import parse_rules

            found = group.of("staff-rules")
            rules = parse_rules(found[0].data) if found else None
            records = {kind: [r.data for r in group.of(kind)] for kind in (*KINDS, "person")}
            return cls(records, rules, _calendar(group.root), group.today, group.now)

        return group.memo("staff-book", make)

    @classmethod
    def from_result(cls, ws: Workspace, result: LoadResult) -> StaffBook:
        """The book of loaded records (commands and pages); KefuError without the rules."""
        from kefu.kinds.staff_rules import parse_rules
        from kefu.problems import KefuError

        found = result.of_kind("staff-rules")
        if not found:
            bad = [p.format() for p in result.errors if p.path.endswith("staff-rules.yml")]
            detail = "：\n" + "\n".join(bad) if bad else "（records/staff-rules.yml 不存在）"
            raise KefuError(f"值班与人事规则文件无效或缺失{detail}\n请先修正它。",
                            "staff-rules-invalid", 1)
        records: dict[str, list[Data]] = {}
        rels: dict[tuple[str, str], str] = {}
        prefix = str(ws.root) + "/"
        for kind in (*KINDS, "person"):  # not the 100,000s of tickets
            for record in result.of_kind(kind):
                records.setdefault(kind, []).append(record.data)
                rels[(kind, record.id)] = record.file.removeprefix(prefix)
        from kefu.records.across import moment

        day, now = moment(ws.today)
        return cls(records, parse_rules(found[0].data), ws.calendar, day, now, rels)

    @classmethod
    def load(cls, ws: Workspace) -> tuple[StaffBook, LoadResult]:
        """Load the staff records (and people, rules) of `ws` and make the book."""
        from kefu.records.kinds import KINDS as REGISTRY

        folders = [ws.root / "records" / REGISTRY[k].folder for k in (*KINDS, "person")]
        paths: list[Path] = [f for f in folders if f.is_dir()]
        rules_file = ws.root / "records" / REGISTRY["staff-rules"].file
        if rules_file.is_file():
            paths.append(rules_file)
        result = ws.load(paths) if paths else ws.load()
        return cls.from_result(ws, result), result

    # -- people ---------------------------------------------------------------------------
    def name(self, person: str | None) -> str:
        data = self.people.get(person or "")
        return str(data.get("name")) if data else (person or "")

    def role(self, person: str | None) -> str | None:
        data = self.people.get(person or "")
        return str(data.get("role")) if data else None

    def supervisors(self) -> list[str]:
        """Active people whose role is 客服主管 (whom a missing roster is for)."""
        return [pid for pid, data in self.people.items()
                if data.get("role") == "supervisor" and data.get("active", True)]

    def of(self, kind: str) -> list[Data]:
        return list(self.rosters.values()) if kind == "roster" else self.lists.get(kind, [])

    # -- weeks ----------------------------------------------------------------------------
    def week(self, week_id: str, swaps: bool = True) -> Week | None:
        """The week's roster with approved swaps and leave covers applied (or without them),
        None if none."""
        key = (week_id, swaps)
        if key not in self._weeks:
            from kefu.staff.roster import build_week

            data = self.rosters.get(week_id)
            self._weeks[key] = build_week(self, data, swaps) if data is not None and \
                self.rules is not None and week_monday(week_id) is not None else None
        return self._weeks[key]

    @cached_property
    def swaps_by_week(self) -> dict[str, list[Data]]:
        """Approved swaps by each week they touch, in the order they were approved."""
        found: dict[str, list[Data]] = {}
        approved = [s for s in self.lists["swap"] if s.get("status") == "approved"]
        approved.sort(key=lambda s: (_stamp(s.get("decided")), str(s["id"])))
        for swap in approved:
            weeks = {week_of(swap["date"])}
            back = swap.get("back")
            if back:
                weeks.add(week_of(back["date"]))
            for week in weeks:
                found.setdefault(week, []).append(swap)
        return found

    @cached_property
    def covers_by_week(self) -> dict[str, list[Data]]:
        """Approved leave naming a colleague who covers it, by each week it touches."""
        found: dict[str, list[Data]] = {}
        for leave in self.lists["leave"]:
            cover = leave.get("cover")
            if leave.get("status") != "approved" or not cover or cover == leave["person"]:
                continue
            for week in sorted({week_of(day) for day in days_between(leave["start"],
                                                                     leave["end"])}):
                found.setdefault(week, []).append(leave)
        return found

    @cached_property
    def chain(self) -> Any:
        """The hand-overs' matters, walked in time order (kefu.staff.matters)."""
        from kefu.staff.matters import matter_chain

        return matter_chain(self)

    # -- away -----------------------------------------------------------------------------
    @cached_property
    def away(self) -> dict[tuple[str, dt.date], Away]:
        """(person, day) -> the approved leave or trip that has them away."""
        found: dict[tuple[str, dt.date], Away] = {}
        for leave in self.lists["leave"]:
            if leave.get("status") == "approved":
                for day in days_between(leave["start"], leave["end"]):
                    found.setdefault((str(leave["person"]), day),
                                     Away("leave", str(leave["id"]), str(leave["type"]),
                                          leave.get("decided")))
        for trip in self.lists["trip"]:
            if trip.get("status") == "approved":
                end = max(trip["end"], trip.get("extended_to") or trip["end"])
                for day in days_between(trip["start"], end):
                    found.setdefault((str(trip["person"]), day),
                                     Away("trip", str(trip["id"]), "trip",
                                          trip.get("approved")))
        return found

    def leave_days(self, person: str, start: dt.date, end: dt.date) -> int:
        """Days of leave from `start` to `end`: every day but the person's rest days.

        A rest day is `rest` in that week's roster; a week without a roster (or without the
        person) counts the work calendar's days off as rest days.
        """
        count = 0
        for day in days_between(start, end):
            cell = self.cell(person, day)
            if cell is None:
                count += self.calendar.is_workday(day)
            else:
                count += cell != REST
        return count

    def cell(self, person: str, day: dt.date) -> Any:
        """What the roster file says for the person on `day` (None: no roster or no row)."""
        roster = self.rosters.get(week_of(day))
        if roster is None:
            return None
        for row in roster.get("staff") or ():
            if row.get("person") == person:
                return row["days"][day.weekday()]
        return None


def days_between(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def _stamp(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.datetime) else ""


def _calendar(root: Path) -> WorkCalendar:
    """The work calendar; its own problems are reported by validate, so a bad file here falls
    back to the official arrangement instead of stopping every check."""
    from kefu.calendar import WorkCalendar
    from kefu.problems import KefuError

    try:
        return WorkCalendar.load(root)
    except KefuError:
        return WorkCalendar(root=root)
