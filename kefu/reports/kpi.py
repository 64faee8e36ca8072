"""KPI weights (records/kpi.yml) and each person's monthly KPI sheet.

records/kpi.yml is read like records/sla.yml (a single-file record kind, schema in schemas/):
each part of seed 004's 绩效考核 table has its weight, the seed text it comes from, and its source:
`records` (measured: the share of the person's deadlines of the listed ticket types, due in the
month, met on time) or `assessment` (a score the supervisor writes, kefu/kinds/assessment.py).
The weights add up to 100. The weighted total is shown only when every part has a score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kefu.kinds.assessment import PARTS
from kefu.kinds.ticket import TYPE_LABELS, TicketType
from kefu.problems import KefuError, Severity
from kefu.records.kinds import Kind
from kefu.records.model import Labels, Text

KPI_FILE = Path("records") / "kpi.yml"
PartId = Literal["satisfaction", "efficiency", "aftersales", "teamwork", "growth"]
SOURCE_LABELS = {"records": "由记录计算", "assessment": "主管评分"}


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KpiPart(_Closed):
    title: Text = Field(description="考核项中文名称")
    weight: int = Field(ge=1, le=100, description="权重（分值占比，百分数）")
    seed: Text = Field(description="出处（岗位职责与工作规范的条款原文摘要）")
    source: Annotated[Literal["records", "assessment"], Labels.of(SOURCE_LABELS)] = Field(
        description="来源：records 由工单时限按时完成率计算；assessment 由主管在绩效评分记录中填写")
    types: list[TicketType] = Field(
        default_factory=list,
        description="source: records 时，计入哪些类型工单的时限（工单类型代码）")

    @model_validator(mode="after")
    def _types_for_records(self) -> KpiPart:
        if (self.source == "records") != bool(self.types):
            raise ValueError("types")
        return self


class KpiFile(_Closed):
    """绩效考核权重（records/kpi.yml）：kefu report 的 KPI 表从这里读取。"""

    model_config = ConfigDict(extra="forbid", title="绩效考核权重")

    parts: dict[PartId, KpiPart] = Field(description="考核项编号 → 考核项；五项都要有")

    @model_validator(mode="after")
    def _complete(self) -> KpiFile:
        if set(self.parts) != set(PARTS) or sum(p.weight for p in self.parts.values()) != 100:
            raise ValueError("parts")
        return self


_HINT = {
    "types": "source: records 的考核项要写 types（计入哪些工单类型：" + "、".join(TYPE_LABELS)
             + "）；source: assessment 的不写 types。",
    "parts": "parts 要有全部五项（" + "、".join(f"{k} {v}" for k, v in PARTS.items())
             + "），权重（weight）相加等于 100。",
}


def explain(loc: tuple[Any, ...], etype: str) -> tuple[str, str] | None:
    names = [str(part) for part in loc]
    if etype == "value_error" and names[-1:] != ["parts"] and "parts" in names:
        return "kpi-bad-part", _HINT["types"]
    if etype == "value_error":
        return "kpi-weights", _HINT["parts"]
    return None


KIND = Kind("kpi", "绩效考核权重", KpiFile, file="kpi.yml", explain=explain)


@dataclass(frozen=True)
class Part:
    id: str
    title: str
    weight: int
    seed: str
    source: str
    types: tuple[str, ...]


def load_parts(root: Path) -> list[Part] | None:
    """The parts of records/kpi.yml in file order; None when there is no such file.

    KefuError (exit 1) naming path:line:col when the file is invalid.
    """
    from kefu.records.check import read_single

    path = root / KPI_FILE
    if not path.is_file():
        return None
    model, problems = read_single(KIND, path, root)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if model is None or errors:
        lines = "\n".join(p.format() for p in errors)
        raise KefuError(f"绩效考核权重文件有误，请先修正：\n{lines}", "kpi-invalid", 1)
    assert isinstance(model, KpiFile)
    return [Part(key, p.title, p.weight, p.seed, p.source, tuple(p.types))
            for key, p in model.parts.items()]


def weighted_total(parts: list[Part], scores: Mapping[str, float | None]) -> float | None:
    """Σ weight × score / 100, or None while any part has no score."""
    if any(scores.get(p.id) is None for p in parts):
        return None
    return round(sum(p.weight * float(scores[p.id] or 0) for p in parts) / 100, 1)
