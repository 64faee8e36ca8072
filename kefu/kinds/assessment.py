"""KPI assessments (绩效评分): the parts of a person's monthly KPI that records cannot measure.

The supervisor writes one file per person per month, records/assessments/YYYY/KPI-YYYY-MM-<person>
.yml, with a score of 0–100 for each part that records/kpi.yml marks `source: assessment`
(客户满意度, 团队协作精神, 个人成长与学习 by default). `kefu report --month` adds the parts it
measures from the tickets and shows the weighted total only when every part is present.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ConfigDict, Field

from kefu.records.kinds import Creator, Finding, Kind, Option, Reference
from kefu.records.model import PersonId, Stamp, Strict

ASSESSMENT_ID = r"^KPI-[0-9]{4}-(0[1-9]|1[0-2])-[a-z][a-z0-9-]{1,31}$"
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
# The KPI parts of seed 004 (淘宝客服专员岗位职责与工作规范, 三、绩效考核); their titles, weights
# and sources are configured in records/kpi.yml (kefu/reports/kpi.py).
PARTS: dict[str, str] = {
    "satisfaction": "客户满意度", "efficiency": "订单处理效率", "aftersales": "售后处理能力",
    "teamwork": "团队协作精神", "growth": "个人成长与学习",
}

Score = float


class Scores(Strict):
    """各项得分（0–100 分）。"""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=False)

    satisfaction: Score | None = Field(default=None, ge=0, le=100,
                                   description="客户满意度（0–100）")
    efficiency: Score | None = Field(default=None, ge=0, le=100,
                                 description="订单处理效率（0–100）")
    aftersales: Score | None = Field(default=None, ge=0, le=100,
                                 description="售后处理能力（0–100）")
    teamwork: Score | None = Field(default=None, ge=0, le=100,
                               description="团队协作精神（0–100）")
    growth: Score | None = Field(default=None, ge=0, le=100,
                             description="个人成长与学习（0–100）")


class Assessment(Strict):
    """绩效评分：客服主管每月为每位员工填写记录无法计量的考核项。"""

    model_config = ConfigDict(extra="forbid", title="绩效评分")

    id: str = Field(pattern=ASSESSMENT_ID,
                    description="KPI-年-月-员工编号，如 KPI-2026-10-chenjing")
    month: str = Field(pattern=MONTH, description="考核月份 YYYY-MM，如 2026-10")
    person: PersonId = Field(description="被考核员工编号")
    assessor: PersonId = Field(description="评分人员工编号（客服主管）")
    assessed: Stamp = Field(description="评分时间，ISO 8601 带时区")
    scores: Scores = Field(description="各项得分（0–100），只填由主管评分的项")
    basis: str | None = Field(default=None, max_length=2000,
                              description="评分依据（顾客反馈、培训记录等，自由文本）")


def id_matches(record: Any) -> Any:
    """The id names the month and the person of the record."""
    record_id = getattr(record, "id", None)
    month, person = getattr(record, "month", None), getattr(record, "person", None)
    if record_id and month and person and record_id != f"KPI-{month}-{person}":
        yield Finding("assessment-id-mismatch", ("id",),
                      f"编号应为 KPI-{month}-{person}（KPI-考核月份-员工编号），"
                      "与 month、person 一致。")


def scores_given(record: Any) -> Any:
    scores = getattr(record, "scores", None)
    if scores is not None and not any(getattr(scores, name) is not None for name in PARTS):
        yield Finding("assessment-empty", ("scores",),
                      "没有填写任何得分：至少写一项，如 `satisfaction: 90`"
                      "（可填 " + "、".join(f"{k}（{v}）" for k, v in PARTS.items()) + "）。")


def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    """`kefu new assessment --month 2026-10 --person chenjing --assessor wangfang ...`."""
    month, person = str(values.get("month", "")), str(values.get("person", ""))
    scores: dict[str, Any] = {}
    for name in PARTS:
        text = values.get(name)
        if text not in (None, ""):
            scores[name] = float(text) if re.fullmatch(r"\d+(\.\d+)?", str(text)) else text
    data: dict[str, Any] = {"id": f"KPI-{month}-{person}", "month": month, "person": person,
                            "assessor": values.get("assessor", ""),
                            "assessed": values.get("assessed") or ctx.now, "scores": scores}
    if values.get("basis"):
        data["basis"] = values["basis"]
    return data


KIND = Kind(
    "assessment", "绩效评分", Assessment, folder="assessments",
    id_pattern=ASSESSMENT_ID[1:-1],
    id_format="KPI-考核月份-员工编号（如 KPI-2026-10-chenjing）",
    subdir=(r"^KPI-(?P<y>[0-9]{4})-", "{y}"),
    references=(Reference(("person",), "person"), Reference(("assessor",), "person")),
    checks=(id_matches, scores_given),
    no_future=(("assessed",),),
    creator=Creator(
        build=build, derived=("id", "scores"), defaulted=("assessed",),
        extra=tuple(Option(name, f"{label}得分（0–100）") for name, label in PARTS.items()),
        labels={"assessment": "绩效评分"},
    ),
)
