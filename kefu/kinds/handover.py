"""Shift hand-overs (交接班记录): one file per hand-over, named H-<date>-<shift handing over>.

Beijing time; open matters with cause, progress and result; instructions passed on; shared items
counted; both signatures. A matter (M-<date>-<n>) stays on every later hand-over until one
closes it. A hand-over is not allowed while one of the four cases of seed 002 篇2 2.4 holds:
record it as `status: withheld` with the case in `held`. Files live in records/handovers/YYYY/MM/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from kefu.kinds.roster import staff_across
from kefu.kinds.staff_rules import Key, Lazy
from kefu.records.kinds import Creator, Finding, FormFiller, Kind, Reference
from kefu.records.model import Labels, PersonId, Stamp, Text
from kefu.staff.terms import same_date
from kefu.times import SHANGHAI

HANDOVER_ID = r"^H-[0-9]{8}-[a-z][a-z0-9-]{0,30}$"
MATTER_ID = r"^M-[0-9]{8}-[0-9a-z]{1,8}$"
TICKET_ID = r"^T-[0-9]{8}-[0-9a-z]{4}$"
Held = Literal["incident", "equipment", "unprepared", "receiver-unfit"]
HELD_LABELS = {
    "incident": "重大或紧急事件未处理完", "equipment": "重大设备启动或停机",
    "unprepared": "交接班准备工作未完成", "receiver-unfit": "接班人饮酒或神志不清且无人顶班",
}
Status = Literal["handed-over", "withheld"]
STATUS_LABELS = {"handed-over": "已交接", "withheld": "不得交接（交班人继续留岗）"}


class Matter(Lazy):
    """一件未完成的事项：原因、经过、结果。"""

    id: str = Field(pattern=MATTER_ID, description="事项编号 M-首次交接日期-序号，如 M-20261124-1")
    title: Text = Field(max_length=200, description="事项")
    cause: str | None = Field(default=None, description="原因")
    progress: str | None = Field(default=None, description="经过（目前进展）")
    result: str | None = Field(default=None, description="结果")
    ticket: str | None = Field(default=None, pattern=TICKET_ID, description="相关工单编号")
    closed: bool = Field(default=False, description="本班已办结（之后不再交接）")


class Item(Lazy):
    """一项当面清点的公用物品。"""

    name: Text = Field(description="物品（办公用品、通讯器材、资料、钥匙……）")
    count: int = Field(ge=0, le=10_000, description="数量")


class Handover(Lazy):
    """交接班记录。"""

    model_config = ConfigDict(extra="forbid", title="交接班记录", defer_build=True)

    id: str = Field(pattern=HANDOVER_ID, description="H-日期-交班班次，如 H-20261124-day")
    date: dt.date = Field(description="交班班次的日期")
    shift: Key = Field(description="交班班次：day（白班）、evening（晚班）……")
    outgoing: PersonId = Field(description="交班人员工编号")
    incoming: PersonId = Field(description="接班人员工编号")
    at: Stamp = Field(description="交接时间（北京时间，+08:00）")
    status: Annotated[Status, Labels.of(STATUS_LABELS)] = Field(description="是否完成交接")
    held: list[Annotated[Held, Labels.of(HELD_LABELS)]] = Field(
        default_factory=list, description="不得交接的情形（有则 status 必须是 withheld）")
    matters: list[Matter] = Field(default_factory=list,
                                  description="未完成的事项（上一班未结的必须照抄并写进展）")
    instructions: list[Text] = Field(default_factory=list, description="上级指示和新的工作指令")
    items: list[Item] = Field(default_factory=list, description="公用物品清点")
    signed: list[PersonId] = Field(default_factory=list, description="已签字的人（交班人和接班人）")
    note: str | None = Field(default=None, description="备注")


def consistent(record: Any) -> Iterator[Finding]:
    """Beijing time, the id agrees, two people, both signed, no hand-over while it is barred."""
    at, day, shift = getattr(record, "at", None), getattr(record, "date", None), \
        getattr(record, "shift", None)
    record_id = getattr(record, "id", None)
    if at is not None and at.utcoffset() != dt.timedelta(hours=8):
        yield Finding("not-beijing-time", ("at",),
                      f"交接时间 {at.isoformat()} 不是北京时间：交接班记录一律按国家标准时间"
                      "（+08:00）填写，例如 2026-11-24T17:30:00+08:00。")
    if record_id and day is not None and shift is not None and \
            (not same_date(record_id, day) or not _names_shift(record_id[11:], shift)):
        yield Finding("id-date-mismatch", ("id",),
                      f"编号应为 H-{day:%Y%m%d}-{shift}（H-日期-交班班次；同一班次的第二份记录"
                      "加 -2）：请改正编号或日期、班次。")
    if at is not None and day is not None:
        local = at.astimezone(SHANGHAI).date()
        if not day <= local <= day + dt.timedelta(days=1):
            yield Finding("handover-date", ("at",),
                          f"交接时间在 {local.isoformat()}，不在班次日期 {day.isoformat()} "
                          "当天或次日：请核对日期。")
    outgoing, incoming = getattr(record, "outgoing", None), getattr(record, "incoming", None)
    if outgoing is not None and outgoing == incoming:
        yield Finding("handover-same-person", ("incoming",),
                      "交班人和接班人是同一个人：请写明接班人。")
    status, held = getattr(record, "status", None), getattr(record, "held", None) or []
    if status == "handed-over" and held:
        names = "、".join(HELD_LABELS.get(h, str(h)) for h in held if h)
        yield Finding("handover-blocked", ("held",),
                      f"记录了不得交接的情形（{names}），却写成已交接：这种情况下不得交接班，"
                      "交班人应继续处理或等待。请把 status 改为 withheld，情形解除后另记一次交接。")
    if status == "withheld" and not held:
        yield Finding("handover-withheld", ("status",),
                      "写了不得交接（withheld），却没有写是哪种情形：请在 held 中写明"
                      "（incident、equipment、unprepared、receiver-unfit）。")
    signed = set(getattr(record, "signed", None) or [])
    if status == "handed-over" and outgoing and incoming and not {outgoing, incoming} <= signed:
        missing = "、".join(p for p in (outgoing, incoming) if p not in signed)
        yield Finding("handover-unsigned", ("signed",),
                      f"交接完成后交班人和接班人都要签字，缺 {missing}：请在 signed 中写上。")
    seen: set[str] = set()
    for index, matter in enumerate(getattr(record, "matters", None) or ()):
        if matter is None:
            continue
        if matter.id in seen:
            yield Finding("duplicate-matter", ("matters", index, "id"),
                          f"事项 {matter.id} 在本次记录中出现了两次：一件事只写一次。")
        seen.add(matter.id)


def _names_shift(tail: str, shift: str) -> bool:
    """`day`, or `day-2` for a second record of the same shift (the first was withheld)."""
    return tail == shift or (tail.startswith(shift + "-") and tail[len(shift) + 1:].isdigit())


def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    """A hand-over of `--shift` on `--date`, carrying the matters the last one left open."""
    from kefu.kinds.staff_rules import shift_key

    day, shift = values["date"], shift_key(ctx.root, str(values["shift"]))
    data: dict[str, Any] = {"id": f"H-{day:%Y%m%d}-{shift}", "date": day, "shift": shift,
                            "outgoing": values.get("outgoing"), "incoming": values.get("incoming"),
                            "at": values.get("at") or ctx.now,
                            "status": values.get("status") or "handed-over"}
    carried = _open_matters(ctx.root, data["id"])
    if carried:
        data["matters"] = carried
    if values.get("note"):
        data["note"] = values["note"]
    data["signed"] = [p for p in (data["outgoing"], data["incoming"]) if p]
    return data


def _open_matters(root: Any, before: str) -> list[dict[str, Any]]:
    """The matters still open on the latest hand-over before `before` (to copy forward)."""
    from kefu.records.loader import ParseFailure, load_mapping

    files = sorted((root / "records" / KIND.folder).glob("*/*/H-*.yml"),
                   key=lambda p: p.stem)
    for path in reversed([p for p in files if p.stem < before]):
        try:
            data, _ = load_mapping(path.read_bytes())
        except (OSError, ParseFailure):
            continue
        matters = data.get("matters") or []
        return [{k: v for k, v in m.items() if k != "closed"} for m in matters
                if isinstance(m, dict) and not m.get("closed")]
    return []



KIND = Kind(
    "handover", "交接班记录", Handover, folder="handovers",
    id_pattern=HANDOVER_ID[1:-1],
    id_format="H-日期-交班班次（如 H-20261124-day，可用 kefu new handover 生成）",
    subdir=(r"^H-(?P<y>[0-9]{4})(?P<m>[0-9]{2})", "{y}/{m}"),
    references=(Reference(("outgoing",), "person"), Reference(("incoming",), "person"),
                Reference(("signed", "*"), "person")),
    checks=(consistent,),
    across=staff_across(("handover", "staff-rules", "person", "roster"), "handover_checks",
                        "handover_timely"),
    no_future=(("at",),),
    creator=Creator(build=build, derived=("id", "signed"), defaulted=("at", "status")),
    forms=(FormFiller("shift-handover", "kefu.staff.forms:handover", "交接班记录"),),
)
