"""The staff forms filled from records: 值班表 (a week, swaps and leave applied), 请假申请表,
出差申请表, 补卡申请表, 交接班记录 and 档案借阅登记表 (`kefu form NAME --record ID`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kefu.kinds.handover import HELD_LABELS
from kefu.kinds.loan import CATEGORY_LABELS
from kefu.staff.book import StaffBook
from kefu.staff.terms import APPROVER_LABELS, LEAVE_LABELS, week_span
from kefu.times import SHANGHAI

# a personal field (a leave's or a 补卡's reason) is printed only with --with-personal
WITHHELD = "（个人信息，未打印：打印时加 --with-personal）"


def _personal(ctx: Any, value: Any) -> Any:
    return value if ctx.with_personal or not value else WITHHELD


def _team(ctx: Any, person: str | None) -> str | None:
    data = _person(ctx, person)
    return str(data.get("team")) if data and data.get("team") else None


def _person(ctx: Any, person: str | None) -> dict[str, Any] | None:
    from kefu.records.kinds import RECORDS

    if not person:
        return None
    result = ctx.ws.load([ctx.ws.root / RECORDS / "people"])
    return next((r.data for r in result.records if r.id == person), None)


def _option(form: Any, key: str, wanted: str, fallback: int | None = None) -> str | None:
    try:
        options = form.field(key).options
    except KeyError:
        return None
    if wanted in options:
        return str(wanted)
    return options[fallback] if fallback is not None and fallback < len(options) else None


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(SHANGHAI) if value is not None else None


def roster(ctx: Any, form: Any) -> Any:
    """A week as printed: one row per person, 白/晚/休, 假 or 差 for approved leave and trips."""
    book, _ = StaffBook.load(ctx.ws)
    week = book.week(ctx.record_id)
    grid = []
    if week is not None:
        for person in week.people():
            row = [book.name(person)]
            for day in week.days:
                away = book.away.get((person, day))
                shifts = [week.shifts[d.shift].title[:1] for d in week.duties
                          if d.person == person and d.day == day]
                if away is not None and not shifts:
                    row.append("差" if away.kind == "trip" else "假")
                else:
                    row.append("、".join(shifts) or "休")
            grid.append(row)
    swaps = f"，已计入 {len(week.applied)} 项已批准的调班" if week and week.applied else ""
    values = {"week": week_span(ctx.record_id) + swaps, "grid": grid}
    prepared = _local(ctx.data.get("prepared"))
    return ctx.filled(values, date=prepared.date() if prepared else None)


def leave(ctx: Any, form: Any) -> Any:
    data = ctx.data
    book, _ = StaffBook.load(ctx.ws)
    person = str(data["person"])
    label = LEAVE_LABELS.get(str(data["type"]), "其他")
    days = book.leave_days(person, data["start"], data["end"])
    reason = _personal(ctx, data.get("reason")) or ""
    if data.get("by_phone"):
        reason = (reason + "\n" if reason else "") + "（事先电话请示获批，事后补交本申请）"
    values = {
        "person": ctx.name(person), "department": _team(ctx, person),
        "kind": _option(form, "kind", label, fallback=4),
        "start": data["start"], "end": data["end"],
        "days": f"{days} 天（不含休息日）" + (f"，{label}" if label not in _options(form, "kind")
                                           else ""),
        "handover": ctx.name(data.get("cover")) or None, "reason": reason or None,
    }
    applied = _local(data.get("applied"))
    return ctx.filled(values, date=applied.date() if applied else None)


def _options(form: Any, key: str) -> tuple[str, ...]:
    try:
        return tuple(form.field(key).options)
    except KeyError:
        return ()


def trip(ctx: Any, form: Any) -> Any:
    data = ctx.data
    person = str(data["person"])
    days = (data["end"] - data["start"]).days + 1
    extension = None
    if data.get("extended_to"):
        applied = _local(data.get("extension_applied"))
        extension = f"实际返回 {data['extended_to'].isoformat()}" + (
            f"，{applied:%Y-%m-%d %H:%M} 补交申请" if applied else "")
    values = {
        "person": ctx.name(person), "department": _team(ctx, person),
        "destination": data["destination"], "transport": data.get("transport"),
        "start": data["start"], "end": data["end"], "days": f"{days} 天",
        "budget": str(data["budget"]) if data.get("budget") is not None else None,
        "purpose": data["purpose"], "extension": extension,
    }
    applied = _local(data.get("applied"))
    return ctx.filled(values, date=applied.date() if applied else None)


def punch(ctx: Any, form: Any) -> Any:
    from kefu.kinds.punch import WHICH_LABELS
    from kefu.staff.checks import punch_positions

    data = ctx.data
    book, _ = StaffBook.load(ctx.ws)
    position = next((n for p, n, _ in punch_positions(book) if p["id"] == ctx.record_id), None)
    person = str(data["person"])
    applied = _local(data.get("applied"))
    actual = f"{data['missed'].isoformat()} {data['actual']}" if data.get("actual") else None
    values = {
        "person": ctx.name(person), "department": _team(ctx, person), "missed": data["missed"],
        "which": _option(form, "which", WHICH_LABELS.get(str(data["which"]), "")),
        "actual": actual, "count": f"第 {position} 次" if position else None,
        "reason": _personal(ctx, data.get("reason")),
        "witness": ctx.name(data.get("witness")) or None,
        "filed": applied.date() if applied else None,
    }
    return ctx.filled(values, date=applied.date() if applied else None)


def handover(ctx: Any, form: Any) -> Any:
    data = ctx.data
    moment = _local(data["at"])
    book, _ = StaffBook.load(ctx.ws)
    shift = data["shift"]
    title = book.rules.shifts[shift].title if book.rules and shift in book.rules.shifts else shift
    pending: list[str] = []
    done: list[str] = []
    for matter in data.get("matters") or ():
        parts = [f"{matter['id']}「{matter['title']}」"]
        for key, label in (("cause", "原因"), ("progress", "经过"), ("result", "结果")):
            if matter.get(key):
                parts.append(f"{label}：{matter[key]}")
        if matter.get("ticket"):
            parts.append(f"工单 {matter['ticket']}")
        (done if matter.get("closed") else pending).append("；".join(parts))
    held = [HELD_LABELS[h] for h in data.get("held") or () if h in HELD_LABELS]
    blocked = _option(form, "blocked", "无", fallback=0)
    if held:
        options = _options(form, "blocked")
        blocked = next((o for o in options if o[:4] in held[0] or held[0][:4] in o), blocked)
    values = {
        "date": data["date"], "shift": _option(form, "shift", title),
        "from": ctx.name(data["outgoing"]), "to": ctx.name(data["incoming"]),
        "time": f"{moment:%H:%M}（北京时间）" if moment else None,
        "pending": "\n".join(pending) or "无",
        "orders": "\n".join(data.get("instructions") or ()) or "无",
        "issues": ("本班办结：\n" + "\n".join(done)) if done else None,
        "items": "、".join(f"{i['name']} {i['count']}" for i in data.get("items") or ()) or None,
        "blocked": blocked,
    }
    return ctx.filled(values, date=moment.date() if moment else None)


def loan(ctx: Any, form: Any) -> Any:
    data = ctx.data
    note = CATEGORY_LABELS.get(str(data["category"]), "")
    approved = _local(data.get("approved"))
    if approved is not None:
        role = APPROVER_LABELS.get(str(data.get("approver")), "")
        note += f"，{role}批准（{approved:%Y-%m-%d}）"
    row = [data["out"], f"{data['archive']}（{ctx.record_id}）", data["purpose"],
           data["borrower"] + (f"（{data['department']}）" if data.get("department") else ""),
           ctx.name(data["handler"]), data["due"], data.get("returned") or "", note]
    return ctx.filled({"loans": [row]}, date=data["out"])
