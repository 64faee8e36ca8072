"""Issue forms (kefu.intake): the templates match the model, and sample bodies as GitHub sends
them become a valid ticket or event, or a Chinese reply naming the problem with nothing written."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, record_repo

from kefu.cli import main
from kefu.intake import detect, forms, parse
from kefu.intake.forms import FIRST_ACTION, LEFT_OUT, _personal, _ticket_options
from kefu.kinds.ticket import (
    ACTION_LABELS,
    CHANNEL_LABELS,
    LEVEL_LABELS,
    REQUEST_LABELS,
    TYPE_LABELS,
)

DATA = Path(__file__).parent / "data" / "intake"
BODIES = DATA / "bodies"
CASES = yaml.safe_load((DATA / "cases.yml").read_text(encoding="utf-8"))
TEMPLATES = ROOT / ".github" / "ISSUE_TEMPLATE"
NOW = "2026-11-25T10:00:00+08:00"


def _template(key: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((TEMPLATES / f"{key}.yml").read_text(encoding="utf-8"))
    return data


def _dropdowns(key: str) -> dict[str, list[str]]:
    return {e["id"]: e["attributes"]["options"] for e in _template(key)["body"]
            if e["type"] == "dropdown"}


# -- the templates ------------------------------------------------------------------------------
def test_committed_github_files_are_the_generated_ones() -> None:
    from kefu.department.github import stale

    assert stale(ROOT) == [], "运行 .venv/bin/python scripts/github_files.py 更新 .github/ 下的文件"


def test_dropdowns_offer_exactly_the_models_chinese_labels() -> None:
    assert _dropdowns("new-ticket") == {"type": list(TYPE_LABELS.values()),
                                        "channel": list(CHANNEL_LABELS.values()),
                                        "level": list(LEVEL_LABELS.values()),
                                        "request": list(REQUEST_LABELS.values()),
                                        "taiwan": ["否", "是"]}  # a yes-or-no option
    events = {code: label for code, label in ACTION_LABELS.items() if code != FIRST_ACTION}
    assert _dropdowns("ticket-event") == {"action": list(events.values())}


def test_templates_are_valid_issue_forms() -> None:
    linter = str(Path(sys.executable).parent / "check-jsonschema")
    for schema, names in (("vendor.github-issue-forms", ["new-ticket.yml", "ticket-event.yml"]),
                          ("vendor.github-issue-config", ["config.yml"])):
        run = subprocess.run([linter, "--builtin-schema", schema,
                              *(str(TEMPLATES / n) for n in names)],
                             capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stdout + run.stderr


def test_new_ticket_form_asks_every_option_of_kefu_new_but_personal_data() -> None:
    on_form = {f.id for f in forms()[0].fields}
    options = set(_ticket_options())
    personal = {name for name in options if _personal(name)}
    assert personal == {"customer"}
    assert on_form == (options - personal - set(LEFT_OUT)) | {"type"}


def test_only_the_last_field_takes_several_lines() -> None:
    """Text typed into it cannot pose as a later field's heading: there is none. (A staff
    request form may have no multi-line field at all: a leave's reason is not asked.)"""
    for form in forms():
        kinds = [f.kind for f in form.fields]
        assert kinds.count("textarea") == (1 if form.key in ("new-ticket", "ticket-event")
                                           else kinds.count("textarea")) <= 1
        assert "textarea" not in kinds[:-1]


# -- reading the body -----------------------------------------------------------------------------
def test_a_body_is_read_field_by_field_in_the_forms_order() -> None:
    text = (BODIES / "new-complaint.md").read_text(encoding="utf-8")
    form = detect(text)
    assert form is not None and form.key == "new-ticket"
    values, problems = parse(text, form)
    assert problems == []
    assert values["owner"] == "张敏" and values["department"] == "" and values["level"] == "一般"
    assert values["note"].endswith("（上面这一行是代理商邮件里的原文，不是表单的一栏）")
    assert "### 标题" in values["note"]


def test_crlf_and_a_byte_order_mark_read_like_plain_newlines() -> None:
    raw = (BODIES / "new-critical-crlf.md").read_bytes()
    assert b"\r\n" in raw
    text = "\ufeff" + raw.decode("utf-8")
    form = detect(text)
    assert form is not None
    values, problems = parse(text, form)
    assert problems == [] and values["note"].count("\n") == 1 and "\r" not in values["note"]


def test_a_huge_body_is_refused_before_reading() -> None:
    text = (BODIES / "new-inquiry-minimal.md").read_text(encoding="utf-8") + "x" * 70_000
    form = detect(text)
    assert form is not None
    assert parse(text, form)[1][0].startswith("表单内容过长")


# -- applying it --------------------------------------------------------------------------------
def _repo(tmp_path: Path) -> Path:
    return record_repo(DATA / "repo", tmp_path / "repo")


def _snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "records").rglob("*")) if p.is_file()}


def _intake(root: Path, name: str, monkeypatch: pytest.MonkeyPatch,
            *args: str) -> tuple[int, dict[str, Any]]:
    monkeypatch.setenv("KEFU_NOW", NOW)
    done = CliRunner().invoke(main, ["intake", str(BODIES / f"{name}.md"), "--root", str(root),
                                     "--format", "json", *args])
    assert done.exit_code in (0, 1), done.output
    return done.exit_code, json.loads(done.stdout)


@pytest.mark.parametrize("name", sorted(CASES["ok"]))
def test_a_valid_form_makes_a_valid_record(name: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES["ok"][name]
    if case.get("events"):
        pytest.importorskip("kefu.records.events", reason="kefu event 的库（kefu.records.events）")
    root = _repo(tmp_path)
    before = _snapshot(root)
    code, result = _intake(root, name, monkeypatch)
    assert (code, result["ok"], result["problems"]) == (0, True, [])
    after = _snapshot(root)
    changed = sorted(k for k in after if before.get(k) != after[k])
    assert changed == [result["path"]]
    record = yaml.safe_load((root / result["path"]).read_text(encoding="utf-8"))
    if "id_date" in case:
        assert result["record_id"].startswith(f"T-{case['id_date']}-")
        assert record["id"] == result["record_id"] and before.get(result["path"]) is None
        assert {k: record.get(k) for k in case["fields"]} == case["fields"]
        first = record["events"][0]
        assert {k: first[k] for k in case.get("first_event", {})} == case.get("first_event", {})
        if "note_lines" in case:
            assert first["note"].count("\n") + 1 == case["note_lines"]
    else:  # one new file in the ticket's folder: the event
        assert result["record_id"] == case["record"] and record["record"] == case["record"]
        assert record["action"] == case["action"] == result["action"]
        assert {k: record.get(k) for k in case.get("change", {})} == case.get("change", {})
    deadlines = {d["rule"]: ("met" if d["met_at"] else d["due"]) for d in result["deadlines"]}
    assert {k: deadlines.get(k) for k in case.get("deadlines", {})} == case.get("deadlines", {})
    assert result["record_id"] in result["comment"]
    assert "拉取请求" not in result["comment"]  # intake.yml adds where the record went
    for warning in case.get("warnings", []):
        assert any(warning in w for w in result["warnings"]), result["warnings"]
        assert warning in result["comment"]
    assert bool(result["warnings"]) == bool(case.get("warnings"))
    written = (root / result["path"]).read_text(encoding="utf-8") + result["comment"]
    assert [text for text in case.get("absent", []) if text in written] == []
    checked = CliRunner().invoke(main, ["validate", "--root", str(root), "--no-cache"])
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize("name", sorted(CASES["problems"]))
def test_a_bad_form_gets_a_chinese_reply_and_changes_nothing(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if name.startswith("event-unknown"):
        pytest.importorskip("kefu.records.events", reason="kefu event 的库（kefu.records.events）")
    root = _repo(tmp_path)
    before = _snapshot(root)
    code, result = _intake(root, name, monkeypatch)
    assert (code, result["ok"], result["path"]) == (1, False, "")
    said = "\n".join(result["problems"])
    assert all(text in said for text in CASES["problems"][name]), said
    assert result["comment"].startswith("**未能登记**") and "Edit" in result["comment"]
    assert _snapshot(root) == before


def test_every_sample_body_is_a_case() -> None:
    named = set(CASES["ok"]) | set(CASES["problems"])
    assert {p.stem for p in BODIES.glob("*.md")} == named


def test_the_reply_lists_each_deadline_with_its_due_time(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path)
    monkeypatch.setenv("KEFU_NOW", NOW)
    done = CliRunner().invoke(main, ["intake", str(BODIES / "new-complaint.md"), "--root",
                                     str(root), "--format", "markdown"])
    assert done.exit_code == 0
    assert "| 一般投诉答复（2 个工作日） | 2026-11-24 10:00（周二） | 2026-11-26 17:30（周四） |" \
        in done.stdout
    assert "经办人 王芳" in done.stdout


def test_form_text_cannot_inject_markdown_into_the_reply(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    body = (BODIES / "new-inquiry-minimal.md").read_text(encoding="utf-8").replace(
        "询问 2TB 移动硬盘是否支持 Mac", "[点我](https://example.com) <img src=x> **急**")
    source = tmp_path / "body.md"
    source.write_text(body, encoding="utf-8")
    root = _repo(tmp_path)
    monkeypatch.setenv("KEFU_NOW", NOW)
    done = CliRunner().invoke(main, ["intake", str(source), "--root", str(root),
                                     "--format", "markdown"])
    assert done.exit_code == 0
    # the link's brackets, the tag's < and the stars are escaped (the rest reads as written)
    assert r"\[点我\](https://example.com) &lt;img src=x> \*\*急\*\*" in done.stdout
    assert "<img" not in done.stdout and " **急" not in done.stdout


def test_the_command_reads_stdin_and_refuses_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    env = {"KEFU_NOW": NOW, "PATH": "/usr/bin:/bin"}
    kefu = [sys.executable, "-m", "kefu.cli", "intake", "--root", str(root)]
    good = subprocess.run(kefu, input=(BODIES / "new-inquiry-minimal.md").read_bytes(),
                          capture_output=True, env=env, check=False)
    assert good.returncode == 0, good.stderr.decode()
    path = good.stdout.decode().splitlines()[0]
    assert (root / path).is_file()
    bad = subprocess.run([*kefu, "--format", "json"], input="### 工单类型\n\n投诉".encode("gbk"),
                         capture_output=True, env=env, check=False)
    assert bad.returncode == 1 and json.loads(bad.stdout)["problems"] == [
        "表单内容不是 UTF-8 文字，无法读取。"]
