"""The approval workflow (approve.yml): its steps run as the runner would, on real git clones of
tests/data/intake/repo, with a request merged on main and a comment `/批准` under its issue."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_workflows import INTAKE, _jq, _load, _origin_and_clone, _run_step, _step

BOT = {"login": "github-actions[bot]", "type": "Bot"}


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                           "-C", str(root), *args], capture_output=True, text=True,
                          check=True).stdout


def _merged_request(tmp_path: Path) -> tuple[Path, str]:
    """A clone whose main (and origin's) holds a leave request made by the intake form."""
    clone = _origin_and_clone(tmp_path)
    body = (INTAKE / "staff" / "leave.md").read_text(encoding="utf-8")
    done, outputs = _run_step(_step("intake.yml", "intake"), clone, tmp_path, BODY=body)
    assert done.returncode == 0 and outputs["ok"] == "true", done.stderr
    _git(clone, "add", "--", outputs["path"])
    _git(clone, "commit", "-qm", "records: leave request")
    _git(clone, "push", "-q", "origin", "HEAD:main")
    _git(clone, "fetch", "-q")
    return clone, outputs["record"]


def _decide(clone: Path, tmp_path: Path, record: str, login: str,
            text: str = "/批准") -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    return _run_step(_step("approve.yml", "decide"), clone, tmp_path, BODY=text, LOGIN=login,
                     RECORD=record)


def test_a_comment_by_the_decider_becomes_a_checked_commit(tmp_path: Path) -> None:
    _jq()
    clone, record = _merged_request(tmp_path)
    done, outputs = _decide(clone, tmp_path, record, "fang-wang")
    assert done.returncode == 0, done.stderr
    assert outputs["ok"] == "true" and outputs["record"] == record
    assert outputs["path"].startswith(f"records/leave/2026/11/{record}/")
    reply = (tmp_path / "runner-temp" / "reply.md").read_text(encoding="utf-8")
    assert "已批准" in reply and "王芳（wangfang）" in reply
    commit = _step("approve.yml", "提交并校验（格式、只新增、审批人即评论人）")
    env = {"ISSUE": "7", "BRANCH": "approve/issue-7-1", "BASE": "main", "RECORD": record,
           "RECORD_PATH": outputs["path"]}
    done, _ = _run_step(commit, clone, tmp_path, LOGIN="fang-wang", **env)
    assert done.returncode == 0, done.stdout + done.stderr
    log = _git(clone, "log", "--format=%s", "--name-only", "-1", "approve/issue-7-1").split()
    # not "… from issue #7": intake.yml reads that as the request the issue made
    assert log == ["records:", "decision", "on", f"{record},", "comment", "on", "issue", "#7",
                   outputs["path"]]
    # the same decision committed under another commenter's login does not pass check-pr
    _git(clone, "switch", "-q", "main")
    _git(clone, "checkout", "approve/issue-7-1", "--", outputs["path"])
    _git(clone, "reset", "-q")  # the file, not yet added: as the decide step leaves it
    forged = {**env, "BRANCH": "approve/issue-7-2"}
    done, _ = _run_step(commit, clone, tmp_path, LOGIN="zhangmin-kf", **forged)
    assert done.returncode != 0 and "decision-not-by-author" in done.stdout + done.stderr


@pytest.mark.parametrize(("login", "text", "said"), [
    ("zhangmin-kf", "/批准", "不能审批自己的申请"),
    ("mallory", "/批准", "@mallory 没有登记"),
    ("fang-wang", "/不批准", "要写明理由"),
])
def test_anyone_else_gets_a_reply_and_nothing_is_committed(login: str, text: str, said: str,
                                                          tmp_path: Path) -> None:
    _jq()
    clone, record = _merged_request(tmp_path)
    done, outputs = _decide(clone, tmp_path, record, login, text)
    assert done.returncode == 0, done.stderr  # a refusal is a reply, not a failed run
    assert outputs["ok"] == "false" and outputs["ignored"] == "false" and outputs["path"] == ""
    reply = (tmp_path / "runner-temp" / "reply.md").read_text(encoding="utf-8")
    assert said in reply and "Traceback" not in reply
    assert _git(clone, "status", "--porcelain") == ""
    later = [s["if"] for job in _load("approve.yml")["jobs"].values() for s in job["steps"]
             if "git push" in s.get("run", "") or "kefu validate" in s.get("run", "")]
    assert len(later) == 2 and all("outputs.ok == 'true'" in c for c in later)


@pytest.mark.parametrize(("comments", "found"), [
    ([{"user": BOT,
       "body": "已登记请假申请 `L-20261127-ab12`。\n\n<!-- kefu-record: L-20261127-ab12 -->"},
      {"user": {"login": "mallory", "type": "User"},
       "body": "<!-- kefu-record: L-20261201-zz99 -->"}], "L-20261127-ab12"),
    ([{"user": {"login": "mallory", "type": "User"},
       "body": "<!-- kefu-record: L-20261201-zz99 -->"}], ""),
    ([{"user": BOT, "body": "<!-- kefu-record: $(reboot) -->"}], ""),
    ([], ""),
])
def test_the_record_is_read_from_the_bots_reply_only(comments: list[dict[str, Any]],
                                                     found: str) -> None:
    _jq()
    step = _step("approve.yml", "marker")
    picked = subprocess.run(["jq", "-r", step["env"]["PICK"]], input=json.dumps(comments),
                            capture_output=True, text=True, check=True).stdout.strip()
    assert picked == found


def test_the_comment_is_parsed_without_the_token() -> None:
    jobs = _load("approve.yml")["jobs"]
    find, parse, publish = jobs["find"], jobs["parse"], jobs["publish"]
    assert find["permissions"] == {"issues": "read"} and "comment.body" not in json.dumps(
        find["steps"])
    assert parse["permissions"] == {"contents": "read"}
    assert "secrets." not in json.dumps(parse) and "GH_TOKEN" not in json.dumps(parse)
    checkout = next(s for s in parse["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["persist-credentials"] is False
    assert any("github.event.comment.body" in json.dumps(s.get("env", {})) for s in parse["steps"])
    assert "github.event.comment.body" not in json.dumps(publish)
    runs = "\n".join(s.get("run", "") for s in publish["steps"])
    assert "kefu" not in runs.replace("KEFU_BOT_TOKEN", "") and ".venv" not in runs
    condition = find["if"]
    assert "startsWith(github.event.comment.body, '/批准')" in condition
    assert "github.event.issue.pull_request == null" in condition


@pytest.mark.parametrize(("path", "record", "lands"), [
    ("records/leave/2026/11/L-20261127-ab12/20261125-100000-approved-k3x9.yml",
     "L-20261127-ab12", True),
    ("records/loans/2026/A-20261125-ab12/20261125-100000-approved-k3x9.yml",
     "A-20261125-ab12", True),
    ("records/leave/2026/11/L-20261127-ab12.yml", "L-20261127-ab12", False),  # not a change
    ("records/leave/2026/11/L-20261127-zz99/20261125-100000-approved-k3x9.yml",
     "L-20261127-ab12", False),
    ("records/tickets/2026/11/T-20261124-ab12/20261125-100000-closed-k3x9.yml",
     "T-20261124-ab12", False),
    (".github/workflows/records.yml", "L-20261127-ab12", False),
])
def test_publish_lands_only_a_change_of_the_named_request(path: str, record: str,
                                                          lands: bool) -> None:
    push = next(s["run"] for s in _load("approve.yml")["jobs"]["publish"]["steps"]
                if "git push" in s.get("run", ""))
    check = push.split("mkdir -p", 1)[0] + "echo landed"
    done = subprocess.run(["bash", "-e", "-c", check], capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"], "RECORD_PATH": path, "RECORD": record})
    assert ("landed" in done.stdout) == lands, done.stderr
