"""`kefu event`, `kefu close`, `kefu reopen` on copies of the sample department's tickets."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from kefu.cli import main
from kefu.pr import check_pr
from kefu.records import load

NOW = "2026-11-24T15:00:00+08:00"


def ticket_where(root: Path, *lines: str) -> Path:
    """The first sample ticket whose file holds every one of `lines`."""
    for path in sorted((root / "records" / "tickets").rglob("*.yml")):
        text = path.read_text("utf-8")
        if all(f"\n{line}\n" in text for line in lines):
            return path
    raise AssertionError(f"no sample ticket with {lines}")


@pytest.fixture
def repo(demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = demo_copy
    monkeypatch.chdir(root)
    monkeypatch.setenv("KEFU_NOW", NOW)
    monkeypatch.delenv("KEFU_USER", raising=False)
    return root


def kefu(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_an_event_is_appended_and_nothing_else_moves(repo: Path) -> None:
    path = ticket_where(repo, "type: repair", "status: in-progress")
    before = path.read_text("utf-8")
    code, out = kefu("event", path.stem, "寄回", "--note", "顺丰 SF123: 已寄出", "--by", "张敏")
    assert code == 0, out
    after = path.read_text("utf-8")
    assert after.startswith(before) and after.count("\n") == before.count("\n") + 4
    assert after[len(before):] == (  # in the file's own indentation
        "- at: 2026-11-24T15:00:00+08:00\n  by: zhangmin\n  action: returned\n"
        "  note: '顺丰 SF123: 已寄出'\n")
    assert "寄回代理商" in out and path.stem in out
    assert load(repo, use_cache=False).errors == []


def test_a_comment_and_quoting_survive(repo: Path) -> None:
    path = ticket_where(repo, "type: inquiry", "status: open")
    text = path.read_text("utf-8").replace("status: open", "status: open  # 等客户回电", 1)
    path.write_text("# 手写备注：保留这一行\n" + text, "utf-8")
    code, out = kefu("event", path.stem, "replied", "--note", "已答复")
    assert code == 0, out
    after = path.read_text("utf-8")
    assert after.startswith("# 手写备注：保留这一行\n")
    assert "status: in-progress  # 等客户回电\n" in after  # the status follows the event


def test_an_action_that_does_not_fit_is_refused_and_nothing_is_written(repo: Path) -> None:
    path = ticket_where(repo, "type: inquiry", "status: open")
    before = path.read_bytes()
    code, out = kefu("event", path.stem, "shipped")
    assert code == 1 and "[event-refused]" in out and "咨询工单没有“发货”这一步" in out
    code, out = kefu("event", path.stem, "寄回去")
    assert code == 2 and "[bad-enum]" in out and "是不是 returned（寄回代理商）" in out
    code, out = kefu("event", path.stem, "note", "--by", "张明")
    assert code == 2 and "是不是 zhangmin（张敏）" in out
    assert path.read_bytes() == before


def test_close_then_reopen_restarts_the_answer_deadline(repo: Path) -> None:
    path = ticket_where(repo, "type: complaint", "status: waiting", "level: normal")
    code, out = kefu("close", path.stem, "--note", "已处理")
    assert code == 0 and "已结案" in out, out
    code, out = kefu("event", path.stem, "replied")
    assert code == 1 and "kefu reopen" in out
    code, out = kefu("event", path.stem, "note", "--note", "回访：满意")  # notes still allowed
    assert code == 0, out
    code, out = kefu("reopen", path.stem, "--reason", "代理商又反映同一问题", "--format", "json")
    assert code == 0, out
    result = json.loads(out)
    assert result["status"] == "in-progress" and result["event"]["action"] == "reopened"
    dues = [d["due"] for d in result["deadlines"] if d["rule"] == "complaint.normal"]
    assert "2026-11-26T17:30:00+08:00" in dues  # two working days from the reopening
    assert load(repo, use_cache=False).errors == []


def test_a_branch_may_reopen_a_closed_ticket_but_not_edit_it(repo: Path) -> None:
    me = git.Actor("测试", "test@example.invalid")
    git_repo = git.Repo.init(repo, initial_branch="main")
    (repo / ".gitignore").write_text(".kefu-cache/\n")
    git_repo.git.add("-A")
    git_repo.index.commit("records", author=me, committer=me)
    git_repo.git.checkout("-b", "work")
    path = ticket_where(repo, "status: closed")
    code, out = kefu("reopen", path.stem, "--reason", "客户再次来电")
    assert code == 0, out
    git_repo.git.add("-A")
    git_repo.index.commit("reopen", author=me, committer=me)
    assert check_pr(repo, "main").errors == []
    text = path.read_text("utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    path.write_text(text.replace(title, "title: 改过的标题"), "utf-8")
    git_repo.git.add("-A")
    git_repo.index.commit("retitle", author=me, committer=me)
    assert {p.slug for p in check_pr(repo, "main").errors} == {"closed-record-edited"}


def test_a_file_written_in_flow_style_is_not_reformatted(repo: Path) -> None:
    path = ticket_where(repo, "status: open")
    text = path.read_text("utf-8")
    head, _, _ = text.partition("events:")
    flow = head + "events: [{at: 2026-03-01T10:00:00+08:00, by: wangfang, action: received}]\n"
    path.write_text(flow, "utf-8")
    code, out = kefu("event", path.stem, "note", "--note", "x")
    assert code == 1 and "[layout]" in out and "手工" in out
    assert path.read_text("utf-8") == flow


def test_new_prints_the_deadlines_and_takes_names(repo: Path) -> None:
    code, out = kefu("new", "inquiry", "--title", "容量问题", "--owner", "张敏",
                     "--received", "2026-11-24 10:00", "--channel", "热线电话")
    assert code == 0, out
    assert "热线及邮件咨询标准回复：截止 2026-11-25 17:30" in out
    made = Path(out.splitlines()[0])
    assert "owner: zhangmin" in made.read_text("utf-8")
