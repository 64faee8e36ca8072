"""records/kpi.yml: the KPI parts, their weights, which posts have which parts, who may assess.

A single-file record kind like records/sla.yml. Each part of seed 004's 绩效考核 table has its
weight, the seed text it comes from and its source: `records` (measured: the share of the
person's deadlines of the listed ticket types, due in the month, met on time) or `assessment`
(a score written in a 绩效评分 record, kefu/kinds/assessment.py). The weights add up to 100.
`posts` says which parts each of the seven posts has (a post's weights are rescaled to 100);
`assessors` which posts may write assessments. The arithmetic is kefu/reports/kpi.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import ConfigDict, Field, model_validator

from kefu.kinds.person import ROLE_LABELS, Role
from kefu.kinds.ticket import TYPE_LABELS, TicketType
from kefu.problems import KefuError, Severity
from kefu.records.kinds import Finding, Kind
from kefu.records.model import Labels, Strict, Text

KPI_FILE = "kpi.yml"
PartId = Literal["satisfaction", "efficiency", "aftersales", "teamwork", "growth"]
# The KPI parts of seed 004 (淘宝客服专员岗位职责与工作规范, 三、绩效考核); titles, weights and
# sources are configured in records/kpi.yml.
PARTS: dict[str, str] = {
    "satisfaction": "客户满意度", "efficiency": "订单处理效率", "aftersales": "售后处理能力",
    "teamwork": "团队协作精神", "growth": "个人成长与学习",
}
SOURCE_LABELS = {"records": "由记录计算", "assessment": "评分"}
ROLES: tuple[str, ...] = get_args(Role)
DEFAULT_ASSESSORS: tuple[str, ...] = ("supervisor",)
PostRole = Annotated[Role, Labels.of(ROLE_LABELS)]


class KpiPart(Strict):
    title: Text = Field(description="考核项中文名称")
    weight: int = Field(ge=1, le=100, description="权重（分值占比，百分数）")
    seed: Text = Field(description="出处（岗位职责与工作规范的条款原文摘要）")
    source: Annotated[Literal["records", "assessment"], Labels.of(SOURCE_LABELS)] = Field(
        description="来源：records 由工单时限按时完成率计算；"
                    "assessment 由评分人在绩效评分记录中填写")
    types: list[TicketType] = Field(
        default_factory=list,
        description="source: records 时，计入哪些类型工单的时限（工单类型代码）")

    @model_validator(mode="after")
    def _types_for_records(self) -> KpiPart:
        if (self.source == "records") != bool(self.types):
            raise ValueError("types")
        return self


class KpiPost(Strict):
    """一个岗位考核哪些项。"""

    parts: list[PartId] = Field(
        description="本岗位考核的项（考核项编号）；空列表：本岗位不在部门的 KPI 表里")
    assessed: list[PartId] = Field(
        default_factory=list,
        description="本岗位由评分人打分、不按工单计算的项（只能是 source: records 的项）")
    reason: Text = Field(description="为什么这样定（理由与出处）")


class KpiFile(Strict):
    """绩效考核规则（records/kpi.yml）：kefu report 的 KPI 表和绩效评分的检查从这里读取。"""

    model_config = ConfigDict(extra="forbid", title="绩效考核规则")

    parts: dict[PartId, KpiPart] = Field(description="考核项编号 → 考核项；五项都要有")
    assessors: list[PostRole] = Field(
        default=["supervisor"], min_length=1,
        description="哪些岗位的人可以填写绩效评分（默认只有客服主管）；谁都不能给自己评分")
    posts: dict[PostRole, KpiPost] | None = Field(
        default=None,
        description="岗位 → 本岗位考核的项；省略时每个岗位都考核全部五项，写了就要列出全部七个岗位")

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


def posts_consistent(model: Any) -> Iterator[Finding]:
    """Every post is listed once; a post's `assessed` parts are measured parts it has."""
    posts, parts = getattr(model, "posts", None), getattr(model, "parts", None)
    if not isinstance(posts, Mapping):
        return
    missing = [role for role in ROLES if role not in posts]
    if missing:
        yield Finding("kpi-posts", ("posts",),
                      "posts 要列出全部七个岗位，缺：" + "、".join(
                          f"{r}（{ROLE_LABELS[r]}）" for r in missing)
                      + "。不考核的岗位写 `parts: []` 并在 reason 里说明理由。")
    for role, post in posts.items():
        for name in ("parts", "assessed"):
            chosen = list(getattr(post, name, None) or [])
            if len(set(chosen)) != len(chosen):
                yield Finding("kpi-bad-post", ("posts", role, name),
                              f"{ROLE_LABELS.get(role, role)}的 {name} 里有重复的考核项："
                              "请删去重复的。")
        own = set(getattr(post, "parts", None) or [])
        for index, part in enumerate(getattr(post, "assessed", None) or []):
            measured = isinstance(parts, Mapping) and part in parts \
                and parts[part].source == "records"
            if part not in own or not measured:
                yield Finding("kpi-bad-post", ("posts", role, "assessed", index),
                              f"assessed 只能写本岗位 parts 里、source: records 的考核项，"
                              f"`{part}` 不是：请删去，或先把它加进 parts。")


KIND = Kind("kpi", "绩效考核规则", KpiFile, file=KPI_FILE, explain=explain,
            checks=(posts_consistent,))


# -- the rules as the report and the checks read them -----------------------------------------
@dataclass(frozen=True)
class Part:
    id: str
    title: str
    weight: int
    seed: str
    source: str
    types: tuple[str, ...]


@dataclass(frozen=True)
class Post:
    """The parts of one post, in the file's order of parts; `assessed`: measured parts this post
    gets a score for instead (a clerk's 订单处理效率 is her archive work, not tickets)."""

    role: str
    parts: tuple[str, ...]
    assessed: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Rules:
    parts: tuple[Part, ...]
    posts: Mapping[str, Post]
    assessors: tuple[str, ...]
    listed: bool  # the file lists the posts (else every post has every part)

    def post(self, role: str | None) -> Post:
        """The parts of a post; a person of no known post has every part (seed 004's table)."""
        found = self.posts.get(role or "")
        if found is not None:
            return found
        return Post(role or "", tuple(p.id for p in self.parts), (), "")

    def part(self, part_id: str) -> Part:
        return next(p for p in self.parts if p.id == part_id)


def rules_of(model: KpiFile) -> Rules:
    """The Rules of a valid records/kpi.yml."""
    parts = tuple(Part(key, p.title, p.weight, p.seed, p.source, tuple(p.types))
                  for key, p in model.parts.items())
    order = [p.id for p in parts]
    listed = model.posts or {}
    posts: dict[str, Post] = {role: Post(role, tuple(p for p in order if p in post.parts),
                        tuple(p for p in order if p in post.assessed), post.reason)
             for role, post in listed.items()}
    for role in ROLES:
        posts.setdefault(role, Post(role, tuple(order), (), ""))
    return Rules(parts, posts, tuple(model.assessors), bool(listed))


def rules_from(data: Mapping[str, Any]) -> Rules:
    """The Rules of a checked records/kpi.yml's data (an Across check's record)."""
    return rules_of(KpiFile.model_validate(dict(data)))


def load_rules(root: Path) -> Rules | None:
    """The rules of root/records/kpi.yml; None when there is no such file.

    KefuError (exit 1) naming path:line:col when the file is invalid.
    """
    from kefu.records.check import read_single

    path = root / "records" / KPI_FILE
    if not path.is_file():
        return None
    model, problems = read_single(KIND, path, root)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if not isinstance(model, KpiFile) or errors:
        lines = "\n".join(p.format() for p in errors)
        raise KefuError(f"绩效考核规则文件有误，请先修正：\n{lines}", "kpi-invalid", 1)
    return rules_of(model)
