"""Decisions past their term (as of today): a warning for each person who may decide it, which
`kefu overdue` and the daily reminder list by person (kefu.staff.authority says who and when)."""

from __future__ import annotations

from typing import Any

from kefu.problems import Severity
from kefu.records.kinds import Finding, Placed
from kefu.staff.book import StaffBook

from .common import staff_check

SLUG = "decision-overdue"


def overdue_decisions(book: StaffBook, kind: str) -> list[Placed]:
    """A warning per decider for each request of `kind` whose decision is past due."""
    from kefu.staff.authority import awaiting, deciders, who_text
    from kefu.staff.pending import deadline_text

    out: list[Placed] = []
    for data in book.of(kind):
        item = awaiting(book, kind, data)
        if item is None or item.due is None or item.due > book.now:
            continue
        action = "复核" if item.step == "appeal" else "审核" if item.step == "reviewed" else "审批"
        text = (f"{item.what}：等待{who_text(book, item)}{action}，已过时限（{item.term}，"
                f"最迟 {deadline_text(item.due)}）。请尽快处理：kefu approve {item.id}，"
                f"或 kefu refuse {item.id} --reason 理由。")
        for owner in deciders(book, item, recorders=True) or [""]:
            out.append(Placed(kind, item.id, Finding(SLUG, ("id",), text, Severity.WARNING),
                              owner))
    return out


@staff_check(quiet=True)
def leave_timely(book: StaffBook, group: Any) -> list[Placed]:
    return overdue_decisions(book, "leave")


@staff_check(quiet=True)
def punch_timely(book: StaffBook, group: Any) -> list[Placed]:
    return overdue_decisions(book, "punch")


@staff_check(quiet=True)
def trip_timely(book: StaffBook, group: Any) -> list[Placed]:
    return overdue_decisions(book, "trip")
