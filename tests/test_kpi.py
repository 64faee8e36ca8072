"""KPI totals (kefu.reports.kpi), the rules of records/kpi.yml and who may assess whom.

Hand-computed cases are tests/data/reports/kpi-cases.yml (the arithmetic beside each); the report
of one month is tests/data/reports/expected-2026-10.yml (tests/test_reports.py); the sample
department's November is checked here against figures worked out from its assessments.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, record_repo

from kefu.cli import main
from kefu.kinds.kpi import ROLES, load_rules
from kefu.reports.build import build_report
from kefu.reports.kpi import Tally, person_sheet, rescaled, standing
from kefu.reports.period import parse_month
from kefu.reports.render import cell
from kefu.reports.tables import SCORE, Column, Given
from kefu.times import SHANGHAI
from kefu.workspace import Workspace

DATA = Path(__file__).parent / "data"
RULES_REPO = DATA / "reports" / "repo"
CASES = yaml.safe_load((DATA / "reports" / "kpi-cases.yml").read_text(encoding="utf-8"))
AUTHORITY = DATA / "records" / "invalid" / "assessment-authority"
NOVEMBER = "2026-11-25T09:00:00+08:00"


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_hand_computed_sheet(case: dict[str, Any]) -> None:
    rules = load_rules(RULES_REPO)
    assert rules is not None
    tallies = {k: Tally(*v) for k, v in case["tallies"].items()}
    sheet = person_sheet(rules, case["role"], tallies, case["given"])
    assert {i.part.id: i.state for i in sheet.items} == case["states"]
    assert sheet.total == case["total"]
    if "standing" in case:
        assert standing(sheet) == case["standing"]
    for part, computed in (case.get("computed") or {}).items():
        assert next(i for i in sheet.items if i.part.id == part).computed == computed


def test_weights_rescaled_to_100() -> None:
    rules = load_rules(RULES_REPO)
    assert rules is not None
    four = [rules.part(p) for p in ("satisfaction", "efficiency", "teamwork", "growth")]
    assert rescaled(four) == {"satisfaction": 50, "efficiency": 25, "teamwork": 12.5,
                              "growth": 12.5}
    three = [rules.part(p) for p in ("satisfaction", "teamwork", "growth")]
    assert rescaled(three) == {"satisfaction": 66.7, "teamwork": 16.7, "growth": 16.7}


def test_a_given_score_is_shown_with_the_records_figure() -> None:
    score = Column("x", "x", SCORE)
    assert cell(Given(80, 66.7), score) == "80.0（记录算得 66.7）"
    assert cell(Given(85, None), score) == "85.0（本月无时限）"
    assert json.loads(json.dumps({"v": Given(80, 66.7)})) == {"v": 80.0}  # a number in JSON


# -- the handbook states the rule the file holds ----------------------------------------------
HANDBOOK_POSTS = {"客服主管": "supervisor", "售前/销售客服": "pre-sales", "售后客服": "after-sales",
                  "售后专员": "aftersales-specialist", "客服专员": "service-specialist",
                  "文员/助理": "clerk", "前台接待": "reception"}


def test_the_handbook_table_is_the_rules_file() -> None:
    """docs/roles/index.md's 本手册采用的规则 table says what records/kpi.yml says, post by post."""
    rules = load_rules(ROOT)
    assert rules is not None and rules.listed
    text = (ROOT / "docs" / "roles" / "index.md").read_text(encoding="utf-8")
    section = text[text.index("## 绩效考核权重"):text.index("## 所有岗位的共同要求")]
    assert '!!! note "本手册采用的规则"' in section
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.strip().startswith("|") and cells[0] in HANDBOOK_POSTS:
            rows[HANDBOOK_POSTS[cells[0]]] = cells[1:]
    assert set(rows) == set(ROLES)
    titles = [p.title for p in rules.parts]
    assert section.count("| 岗位 | " + " | ".join(titles) + " |") == 1
    for role, cells in rows.items():
        post = rules.post(role)
        if not post.parts:
            assert cells[0] == "不在部门 KPI 表里", role
            continue
        weights = rescaled([rules.part(p) for p in post.parts])
        for part, written in zip([p.id for p in rules.parts], cells, strict=True):
            if part not in post.parts:
                assert written == "不考核", (role, part)
                continue
            number, scored = re.fullmatch(r"([\d.]+)(（评分）)?", written).groups()  # type: ignore[union-attr]
            assert float(number) == weights[part], (role, part)
            assert bool(scored) == (part in post.assessed), (role, part)
    assert all(post.reason for post in rules.posts.values())


# -- who may assess: kefu validate and kefu new say the same ----------------------------------
def _validate(repo: Path) -> dict[str, list[str]]:
    done = CliRunner().invoke(main, ["validate", "--root", str(repo)])
    found: dict[str, list[str]] = {}
    for line in done.output.splitlines():
        match = re.match(r"(records/assessments/\S+?\.yml):\d+:\d+: \[([a-z-]+)\] (.*)", line)
        if match:
            found.setdefault(match[1], []).append(f"[{match[2]}] {match[3]}")
    return found


def _new_options(data: dict[str, Any]) -> list[str]:
    options = ["new", "assessment", "--month", data["month"], "--person", data["person"],
               "--assessor", data["assessor"]]
    for part, score in data["scores"].items():
        options += [f"--{part}", str(score)]
    return options


def test_new_refuses_what_validate_reports(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    repo = record_repo(AUTHORITY, tmp_path / "repo")
    monkeypatch.setenv("KEFU_NOW", "2026-11-20T10:00:00+08:00")
    reported = _validate(repo)
    assert len(reported) == 3  # liqiang, sunli, wangfang (wuhao's is valid)
    monkeypatch.chdir(repo)
    for rel, messages in reported.items():
        path = repo / rel
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.unlink()
        done = CliRunner().invoke(main, _new_options(data))
        assert done.exit_code == 1, done.output
        assert not path.exists(), "拒绝时不应写文件"
        lines = [line.removeprefix("- ") for line in done.output.splitlines()]
        assert [m for m in messages if m not in lines] == [], done.output
    assert "Traceback" not in done.output


def test_the_rules_name_who_may_assess(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With `assessors: [supervisor, pre-sales]` 孙丽 may assess 李强 — but still not herself."""
    repo = record_repo(AUTHORITY, tmp_path / "repo")
    kpi = repo / "records" / "kpi.yml"
    kpi.write_text(kpi.read_text(encoding="utf-8").replace(
        "assessors: [supervisor]", "assessors: [supervisor, pre-sales]"), encoding="utf-8")
    monkeypatch.setenv("KEFU_NOW", "2026-11-20T10:00:00+08:00")
    slugs = {rel.rsplit("-", 1)[-1]: [m.split("]")[0][1:] for m in messages]
             for rel, messages in _validate(repo).items()}
    assert "liqiang.yml" not in slugs
    assert slugs["sunli.yml"] == ["self-assessment", "score-not-for-post"]


def test_a_rules_file_without_posts_keeps_every_part(tmp_path: Path) -> None:
    """A department's older records/kpi.yml (no posts): every post has the five parts; a part
    with no deadline is still left out, so totals are given."""
    repo = Path(shutil.copytree(RULES_REPO, tmp_path / "repo"))
    kpi = repo / "records" / "kpi.yml"
    text = kpi.read_text(encoding="utf-8")
    kpi.write_text(text[:text.index("assessors:")], encoding="utf-8")
    rules = load_rules(repo)
    assert rules is not None and not rules.listed
    as_of = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
    report = build_report(Workspace(repo), parse_month("2026-10"), as_of)
    rows = {r[0]: r for r in report.table("kpi").rows}
    assert set(rows) == {"陈静", "李强", "孙丽", "王芳", "郑雪"}
    # 李强 now has 订单处理效率 too, with no deadline in October: left out, total unchanged
    # (40×85 + 20×70 + 10×90 + 10×60) / 80 = 78.75
    assert rows["李强"][-2] == 78.8 and rows["李强"][-1] == "无时限不计：订单处理效率"
    # 王芳 (supervisor) is in the table again: fff6 gives her 订单处理效率 0 of 1; no assessment
    assert rows["王芳"][3] == 0.0 and rows["王芳"][-2] is None
    assert rows["王芳"][-1] == "未评分；无时限不计：售后处理能力"


# -- the sample department's November ----------------------------------------------------------
def test_every_person_of_the_demo_november_has_a_total(demo_copy: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEFU_NOW", NOVEMBER)
    monkeypatch.chdir(demo_copy)
    done = CliRunner().invoke(main, ["report", "--month", "2026-11", "--format", "json"])
    assert done.exit_code == 0, done.output
    tables = {t["key"]: t for s in json.loads(done.output)["sections"] for t in s["tables"]}
    rows = {r["person"]: r for r in tables["kpi"]["rows"]}
    people = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
              for p in (demo_copy / "records" / "people").glob("*.yml")}
    staff = {d["name"] for d in people.values()
             if d.get("active", True) and d["role"] != "supervisor"}
    assessed = {people[p.stem.removeprefix("KPI-2026-11-")]["name"] for p in
                (demo_copy / "records" / "assessments").rglob("KPI-2026-11-*.yml")}
    assert set(rows) == staff == assessed and len(rows) == 8
    assert [name for name, row in rows.items() if row["total"] is None] == []
    # assessed parts only, worked out by hand from kefu/demo/assessments.py:
    # 吴昊 (clerk): (40×90 + 20×95 + 10×88 + 10×80) / 80 = 7180 / 80 = 89.75
    # 周慧 (after-sales, 售后处理能力 given): (40×87 + 20×85 + 10×86 + 10×84) / 80 = 6880 / 80
    assert rows["吴昊"]["total"] == 89.8 and rows["周慧"]["total"] == 86.0
    assert rows["赵磊"]["efficiency"] == 60.0  # given, replacing what the records yield
    page = CliRunner().invoke(main, ["report", "--month", "2026-11", "--format", "markdown"])
    line = next(x for x in page.output.splitlines() if x.startswith("| 赵磊 | 售后专员 |"))
    assert "| 60.0（记录算得 " in line
    assert "不在本表：王芳（客服主管）" in page.output
