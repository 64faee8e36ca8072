"""A record kind the tracker does not ship: a visitor log (来访登记), declared by the test suite.

Plugs in through kefu.records.kinds.register_kind with a model, one check, one reference, a
nested personal field, a Creator and a form filler, and touches no module of kefu.
"""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, Field

from kefu.records.ids import fresh_id
from kefu.records.kinds import Creator, Finding, FormFiller, Kind, Reference
from kefu.records.model import PERSONAL, PHONE, PersonId, Strict

VISIT_ID = r"^V-[0-9]{8}-[0-9a-z]{4}$"


class Visitor(Strict):
    """来访人。"""

    name: str = Field(min_length=1, description="来访人姓名")
    phone: str | None = Field(default=None, pattern=PHONE, description="来访人电话（个人信息）",
                              json_schema_extra=PERSONAL)


class Visit(Strict):
    """来访登记。"""

    id: str = Field(pattern=VISIT_ID, description="V-来访日期-4位随机码")
    host: PersonId = Field(description="接待人员工编号")
    started: AwareDatetime = Field(description="到访时间")
    ended: AwareDatetime = Field(description="离开时间")
    purpose: str = Field(min_length=1, description="来访事由")
    visitors: list[Visitor] = Field(default_factory=list, description="来访人")


def ends_after_start(visit: Any) -> Any:
    started, ended = getattr(visit, "started", None), getattr(visit, "ended", None)
    if started is not None and ended is not None and ended < started:
        yield Finding("visit-ends-before-start", ("ended",), "离开时间早于到访时间：请核对。")


def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    started = values.get("started") or ctx.now
    prefix = f"V-{started:%Y%m%d}-"
    return {"id": fresh_id(prefix, lambda i: ctx.taken("visit", i)), "host": values.get("host"),
            "started": started, "ended": values.get("ended") or started,
            "purpose": values.get("purpose"), "visitors": []}


def slip(ctx: Any, form: Any) -> Any:
    data = ctx.data
    return ctx.filled({"host": ctx.name(data["host"]), "purpose": data["purpose"],
                       "visitors": "、".join(v["name"] for v in data.get("visitors", []))},
                      date=data["started"].date())


KIND = Kind(
    "visit", "来访登记", Visit, folder="visits", id_pattern=VISIT_ID[1:-1],
    id_format="V-来访日期-4 位随机码（如 V-20260310-ab12）",
    subdir=(r"^V-(?P<y>[0-9]{4})", "{y}"),
    references=(Reference(("host",), "person"),),
    checks=(ends_after_start,),
    creator=Creator(build=build, derived=("id", "visitors"), defaulted=("ended",)),
    forms=(FormFiller("visit-slip", slip, "来访登记"),),
)
