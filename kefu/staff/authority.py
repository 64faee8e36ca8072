"""Who may decide what: records/staff-rules.yml read for one request at a time.

A request awaits one decision at a time (a trip two: the department's review, then the general
manager's approval): `awaiting(book, kind, data)` says which, as whom it may be decided
(supervisor, gm-office, general-manager: by kind, by a leave's days, by an archive's category),
by when (the rules' terms) and who asked. A person decides as the supervisor when her post is
客服主管; as 总经办 or 总经理 when the rules' `deciders.offices` name her; she may enter such an
office's signed decision when her post is one of `deciders.recorders` (`kefu approve --as`).
Nobody decides her own request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kefu.kinds.person import ROLE_LABELS
from kefu.staff.book import StaffBook
from kefu.staff.terms import APPROVER_LABELS, day_text, week_of
from kefu.times import SHANGHAI

OWN, RECORDER = "own", "recorder"
KINDS = ("leave", "swap", "punch", "trip", "loan", "sanction")
ACTION_WORDS = {"approved": "审批", "reviewed": "部门审核", "appeal": "复核申诉"}


@dataclass(frozen=True)
class Awaiting:
    """One decision a record awaits: `step` approved (or reviewed, appeal), as one of
    `allowed`, asked by `applicant` at `since`, due by `due` (None: no term in the rules)."""

    kind: str
    id: str
    step: str
    allowed: tuple[str, ...]
    applicant: str
    since: dt.datetime
    due: dt.datetime | None
    what: str  # Chinese, without personal values (no reason, no kind of leave)
    term: str  # the rule the due time comes from, in Chinese


def awaiting(book: StaffBook, kind: str, data: Mapping[str, Any]) -> Awaiting | None:
    """The decision `data` (a folded record of `kind`) awaits now, if any."""
    maker = _MAKERS.get(kind)
    return maker(book, data) if maker is not None and book.rules is not None else None


def pending(book: StaffBook) -> list[Awaiting]:
    """Every decision awaited in the book, oldest request first."""
    found = [item for kind in KINDS for data in book.of(kind)
             if (item := awaiting(book, kind, data)) is not None]
    return sorted(found, key=lambda a: (a.since, a.id))


def day_start(day: dt.date, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), SHANGHAI) + dt.timedelta(minutes=minute)


def _leave(book: StaffBook, data: Mapping[str, Any]) -> Awaiting | None:
    assert book.rules is not None
    if data.get("status") != "pending":
        return None
    rule = book.rules.leave
    person = str(data["person"])
    days = book.leave_days(person, data["start"], data["end"])
    allowed = rule.long_approvers if days > rule.supervisor_max_days else rule.short_approvers
    span = data["start"].isoformat() + ("" if data["end"] == data["start"]
                                        else f" 至 {data['end'].isoformat()}")
    due, term = day_start(data["start"]), "休假开始前审批"
    filed = data["applied"].astimezone(SHANGHAI).date()
    if data.get("by_phone") and filed >= data["start"]:
        # agreed by phone before it began and filed after: the approval records that call
        due = day_start(filed + dt.timedelta(days=2))
        term = "电话同意后补交：次日内登记批准，--at 写电话同意的时间"
    return Awaiting("leave", str(data["id"]), "approved", tuple(allowed), person,
                    data["applied"], due, f"{book.name(person)} 请假 {span}（{days} 天）", term)


def _swap(book: StaffBook, data: Mapping[str, Any]) -> Awaiting | None:
    assert book.rules is not None
    if data.get("status") != "pending":
        return None
    shift = str(data["shift"])
    start, title = shift_start(book, data["date"], shift)
    kind = "调班" if data.get("type") == "exchange" else "顶班"
    return Awaiting("swap", str(data["id"]), "approved", tuple(book.rules.swaps.approvers),
                    str(data["giver"]), data["requested"], start,
                    f"{kind}：{day_text(data['date'])} {title} {book.name(data['giver'])} → "
                    f"{book.name(data['taker'])}", "班次开始前批准")


def shift_start(book: StaffBook, day: dt.date, shift: str) -> tuple[dt.datetime | None, str]:
    """When a shift begins on `day` (the week's roster may redefine it) and its title."""
    assert book.rules is not None
    week = book.week(week_of(day))
    if week is not None and shift in week.shifts:
        found = week.shifts[shift]
        return day_start(day, found.start), found.title
    if shift in book.rules.shifts:
        return day_start(day, book.rules.shift_span(shift)[0]), book.rules.shifts[shift].title
    return None, shift


def _punch(book: StaffBook, data: Mapping[str, Any]) -> Awaiting | None:
    assert book.rules is not None
    if data.get("status") != "pending":
        return None
    rule = book.rules.punches
    which = "上班" if data.get("which") == "in" else "下班"
    return Awaiting("punch", str(data["id"]), "approved", tuple(rule.approvers),
                    str(data["person"]), data["applied"],
                    day_start(data["missed"] + dt.timedelta(days=rule.within_days)),
                    f"{book.name(data['person'])} 补卡：{day_text(data['missed'])} {which}卡",
                    f"漏打卡之日起 {rule.within_days} 日内（含当天）办完")


def _trip(book: StaffBook, data: Mapping[str, Any]) -> Awaiting | None:
    assert book.rules is not None
    if data.get("status") != "pending":
        return None
    rule = book.rules.trips
    reviewed = data.get("reviewed") is not None
    step, who = ("approved", rule.approver) if reviewed else ("reviewed", rule.reviewer)
    person = str(data["person"])
    return Awaiting("trip", str(data["id"]), step, (who,), person, data["applied"],
                    day_start(data["start"]),
                    f"{book.name(person)} 出差 {data['start'].isoformat()} 至 "
                    f"{data['end'].isoformat()}（{'待总经理审批' if reviewed else '待部门审核'}）",
                    "出发前经部门审核、总经理审批")


def _loan(book: StaffBook, data: Mapping[str, Any]) -> Awaiting | None:
    assert book.rules is not None
    if data.get("category") != "confidential" or any(
            data.get(k) is not None for k in ("approved", "refused", "returned")):
        return None
    stamp = dt.datetime.combine(data["out"], dt.time(0), SHANGHAI)
    borrower = next((pid for pid, p in book.people.items() if p.get("name") == data["borrower"]),
                    "")
    return Awaiting("loan", str(data["id"]), "approved", (book.rules.loans.confidential_approver,),
                    borrower, stamp, day_start(data["out"] + dt.timedelta(days=1)),
                    f"秘密档案借阅（借阅人 {data['borrower']}，{data['out'].isoformat()} 借出）",
                    "借出前批准")


def _sanction(book: StaffBook, data: Mapping[str, Any]) -> Awaiting | None:
    assert book.rules is not None
    appeal = next((a for a in data.get("appeals") or () if a.get("outcome") == "pending"), None)
    if appeal is None:
        return None
    return Awaiting("sanction", str(data["id"]), "appeal", tuple(book.rules.appeals.deciders),
                    str(appeal["by"]), appeal["at"], None,
                    f"{book.name(data['person'])} 对 {data['date'].isoformat()} 的奖惩记录提出申诉",
                    "制度未规定复核期限，尽快复核，直到不再有异议")


_MAKERS = {"leave": _leave, "swap": _swap, "punch": _punch, "trip": _trip, "loan": _loan,
           "sanction": _sanction}


# -- who ------------------------------------------------------------------------------------------
def qualifies(book: StaffBook, person: str, authority: str) -> str | None:
    """How `person` may decide as `authority`: OWN (her own post or office), RECORDER (she may
    enter the office's signed decision, with --as), or None."""
    data = book.people.get(person)
    if data is None or data.get("active", True) is False:
        return None
    if authority == "supervisor":
        return OWN if data.get("role") == "supervisor" else None
    deciders = book.rules.deciders if book.rules is not None else None
    if deciders is not None and person in deciders.offices.get(authority, ()):  # type: ignore[call-overload]
        return OWN
    recorders = deciders.recorders if deciders is not None else ["supervisor"]
    return RECORDER if data.get("role") in recorders else None


def deciders(book: StaffBook, item: Awaiting, recorders: bool = False) -> list[str]:
    """The people who may decide `item` themselves (and, with `recorders`, those who may enter
    an office's signed decision when nobody of the office is named)."""
    own = [pid for pid in book.people if pid != item.applicant
           and any(qualifies(book, pid, a) == OWN for a in item.allowed)]
    if own or not recorders:
        return own
    return [pid for pid in book.people if pid != item.applicant
            and any(qualifies(book, pid, a) == RECORDER for a in item.allowed)]


def who_text(book: StaffBook, item: Awaiting) -> str:
    """`客服主管（王芳）或总经办`: who may decide, by office, with the people of the rules."""
    parts = []
    for authority in item.allowed:
        people = [book.name(pid) for pid in book.people if pid != item.applicant
                  and qualifies(book, pid, authority) == OWN]
        label = APPROVER_LABELS.get(authority, authority)
        parts.append(f"{label}（{'、'.join(people)}）" if people else label)
    return "或".join(parts)


def recorders_text(book: StaffBook) -> str:
    deciders = book.rules.deciders if book.rules is not None else None
    roles = deciders.recorders if deciders is not None else ["supervisor"]
    return "、".join(ROLE_LABELS.get(r, r) for r in roles)

