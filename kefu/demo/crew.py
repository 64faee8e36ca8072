"""The building blocks of the sample department's staff records: posts, crews and a writer
that collects rosters, swaps and the rest, keeping track of who is on duty after each swap."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from kefu.calendar import WorkCalendar
from kefu.records.ids import ALPHABET
from kefu.records.new import Flow
from kefu.times import SHANGHAI

FOLDERS = ("rosters", "swaps", "leave", "trips", "punches", "handovers", "loans", "sanctions")
OFFICE = ("sup", "dea1", "dea2", "tech")
CREW = ("E1", "E2", "E3")
POSTS = ("sup", "hot1", "hot2", "dea1", "dea2", "tech", *CREW)
SAMPLE = {"sup": "wangfang", "hot1": "chenjing", "hot2": "liuyang", "dea1": "liqiang",
          "dea2": "zhangmin", "tech": "zhaolei", "E1": "zhouhui", "E2": "sunli", "E3": "wuhao"}
COVERS: dict[str, list[str] | None] = {
    "sup": None, "hot1": ["chat", "hotline"], "hot2": ["chat", "hotline"],
    "dea1": ["dealer"], "dea2": ["dealer"], "tech": ["dealer"],
    "E1": ["chat", "hotline"], "E2": ["chat", "hotline"], "E3": ["chat", "hotline"]}
LUNCH = {"hot1": "11:30", "hot2": "12:05", "sup": "12:40", "dea1": "11:30", "dea2": "12:05",
         "tech": "12:40", "E1": "13:15", "E2": "13:15", "E3": "13:15"}
DINNER = {"E1": "18:30", "E2": "19:05", "E3": "19:40"}
SHIFT_START = {"day": dt.time(8, 30), "evening": dt.time(17, 30)}
FIRST_WEEK = dt.date(2026, 8, 31)  # Monday of 2026-W36
LAST_WEEK = dt.date(2026, 11, 30)  # Monday of 2026-W49: next week, already planned
HANDOVERS_UNTIL = dt.date(2026, 11, 24)
PUNCH_REASONS = ["进门时手上提着样机，没按指纹", "下班前接代理商电话，走时没按指纹",
                 "指纹机排长队，没等到就上楼了", "早上送样机去仓库，直接到岗"]
ITEMS = [{"name": "办公室钥匙", "count": 2}, {"name": "热线电话机", "count": 2},
         {"name": "交接本", "count": 1}]



def mondays(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=7)


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI)


def week_id(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


class Crew:
    """One group of nine posts: whose cells, which meals, which channels."""

    def __init__(self, people: dict[str, str], index: int = 0) -> None:
        self.people = people  # post -> person id
        self.index = index  # shifts the rotation so that groups differ

    def base(self, monday: dt.date, workday: list[bool],
             away: set[tuple[str, int]] = frozenset()) -> dict[str, list[str]]:  # type: ignore[assignment]
        """Each post's cells for the week; `away` = (post, weekday) on approved leave or trip."""
        n = monday.isocalendar()[1] + self.index
        cells: dict[str, list[str]] = {}
        for i, post in enumerate(OFFICE):
            row = ["day" if workday[d] else "rest" for d in range(7)]
            if "rest" not in row:
                row[5 - i] = "rest"
            cells[post] = row
        rests = {post: (n + 2 * i) % 7 for i, post in enumerate(CREW)}
        day_post: dict[int, str] = {}
        for d in range(7):
            working = [p for p in CREW if rests[p] != d and (p, d) not in away]
            if len(working) == 3:
                day_post[d] = working[(d + n) % 3]
        for post in CREW:
            cells[post] = ["rest" if rests[post] == d else
                           "day" if day_post.get(d) == post else "evening" for d in range(7)]
        def fits(d: int, other: str) -> bool:
            helps = (cells["sup"][d] == "day" and ("sup", d) not in away) or d in day_post
            return helps and (other, d) not in away

        rests_of: dict[str, int] = {}
        for post, other in (("hot1", "hot2"), ("hot2", "hot1")):
            candidates = [d for d in range(7) if fits(d, other) and d not in rests_of.values()
                          and (post, d) not in away] or [d for d in range(7)
                                                          if d not in rests_of.values()]
            rests_of[post] = candidates[(n + (3 if post == "hot2" else 0)) % len(candidates)]
        for post, rest in rests_of.items():
            cells[post] = ["rest" if d == rest else "day" for d in range(7)]
        return cells

    def row(self, post: str, cells: list[str]) -> dict[str, Any]:
        row: dict[str, Any] = {"person": self.people[post]}
        covers = COVERS[post]
        if covers is not None:
            row["covers"] = Flow(covers)
        row["days"] = Flow(cells)
        meals = [_meal(LUNCH[post])] if "day" in cells else []
        if post in DINNER and "evening" in cells:
            meals.append(_meal(DINNER[post]))
        row["meals"] = meals
        return row


def _meal(start: str) -> dict[str, str]:
    hour, minute = map(int, start.split(":"))
    end = (hour * 60 + minute + 35)
    return {"start": start, "end": f"{end // 60:02d}:{end % 60:02d}"}


class Writer:
    """Collects records by kind and the duties after swaps (for hand-overs and pages)."""

    def __init__(self, cal: WorkCalendar, seed: int) -> None:
        self.cal = cal
        self.rng = random.Random(seed)
        self.records: dict[str, list[dict[str, Any]]] = {k: [] for k in (
            "roster", "swap", "leave", "trip", "punch", "handover", "loan", "sanction")}
        self.duty: dict[tuple[dt.date, str], list[str]] = {}  # (day, shift) -> people, in order
        self.taken: set[str] = set()

    def rid(self, letter: str, day: dt.date) -> str:
        while True:
            candidate = f"{letter}-{day:%Y%m%d}-" + "".join(
                self.rng.choice(ALPHABET) for _ in range(4))
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate

    def roster(self, crews: list[Crew], monday: dt.date, away: dict[tuple[str, dt.date], str],
               supervisor: str, extras: list[str] = ()) -> dict[str, list[str]]:  # type: ignore[assignment]
        days = [monday + dt.timedelta(days=i) for i in range(7)]
        workday = [self.cal.is_workday(d) for d in days]
        rows, cells_of = [], {}
        for crew in crews:
            gone = {(post, d) for post, person in crew.people.items() for d in range(7)
                    if (person, days[d]) in away}
            for post, cells in crew.base(monday, workday, gone).items():
                person = crew.people[post]
                cells = ["leave" if (person, days[d]) in away else cells[d] for d in range(7)]
                cells_of[person] = cells
                rows.append(crew.row(post, cells))
                for d, cell in enumerate(cells):
                    if cell in SHIFT_START:
                        self.duty.setdefault((days[d], cell), []).append(person)
        for person in extras:  # dealer-facing office staff outside the nine posts
            cells = ["leave" if (person, days[d]) in away else "day" if workday[d] else "rest"
                     for d in range(7)]
            if "rest" not in cells:
                cells[6] = "rest"
            cells_of[person] = cells
            rows.append({"person": person, "covers": Flow(["dealer"]), "days": Flow(cells)})
            for d, cell in enumerate(cells):
                if cell == "day":
                    self.duty.setdefault((days[d], cell), []).append(person)
        prepared = min(at(monday - dt.timedelta(days=4), 16, 0), at(HANDOVERS_UNTIL, 16, 0))
        self.records["roster"].append({"id": week_id(monday), "prepared_by": supervisor,
                                       "prepared": prepared, "staff": rows})
        return cells_of

    def swap(self, day: dt.date, shift: str, giver: str, taker: str, decided: dt.datetime,
             approver: str = "supervisor", by: str | None = "wangfang", status: str = "approved",
             back: tuple[dt.date, str] | None = None, reason: str | None = None) -> str:
        data: dict[str, Any] = {"id": self.rid("S", day), "type": "exchange" if back else "cover",
                                "date": day, "shift": shift, "giver": giver, "taker": taker}
        if back:
            data["back"] = {"date": back[0], "shift": back[1]}
        if reason:
            data["reason"] = reason
        data["requested"] = decided - dt.timedelta(hours=3)
        data["status"] = status
        if status == "approved":
            data["approver"] = approver
            if by and approver == "supervisor":
                data["approved_by"] = by
            data["decided"] = decided
            self._move(day, shift, giver, taker)
            if back:
                self._move(back[0], back[1], taker, giver)
        self.records["swap"].append(data)
        return str(data["id"])

    def _move(self, day: dt.date, shift: str, giver: str, taker: str) -> None:
        people = self.duty.get((day, shift), [])
        if giver in people:
            people[people.index(giver)] = taker



def punch(w: Writer, person: str, day: dt.date, which: str, shift: str,
           applied: dt.datetime, status: str) -> dict[str, Any]:
    actual = "08:2" + str(w.rng.randint(0, 9)) if which == "in" and shift == "day" else \
        ("17:2" + str(w.rng.randint(0, 9)) if which == "in" else
         ("17:3" + str(w.rng.randint(2, 9)) if shift == "day" else "23:5" + str(
             w.rng.randint(5, 9))))
    data: dict[str, Any] = {"id": w.rid("P", day), "person": person, "missed": day,
                            "which": which, "actual": actual,
                            "reason": PUNCH_REASONS[len(w.records["punch"]) % len(PUNCH_REASONS)],
                            "witness": "wangfang" if person != "wangfang" else "wuhao",
                            "applied": applied, "status": status}
    if status in ("approved", "refused"):
        # the supervisor's own 补卡 is decided by 总经办 and entered by the clerk
        data["approver"] = "supervisor" if person != "wangfang" else "gm-office"
        data["approved_by"] = "wangfang" if person != "wangfang" else "wuhao"
        data["decided"] = applied + dt.timedelta(hours=4)
    return data



def first(w: Writer, day: dt.date, shift: str, prefer: tuple[str, ...] = (),
           other_than: str = "") -> str:
    people = [p for p in w.duty.get((day, shift), []) if p != other_than]
    return next((p for p in prefer if p in people), people[0] if people else "wangfang")


