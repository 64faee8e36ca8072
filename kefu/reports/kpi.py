"""Each person's monthly KPI: pure functions over what the records say of her.

The rules are records/kpi.yml (kefu/kinds/kpi.py): seed 004's five parts and weights, which parts
each post has, who may assess. A person's inputs are her post, the deadlines of each measured
part (`Tally`) and the scores given in her month's assessment. For each part of her post:

- a score given in the assessment counts (for a measured part, what the records yield is shown
  beside it);
- else a measured part counts with its on-time share × 100, or, with no deadline of its types
  due that month, does not apply: it is left out;
- else (an assessed part) it is missing, and there is no total until it is given.

The total is Σ weight × score ÷ Σ weight over the parts that count, i.e. the seed's weights
rescaled to 100 over them, rounded half up to one decimal (measured scores are rounded first,
as shown). `section` lays the sheets out as the report's KPI section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kefu.kinds.kpi import Part, Post, Rules
from kefu.kinds.kpi import load_rules as load_rules  # re-exported: the report reads the rules
from kefu.kinds.person import ROLE_LABELS
from kefu.kinds.ticket import TYPE_LABELS

from .tables import INT, SCORE, Column, Given, Section, Table

# How each part of a post stands for one person in one month
MEASURED = "measured"  # counts: the records' on-time share
GIVEN = "given"  # counts: the assessment's score (a measured part: instead of the records')
MISSING = "missing"  # an assessed part without a score: no total
LEFT_OUT = "left-out"  # a measured part with no deadline that month: does not apply
COUNTED = (MEASURED, GIVEN)
TENTH = Decimal("0.1")


def half_up(value: Decimal) -> float:
    """One decimal, half up (77.65 -> 77.7), as people round by hand."""
    return float(value.quantize(TENTH, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Tally:
    """The deadlines of a measured part due in the month: counted (settled) and met on time."""

    counted: int
    on_time: int

    @property
    def score(self) -> float | None:
        """On-time share × 100, one decimal; None with nothing counted (the part is left out)."""
        if not self.counted:
            return None
        return half_up(Decimal(self.on_time) * 100 / Decimal(self.counted))


@dataclass(frozen=True)
class Item:
    """One part of a person's post in the month."""

    part: Part
    state: str  # MEASURED, GIVEN, MISSING or LEFT_OUT
    score: float | None  # the score that counts
    computed: float | None  # what the records yield (a measured part), shown beside a given one
    measured: bool  # a part the records measure for this post


@dataclass(frozen=True)
class Sheet:
    post: Post
    items: tuple[Item, ...]
    total: float | None

    def titles(self, state: str) -> list[str]:
        return [i.part.title for i in self.items if i.state == state]


def rescaled(parts: Sequence[Part]) -> dict[str, float]:
    """The parts' weights rescaled to 100 (one decimal): 40, 20, 10, 10 -> 50, 25, 12.5, 12.5."""
    whole = sum(p.weight for p in parts)
    return {p.id: half_up(Decimal(p.weight) * 100 / whole) for p in parts} if whole else {}


def weighted_total(items: Sequence[Item]) -> float | None:
    """Σ weight × score ÷ Σ weight over the counted parts; None while a part is missing."""
    if any(i.state == MISSING for i in items):
        return None
    counted = [i for i in items if i.state in COUNTED and i.score is not None]
    whole = sum(i.part.weight for i in counted)
    if not whole:
        return None
    points = sum((Decimal(i.part.weight) * Decimal(str(i.score)) for i in counted), Decimal(0))
    return half_up(points / whole)


def person_sheet(rules: Rules, role: str | None, tallies: Mapping[str, Tally],
                 given: Mapping[str, float]) -> Sheet:
    """The month's sheet of a person of post `role` from her tallies and given scores."""
    post = rules.post(role)
    items = []
    for part_id in post.parts:
        part = rules.part(part_id)
        measured = part.source == "records" and part_id not in post.assessed
        computed = tallies[part_id].score if measured and part_id in tallies else None
        score = given.get(part_id)
        if score is not None:
            items.append(Item(part, GIVEN, float(score), computed, measured))
        elif computed is not None:
            items.append(Item(part, MEASURED, computed, computed, measured))
        else:
            items.append(Item(part, LEFT_OUT if measured else MISSING, None, None, measured))
    return Sheet(post, tuple(items), weighted_total(items))


# -- the report's section ---------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """What the records say of one person in the month (gathered by kefu.reports.people)."""

    name: str
    role: str | None
    tallies: Mapping[str, Tally]
    given: Mapping[str, float]


def shown(item: Item) -> float | None:
    """A cell of the KPI table: a given score replacing a measured part carries its figure."""
    if item.state == GIVEN and item.measured:
        return Given(item.score or 0.0, item.computed)
    return item.score


def standing(sheet: Sheet) -> str:
    """The 各项 cell: complete, not assessed, or what is missing; and what was left out."""
    missing, left = sheet.titles(MISSING), sheet.titles(LEFT_OUT)
    said = ["无时限不计：" + "、".join(left)] if left else []  # a total says it is complete
    if missing and not any(i.state == GIVEN for i in sheet.items):
        said.insert(0, "未评分")  # no assessment this month: every assessed part is missing
    elif missing:
        said.insert(0, "缺：" + "、".join(missing))
    return "；".join(said) or "齐全"


def section(rules: Rules, title: str, people: Sequence[Person]) -> Section:
    """The KPI section of a month's report: one row per person whose post has parts."""
    sheets = [(p, person_sheet(rules, p.role, p.tallies, p.given)) for p in people]
    kept = [(p, s) for p, s in sheets if s.post.parts]
    rows, detail = [], []
    use = {MEASURED: "记录", GIVEN: "评分", LEFT_OUT: "不计（本月无时限）"}
    for person, sheet in kept:
        cells = {i.part.id: shown(i) for i in sheet.items}
        rows.append([person.name, _post(person.role), *(cells.get(p.id) for p in rules.parts),
                     sheet.total, standing(sheet)])
        for item in sheet.items:
            if item.measured:
                tally = person.tallies.get(item.part.id) or Tally(0, 0)
                detail.append([person.name, item.part.title, tally.counted, tally.on_time,
                               item.computed, person.given.get(item.part.id), use[item.state]])
    columns = [Column("person", "员工"), Column("post", "岗位"),
               *(Column(p.id, f"{p.title}（{p.weight}%）", SCORE) for p in rules.parts),
               Column("total", "加权总分", SCORE), Column("complete", "各项")]
    tables = [
        Table("kpi", f"{title} KPI", columns, rows, empty="没有要考核的员工。"),
        Table("kpi_measured", "由记录计算的考核项", [
            Column("person", "员工"), Column("part", "考核项"),
            Column("resolved", "计入时限", INT), Column("on_time", "按时完成", INT),
            Column("score", "记录算得", SCORE), Column("given", "评分", SCORE),
            Column("used", "计入总分")], detail),
    ]
    left_out = [(p.name, s.post) for p, s in sheets if not s.post.parts]
    posts = list(dict.fromkeys(s.post.role for _, s in kept))
    return Section("kpi", "绩效考核（KPI）", notes(rules, posts, left_out), tables)


def _post(role: str | None) -> str:
    return ROLE_LABELS.get(role or "", role or "—")


def notes(rules: Rules, posts: Sequence[str],
          left_out: Sequence[tuple[str, Post]]) -> list[str]:
    """How the KPI section is counted, in the words of the rules."""
    measured = "；".join(f"{p.title}：本人负责、本月到期的" + "、".join(
        TYPE_LABELS.get(t, t) for t in p.types) + "工单时限的按时率 × 100" for p in rules.parts
        if p.source == "records")
    found = [
        "权重来自 records/kpi.yml（淘宝客服专员岗位职责与工作规范，三、绩效考核："
        + "、".join(f"{p.title} {p.weight}%" for p in rules.parts) + "）。",
        f"由记录计算：{measured}（按时率的算法同“时限完成情况”）。本月没有这类时限的，"
        "该项不适用、不计入总分（“各项”列写“无时限不计”），其余各项按权重折算。",
        "评分：取自当月的绩效评分记录 records/assessments/（kefu new assessment，由"
        + "或".join(_post(r) for r in rules.assessors) + "填写，不能给自己评分）。评分也可以"
        "给由记录计算的项：这时按评分计入，括号里是记录算得的分。",
        "加权总分 = Σ 权重 × 得分 ÷ Σ 计入各项的权重（即把计入各项的权重按比例折算到 100），"
        "保留一位小数（四舍五入）；缺评分时不给出（“各项”列写“缺：…”，整月没有评分的写“未评分”）。",
    ]
    if rules.listed and posts:
        found.append("本表各岗位考核的项与折算后的权重（records/kpi.yml 的 posts）：" + "；".join(
            f"{_post(post.role)} " + "、".join(
                f"{rules.part(pid).title} {weight:g}" + ("（评分）" if pid in post.assessed else "")
                for pid, weight in rescaled([rules.part(pid) for pid in post.parts]).items())
            for post in rules.posts.values() if post.role in posts) + "。")
    if left_out:
        reasons = {post.role: post.reason for _, post in left_out if post.reason}
        found.append("不在本表：" + "、".join(f"{name}（{_post(post.role)}）"
                                          for name, post in left_out) + "。"
                     + "".join(f"{_post(role)}：{reason}" for role, reason in reasons.items()))
    return found
