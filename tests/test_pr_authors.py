"""`kefu check-pr --author LOGIN` (issue 21): a decision cannot be forged, nor who an event says
did it. Real git repositories: the sample department on main, a pull request on a branch."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kefu.cli import main
from kefu.pr import check_pr

NOW = "2026-11-25T09:00:00+08:00"
TODAY = dt.date(2026, 11, 25)


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                           "-C", str(root), *args], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def branch(demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample department committed on main, HEAD on a new branch `work`."""
    (demo_copy / ".gitignore").write_text(".kefu-cache/\n", encoding="utf-8")
    git(demo_copy, "init", "-q", "-b", "main")
    git(demo_copy, "add", "-A")
    git(demo_copy, "commit", "-qm", "sample")
    git(demo_copy, "switch", "-qc", "work")
    monkeypatch.chdir(demo_copy)
    monkeypatch.setenv("KEFU_NOW", NOW)
    return demo_copy


def kefu(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def approved_leave(root: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The sample's pending leave approved by wangfang, committed; its change file."""
    code, out = kefu("pending", "--format", "json")
    leave = next(i["id"] for i in json.loads(out)["items"] if i["kind"] == "leave")
    monkeypatch.setenv("KEFU_USER", "wangfang")
    code, out = kefu("approve", leave)
    assert code == 0, out
    git(root, "add", "-A")
    git(root, "commit", "-qm", "approve")
    return out.split("文件：", 1)[1].strip()


def slugs(root: Path, author: str | None) -> list[tuple[str, str]]:
    result = check_pr(root, "main", TODAY, author=author)
    return [(p.slug, p.path) for p in result.errors]


def test_a_decision_passes_only_from_the_decider(branch: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path(approved_leave(branch, monkeypatch)).relative_to(branch).as_posix()
    assert slugs(branch, "kefu-demo-wangfang") == []
    assert slugs(branch, "KEFU-DEMO-WANGFANG") == []  # GitHub ignores case
    assert slugs(branch, "kefu-demo-chenjing") == [("decision-not-by-author", path)]
    assert slugs(branch, "mallory") == [("decision-not-by-author", path)]
    assert slugs(branch, "github-actions[bot]") == []  # opened by approve.yml: checked there
    assert slugs(branch, None) == []  # without --author: not asked
    code, out = kefu("check-pr", "--base", "main", "--author", "kefu-demo-chenjing")
    assert code == 1 and "[decision-not-by-author]" in out and "审批人本人" in out


def test_a_pull_request_cannot_vouch_for_itself(branch: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Giving wangfang's record another login in the same pull request does not make its
    author the decider: logins are read as the base branch has them."""
    path = Path(approved_leave(branch, monkeypatch)).relative_to(branch).as_posix()
    person = branch / "records" / "people" / "wangfang.yml"
    person.write_text(person.read_text("utf-8").replace("kefu-demo-wangfang", "mallory"),
                      "utf-8")
    git(branch, "commit", "-qam", "my login now")
    assert ("decision-not-by-author", path) in slugs(branch, "mallory")


def test_an_event_names_its_author_unless_the_supervisor_logs_it(
        branch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = kefu("overdue", "--format", "json")
    ticket = json.loads(out)["items"][0]["ticket"]
    monkeypatch.setenv("KEFU_USER", "zhangmin")
    code, out = kefu("event", ticket, "note", "--note", "代理商来电催问", "--by", "liuyang")
    assert code == 0, out
    git(branch, "add", "-A")
    git(branch, "commit", "-qm", "event")
    found = slugs(branch, "kefu-demo-zhangmin")
    assert [slug for slug, _ in found] == ["event-not-by-author"]
    assert slugs(branch, "kefu-demo-liuyang") == []
    assert slugs(branch, "kefu-demo-wangfang") == []  # the supervisor logs for a colleague


def test_a_new_request_and_its_own_steps_pass(branch: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEFU_USER", "liuyang")
    code, out = kefu("new", "punch", "--person", "liuyang", "--missed", "2026-11-24", "--which",
                     "in", "--actual", "08:20")
    assert code == 0, out
    git(branch, "add", "-A")
    git(branch, "commit", "-qm", "punch")
    assert slugs(branch, "kefu-demo-liuyang") == []  # a request is no decision


def test_kefu_migrate_moves_old_staff_records_in_a_pull_request_that_passes(
        demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A department's records from before one file per change (approvals written into the
    request) are moved by kefu migrate; check-pr accepts it whoever opens it: each record
    means the same before and after, and no decision is new."""
    from kefu.records import load
    from kefu.records.split import render_record

    monkeypatch.chdir(demo_copy)
    old = {r.id: r for r in load(demo_copy).records if r.kind in ("leave", "trip", "sanction")
           and Path(r.file).with_suffix("").is_dir()}
    for record in old.values():  # back to the one-file layout
        folder = Path(record.file).with_suffix("")
        for change in folder.glob("*.yml"):
            change.unlink()
        folder.rmdir()
        rel = Path(record.file).relative_to(demo_copy).as_posix()
        Path(record.file).write_text(render_record(record.kind, record.data, rel), "utf-8")
    assert "state-in-record" in {p.slug for p in load(demo_copy).errors}
    (demo_copy / ".gitignore").write_text(".kefu-cache/\n", encoding="utf-8")
    git(demo_copy, "init", "-q", "-b", "main")
    git(demo_copy, "add", "-A")
    git(demo_copy, "commit", "-qm", "old layout")
    git(demo_copy, "switch", "-qc", "migrate")
    code, out = kefu("migrate")
    assert code == 0 and f"已转换 {len(old)} 条记录" in out, out
    git(demo_copy, "add", "-A")
    git(demo_copy, "commit", "-qm", "kefu migrate")
    assert load(demo_copy).errors == []
    after = {r.id: r.data for r in load(demo_copy).records if r.id in old}
    assert after == {rid: r.data for rid, r in old.items()}
    assert check_pr(demo_copy, "main", TODAY, author="kefu-demo-chenjing").errors == []
