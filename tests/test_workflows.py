"""The GitHub workflows: valid against the vendored workflow schema, and calling real commands."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

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
    assert {p.name for p in FILES} >= {"pr.yml", "daily.yml"}


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
    pr = _load("pr.yml")
    assert "pull_request" in pr[True]  # YAML 1.1 reads the key `on` as True
    steps = pr["jobs"]["check"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = "\n".join(_runs(pr))
    for needed in ("make install", "kefu validate", 'kefu check-pr --base "origin/$BASE_REF"',
                   "make site"):
        assert needed in runs
    env = next(s["env"] for s in steps if "check-pr" in s.get("run", ""))
    assert env["BASE_REF"] == "${{ github.base_ref }}"


def test_daily_workflow_reports_then_fails() -> None:
    daily = _load("daily.yml")
    assert {"schedule", "workflow_dispatch"} <= set(daily[True])
    runs = _runs(daily)
    summary = next(i for i, r in enumerate(runs) if '>> "$GITHUB_STEP_SUMMARY"' in r)
    fail = next(i for i, r in enumerate(runs) if "kefu overdue --fail" in r)
    assert "--format markdown" in runs[summary] and summary < fail


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


def test_site_workflow_deploys_every_working_morning() -> None:
    site = _load("site.yml")
    triggers = site[True]
    assert {"schedule", "push", "workflow_dispatch"} <= set(triggers)
    assert triggers["push"]["branches"] == ["main"]
    # 23:30 UTC is 07:30 in Beijing, before the working day starts
    assert triggers["schedule"] == [{"cron": "30 23 * * *"}]
    assert site["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = site["jobs"]["build"], site["jobs"]["deploy"]
    runs = "\n".join(_runs(site))
    assert "make install" in runs and "make site" in runs and "kefu calendar --format json" in runs
    uses = {s["uses"].split("@")[0]: s["uses"].split("@")[1]
            for job in site["jobs"].values() for s in job["steps"] if "uses" in s}
    assert uses["actions/upload-pages-artifact"] == "v5" and uses["actions/deploy-pages"] == "v4"
    assert uses["actions/checkout"] == "v6" and uses["actions/configure-pages"] == "v6"
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "site"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    # a day off (by the calendar, make-up Saturdays included) builds nothing on the schedule
    gate = "steps.day.outputs.workday == 'true'"
    assert all(gate in s["if"] for s in build["steps"] if s.get("name", "").startswith(
        ("构建站点", "上传站点")))
