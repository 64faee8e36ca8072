"""The sample department's quarter of staff records (2026-W36 to W49), deterministic.

Every roster is valid by construction: the people fall into nine posts (supervisor, two
hotline agents, three dealer-facing posts, an evening crew of three) whose rest days and meal
times rotate so that every channel of records/staff-rules.yml is staffed, meals included.
Around them: the swaps, leave, trips, 补卡, hand-overs (matters carried over several shifts),
archive loans and rewards-and-penalties records that such a quarter has.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kefu.calendar import WorkCalendar
from kefu.records.new import Flow

from .crew import (
    CREW,
    FIRST_WEEK,
    HANDOVERS_UNTIL,
    ITEMS,
    LAST_WEEK,
    SAMPLE,
    SHIFT_START,
    Crew,
    Writer,
    at,
    first,
    mondays,
    punch,
)

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


def sample(cal: WorkCalendar, tickets: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The quarter's staff records by kind; hand-over matters name some of `tickets` (ids)."""
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
        data["approved_by"] = sup  # her own decision, or the general manager's signed form
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
         at(dt.date(2026, 11, 2), 10, 0), approver="general-manager", status="refused",
         decided=at(dt.date(2026, 11, 3), 9, 0), reason="外出旅游")
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
                                "approver": "general-manager", "approved_by": sup,
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
    _handovers(w, weeks, sorted(tickets))
    _loans(w)
    _sanctions(w)
    _waiting(w, weeks)
    return w.records


def _waiting(w: Writer, weeks: dict[dt.date, dict[str, list[str]]]) -> None:
    """What awaits a decision on the sample's day (2026-11-25): a leave, a 补卡, a trip to be
    reviewed and an appeal (`kefu pending`, the 待审批 page)."""
    day = _find(weeks, dt.date(2026, 11, 24), "zhaolei", "day")
    w.records["punch"].append(punch(w, "zhaolei", day, "out", "day", at(day, 18, 5), "pending"))
    leave_day = dt.date(2026, 12, 3)
    w.records["leave"].append({"id": w.rid("L", leave_day), "person": "zhouhui",
                               "type": "personal", "start": leave_day, "end": leave_day,
                               "reason": "家里装修验收", "cover": "sunli",
                               "applied": at(dt.date(2026, 11, 24), 16, 20), "status": "pending"})
    start = dt.date(2026, 12, 8)
    w.records["trip"].append({"id": w.rid("B", start), "person": "liqiang",
                              "destination": "广州（华南代理商大会）",
                              "purpose": "参加代理商大会，收集返修意见",
                              "start": start, "end": dt.date(2026, 12, 9), "transport": "飞机",
                              "budget": 2600, "applied": at(dt.date(2026, 11, 25), 8, 40),
                              "status": "pending"})
    late = [p for p in w.records["punch"] if p["person"] == "liuyang"
            and p["status"] == "refused"][-1]
    published = dt.date(2026, 11, 23)
    w.records["sanction"].append({
        "id": w.rid("J", published), "person": "liuyang", "date": published,
        "rule": "punch-not-filed", "amount": 10, "reason": "11 月补卡逾期，不予批准，按未补卡处理",
        "evidence": [late["id"]], "recorded_by": "wangfang", "published": "周例会",
        "appeals": [{"at": at(dt.date(2026, 11, 24), 9, 30), "by": "liuyang",
                     "reason": "当天在仓库盘点，第二天才知道漏打卡", "outcome": "pending"}]})


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
        w.records["punch"].append(punch(w, person, day, which, shift, applied, "approved"))
    sixth = [p for p in w.records["punch"] if p["person"] == "zhouhui"][-1]
    sixth["status"] = "refused"
    late_day = dt.date(2026, 11, 2)
    while _cell(weeks, "liuyang", late_day) != "day":
        late_day += dt.timedelta(days=1)
    w.records["punch"].append(punch(w, "liuyang", late_day, "in", "day",
                                     at(late_day + dt.timedelta(days=4), 10, 0), "refused"))



def _handovers(w: Writer, weeks: dict[dt.date, dict[str, list[str]]],
               tickets: list[str]) -> None:
    """Two hand-overs a day (白班→晚班 at 17:30, 晚班→次日白班 in the book at 24:00); a matter
    opens every few days and is carried until one closes it."""
    day = FIRST_WEEK
    open_matters: list[dict[str, Any]] = []
    serial, step = 0, 0
    while day <= HANDOVERS_UNTIL:
        for shift in ("day", "evening"):
            step += 1
            if shift == "day":
                outgoing = first(w, day, "day", prefer=("chenjing", "liuyang"))
                incoming = first(w, day, "evening")
                moment = at(day, 17, 30 + step % 9)
            else:
                outgoing = first(w, day, "evening")
                incoming = first(w, day + dt.timedelta(days=1), "day",
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
        if category == "confidential":  # the general manager's signed form, entered by the clerk
            data["approver"] = "general-manager"
            data["approved_by"] = "wuhao"
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
                      "decided": at(day + dt.timedelta(days=2), 16, 0), "decided_by": "wangfang",
                      "note": "经核实打卡机当天正常，维持处罚"}]},
        {"id": w.rid("J", day), "person": "sunli", "date": day, "rule": "award-first",
         "amount": 50, "reason": "10 月客服组询单转化业绩第一名", "recorded_by": "wangfang",
         "published": "月度部门会议"},
        {"id": w.rid("J", day), "person": "wuhao", "date": day, "rule": "brand-points",
         "points": 2, "reason": "主动完善档案借阅登记表", "recorded_by": "wangfang",
         "published": "周例会"},
    ]


