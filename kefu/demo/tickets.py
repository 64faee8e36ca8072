"""The sample department's people, dealers and tickets (deterministic, all invented).

All personal data is invented: phones 138-0000-7xxx / 139-0000-8xxx, e-mails at example.com,
ID numbers with the non-existent region code 990000, addresses on 示例路, end customers with
full three-character names. None of these may also occur in the handbook (docs/, forms/): the
privacy scan of the built site looks for every personal value, so a value the handbook happens
to print (a polite form such as 陈先生, an example phone such as 138-0000-0001) would fail it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from kefu.records.ids import ALPHABET
from kefu.times import SHANGHAI

STAFF = [  # id, name, post (docs/roles/), team
    ("wangfang", "王芳", "supervisor", "客服部"),
    ("liqiang", "李强", "aftersales-specialist", "售后组"),
    ("zhangmin", "张敏", "aftersales-specialist", "售后组"),
    ("chenjing", "陈静", "service-specialist", "热线组"),
    ("liuyang", "刘洋", "service-specialist", "热线组"),
    ("zhaolei", "赵磊", "aftersales-specialist", "售后组"),
    ("sunli", "孙丽", "pre-sales", "网店组"),
    ("zhouhui", "周慧", "after-sales", "网店组"),
    ("wuhao", "吴昊", "clerk", "客服部"),
    ("zhengxue", "郑雪", "reception", "客服部"),
]
INACTIVE = {"zhengxue"}
DEALERS = [  # company, region, contact
    ("星河数码科技有限公司", "华东·上海", "周建国"), ("远航电子商行", "华东·杭州", "钱美玲"),
    ("北辰存储设备有限公司", "华北·北京", "冯志强"),
    ("南粤信息技术有限公司", "华南·广州", "何丽华"),
    ("蜀道电脑城", "西南·成都", "罗文斌"), ("江城数码广场", "华中·武汉", "胡晓燕"),
    ("海韵科技贸易有限公司", "华东·厦门", "林海峰"), ("长安电子有限公司", "西北·西安", "马俊"),
    ("黑土地电脑公司", "东北·哈尔滨", "于春梅"), ("金陵存储专营店", "华东·南京", "朱明"),
    ("椰城数码有限公司", "华南·海口", "符小红"), ("春城科技有限公司", "西南·昆明", "段立新"),
]
CONTACT_ROLES = ["总经理", "店长", "售后主管", "采购经理"]  # the contact's post, in turn
# fictional full names: a bare 陈先生 / 王女士 is also what the handbook's call scripts say
CUSTOMERS = ["柏云舟", "苗雨桐", "殷书远", "庞晓岚", "邝嘉禾", "蓝若溪", "滕思源", "阮静姝"]
PRODUCTS = ["ZF-S200 2TB 移动硬盘", "ZF-S500 4TB 移动硬盘", "ZF-N1 固态硬盘 1TB",
            "ZF-U8 U盘 64GB", "ZF-NAS2 网络存储", "ZF-C3 读卡器"]
TITLES = {
    "complaint": ["代理商反映新购硬盘异响", "顾客投诉返修超期未寄回", "顾客投诉客服态度差",
                  "代理商投诉发货错型号", "顾客要求赔偿数据损失", "投诉外包装破损"],
    "repair": ["移动硬盘无法识别返修", "固态硬盘掉盘返修", "U盘写保护返修", "网络存储无法开机返修"],
    "doa": ["新机开箱无法通电", "新购硬盘首次使用即坏道", "读卡器到货不识别"],
    "inquiry": ["咨询保修期限", "咨询返修流程与运费", "咨询发票开具", "咨询产品兼容性"],
    "callback": ["新代理商首次回访", "新签代理商资料核对回访"],
    "work-request": ["申请研发部分析异响原因", "申请仓库补发配件", "申请财务核对赔偿金额"],
}
DEPARTMENTS = ["研发部", "品质部", "仓储部", "财务部", "销售部"]
FLOW = {  # actions after `received` for a finished ticket
    "complaint": ["assigned", "escalated", "dept-feedback", "replied", "closed"],
    "repair": ["inspected", "sent-to-factory", "returned", "closed"],
    "doa": ["approved", "shipped", "closed"],
    "inquiry": ["replied", "closed"],
    "callback": ["called-back", "closed"],
    "work-request": ["assigned", "dept-feedback", "replied", "closed"],
}
TYPES = list(FLOW)
NOTES = {"escalated": "已提交内部客诉反馈函", "dept-feedback": "责任部门书面答复",
         "replied": "已将处理结果回复代理商", "closed": "客户确认，结案"}
TODAY = date(2026, 11, 20)
TAKEN: set[str] = set()  # overdue examples are computed against this date


def workday_after(moment: datetime, days: int, rng: random.Random) -> datetime:
    """A time in office hours `days` weekdays after `moment` (weekends only: a rough sample)."""
    day = moment.date()
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    clock = time(rng.randint(9, 16), rng.choice([0, 10, 15, 20, 30, 40, 45, 50]))
    when = max(datetime.combine(day, clock, SHANGHAI), moment + timedelta(minutes=5))
    # nothing after the day the sample describes: records of events to come are refused
    return when if when.date() <= TODAY else moment + timedelta(minutes=1)


def ticket(rng: random.Random, received: datetime, kind: str, status: str,
           staff: list[str], dealers: list[str]) -> dict[str, Any]:
    """One ticket with an event log consistent with its status."""
    owner = rng.choice(staff)
    while True:  # ids are random; re-roll the rare clash within one generated set
        record_id = f"T-{received:%Y%m%d}-" + "".join(rng.choice(ALPHABET) for _ in range(4))
        if record_id not in TAKEN:
            TAKEN.add(record_id)
            break
    data: dict[str, Any] = {
        "id": record_id, "type": kind, "title": rng.choice(TITLES[kind]),
        "received": received,
        "channel": "dealer" if kind in ("repair", "doa", "callback") else rng.choice(
            ["hotline", "email", "chat", "dealer", "walk-in"]),
    }
    if kind != "inquiry" or rng.random() < 0.5:
        data["dealer"] = rng.choice(dealers)
    if kind in ("complaint", "doa", "repair") and rng.random() < 0.6:
        data["customer"] = rng.choice(CUSTOMERS)
    if kind in ("complaint", "repair", "doa"):
        data["product"] = f"{rng.choice(PRODUCTS)} / SN ZF{rng.randint(10**7, 10**8 - 1)}"
    if kind in ("complaint", "work-request"):
        data["department"] = rng.choice(DEPARTMENTS)
    data["owner"] = owner
    data["status"] = status
    if kind == "complaint":
        level = rng.choice(["normal", "normal", "serious", "critical"])
        data["level"] = level
        if level == "critical":
            agreed = workday_after(received, 15, rng).replace(hour=17, minute=30)
            # workday_after stops at the sample's day; an agreed date may be later, never earlier
            data["agreed_due"] = agreed if agreed > received else received + timedelta(days=21)
    events = [{"at": received, "by": owner, "action": "received", "note": "登记来件"}]
    steps = FLOW[kind]
    done = {"closed": len(steps), "open": 0, "in-progress": rng.randint(0, len(steps) - 2),
            "waiting": rng.randint(0, len(steps) - 2)}[status]
    moment = received
    for action in steps[:done]:
        moment = workday_after(moment, rng.choice([0, 1, 1, 2]), rng)
        event = {"at": moment, "by": owner if action != "assigned" else "wangfang",
                 "action": action}
        if action in ("escalated", "dept-feedback", "replied", "closed"):
            event["note"] = NOTES[action]
        events.append(event)
    if kind == "doa":
        log_unit_arrival(events, record_id, owner)
    data["events"] = events
    return data


def log_unit_arrival(events: list[dict[str, Any]], record_id: str, owner: str) -> None:
    """Insert `unit-received` (doa.ship starts there) after the approval of a DOA ticket.

    Uses its own random source, seeded by the ticket id, so that every other ticket keeps
    the id and log it had before this event existed."""
    where = {event["action"]: index for index, event in enumerate(events)}
    if "approved" not in where:
        return
    approved = events[where["approved"]]["at"]
    if "shipped" in where:  # the unit came back between approval and shipping
        shipped = events[where["shipped"]]["at"]
        moment = (approved + (shipped - approved) / 2).replace(second=0, microsecond=0)
    else:
        side = random.Random(record_id)
        if side.random() < 0.4:  # still on its way: doa.ship has not started
            return
        moment = workday_after(approved, side.choice([1, 2, 3, 9]), side)
        if moment.date() > TODAY:
            return
    events.insert(where["approved"] + 1, {"at": moment, "by": owner, "action": "unit-received",
                                          "note": "收到代理商寄回的不良品，来程运费已签字确认"})


def people() -> list[dict[str, Any]]:
    return [{"id": pid, "name": name, "role": role, "team": team,
             "github": f"kefu-demo-{pid}",
             "phone": f"138-0000-7{index:03d}", "email": f"{pid}@example.com",
             "birthday": date(1985 + index, 1 + index % 12, 1 + (index * 7) % 28),
             "active": pid not in INACTIVE}
            for index, (pid, name, role, team) in enumerate(STAFF, 1)]


def dealers() -> list[dict[str, Any]]:
    out = []
    for index, (company, region, contact) in enumerate(DEALERS, 1):
        born = date(1970 + index, 1 + index % 12, 2 + index)
        out.append({
            "id": f"D-{index:04d}", "company": company, "region": region, "contact": contact,
            "contact_role": CONTACT_ROLES[index % len(CONTACT_ROLES)],
            "phone": f"139-0000-8{index:03d}", "email": f"dealer{index:04d}@example.com",
            "address": f"{region.split('·')[1]}市示例区示例路 {index} 号（虚构）",
            "id_number": f"990000{born:%Y%m%d}{index:03d}X", "birthday": born,
            "since": date(2020 + index % 6, 1 + index % 12, 1), "active": True})
    return out


def tickets(count: int, seed: int = 2026, start: date = date(2026, 1, 5),
            end: date = TODAY, recent: int = 0) -> list[dict[str, Any]]:
    """`count` tickets received between `start` and `end`, mostly closed; the last `recent`
    ones (from six weeks before `end`) cycle through every type x status, so some are overdue."""
    rng = random.Random(seed)
    TAKEN.clear()
    staff = [pid for pid, *_ in STAFF if pid not in INACTIVE]
    dealer_ids = [f"D-{i:04d}" for i in range(1, len(DEALERS) + 1)]
    statuses = ["open", "in-progress", "waiting", "closed"]
    recent_start = end - timedelta(days=42)
    out = []
    for index in range(count):
        is_recent = index >= count - recent
        first, last = (recent_start, end) if is_recent else (start, recent_start)
        position = index - (count - recent) if is_recent else index
        size = recent if is_recent else count - recent
        day = first + timedelta(days=int((last - first).days * position / max(size - 1, 1)))
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)
        received = datetime.combine(day, time(rng.randint(8, 18), rng.randint(0, 59)), SHANGHAI)
        kind = TYPES[index % len(TYPES)]
        if is_recent:
            status = statuses[(position // len(TYPES)) % len(statuses)]
        else:
            status = "closed" if rng.random() < 0.9 else rng.choice(["in-progress", "waiting"])
        out.append(ticket(rng, received, kind, status, staff, dealer_ids))
    return out
