"""Staff requests by issue form (请假、出差、调班、补卡、档案借阅) and decisions by issue comment
(`/批准`, `/不批准 理由`): kefu intake and kefu decide-comment on a copy of tests/data/intake/repo,
with bodies as GitHub sends them (tests/data/intake/staff/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, record_repo

from kefu.cli import main
from kefu.intake import forms
from kefu.intake.comment import read_command
from kefu.intake.staff import MARKER, STAFF_FORMS
from kefu.records.corpus import record
from kefu.records.new import commands, options

DATA = Path(__file__).parent / "data" / "intake"
STAFF = DATA / "staff"
NOW = "2026-11-25T10:00:00+08:00"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KEFU_NOW", NOW)
    monkeypatch.delenv("KEFU_USER", raising=False)
    return record_repo(DATA / "repo", tmp_path / "repo")


def intake(root: Path, name: str) -> tuple[int, dict[str, Any]]:
    done = CliRunner().invoke(main, ["intake", str(STAFF / f"{name}.md"), "--root", str(root),
                                     "--format", "json"])
    assert done.exit_code in (0, 1), done.output
    return done.exit_code, json.loads(done.stdout)


def comment(root: Path, text: str, login: str, record_id: str) -> tuple[int, dict[str, Any]]:
    body = root.parent / "comment.md"
    body.write_text(text, encoding="utf-8")
    done = CliRunner().invoke(main, ["decide-comment", str(body), "--record", record_id,
                                     "--login", login, "--root", str(root), "--format", "json"])
    assert done.exit_code in (0, 1), done.output
    return done.exit_code, json.loads(done.stdout)


# -- the forms ------------------------------------------------------------------------------------
def test_each_request_form_asks_the_options_of_kefu_new_but_personal_data() -> None:
    by_key = {f.key: f for f in forms()}
    for staff in STAFF_FORMS:
        form = by_key[staff.key]
        offered = {o.name for o in options(commands()[staff.command])}
        model = commands()[staff.command].kind.model
        assert model is not None
        personal = {n for n in offered if n in model.model_fields and
                    model.model_fields[n].json_schema_extra == {"personal": True}}
        assert {f.id for f in form.fields} == offered - personal, staff.key
        assert staff.command != "leave" or personal == {"reason"}  # no reason in an issue
        assert (ROOT / ".github" / "ISSUE_TEMPLATE" / f"{staff.key}.yml").is_file()
    labels = [f.fields[0].label for f in forms()]
    assert len(set(labels)) == len(labels)  # a body is told by its first heading


def test_dropdowns_offer_the_models_labels() -> None:
    template = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "leave-request.yml")
                              .read_text(encoding="utf-8"))
    kinds = next(e for e in template["body"] if e.get("id") == "type")
    assert kinds["attributes"]["options"][:3] == ["事假", "病假", "年假"]


# -- intake ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "kind", "fields", "waits"), [
    ("leave", "leave", {"person": "zhangmin", "type": "personal", "cover": "wangfang",
                        "status": "pending"}, "等待客服主管（王芳）或总经办审批"),
    ("leave-by-phone", "leave", {"person": "zhangmin", "by_phone": True},  # the dropdown's 是
     "等待客服主管（王芳）或总经办审批"),
    ("trip", "trip", {"person": "zhangmin", "budget": 1800, "status": "pending"},
     "等待客服主管（王芳）部门审核"),
    ("swap", "swap", {"giver": "zhangmin", "taker": "wangfang", "shift": "day",
                      "type": "cover"}, "等待客服主管（王芳）或总经办审批"),
    ("punch", "punch", {"person": "zhangmin", "actual": "08:25", "which": "in"},
     "最迟 2026-11-26 24:00"),
    ("loan", "loan", {"category": "ordinary", "handler": "wangfang"}, "不需要审批"),
])
def test_a_request_form_makes_a_request(repo: Path, name: str, kind: str,
                                        fields: dict[str, Any], waits: str) -> None:
    code, result = intake(repo, name)
    assert (code, result["ok"], result["problems"]) == (0, True, [])
    data = record(repo, kind, result["record_id"])
    assert data is not None and {k: data.get(k) for k in fields} == fields
    text = (repo / result["path"]).read_text("utf-8")
    assert "status" not in text  # the request as asked; the decision comes later
    assert waits in result["comment"]
    assert f"<!-- {MARKER}: {result['record_id']} -->" in result["comment"]


def test_a_request_for_a_shift_already_begun_is_made_and_says_how_to_approve(repo: Path) -> None:
    # a cover agreed by phone before 08:30, filed at 10:00: written, with what to do in the reply
    code, result = intake(repo, "swap-started")
    assert (code, result["ok"]) == (0, True), result["problems"]
    said = "\n".join(result["warnings"])
    assert "已经开始，调班仍未批准" in said
    assert f"kefu approve {result['record_id']} --at 同意时间" in said
    assert "> **注意**：班次 2026-11-25 08:30 已经开始" in result["comment"]


@pytest.mark.parametrize(("name", "said"), [
    ("swap-bad-shift", "「班次」的“早班”不是班次：可写 白班（day）、晚班（evening）"),
    ("leave-unknown-person", "「请假人」"),
    ("leave-bad-yes-no", "「已先电话请示获批」请选“是”或“否”"),
])
def test_a_bad_request_form_writes_nothing(repo: Path, name: str, said: str) -> None:
    before = sorted(p.relative_to(repo) for p in (repo / "records").rglob("*"))
    code, result = intake(repo, name)
    assert (code, result["ok"]) == (1, False)
    assert any(said in p for p in result["problems"]), result["problems"]
    assert sorted(p.relative_to(repo) for p in (repo / "records").rglob("*")) == before


# -- decisions by comment -------------------------------------------------------------------------
def test_a_comment_is_read_as_a_decision() -> None:
    assert read_command("/批准") == (True, "")
    assert read_command("  /批准 同意\r\n") == (True, "同意")
    assert read_command("/不批准 当天只剩一人值班\n请另找同事") == (
        False, "当天只剩一人值班\n请另找同事")
    assert read_command("/不批准：人手不够") == (False, "人手不够")
    assert read_command("我觉得可以 /批准") is None and read_command("/批准了吗") is None


def test_an_allowed_person_decides_by_comment(repo: Path) -> None:
    _, made = intake(repo, "leave")
    leave = made["record_id"]
    code, done = comment(repo, "/批准", "Fang-Wang", leave)  # GitHub ignores case
    assert (code, done["ok"], done["by"]) == (0, True, "wangfang"), done
    assert done["path"].startswith(f"records/leave/2026/11/{leave}/")
    assert "已批准" in done["comment"]
    data = record(repo, "leave", leave)
    assert data is not None and (data["status"], data["approved_by"]) == ("approved", "wangfang")


def test_anyone_else_is_told_who_may_decide(repo: Path) -> None:
    _, made = intake(repo, "punch")
    punch = made["record_id"]
    code, done = comment(repo, "/批准", "zhangmin-kf", punch)  # her own 补卡
    assert (code, done["ok"]) == (1, False) and "不能审批自己的申请" in done["comment"]
    assert "客服主管（王芳）" in done["comment"]
    code, done = comment(repo, "/批准", "mallory", punch)
    assert code == 1 and "@mallory 没有登记" in done["comment"]
    assert "records/people/你的编号.yml）里加一行 `github: mallory`" in done["comment"]
    assert "须由客服主管（王芳）或总经办审批" in done["comment"]
    code, done = comment(repo, "/不批准", "fang-wang", punch)
    assert code == 1 and "要写明理由" in done["comment"]
    code, done = comment(repo, "谢谢", "fang-wang", punch)
    assert code == 1 and done["ignored"] is True
    assert list((repo / "records" / "punches").rglob(f"{punch}/*.yml")) == []
    code, done = comment(repo, "/不批准 申请晚了", "fang-wang", punch)
    assert code == 0 and done["action"] == "refused", done
