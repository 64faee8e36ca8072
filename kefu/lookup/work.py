"""Open work: every ticket not closed with its next deadline, most urgent first, grouped by owner
or by dealer; and a dealer's tickets. The site's open-work and dealer pages are built on these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kefu.collation import name_key
from kefu.records import Record

from .desk import Desk
from .state import created
from .terms import Term, next_due, terms

FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Work:
    """A ticket as a line of a work list: its record and its next open deadline, if any."""

    record: Record
    next: Term | None

    @property
    def overdue(self) -> bool:
        return self.next is not None and self.next.state == "overdue"


def urgency(work: Work) -> tuple[int, dt.datetime, float, str]:
    """Overdue first, then by the next deadline, then the ones without one, newest first."""
    due = work.next.due if work.next is not None else None
    at = due if isinstance(due, dt.datetime) else FAR
    began = created(work.record)
    return (0 if work.overdue else 1, at, -began.timestamp() if began else 0.0,
            work.record.id)


def tickets_of(desk: Desk, keep: Callable[[Record], bool] | None = None) -> list[Work]:
    """The tickets passing `keep` (all by default), each with its next deadline."""
    return [Work(r, next_due(terms(desk, r)) if r.data.get("status") != "closed" else None)
            for r in desk.of_kind("ticket") if keep is None or keep(r)]


def open_work(desk: Desk) -> list[Work]:
    """Every ticket not closed, most urgent first."""
    return sorted(tickets_of(desk, lambda r: r.data.get("status") != "closed"), key=urgency)


def grouped(works: Iterable[Work], field: str, kind: str,
            desk: Desk) -> list[tuple[str, list[Work]]]:
    """Works by the record a field names (owner -> person, dealer -> dealer), in the order of
    the names (pinyin), those without one last under ""; each group keeps the works' order."""
    groups: dict[str, list[Work]] = {}
    for work in works:
        groups.setdefault(str(work.record.data.get(field) or ""), []).append(work)

    def key(item: tuple[str, list[Work]]) -> tuple[int, object, str]:
        return (0 if item[0] else 1, name_key(desk.name(kind, item[0])), item[0])

    return sorted(groups.items(), key=key)
