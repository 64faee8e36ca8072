"""What a record is at a glance: its one-line name, whether work on it is still open, whose it is.

`standing` says open (something is still to be done: a ticket not closed, a request awaiting a
decision, a loan not returned, a hand-over matter not finished, an appeal under review), closed,
or neither (people, dealers, rosters), with the Chinese word for its state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kefu.privacy import mask, names
from kefu.records import KINDS, Record
from kefu.records.model import field_labels
from kefu.times import SHANGHAI

from .desk import Desk
from .facts import field_info
from .story import MOMENTS

# The field that names a record in a list (its title), where the kind has one.
TITLE_FIELDS = {"ticket": "title", "dealer": "company", "person": "name", "loan": "archive",
                "trip": "destination", "sanction": "reason"}
# Whose record it is, for `kefu find --owner` and for the lists (the first field that is set).
OWNER_FIELDS: dict[str, tuple[str, ...]] = {
    "ticket": ("owner",), "leave": ("person",), "swap": ("giver", "taker"),
    "trip": ("person",), "punch": ("person",), "handover": ("outgoing", "incoming"),
    "loan": ("handler",), "sanction": ("person",), "assessment": ("person",),
    "roster": ("prepared_by",),
}
DECIDED_KINDS = frozenset({"leave", "swap", "punch", "trip"})  # open while pending


@dataclass(frozen=True)
class Standing:
    open: bool | None  # None: neither open nor closed (a person, a dealer, a roster)
    label: str


def _status_label(record: Record) -> str:
    status = str(record.data.get("status", ""))
    return field_labels(field_info(record.kind, ("status",))).get(status, status)


def standing(desk: Desk, record: Record) -> Standing:
    """Whether work on the record is open, and its state in Chinese."""
    data, kind = record.data, record.kind
    if kind == "ticket":
        return Standing(data.get("status") != "closed", _status_label(record))
    if kind in DECIDED_KINDS:
        return Standing(data.get("status") == "pending", _status_label(record))
    if kind == "loan":
        if data.get("returned"):
            return Standing(False, "已归还")
        due = data.get("due")
        late = isinstance(due, dt.date) and due < desk.ws.today
        return Standing(True, "超期未还" if late else "借出中")
    if kind == "handover":
        left = sum(1 for m in data.get("matters") or () if not m.get("closed"))
        label = _status_label(record)
        return Standing(left > 0, f"{label}，未办结事项 {left} 项" if left else label)
    if kind == "sanction":
        pending = any(a.get("outcome") == "pending" for a in data.get("appeals") or ())
        return Standing(pending, "申诉复核中" if pending else "已公布")
    if kind == "person":
        return Standing(None, "在职" if data.get("active", True) else "已离职")
    if kind == "dealer":
        return Standing(None, "合作中" if data.get("active", True) else "已停止合作")
    return Standing(None, _status_label(record) if "status" in data else "")


def owners(record: Record) -> list[str]:
    """The people whose record it is (a ticket's owner, a swap's two colleagues)."""
    fields = OWNER_FIELDS.get(record.kind)
    if fields is None:  # a kind of its own: its top-level references to people
        fields = tuple(ref.path[0] for ref in KINDS[record.kind].references
                       if ref.target == "person" and len(ref.path) == 1)
    return [str(record.data[f]) for f in fields if record.data.get(f)]


def dealer_of(record: Record) -> str | None:
    """The dealer a record is about: a dealer itself, or the one a ticket names."""
    if record.kind == "dealer":
        return record.id
    dealer = record.data.get("dealer")
    return str(dealer) if dealer else None


def created(record: Record) -> dt.datetime | None:
    """When the record began (a ticket received, a request made), for newest-first lists."""
    data = record.data
    first = data.get("received")
    if first is None:
        moments = MOMENTS.get(record.kind) or ()
        first = next((data.get(m.field) for m in moments if data.get(m.field)), None)
    if first is None:
        first = next((v for v in data.values() if isinstance(v, dt.datetime)), None)
    if isinstance(first, dt.datetime):
        return first
    if isinstance(first, dt.date):
        return dt.datetime.combine(first, dt.time(0, 0), tzinfo=SHANGHAI)
    return None


def headline(desk: Desk, record: Record, with_personal: bool = False) -> str:
    """The record in a few words: a ticket's title, a person's name, 陈静 年假 2026-09-08…"""
    data = record.data
    text = _headline(desk, record.kind, data)
    text = " ".join(text.split())
    return text if with_personal else mask(text, names(desk.personal))


def _headline(desk: Desk, kind: str, data: Mapping[str, Any]) -> str:
    def who(field: str) -> str:
        return desk.name("person", data.get(field))

    def shift() -> str:
        key = str(data.get("shift", ""))
        return desk.shifts.get(key, key)

    def labelled(field: str) -> str:
        value = str(data.get(field, ""))
        return field_labels(field_info(kind, (field,))).get(value, value)

    if kind in TITLE_FIELDS and kind != "trip" and kind != "sanction":
        return str(data.get(TITLE_FIELDS[kind], ""))
    if kind == "trip":
        return f"{who('person')} 出差 {data.get('destination', '')}"
    if kind == "sanction":
        return f"{who('person')} {data.get('reason', '')}"
    if kind == "leave":
        start, end = data.get("start"), data.get("end")
        days = f"{start}" if end in (None, start) else f"{start} 至 {end}"
        return f"{who('person')} {labelled('type')} {days}"
    if kind == "swap":
        day = data.get("date", "")
        return f"{labelled('type')} {day} {shift()} {who('giver')} → {who('taker')}"
    if kind == "punch":
        return f"{who('person')} {data.get('missed', '')} 漏打{labelled('which')}卡"
    if kind == "handover":
        return f"{data.get('date', '')} {shift()}交接 {who('outgoing')} → {who('incoming')}"
    if kind == "roster":
        from kefu.staff.terms import week_days

        week = week_days(str(data.get("id", "")))
        return f"{week[0]} 至 {week[-1]}" if week else ""
    if kind == "assessment":
        return f"{who('person')} {data.get('month', '')} 绩效评分"
    return KINDS[kind].label(data, "")
