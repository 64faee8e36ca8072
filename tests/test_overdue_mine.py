"""`kefu overdue` for an agent: Chinese rule and warning names, `--mine` with only her work.

tests/data/people-order on Friday 2026-03-20 after 17:30: 周慧 and 陈静 each have an overdue
inquiry reply and an archive loan past due; next week's roster is missing (a warning for the
supervisor 王芳).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kefu.cli import main

DATA = Path(__file__).parent / "data" / "people-order"


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = Path(shutil.copytree(DATA, tmp_path / "repo"))
    monkeypatch.chdir(root)
    monkeypatch.setenv("KEFU_NOW", "2026-03-20T18:00:00+08:00")
    monkeypatch.delenv("KEFU_USER", raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    return root


def overdue(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["overdue", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_text_and_markdown_name_rules_and_warnings_in_chinese(repo: Path) -> None:
    for fmt in ("text", "markdown"):
        code, out = overdue("--format", fmt)
        assert code == 0
        assert "热线及邮件咨询标准回复" in out and "inquiry.reply" not in out, fmt
        assert "借出档案超期未还" in out and "下周值班表未排" in out, fmt
        assert "loan-overdue" not in out and "roster-missing" not in out, fmt


def test_json_keeps_the_codes_and_adds_the_names(repo: Path) -> None:
    data = json.loads(overdue("--format", "json")[1])
    item = data["items"][0]
    assert (item["rule"], item["rule_title"]) == ("inquiry.reply", "热线及邮件咨询标准回复")
    assert {(n["slug"], n["owner_name"]) for n in data["notices"]} == {
        ("loan-overdue", "周慧"), ("loan-overdue", "陈静"), ("roster-missing", "王芳")}


def test_mine_lists_only_her_work_and_her_warnings(repo: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEFU_USER", "zhouhui")
    code, out = overdue("--mine")
    assert code == 0
    assert "T-20260316-c3d4" in out and "A-20260316-e5f6" in out  # her ticket, her loan
    assert "陈静" not in out and "T-20260316-a1b2" not in out  # not a colleague's
    assert "值班表" not in out  # the missing roster is the supervisor's to make
    monkeypatch.setenv("KEFU_USER", "王芳")  # a name works too
    code, out = overdue("--mine", "--format", "markdown")
    assert "下周值班表未排" in out and "借出档案超期未还" not in out and "超期 0 项" in out


def test_mine_reads_git_config_and_says_how_to_set_it(repo: Path) -> None:
    code, out = overdue("--mine")
    assert code == 2 and "git config kefu.user" in out and "KEFU_USER" in out
    assert "Traceback" not in out
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "config", "kefu.user", "陈静"], check=True)
    code, out = overdue("--mine", "--format", "json")
    data = json.loads(out)
    assert code == 0 and {i["owner"] for i in data["items"]} == {"chenjing"}
    assert [n["owner"] for n in data["notices"]] == ["chenjing"]
