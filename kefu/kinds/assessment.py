"""KPI assessments (绩效评分): the scores of a person's month that records do not give.

The assessor (the supervisor, or whom records/kpi.yml `assessors` names; never the person
herself) writes one file per person per month, records/assessments/YYYY/KPI-YYYY-MM-<person>.yml,
with a score of 0–100 for each part of the person's post that records/kpi.yml marks `source:
assessment` (客户满意度, 团队协作精神, 个人成长与学习). She may also score a measured part
(订单处理效率, 售后处理能力): `kefu report --month` then counts her score and shows what the
records yield beside it. A score for a part the person's post does not have is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field

from kefu.kinds.kpi import DEFAULT_ASSESSORS, PARTS, Rules, load_rules, rules_from
from kefu.kinds.person import ROLE_LABELS
from kefu.records.kinds import Across, Creator, Finding, Kind, Option, Placed, Reference
from kefu.records.model import PersonId, Stamp, Strict

ASSESSMENT_ID = r"^KPI-[0-9]{4}-(0[1-9]|1[0-2])-[a-z][a-z0-9-]{1,31}$"
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
PEOPLE = "people"  # records/people/: the person records `kefu new` reads for its check
MEASURED_NOTE = "；填了就按这个分计入，报表在旁边注明由工单时限算得的分"
# the parts records/kpi.yml ships as measured from the tickets' deadlines
MEASURED = ("efficiency", "aftersales")
HELP = ("填被考核人岗位有的项（岗位与考核项见 records/kpi.yml 的 posts）。"
        "由记录计算的项（默认订单处理效率、售后处理能力）也可以填：填了就按这个分计入 KPI，"
        "报表在旁边注明工单时限算得的分。评分人须是客服主管（或 records/kpi.yml 的 assessors "
        "所列岗位的人），不能给自己评分，否则不写文件。")

Score = float


class Scores(Strict):
    """各项得分（0–100 分）：填被考核人岗位有的项；由记录计算的两项也可以填，填了就按评分计入。"""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=False)

    satisfaction: Score | None = Field(default=None, ge=0, le=100,
                                       description="客户满意度（0–100）")
    efficiency: Score | None = Field(
        default=None, ge=0, le=100,
        description="订单处理效率（0–100）：通常由工单时限计算" + MEASURED_NOTE)
    aftersales: Score | None = Field(
        default=None, ge=0, le=100,
        description="售后处理能力（0–100）：通常由工单时限计算" + MEASURED_NOTE)
    teamwork: Score | None = Field(default=None, ge=0, le=100,
                                   description="团队协作精神（0–100）")
    growth: Score | None = Field(default=None, ge=0, le=100,
                                 description="个人成长与学习（0–100）")


class Assessment(Strict):
    """绩效评分：评分人（客服主管，或 records/kpi.yml 的 assessors 所列岗位的人，不能是本人）
    每月为每位员工填写一份。填了分的项都计入 KPI；由记录计算的项也填了分时，按评分计入，
    报表在旁边注明记录算得的分。"""

    model_config = ConfigDict(extra="forbid", title="绩效评分")

    id: str = Field(pattern=ASSESSMENT_ID,
                    description="KPI-年-月-员工编号，如 KPI-2026-10-chenjing")
    month: str = Field(pattern=MONTH, description="考核月份 YYYY-MM，如 2026-10")
    person: PersonId = Field(description="被考核员工编号")
    assessor: PersonId = Field(
        description="评分人员工编号：客服主管（或 records/kpi.yml 的 assessors 所列岗位的人），"
                    "不能是被考核人本人")
    assessed: Stamp = Field(description="评分时间，ISO 8601 带时区")
    scores: Scores = Field(description="各项得分（0–100），填被考核人岗位有的项")
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


# -- who may assess whom, and which parts (kefu validate and kefu new say the same) -----------
People = Mapping[str, Mapping[str, Any]]  # person id -> her record's data


def _who(people: People, person: str) -> str:
    name = (people.get(person) or {}).get("name")
    return f"{name}（{person}）" if name else person


def _post(role: Any) -> str:
    return ROLE_LABELS.get(str(role), str(role))


def vet(data: Mapping[str, Any], people: People, rules: Rules | None) -> Iterator[Finding]:
    """What the assessment of `data` breaks of the rules: its assessor, its parts.

    `rules`: records/kpi.yml, or None when there is none (then only the supervisor assesses).
    """
    person, assessor = str(data.get("person") or ""), str(data.get("assessor") or "")
    allowed = rules.assessors if rules is not None else DEFAULT_ASSESSORS
    roles = "或".join(_post(r) for r in allowed)
    if person and person == assessor:
        yield Finding("self-assessment", ("assessor",),
                      f"{_who(people, person)}不能给自己评分：绩效评分由{roles}为别人填写"
                      "（records/kpi.yml 的 assessors）。请让有权评分的人填写 assessor。")
    role = (people.get(assessor) or {}).get("role")
    if role is not None and role not in allowed:
        may = [_who(people, p) for p, d in people.items()
               if d.get("role") in allowed and d.get("active", True) and p != person]
        fix = f"请把 assessor 改为{'或'.join(may)}。" if may else "请找有权评分的人填写。"
        yield Finding("assessor-not-allowed", ("assessor",),
                      f"{_who(people, assessor)}是{_post(role)}，不能填写绩效评分：本部门由{roles}"
                      f"评分（records/kpi.yml 的 assessors）。{fix}")
    post_role = (people.get(person) or {}).get("role")
    if rules is None or not rules.listed or post_role is None:
        return
    post = rules.post(str(post_role))
    if not post.parts:
        yield Finding("assessment-not-for-post", ("person",),
                      f"{_who(people, person)}是{_post(post_role)}，本部门的 KPI 不考核这个岗位"
                      f"（理由见 records/kpi.yml 的 posts.{post_role}）：不要为她填写绩效评分，"
                      "已写的请删除这个文件。")
        return
    scores = data.get("scores")
    for part in PARTS:
        if isinstance(scores, Mapping) and scores.get(part) is not None \
                and part not in post.parts:
            yield Finding("score-not-for-post", ("scores", part),
                          f"{_who(people, person)}是{_post(post_role)}，本岗位不考核"
                          f"{PARTS[part]}（records/kpi.yml 的 posts.{post_role}.parts）："
                          f"请删去 scores.{part}。")


def _group_rules(group: Any) -> tuple[bool, Rules | None]:
    """(whether to check, the rules): a broken records/kpi.yml is reported by itself first."""
    found = group.of("kpi")
    if found:
        return True, rules_from(found[0].data)
    return not group.exists("kpi", "kpi"), None


def authority(group: Any) -> Iterator[Placed]:
    """Across check: each assessment's assessor and parts against its people and the rules."""
    usable, rules = _group_rules(group)
    if not usable:
        return
    people = {r.id: r.data for r in group.of("person")}
    for record in group.of("assessment"):
        for finding in vet(record.data, people, rules):
            yield Placed("assessment", record.id, finding)


# -- kefu new assessment ----------------------------------------------------------------------
def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    """`kefu new assessment --month 2026-10 --person chenjing --assessor wangfang ...`.

    Refused before anything is written when the assessor may not assess (kefu validate's words).
    """
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
    refuse(ctx.root, data)
    return data


def refuse(root: Path, data: Mapping[str, Any]) -> None:
    """KefuError with every finding of `vet` for a new assessment under `root`."""
    from kefu.problems import KefuError

    found = list(vet(data, _people(root), load_rules(root)))
    if found:
        raise KefuError("无法新建记录：\n" + "\n".join(f"- [{f.slug}] {f.message}" for f in found),
                        found[0].slug, 1)


def _people(root: Path) -> dict[str, dict[str, Any]]:
    """The valid person records under root (a department has tens of them)."""
    from kefu.records.check import check_file

    folder = root / "records" / PEOPLE
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        if path.is_symlink():
            continue
        result = check_file(path.relative_to(root).as_posix(), path.read_bytes())
        if result.kind == "person" and result.id and result.data is not None:
            found[result.id] = result.data
    return found


KIND = Kind(
    "assessment", "绩效评分", Assessment, folder="assessments",
    id_pattern=ASSESSMENT_ID[1:-1],
    id_format="KPI-考核月份-员工编号（如 KPI-2026-10-chenjing）",
    subdir=(r"^KPI-(?P<y>[0-9]{4})-", "{y}"),
    references=(Reference(("person",), "person"), Reference(("assessor",), "person")),
    checks=(id_matches, scores_given),
    across=Across(("person", "kpi"), authority, modules=("kefu.kinds.kpi",)),
    no_future=(("assessed",),),
    creator=Creator(
        build=build, derived=("id", "scores"), defaulted=("assessed",),
        extra=tuple(Option(name, f"{label}得分（0–100）" + (
            "；默认由工单时限计算，填了按此分计入" if name in MEASURED else ""))
            for name, label in PARTS.items()),
        labels={"assessment": "绩效评分"}, help=HELP,
    ),
)
