"""Generate the staff records of the fictional department (deterministic; the files are committed).

A quarter of weekly rosters (2026-W36 to next week, 2026-W49) for the nine active sample people,
with the swaps, leave, trips, 补卡, hand-overs (matters carried over several shifts), archive
loans and rewards-and-penalties records that such a quarter has. Every roster is valid by
construction: the people fall into nine posts (supervisor, two hotline agents, three
dealer-facing posts, an evening crew of three) whose rest days and meal times rotate so that
every channel of records/staff-rules.yml is staffed, meals included.

`corpus(root, people, years)` writes the same pattern for many people over many years: the
benchmark of scripts/bench_records.py (`--staff`) uses it.
Usage: python scripts/gen_staff.py [ROOT]   (rewrites the staff folders under ROOT/records/)
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kefu.calendar import WorkCalendar
from kefu.records.ids import ALPHABET
from kefu.records.new import Flow
from kefu.times import SHANGHAI

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "scripts"))

import gen_sample  # noqa: E402

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
MATTERS = [
    ("代理商星河数码催问返修进度", "返修品在工厂检测", "已联系工厂，预计本周寄回"),
    ("网店买家要求改地址（订单已出库）", "快递已揽收", "已联系快递改派"),
    ("热线来电反映固态硬盘掉盘，待技术回电", "顾客留了联系方式", "技术员已回电，约定寄回检测"),
    ("代理商申请 DOA 换新，待渠道部审核", "申请已提交", "渠道部已批准"),
    ("顾客投诉发错型号，待仓库核实", "已提交仓库核对出库单", "仓库确认发错，安排补发"),
    ("新代理商首次回访未接通", "已发短信预约", "已回访并核对资料"),
    ("网店中差评待处理", "已联系买家说明原因", "买家已修改评价"),
]
INSTRUCTIONS = ["主管：周五前汇总本周热线咨询分类统计",
                "主管：新品到货，晚班留意旺旺上的兼容性咨询",
                "主管：国庆期间留言次日白班优先处理", "总经办：月底前交本月考勤汇总"]
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

        rests_of = {}
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
        if COVERS[post] is not None:
            row["covers"] = Flow(COVERS[post])
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


# -- the sample quarter -----------------------------------------------------------------------
def sample(cal: WorkCalendar) -> dict[str, list[dict[str, Any]]]:
    w = Writer(cal, seed=48)
    crew = Crew(SAMPLE)
    sup = "wangfang"
    away: dict[tuple[str, dt.date], str] = {}
    leave = w.records["leave"]

    def plan(person: str, kind: str, start: dt.date, end: dt.date, applied: dt.datetime,
             approver: str = "supervisor", **extra: Any) -> str:
        data: dict[str, Any] = {"id": w.rid("L", start), "person": person, "type": kind,
                                "start": start, "end": end, **extra.pop("head", {})}
        data["applied"] = applied
        data.update({k: v for k, v in extra.items() if k not in ("status", "decided")})
        data["status"] = extra.get("status", "approved")
        data["approver"] = approver
        if approver == "supervisor":
            data["approved_by"] = sup
        data["decided"] = extra.get("decided", applied + dt.timedelta(hours=2))
        if data["status"] == "approved":
            day = start
            while day <= end:
                away[(person, day)] = str(data["id"])
                day += dt.timedelta(days=1)
        leave.append(data)
        return str(data["id"])

    # leave planned before the rosters were made (the roster marks those days `leave`)
    plan("chenjing", "annual", dt.date(2026, 9, 8), dt.date(2026, 9, 9), at(dt.date(2026, 9, 1),
         10, 5), head={"cover": "liuyang"})
    plan("zhangmin", "marriage", dt.date(2026, 10, 12), dt.date(2026, 10, 16),
         at(dt.date(2026, 9, 21), 9, 40), approver="general-manager", head={"cover": "liqiang"},
         reason="本人婚礼")
    plan("zhouhui", "personal", dt.date(2026, 10, 28), dt.date(2026, 10, 28),
         at(dt.date(2026, 10, 22), 14, 0), reason="家中有事")
    plan("liuyang", "compensatory", dt.date(2026, 11, 10), dt.date(2026, 11, 10),
         at(dt.date(2026, 11, 4), 11, 20))
    plan("chenjing", "annual", dt.date(2026, 12, 1), dt.date(2026, 12, 2),
         at(dt.date(2026, 11, 20), 9, 30), head={"cover": "liuyang"})
    plan("liuyang", "annual", dt.date(2026, 11, 16), dt.date(2026, 11, 20),
         at(dt.date(2026, 11, 2), 10, 0), status="refused", decided=at(dt.date(2026, 11, 3), 9, 0),
         reason="外出旅游")
    trips = w.records["trip"]
    for person, start, end, place, purpose, extended in (
            ("liqiang", dt.date(2026, 9, 23), dt.date(2026, 9, 25), "成都（蜀道电脑城）",
             "走访西南代理商，抽检备品库存", dt.date(2026, 9, 26)),
            ("zhaolei", dt.date(2026, 11, 26), dt.date(2026, 11, 27), "杭州（远航电子商行）",
             "上门检测批量返修品", None)):
        trip: dict[str, Any] = {"id": w.rid("B", start), "person": person, "destination": place,
                                "purpose": purpose, "start": start, "end": end,
                                "transport": "高铁", "budget": 1800,
                                "applied": at(start - dt.timedelta(days=8), 10, 0),
                                "status": "approved", "reviewed_by": sup,
                                "reviewed": at(start - dt.timedelta(days=7), 9, 30),
                                "approved": at(start - dt.timedelta(days=6), 15, 0),
                                "front_desk": at(start - dt.timedelta(days=6), 16, 20)}
        last = end
        if extended:
            trip["extended_to"] = extended
            trip["extension_applied"] = at(extended + dt.timedelta(days=2), 9, 10)
            last = extended
        trips.append(trip)
        day = start
        while day <= last:
            away[(person, day)] = str(trip["id"])
            day += dt.timedelta(days=1)

    weeks: dict[dt.date, dict[str, list[str]]] = {}
    for monday in mondays(FIRST_WEEK, LAST_WEEK):
        weeks[monday] = w.roster([crew], monday, away, sup)

    # swaps: every other week the evening crew trades evenings (调班), approved ahead
    for monday, cells in weeks.items():
        if monday.isocalendar()[1] % 2 or monday >= LAST_WEEK:
            continue
        pair = _exchange(cells, monday)
        if pair:
            (giver, d1), (taker, d2) = pair
            w.swap(d1, "evening", giver, taker, at(d1 - dt.timedelta(days=2), 10, 15),
                   back=(d2, "evening"), reason="家里有事，互换晚班")
    # sudden sick leave on an evening: reported by phone, covered by a day-shift colleague
    sick_day = _find(weeks, dt.date(2026, 11, 2), "sunli", "evening")
    helper = next(p for p in ("chenjing", "liuyang") if _cell(weeks, p, sick_day) == "day")
    plan("sunli", "sick", sick_day, sick_day, at(sick_day, 10, 40),
         head={"cover": helper}, applied_by=helper, decided=at(sick_day, 10, 50))
    w.swap(sick_day, "evening", "sunli", helper, at(sick_day, 11, 0), reason="病假顶班")
    # emergency leave by phone on a Saturday: after-sales colleague (resting that day) covers
    urgent = _find(weeks, dt.date(2026, 10, 17), "wuhao", "day", weekday=5)
    plan("wuhao", "personal", urgent, urgent, at(urgent + dt.timedelta(days=2), 9, 0),
         by_phone=True, decided=at(urgent, 7, 50), reason="家人急病")
    w.swap(urgent, "day", "wuhao", "liqiang", at(urgent, 8, 0), reason="急事顶班（电话请示）")
    # a swap the supervisor learnt of afterwards (私自调班), and one still waiting
    secret = _find(weeks, dt.date(2026, 10, 19), "zhouhui", "evening", avoid=("sunli", "rest"))
    mate = "sunli"
    w.swap(secret, "evening", "zhouhui", mate, at(secret, 12, 0), status="private")
    later = _find(weeks, dt.date(2026, 12, 2), "sunli", "evening", avoid=("wuhao", "rest"))
    w.swap(later, "evening", "sunli", "wuhao", at(dt.date(2026, 11, 24), 15, 0),
           back=(_find(weeks, dt.date(2026, 11, 30), "wuhao", "evening",
                       avoid=("sunli", "rest")), "evening"),
           reason="想换一个晚班")
    # an absence without approval (旷工): rostered, did not come
    gone = _find(weeks, dt.date(2026, 10, 22), "zhaolei", "day")
    leave.append({"id": w.rid("L", gone), "person": "zhaolei", "type": "personal",
                  "start": gone, "end": gone, "applied": at(gone + dt.timedelta(days=1), 9, 0),
                  "status": "absent"})
    _punches(w, weeks)
    _handovers(w, weeks)
    _loans(w)
    _sanctions(w)
    return w.records


def _cell(weeks: dict[dt.date, dict[str, list[str]]], person: str, day: dt.date) -> str:
    monday = day - dt.timedelta(days=day.weekday())
    return weeks[monday][person][day.weekday()]


def _find(weeks: dict[dt.date, dict[str, list[str]]], start: dt.date, person: str, shift: str,
          weekday: int | None = None, avoid: tuple[str, str] | None = None) -> dt.date:
    """The first day from `start` on which `person` works `shift` (on that weekday)."""
    day = start
    while True:
        if _cell(weeks, person, day) == shift and (weekday is None or day.weekday() == weekday) \
                and (avoid is None or _cell(weeks, avoid[0], day) == avoid[1]):
            return day
        day += dt.timedelta(days=1)


def _exchange(cells: dict[str, list[str]], monday: dt.date
              ) -> tuple[tuple[str, dt.date], tuple[str, dt.date]] | None:
    """Two of the evening crew who can trade: A's evening on B's rest day for the reverse."""
    crew = [SAMPLE[p] for p in CREW]
    for a in crew:
        for b in crew:
            if a == b:
                continue
            d1 = cells[b].index("rest") if "rest" in cells[b] else None
            d2 = cells[a].index("rest") if "rest" in cells[a] else None
            if d1 is None or d2 is None:
                continue
            if cells[a][d1] == "evening" and cells[b][d2] == "evening" and d1 > 0 and d2 > 0:
                return (a, monday + dt.timedelta(days=d1)), (b, monday + dt.timedelta(days=d2))
    return None


def _punches(w: Writer, weeks: dict[dt.date, dict[str, list[str]]]) -> None:
    """About one forgotten punch per person a month; one person forgets six times in October
    (the sixth is refused), one applies too late (refused)."""
    plan = [("chenjing", "2026-09-03"), ("liqiang", "2026-09-10"), ("sunli", "2026-09-15"),
            ("wuhao", "2026-09-22"), ("zhaolei", "2026-09-29"), ("liuyang", "2026-10-09"),
            ("zhangmin", "2026-10-20"), ("chenjing", "2026-10-27"), ("sunli", "2026-11-05"),
            ("zhaolei", "2026-11-12"), ("wangfang", "2026-11-18"), ("liqiang", "2026-11-19")]
    plan += [("zhouhui", d) for d in ("2026-10-08", "2026-10-12", "2026-10-15", "2026-10-19",
                                      "2026-10-23", "2026-10-29")]
    for index, (person, text) in enumerate(sorted(plan, key=lambda p: p[1])):
        day = dt.date.fromisoformat(text)
        while _cell(weeks, person, day) not in SHIFT_START:
            day += dt.timedelta(days=1)
        shift = _cell(weeks, person, day)
        which = "in" if index % 2 else "out"
        applied = at(day + dt.timedelta(days=1), 9, 10 + index)
        w.records["punch"].append(_punch(w, person, day, which, shift, applied, "approved"))
    sixth = [p for p in w.records["punch"] if p["person"] == "zhouhui"][-1]
    sixth["status"] = "refused"
    late_day = dt.date(2026, 11, 2)
    while _cell(weeks, "liuyang", late_day) != "day":
        late_day += dt.timedelta(days=1)
    w.records["punch"].append(_punch(w, "liuyang", late_day, "in", "day",
                                     at(late_day + dt.timedelta(days=4), 10, 0), "refused"))


def _punch(w: Writer, person: str, day: dt.date, which: str, shift: str,
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
        data["approver"] = "supervisor" if person != "wangfang" else "gm-office"
        if person != "wangfang":
            data["approved_by"] = "wangfang"
        data["decided"] = applied + dt.timedelta(hours=4)
    return data


def _handovers(w: Writer, weeks: dict[dt.date, dict[str, list[str]]]) -> None:
    """Two hand-overs a day (白班→晚班 at 17:30, 晚班→次日白班 in the book at 24:00); a matter
    opens every few days and is carried until one closes it."""
    day = FIRST_WEEK
    open_matters: list[dict[str, Any]] = []
    serial, step = 0, 0
    tickets = sorted(p.stem for p in (PROJECT / "records" / "tickets").rglob("T-*.yml"))
    while day <= HANDOVERS_UNTIL:
        for shift in ("day", "evening"):
            step += 1
            if shift == "day":
                outgoing = _first(w, day, "day", prefer=("chenjing", "liuyang"))
                incoming = _first(w, day, "evening")
                moment = at(day, 17, 30 + step % 9)
            else:
                outgoing = _first(w, day, "evening")
                incoming = _first(w, day + dt.timedelta(days=1), "day",
                                  prefer=("chenjing", "liuyang"), other_than=outgoing)
                moment = at(day, 23, 50 + step % 9)
            matters = []
            for matter in list(open_matters):
                matter["left"] -= 1
                entry = {k: v for k, v in matter.items() if k in ("id", "title", "cause",
                                                                   "ticket")}
                entry["progress"] = matter["progress"]
                if matter["left"] <= 0 and not matter.get("keep"):
                    entry["result"] = matter["result"]
                    entry["closed"] = True
                    open_matters.remove(matter)
                matters.append(entry)
            if step % 5 == 1:
                serial += 1
                title, progress, result = MATTERS[serial % len(MATTERS)]
                matter = {"id": f"M-{day:%Y%m%d}-{serial % 9 + 1}", "title": title,
                          "cause": "顾客或代理商来电来函，本班未能办结", "progress": progress,
                          "result": result, "left": 2 + serial % 5}
                related = [t for t in tickets if t[2:10] <= f"{day:%Y%m%d}"]
                if related and serial % 3 == 0:
                    matter["ticket"] = related[-1]
                if day >= HANDOVERS_UNTIL - dt.timedelta(days=2):
                    matter["keep"] = True  # still open today: the site lists it
                open_matters.append(matter)
                matters.append({k: v for k, v in matter.items() if k in (
                    "id", "title", "cause", "progress", "ticket")})
            record: dict[str, Any] = {"id": f"H-{day:%Y%m%d}-{shift}", "date": day,
                                      "shift": shift, "outgoing": outgoing,
                                      "incoming": incoming, "at": moment,
                                      "status": "handed-over"}
            if matters:
                record["matters"] = matters
            if step % 11 == 0:
                record["instructions"] = [INSTRUCTIONS[step % len(INSTRUCTIONS)]]
            record["items"] = ITEMS
            record["signed"] = Flow([outgoing, incoming])
            if day == dt.date(2026, 10, 20) and shift == "day":
                w.records["handover"].append({
                    "id": record["id"], "date": day, "shift": shift, "outgoing": outgoing,
                    "incoming": incoming, "at": at(day, 17, 30), "status": "withheld",
                    "held": ["incident"],
                    "note": "代理商特别严重投诉正在电话协调，交班人继续留岗处理"})
                record["id"] += "-2"
                record["at"] = at(day, 18, 40)
            w.records["handover"].append(record)
        day += dt.timedelta(days=1)


def _first(w: Writer, day: dt.date, shift: str, prefer: tuple[str, ...] = (),
           other_than: str = "") -> str:
    people = [p for p in w.duty.get((day, shift), []) if p != other_than]
    return next((p for p in prefer if p in people), people[0] if people else "wangfang")


def _loans(w: Writer) -> None:
    loans = [
        ("2025 年代理商档案（星河数码科技）", "ordinary", "核对返修记录", "李强", "客服部",
         "2026-09-07", "2026-09-14", "2026-09-11"),
        ("2026 年代理商返利协议（秘密）", "confidential", "准备年中对账", "王芳", "客服部",
         "2026-09-21", "2026-09-23", "2026-09-23"),
        ("服务热线 9 月来电登记", "ordinary", "月度统计播报", "陈静", "客服部",
         "2026-10-09", "2026-10-16", "2026-10-14"),
        ("产品说明书汇编（移动硬盘）", "ordinary", "新员工培训", "赵磊", "客服部",
         "2026-11-02", "2026-11-20", None),
        ("DOA 申请内部签字件（10 月）", "ordinary", "财务核对退货金额", "吴昊", "客服部",
         "2026-11-23", "2026-12-02", None),
    ]
    for archive, category, purpose, borrower, dept, out, due, back in loans:
        day = dt.date.fromisoformat(out)
        data: dict[str, Any] = {"id": w.rid("A", day), "archive": archive, "category": category,
                                "purpose": purpose, "borrower": borrower, "department": dept,
                                "handler": "wuhao", "out": day,
                                "due": dt.date.fromisoformat(due)}
        if back:
            data["returned"] = dt.date.fromisoformat(back)
        if category == "confidential":
            data["approver"] = "general-manager"
            data["approved"] = at(day, 9, 0)
        w.records["loan"].append(data)


def _sanctions(w: Writer) -> None:
    sixth = [p for p in w.records["punch"] if p["person"] == "zhouhui"][-1]
    day = dt.date(2026, 11, 2)
    w.records["sanction"] += [
        {"id": w.rid("J", day), "person": "zhouhui", "date": day, "rule": "punch-not-filed",
         "amount": 10, "reason": "10 月第 6 次忘记打卡，补卡不予批准，按未补卡处理",
         "evidence": [sixth["id"]], "recorded_by": "wangfang", "published": "周例会",
         "appeals": [{"at": at(day + dt.timedelta(days=1), 10, 0), "by": "zhouhui",
                      "reason": "当天打卡机故障", "outcome": "upheld",
                      "decided": at(day + dt.timedelta(days=2), 16, 0),
                      "note": "经核实打卡机当天正常，维持处罚"}]},
        {"id": w.rid("J", day), "person": "sunli", "date": day, "rule": "award-first",
         "amount": 50, "reason": "10 月客服组询单转化业绩第一名", "recorded_by": "wangfang",
         "published": "月度部门会议"},
        {"id": w.rid("J", day), "person": "wuhao", "date": day, "rule": "brand-points",
         "points": 2, "reason": "主动完善档案借阅登记表", "recorded_by": "wangfang",
         "published": "周例会"},
    ]


# -- many people over many years (benchmark) --------------------------------------------------
def corpus(root: Path, people: int = 50, years: int = 10, seed: int = 7) -> dict[str, int]:
    """`years` of rosters, swaps, leave, 补卡 and hand-overs for `people` (groups of nine)."""
    cal = WorkCalendar.load(PROJECT)
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
                    w.records["punch"].append(_punch(w, person, day, "in", "day",
                                                     at(day + dt.timedelta(days=1), 9, 0),
                                                     "pending"))
    day = start
    while day <= end:
        for shift in ("day", "evening"):
            incoming_day = day + dt.timedelta(days=1) if shift == "evening" else day
            outgoing = _first(w, day, shift)
            incoming = _first(w, incoming_day, "evening" if shift == "day" else "day",
                              other_than=outgoing)
            w.records["handover"].append({
                "id": f"H-{day:%Y%m%d}-{shift}", "date": day, "shift": shift,
                "outgoing": outgoing, "incoming": incoming,
                "at": at(day, 17 if shift == "day" else 23, 35 if shift == "day" else 55),
                "status": "handed-over", "items": ITEMS, "signed": Flow([outgoing, incoming])})
        day += dt.timedelta(days=1)
    write(root, w.records)
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
             "role": "supervisor" if i % 9 == 0 else "agent", "team": f"第{i // 9 + 1}组"}
            for i in range(count)]


def write(root: Path, records: dict[str, list[dict[str, Any]]]) -> None:
    for kind, items in records.items():
        gen_sample.write(root, kind, items)


def main(root: Path) -> None:
    for folder in FOLDERS:
        shutil.rmtree(root / "records" / folder, ignore_errors=True)
    write(root, sample(WorkCalendar.load(root)))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT)
