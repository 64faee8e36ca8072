"""The GitHub workflows: valid against the vendored workflow schema, and calling real commands."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import need, record_repo

from kefu.cli import main

WORKFLOWS = Path(__file__).parent.parent / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))


def _linter() -> str:
    beside = Path(sys.executable).parent / "check-jsonschema"
    found = str(beside) if beside.exists() else shutil.which("check-jsonschema")
    assert found, "check-jsonschema 未安装：请运行 make install（它在开发依赖中）"
    return found


def _lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_linter(), "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True, text=True, check=False,
    )


def _load(name: str) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return data


def _runs(workflow: dict[Any, Any]) -> list[str]:
    jobs = workflow["jobs"].values()
    return [step["run"] for job in jobs for step in job["steps"] if "run" in step]


def test_workflows_exist() -> None:
    assert {p.name for p in FILES} == {"records.yml", "tests.yml", "daily.yml", "intake.yml",
                                       "site.yml", "approve.yml"}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_workflow_is_valid(path: Path) -> None:
    result = _lint(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_linter_catches_a_broken_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - uses: 3\n        with: nothing\n", encoding="utf-8")
    assert _lint(bad).returncode != 0


def test_pr_workflow_checks_records_against_the_base() -> None:
    pr = _load("records.yml")
    assert "pull_request" in pr[True]  # YAML 1.1 reads the key `on` as True
    steps = pr["jobs"]["check"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = "\n".join(_runs(pr))
    for needed in ("make install", "kefu validate",
                   'kefu check-pr --base "origin/$BASE_REF" --author "$PR_AUTHOR"',
                   "kefu schemas --check", "make site"):
        assert needed in runs
    env = next(s["env"] for s in steps if "check-pr" in s.get("run", ""))
    assert env["BASE_REF"] == "${{ github.base_ref }}"
    assert env["PR_AUTHOR"] == "${{ github.event.pull_request.user.login }}"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_kefu_call_uses_real_commands_and_options(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    for run in _runs(workflow):
        for line in run.splitlines():
            match = re.search(r"kefu (.*?)(>>|$)", line)
            if not match:
                continue
            words = shlex.split(match.group(1))
            command = main.commands.get(words[0])
            assert command is not None, f"{path.name}: 没有 kefu {words[0]} 命令"
            known = {opt for param in command.params for opt in getattr(param, "opts", [])}
            used = {w for w in words[1:] if w.startswith("--")}
            assert used <= known, f"{path.name}: kefu {words[0]} 不认识 {used - known}"


# -- every workflow ------------------------------------------------------------------------------
# The current major version of each action used (Node 24 releases; checked 2026-11).
CURRENT = {"actions/checkout": "v7", "actions/setup-python": "v7", "actions/setup-node": "v7",
           "actions/cache": "v6", "actions/configure-pages": "v6",
           "actions/upload-artifact": "v7", "actions/download-artifact": "v8",
           "actions/upload-pages-artifact": "v5", "actions/deploy-pages": "v4"}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_actions_are_current_versions(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    used = [step["uses"] for job in workflow["jobs"].values() for step in job["steps"]
            if "uses" in step]
    assert used and all(u.split("@")[0] in CURRENT for u in used), used
    assert [u for u in used if u.split("@")[1] != CURRENT[u.split("@")[0]]] == []


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_expression_is_pasted_into_a_shell_script(path: Path) -> None:
    """`${{ }}` in `run:` is pasted into the script before bash reads it (issue text could run
    as commands): values reach scripts through `env:` only."""
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [r for r in _runs(workflow) if "${{" in r] == []


@pytest.mark.parametrize(("name", "granted"), [
    ("records.yml", {"check": {"contents": "read"},
                     "merge": {"contents": "write", "pull-requests": "write",
                               "actions": "write"}}),
    ("tests.yml", {"test": {"contents": "read"}}),
    ("daily.yml", {"overdue": {"contents": "read", "issues": "write"}}),
    ("intake.yml", {"parse": {"contents": "read"},
                    "publish": {"contents": "write", "pull-requests": "write",
                                "issues": "write", "actions": "write"}}),
    ("site.yml", {"build": {"contents": "read"},
                  "deploy": {"pages": "write", "id-token": "write"}}),
    ("approve.yml", {"find": {"issues": "read"}, "parse": {"contents": "read"},
                     "publish": {"contents": "write", "pull-requests": "write",
                                 "issues": "write", "actions": "write"}}),
])
def test_permissions_are_the_least_each_job_needs(name: str, granted: dict[str, Any]) -> None:
    workflow = _load(name)
    top = workflow.get("permissions")
    assert top in ({}, {"contents": "read"})
    got = {job: spec.get("permissions", top) for job, spec in workflow["jobs"].items()}
    assert got == granted


def test_pr_workflow_runs_the_test_suite_like_ci() -> None:
    test = _load("tests.yml")["jobs"]["test"]
    assert test["container"].startswith("python:3.11-bookworm")  # Debian, as .ci/run expects
    assert [s["run"] for s in test["steps"] if "run" in s] == ["bash .ci/run"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


# -- running the steps that call kefu -------------------------------------------------------------
ROOT = WORKFLOWS.parent.parent
INTAKE = ROOT / "tests" / "data" / "intake"


def _step(workflow: str, name: str) -> dict[str, Any]:
    """The step of `workflow` whose id or name is `name`."""
    steps = [s for job in _load(workflow)["jobs"].values() for s in job["steps"]]
    return next(s for s in steps if name in (s.get("id"), s.get("name")))


def _run_step(step: dict[str, Any], cwd: Path, tmp: Path,
              **env: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run a step's script with bash as the runner would, in `cwd` (which holds .venv)."""
    if not (cwd / ".venv").exists():
        (cwd / ".venv").symlink_to(ROOT / ".venv")
    temp = tmp / "runner-temp"
    temp.mkdir(exist_ok=True)
    output, summary = tmp / "github-output", tmp / "step-summary"
    output.write_text("", encoding="utf-8")
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp), "RUNNER_TEMP": str(temp),
                   "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary),
                   "KEFU_NOW": "2026-11-25T10:00:00+08:00", **env}
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=environment,
                          capture_output=True, text=True, check=False)
    lines = output.read_text(encoding="utf-8").splitlines()
    return done, dict(line.split("=", 1) for line in lines if "=" in line)


def _jq() -> None:
    need(shutil.which("jq") is not None, "缺少 jq：请安装 Debian 软件包 jq（工作流用它读 JSON）")


@pytest.mark.parametrize(("now", "workday"), [("2026-10-10T08:30", "true"),   # make-up Saturday
                                              ("2026-10-05T08:30", "false"),  # National Day
                                              ("2026-11-28T08:30", "false")])  # Saturday
def test_daily_job_skips_the_days_off_of_the_projects_calendar(
        now: str, workday: str, tmp_path: Path) -> None:
    _jq()
    done, outputs = _run_step(_step("daily.yml", "day"), ROOT, tmp_path, KEFU_NOW=now)
    assert done.returncode == 0, done.stderr
    assert outputs == {"workday": workday}
    later = [s for s in _load("daily.yml")["jobs"]["overdue"]["steps"]
             if s.get("id") == "list" or "steps.list" in s.get("if", "")]
    assert len(later) == 2 and "steps.day.outputs.workday == 'true'" in later[0]["if"]


def test_daily_job_fails_loudly_on_a_broken_calendar_instead_of_skipping(tmp_path: Path) -> None:
    _jq()
    repo = record_repo(INTAKE / "repo", tmp_path / "repo")
    (repo / "records" / "calendar.yml").write_text("holidays: [2026-02-30]\n", encoding="utf-8")
    done, outputs = _run_step(_step("daily.yml", "day"), repo, tmp_path)
    assert done.returncode != 0 and outputs == {}


@pytest.mark.parametrize(("now", "overdue"), [("2026-11-25T08:30", "true"),
                                              ("2026-11-20T16:00", "false")])
def test_daily_job_lists_the_work_and_tells_whether_anything_is_overdue(
        now: str, overdue: str, tmp_path: Path) -> None:
    repo = record_repo(INTAKE / "repo", tmp_path / "repo")
    done, outputs = _run_step(_step("daily.yml", "list"), repo, tmp_path, KEFU_NOW=now)
    assert done.returncode == 0, done.stderr  # overdue work is reported, not a red run
    assert outputs == {"overdue": overdue}
    report = (tmp_path / "runner-temp" / "overdue.md").read_text(encoding="utf-8")
    assert report.startswith("本 issue 由“每日超期检查”") and "## 超期与即将到期的工作" in report
    assert "T-20261120-r3pa" in report  # overdue, or due within 2 working days
    assert ("**超期 " in report) == (overdue == "true")  # **超期 3 个工作日**
    assert "## 超期与即将到期的工作" in (tmp_path / "step-summary").read_text(encoding="utf-8")


BOT = {"login": "app/github-actions", "is_bot": True}
PERSON = {"login": "mallory", "is_bot": False}


@pytest.mark.parametrize(("issues", "found"), [
    ([], ""),
    ([{"number": 3, "title": "超期工作提醒", "state": "CLOSED", "author": BOT},
      {"number": 9, "title": "超期工作提醒（旧）", "state": "OPEN", "author": BOT}], "3 CLOSED"),
    ([{"number": 3, "title": "超期工作提醒", "state": "CLOSED", "author": BOT},
      {"number": 7, "title": "超期工作提醒", "state": "OPEN", "author": BOT}], "7 OPEN"),
    # anyone may open an issue with that title: it never takes the reminder over
    ([{"number": 3, "title": "超期工作提醒", "state": "OPEN", "author": BOT},
      {"number": 8, "title": "超期工作提醒", "state": "OPEN", "author": PERSON},
      {"number": 9, "title": "超期工作提醒", "state": "OPEN",
       "author": {"login": "github-actions", "is_bot": False}}], "3 OPEN"),
    ([{"number": 8, "title": "超期工作提醒", "state": "OPEN", "author": PERSON}], ""),
])
def test_daily_job_finds_its_one_issue_by_exact_title(issues: list[dict[str, Any]],
                                                      found: str) -> None:
    _jq()
    env = _load("daily.yml")["jobs"]["overdue"]["env"]
    picked = subprocess.run(["jq", "-r", "--arg", "t", env["TITLE"], env["PICK"]],
                            input=json.dumps(issues), capture_output=True, text=True, check=True)
    assert picked.stdout.strip() == found
    script = _step("daily.yml", "更新超期提醒 issue（有超期则新建或更新，没有了就关闭）")["run"]
    for call in ("gh issue create", "gh issue edit", "gh issue reopen", "gh issue close"):
        assert call in script


def test_intake_job_handles_only_our_forms_from_people_with_write_access() -> None:
    from kefu.intake import forms

    condition = _load("intake.yml")["jobs"]["parse"]["if"]
    for form in forms():
        assert f"startsWith(github.event.issue.body, '### {form.fields[0].label}')" in condition
    assert '"OWNER", "MEMBER", "COLLABORATOR"' in condition
    assert _step("intake.yml", "intake")["env"]["BODY"] == "${{ github.event.issue.body }}"


def _origin_and_clone(tmp_path: Path) -> Path:
    """A bare origin holding the test repository on main, and a clone of it (as checkout does)."""
    source = record_repo(INTAKE / "repo", tmp_path / "source")
    origin = tmp_path / "origin.git"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(source)], check=True)
    subprocess.run([*git, "-C", str(source), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(source), "commit", "-qm", "records"], check=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(origin)], check=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
    (clone / ".git" / "info" / "exclude").write_text(".venv\n.kefu-cache/\n", encoding="utf-8")
    return clone


@pytest.mark.parametrize(("body", "form"), [("new-complaint", "new-ticket"),
                                            ("event-reopen", "ticket-event")])
def test_intake_job_turns_a_form_into_a_validated_commit(body: str, form: str,
                                                         tmp_path: Path) -> None:
    """A new ticket, and a closed ticket reopened: check-pr accepts both against main."""
    _jq()
    clone = _origin_and_clone(tmp_path)
    text = (INTAKE / "bodies" / f"{body}.md").read_text(encoding="utf-8")
    done, outputs = _run_step(_step("intake.yml", "intake"), clone, tmp_path, BODY=text)
    assert done.returncode == 0, done.stderr
    assert outputs["ok"] == "true" and outputs["form"] == form
    folder = f"records/tickets/2026/11/{outputs['record']}"
    if form == "new-ticket":
        assert outputs["path"] == f"{folder}.yml"
    else:  # an event is a new file in the ticket's folder
        assert outputs["path"].startswith(f"{folder}/") and "-reopened-" in outputs["path"]
    comment = (tmp_path / "runner-temp" / "comment.md").read_text(encoding="utf-8")
    assert outputs["record"] in comment and "一般投诉答复" in comment
    commit = _step("intake.yml", "提交并校验（格式、已结案只追加、经办人即提交人）")
    done, _ = _run_step(commit, clone, tmp_path, ISSUE="12", BRANCH="intake/issue-12",
                        BASE="main", RECORD=outputs["record"], RECORD_PATH=outputs["path"],
                        AUTHOR="fang-wang")  # the supervisor logs for a colleague
    assert done.returncode == 0, done.stdout + done.stderr
    log = subprocess.run(["git", "-C", str(clone), "log", "--format=%s", "--name-only", "-1",
                          "intake/issue-12"], capture_output=True, text=True, check=True).stdout
    assert log.split() == ["records:", outputs["record"], "from", "issue", "#12",
                           outputs["path"]]
    status = subprocess.run(["git", "-C", str(clone), "status", "--porcelain"],
                            capture_output=True, text=True, check=True).stdout
    assert status == ""  # nothing else was written into the checkout


def test_intake_job_replies_to_a_bad_form_and_commits_nothing(tmp_path: Path) -> None:
    _jq()
    clone = _origin_and_clone(tmp_path)
    body = (INTAKE / "bodies" / "new-bad-owner.md").read_text(encoding="utf-8")
    done, outputs = _run_step(_step("intake.yml", "intake"), clone, tmp_path, BODY=body)
    assert done.returncode == 0, done.stderr  # bad input is a reply, not a failed run
    assert outputs["ok"] == "false" and outputs["path"] == ""
    comment = (tmp_path / "runner-temp" / "comment.md").read_text(encoding="utf-8")
    assert comment.startswith("**未能登记**") and "zhangmin（张敏）" in comment
    status = subprocess.run(["git", "-C", str(clone), "status", "--porcelain"],
                            capture_output=True, text=True, check=True).stdout
    assert status == ""
    later = [s["if"] for job in _load("intake.yml")["jobs"].values() for s in job["steps"]
             if "git push" in s.get("run", "") or "kefu validate" in s.get("run", "")]
    assert len(later) == 2 and all("outputs.ok == 'true'" in c for c in later)


def test_site_workflow_deploys_every_working_morning(tmp_path: Path) -> None:
    site = _load("site.yml")
    triggers = site[True]
    assert {"schedule", "push", "workflow_dispatch"} <= set(triggers)
    assert triggers["push"]["branches"] == ["main"]
    # 23:30 UTC is 07:30 in Beijing, before the working day starts
    assert triggers["schedule"] == [{"cron": "30 23 * * *"}]
    build, deploy = site["jobs"]["build"], site["jobs"]["deploy"]
    assert "make site" in "\n".join(_runs(site))
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "site"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    # a day off (by the calendar, make-up Saturdays included) builds nothing on the schedule
    gate = "steps.day.outputs.workday == 'true'"
    assert all(gate in s["if"] for s in build["steps"] if s.get("name", "").startswith(
        ("构建站点", "上传站点")))
    assert gate.replace("steps.day", "needs.build") in deploy["if"]
    _jq()
    for now, workday in (("2026-10-10T07:30", "true"), ("2026-10-05T07:30", "false")):
        done, outputs = _run_step(_step("site.yml", "day"), ROOT, tmp_path, KEFU_NOW=now)
        assert done.returncode == 0, done.stderr
        assert outputs == {"workday": workday}


def test_the_untrusted_issue_body_is_parsed_without_the_token() -> None:
    """The parse job holds no secret, no write permission and no stored credentials; the job
    that holds the token runs no kefu and no code the parse job left behind."""
    jobs = _load("intake.yml")["jobs"]
    parse, publish = jobs["parse"], jobs["publish"]
    assert "secrets." not in json.dumps(parse) and "GH_TOKEN" not in json.dumps(parse)
    checkout = next(s for s in parse["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["persist-credentials"] is False
    assert parse["permissions"] == {"contents": "read"}
    assert any("github.event.issue.body" in json.dumps(s.get("env", {})) for s in parse["steps"])
    assert "github.event.issue.body" not in json.dumps(publish)
    runs = "\n".join(s.get("run", "") for s in publish["steps"])
    assert "kefu" not in runs.replace("KEFU_BOT_TOKEN", "") and ".venv" not in runs
    assert "pip" not in runs and "setup-python" not in json.dumps(publish)
    push = next(s["run"] for s in publish["steps"] if "git push" in s.get("run", ""))
    # only a ticket file named after the record lands, whatever the artifact says
    assert push.index("records/tickets/") < push.index("cp --") < push.index("git push")
    assert push.index("records/((leave") < push.index("cp --")


@pytest.mark.parametrize(("path", "record", "lands"), [
    ("records/tickets/2026/11/T-20261124-ab12.yml", "T-20261124-ab12", True),
    ("records/leave/2026/11/L-20261127-ab12.yml", "L-20261127-ab12", True),
    ("records/loans/2026/A-20261125-ab12.yml", "A-20261125-ab12", True),
    ("records/loans/2026/11/A-20261125-ab12.yml", "A-20261125-ab12", False),
    ("records/leave/2026/11/L-20261127-ab12/20261125-100000-approved-k3x9.yml",
     "L-20261127-ab12", False),
    ("records/tickets/2026/11/T-20261124-ab12.yml", "T-20261124-zz99", False),
    (".github/workflows/pr.yml", "T-20261124-ab12", False),
    ("records/tickets/2026/11/../../../../.git/hooks/x.yml", "x", False),
])
def test_publish_lands_only_a_ticket_file(path: str, record: str, lands: bool,
                                           tmp_path: Path) -> None:
    push = next(s["run"] for s in _load("intake.yml")["jobs"]["publish"]["steps"]
                if "git push" in s.get("run", ""))
    check = push.split("mkdir -p", 1)[0] + "echo landed"
    done = subprocess.run(["bash", "-e", "-c", check], capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"], "RECORD_PATH": path, "RECORD": record})
    assert ("landed" in done.stdout) == lands, done.stderr


# -- record-only pull requests merge themselves; forms land on main ----------------------------
ADDED = "added\trecords/tickets/2026/11/T-20261124-ab12.yml\n" \
        "added\trecords/tickets/2026/11/T-20261120-cd34/20261124-101500-replied-x9k2.yml\n"


@pytest.mark.parametrize(("files", "department", "merge"), [
    (ADDED, "automerge: true\n", True),
    (ADDED, "company: {name: 甲, short: 甲}\n", True),  # on by default
    (ADDED, "", True),  # no department file on the target branch
    (ADDED, "automerge: false  # 主管审核\n", False),
    (ADDED + "modified\trecords/tickets/2026/11/T-20261120-cd34.yml\n", "", False),
    (ADDED + "removed\trecords/tickets/2026/11/T-20261120-cd34/20261121-x.yml\n", "", False),
    ("added\trecords/sla.yml\n", "", False),  # a rules file, not a record
    ("added\tdocs/policies/new.md\n", "", False),
    ("added\trecords/tickets/2026/11/T-20261124-ab12.md\n", "", False),
    ("", "", False),
])
def test_only_a_pull_request_that_adds_record_files_merges_itself(
        files: str, department: str, merge: bool, tmp_path: Path) -> None:
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    (temp / "files.tsv").write_text(files, encoding="utf-8")
    (temp / "department.yml").write_text(department, encoding="utf-8")
    done, outputs = _run_step(_step("records.yml", "gate"), tmp_path, tmp_path)
    assert done.returncode == 0, done.stderr
    assert outputs == {"merge": "true" if merge else "false"}
    summary = (tmp_path / "step-summary").read_text(encoding="utf-8")
    assert ("自动合并" in summary) and (merge or "不自动合并" in summary)


def test_the_merge_job_runs_no_code_of_the_pull_request() -> None:
    """It merges only after the check passed, only members' branches of this repository, only
    the commit that was checked; it checks nothing out and runs neither kefu nor make."""
    merge = _load("records.yml")["jobs"]["merge"]
    assert merge["needs"] == "check"
    condition = merge["if"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
    assert '"OWNER", "MEMBER", "COLLABORATOR"' in condition
    assert "!github.event.pull_request.draft" in condition
    assert not any("uses" in step for step in merge["steps"])
    runs = "\n".join(step["run"] for step in merge["steps"])
    assert "kefu" not in runs.replace("KEFU_BOT_TOKEN", "") and "make" not in runs
    assert '--match-head-commit "$SHA"' in runs
    assert merge["env"]["SHA"] == "${{ github.event.pull_request.head.sha }}"
    assert "contents/records/department.yml?ref=$BASE" in runs  # the target's switch, not the PR's
    assert "gh workflow run site.yml" in runs
    triggers = _load("records.yml")[True]
    assert triggers["push"]["branches"] == ["main"]  # main is checked after every merge


def _commit(repo: Path, message: str, rel: str, text: str) -> None:
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text, encoding="utf-8")
    subprocess.run([*git, "add", rel], check=True)
    subprocess.run([*git, "commit", "-qm", message], check=True)


def test_an_issue_that_already_landed_is_not_registered_again(tmp_path: Path) -> None:
    clone = _origin_and_clone(tmp_path)
    _commit(clone, "records: T-20261124-ab12 from issue #12", "records/x.yml", "x: 1\n")
    subprocess.run(["git", "-C", str(clone), "push", "-q", "origin", "HEAD:main"], check=True)
    subprocess.run(["git", "-C", str(clone), "fetch", "-q"], check=True)
    step = _step("intake.yml", "landed")
    for issue, found in (("12", "T-20261124-ab12"), ("1", ""), ("120", ""), ("13", "")):
        done, outputs = _run_step(step, clone, tmp_path, ISSUE=issue, BASE="main")
        assert done.returncode == 0, done.stderr
        assert outputs == {"record": found}, issue
    intake = _step("intake.yml", "intake")
    assert intake["if"] == "steps.landed.outputs.record == ''"
    reply = _step("intake.yml", "修改过的 issue：说明不会再登记，该怎么做")
    assert "needs.parse.outputs.landed != ''" in reply["if"]


def test_a_form_lands_on_main_even_when_main_moved_meanwhile(tmp_path: Path) -> None:
    """Automerge on: the record is committed onto main and pushed; a push refused because
    someone else pushed first is rebased and pushed again, losing neither commit."""
    clone = _origin_and_clone(tmp_path)
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", str(tmp_path / "origin.git"), str(other)], check=True)
    _commit(other, "records: T-20261124-zz99 from issue #11",
            "records/tickets/2026/11/T-20261124-zz99.yml", "id: T-20261124-zz99\n")
    subprocess.run(["git", "-C", str(other), "push", "-q", "origin", "HEAD:main"], check=True)
    handover = tmp_path / "runner-temp" / "handover"
    handover.mkdir(parents=True)
    (handover / "record.yml").write_text("id: T-20261124-ab12\n", encoding="utf-8")
    (handover / "comment.md").write_text("已登记工单 T-20261124-ab12。\n", encoding="utf-8")
    rel = "records/tickets/2026/11/T-20261124-ab12.yml"
    done, _ = _run_step(_step("intake.yml", "提交推送（直接进 main，或开 PR）"), clone, tmp_path,
                        DIRECT="true", RECORD="T-20261124-ab12", RECORD_PATH=rel, ISSUE="12",
                        BASE="main", BRANCH="intake/issue-12", GH_REPO="dept/kefu",
                        GITHUB_SERVER_URL="https://github.com")
    assert done.returncode == 0, done.stdout + done.stderr
    log = subprocess.run(["git", "--git-dir", str(tmp_path / "origin.git"), "log", "--format=%s",
                          "main"], capture_output=True, text=True, check=True).stdout.splitlines()
    assert log[:2] == ["records: T-20261124-ab12 from issue #12",
                       "records: T-20261124-zz99 from issue #11"]
    comment = (handover / "comment.md").read_text(encoding="utf-8")
    assert f"https://github.com/dept/kefu/blob/main/{rel}" in comment
