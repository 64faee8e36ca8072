"""Benchmark corpora: many tickets, or many people over many years of staff records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kefu.calendar import WorkCalendar
from kefu.records.new import Flow

from . import write
from .crew import CREW, ITEMS, POSTS, Crew, Writer, at, mondays, punch
from .crew import first as on_duty


def corpus(root: Path, people: int = 50, years: int = 10, seed: int = 7) -> dict[str, int]:
    """`years` of rosters, swaps, leave, 补卡 and hand-overs for `people` (groups of nine)."""
    cal = WorkCalendar.load(root)
    w = Writer(cal, seed)
    ids = [f"staff{i:03d}" for i in range(people)]
    crews = [Crew({post: ids[g * 9 + i] for i, post in enumerate(POSTS)}, g)
             for g in range(people // 9)]
    end = dt.date(2026, 11, 23)
    start = end - dt.timedelta(weeks=52 * years)
    start -= dt.timedelta(days=start.weekday())
    away: dict[tuple[str, dt.date], str] = {}
    for crew in crews:  # a week's annual leave a year for the dealer-facing posts
        for year in range(years):
            person = crew.people[("dea1", "dea2", "tech")[year % 3]]
            first = start + dt.timedelta(weeks=52 * year + 10 + crew.index * 3)
            monday = first - dt.timedelta(days=first.weekday())
            days = [monday + dt.timedelta(days=d) for d in range(2)]
            lid = w.rid("L", days[0])
            w.records["leave"].append({
                "id": lid, "person": person, "type": "annual", "start": days[0], "end": days[-1],
                "applied": at(days[0] - dt.timedelta(days=14), 10, 0), "status": "approved",
                "approver": "supervisor", "approved_by": crew.people["sup"],
                "decided": at(days[0] - dt.timedelta(days=13), 10, 0)})
            for day in days:
                away[(person, day)] = lid
    for monday in mondays(start, end):
        cells = w.roster(crews, monday, away, crews[0].people["sup"], ids[len(crews) * 9:])
        for crew in crews:
            pair = _exchange_of(crew, cells, monday)
            if pair:
                (giver, d1), (taker, d2) = pair
                w.swap(d1, "evening", giver, taker, at(d1 - dt.timedelta(days=2), 10, 0),
                       by=crew.people["sup"], back=(d2, "evening"))
        for crew in crews:
            for post in ("hot1", "dea1"):
                person = crew.people[post]
                row = cells[person]
                if "day" in row:
                    day = monday + dt.timedelta(days=row.index("day"))
                    w.records["punch"].append(punch(w, person, day, "in", "day",
                                                     at(day + dt.timedelta(days=1), 9, 0),
                                                     "pending"))
    day = start
    while day <= end:
        for shift in ("day", "evening"):
            incoming_day = day + dt.timedelta(days=1) if shift == "evening" else day
            outgoing = on_duty(w, day, shift)
            incoming = on_duty(w, incoming_day, "evening" if shift == "day" else "day",
                              other_than=outgoing)
            w.records["handover"].append({
                "id": f"H-{day:%Y%m%d}-{shift}", "date": day, "shift": shift,
                "outgoing": outgoing, "incoming": incoming,
                "at": at(day, 17 if shift == "day" else 23, 35 if shift == "day" else 55),
                "status": "handed-over", "items": ITEMS, "signed": Flow([outgoing, incoming])})
        day += dt.timedelta(days=1)
    for kind, items in w.records.items():
        write(root, kind, items)
    return {kind: len(items) for kind, items in w.records.items()}


def _exchange_of(crew: Crew, cells: dict[str, list[str]], monday: dt.date
                 ) -> tuple[tuple[str, dt.date], tuple[str, dt.date]] | None:
    mine = {crew.people[p]: cells[crew.people[p]] for p in CREW}
    for a, row_a in mine.items():
        for b, row_b in mine.items():
            if a != b and "rest" in row_a and "rest" in row_b:
                d1, d2 = row_b.index("rest"), row_a.index("rest")
                if row_a[d1] == "evening" and row_b[d2] == "evening":
                    return (a, monday + dt.timedelta(days=d1)), (b, monday + dt.timedelta(
                        days=d2))
    return None


def many_people(count: int) -> list[dict[str, Any]]:
    return [{"id": f"staff{i:03d}", "name": f"员工{i:03d}",
             "role": "supervisor" if i % 9 == 0 else "service-specialist",
             "team": f"第{i // 9 + 1}组"}
            for i in range(count)]


