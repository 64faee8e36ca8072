"""`kefu event`, `kefu close`, `kefu reopen` on copies of the sample department's tickets: each
change is a new file, checked before it is written, never lost when several are written at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from kefu.cli import main
from kefu.pr import check_pr
from kefu.records import load

NOW = "2026-11-24T15:00:00+08:00"
OPEN = {"open", "in-progress", "waiting"}


def ticket_where(root: Path, **wanted: object) -> Path:
    """The file of the first sample ticket (as it stands, folded) with these fields."""
    for record in load(root).of_kind("ticket"):
        if all(record.data.get(k) == v or (v == "open" and record.data.get(k) in OPEN
                                           and k == "state")
               for k, v in wanted.items()):
            return record.path
    raise AssertionError(f"no sample ticket with {wanted}")


def changes(path: Path) -> list[Path]:
    folder = path.with_suffix("")
    return sorted(folder.glob("*.yml")) if folder.is_dir() else []


@pytest.fixture
def repo(demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(demo_copy)
    monkeypatch.setenv("KEFU_NOW", NOW)
    monkeypatch.setenv("KEFU_USER", "zhangmin")
    return demo_copy


def kefu(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_an_event_is_a_new_file_and_nothing_else_moves(repo: Path) -> None:
    path = ticket_where(repo, type="repair", status="in-progress")
    record_before, before = path.read_bytes(), changes(path)
    code, out = kefu("event", path.stem, "寄回", "--note", "顺丰 SF123: 已寄出")
    assert code == 0, out
    assert path.read_bytes() == record_before
    (new,) = sorted(set(changes(path)) - set(before))
    assert new.name.startswith("20261124-150000-returned-") and new.suffix == ".yml"
    assert new.read_text("utf-8").split("\n", 1)[1] == (
        f"record: {path.stem}\nat: 2026-11-24T15:00:00+08:00\nby: zhangmin\n"
        "action: returned\nnote: '顺丰 SF123: 已寄出'\n")
    assert "寄回代理商" in out and path.stem in out
    assert load(repo, use_cache=False).errors == []


def test_who_did_it_is_the_person_running_it_never_the_owner(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = ticket_where(repo, type="inquiry", status="open")
    monkeypatch.delenv("KEFU_USER")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(repo / "no-global-config"))
    code, out = kefu("event", path.stem, "note", "--note", "x")
    assert code == 2 and "[no-user]" in out and "KEFU_USER" in out and "git config kefu.user" in out
    assert changes(path) == []
    code, out = kefu("event", path.stem, "note", "--note", "x", "--by", "陈静")
    assert code == 0 and "（chenjing）" in out


def test_an_action_that_does_not_fit_is_refused_and_nothing_is_written(repo: Path) -> None:
    path = ticket_where(repo, type="inquiry", status="open")
    code, out = kefu("event", path.stem, "shipped")
    assert code == 1 and "[change-refused]" in out and "咨询工单没有“发货”这一步" in out
    assert "没有写入任何文件" in out
    code, out = kefu("event", path.stem, "寄回去")
    assert code == 2 and "[bad-enum]" in out and "是不是 returned（寄回代理商）" in out
    code, out = kefu("event", path.stem, "note", "--by", "张明")
    assert code == 2 and "是不是 zhangmin（张敏）" in out
    assert changes(path) == []


def test_close_then_reopen_restarts_the_answer_deadline(repo: Path) -> None:
    path = ticket_where(repo, type="complaint", status="waiting", level="normal")
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
    assert [c.name[16:].split("-")[0] for c in changes(path)][-3:] == [
        "closed", "note", "reopened"]  # one second apart: the order they were written in
    assert load(repo, use_cache=False).errors == []


def test_two_branches_adding_events_to_one_ticket_merge_cleanly(repo: Path) -> None:
    me = git.Actor("测试", "test@example.invalid")
    r = git.Repo.init(repo, initial_branch="main")
    r.git.add("-A")
    r.index.commit("records", author=me, committer=me)
    path = ticket_where(repo, type="inquiry", status="open")
    for branch, note in (("a", "第一位同事"), ("b", "第二位同事")):
        r.git.checkout("main")
        r.git.checkout("-b", branch)
        assert kefu("event", path.stem, "note", "--note", note)[0] == 0
        r.git.add("-A")
        r.index.commit(note, author=me, committer=me)
        assert check_pr(repo, "main").errors == []
    r.git.checkout("main")
    r.git.merge("a")
    r.git.merge("b")  # plain git merge: no conflict, nothing lost
    notes = [e.get("note") for r_ in load(repo).of_kind("ticket") if r_.id == path.stem
             for e in r_.data["events"]]
    assert "第一位同事" in notes and "第二位同事" in notes


def test_twenty_events_at_once_give_twenty_events(repo: Path, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:
    path = ticket_where(repo, type="inquiry", status="open")
    kefu("validate")  # the index exists, as in an agent's checkout
    monkeypatch.delenv("KEFU_NOW")  # real time: each takes its own second when they collide
    env = {**os.environ, "KEFU_USER": "zhangmin"}
    runs = [subprocess.Popen([sys.executable, "-m", "kefu.cli", "event", path.stem, "note",
                              "--note", f"第 {n} 次来电"], cwd=repo, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for n in range(20)]
    outcomes = [(run.wait(timeout=600), run.stderr.read().decode()) for run in runs]
    assert [code for code, _ in outcomes] == [0] * 20, outcomes
    (ticket,) = [r for r in load(repo).of_kind("ticket") if r.id == path.stem]
    notes = [e.get("note") for e in ticket.data["events"]]
    assert sorted(n for n in notes if n and n.endswith("次来电")) == sorted(
        f"第 {n} 次来电" for n in range(20))
    assert load(repo).errors == []


def test_a_broken_rules_file_stops_before_anything_is_written(repo: Path) -> None:
    path = ticket_where(repo, type="inquiry", status="open")
    (repo / "records" / "sla.yml").write_text("rules: [\n", "utf-8")
    code, out = kefu("event", path.stem, "replied")
    assert code == 1 and changes(path) == []


def test_new_prints_the_deadlines_and_takes_names(repo: Path) -> None:
    code, out = kefu("new", "inquiry", "--title", "容量问题", "--owner", "张敏",
                     "--received", "2026-11-24 10:00", "--channel", "热线电话")
    assert code == 0, out
    assert "热线及邮件咨询标准回复：截止 2026-11-25 17:30" in out
    made = Path(out.splitlines()[0])
    assert "owner: zhangmin" in made.read_text("utf-8") and "status" not in made.read_text("utf-8")


def test_new_writes_nothing_the_checks_across_records_refuse(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A swap asked for and approved by a clerk as the supervisor: the request is written (it
    is valid), the approval is not (only the supervisor decides as the supervisor)."""
    code, out = kefu("new", "swap", "--date", "2026-11-26", "--shift", "evening", "--giver",
                     "sunli", "--taker", "wuhao")
    assert code == 0, out
    swap = Path(out.strip())
    before = sorted((repo / "records" / "swaps").rglob("*.yml"))
    monkeypatch.setenv("KEFU_USER", "吴昊")
    code, out = kefu("approve", swap.stem, "--as", "supervisor")
    assert code == 1 and "吴昊（wuhao）不能以客服主管身份审批" in out, out
    assert sorted((repo / "records" / "swaps").rglob("*.yml")) == before
    # the same decision written by hand is refused by the checks, before anything is written
    change = {"record": swap.stem, "at": "2026-11-24T14:00:00+08:00", "by": "wuhao",
              "action": "approved", "approver": "supervisor"}
    text = "".join(f"{k}: {v}\n" for k, v in change.items())
    from kefu.problems import KefuError
    from kefu.records.writing import write_new

    rel = f"records/swaps/2026/11/{swap.stem}/20261124-140000-approved-ab12.yml"
    with pytest.raises(KefuError, match="approver-not-supervisor"):
        write_new(repo, {rel: text})
    assert sorted((repo / "records" / "swaps").rglob("*.yml")) == before


def test_a_correction_is_a_new_file_that_changes_the_ticket_and_shows_in_its_story(
        repo: Path) -> None:
    path = ticket_where(repo, type="complaint", level="normal")
    record_before, before = path.read_bytes(), changes(path)
    code, out = kefu("correct", path.stem, "--set", "等级=严重", "--set",
                     "约定完成时间=2026-11-30 17:00", "--note", "代理商补充了情况")
    assert code == 0, out
    assert path.read_bytes() == record_before
    (new,) = sorted(set(changes(path)) - set(before))
    assert "-corrected-" in new.name and "level: serious" in new.read_text("utf-8")
    folded = next(r.data for r in load(repo).of_kind("ticket") if r.id == path.stem)
    assert folded["level"] == "serious"
    assert folded["agreed_due"].isoformat() == "2026-11-30T17:00:00+08:00"
    code, shown = kefu("show", path.stem)
    assert code == 0, shown
    assert "更正：投诉等级 → 严重；约定完成时间 → 2026-11-30 17:00" in shown
    assert "代理商补充了情况" in shown


@pytest.mark.parametrize(("pairs", "message"), [
    (["颜色=红"], "看不懂：要写 字段=值"),
    (["等级"], "看不懂"),
    (["等级=很严重"], "「等级」不能是「很严重」：可以是 一般（normal）"),
    (["台湾返修=也许"], "写 是 或 否"),
    (["标题=甲", "标题=乙"], "写了两次"),
])
def test_a_correction_that_cannot_be_read_writes_nothing(repo: Path, pairs: list[str],
                                                          message: str) -> None:
    path = ticket_where(repo, type="complaint", status="in-progress")
    before = changes(path)
    args = [a for pair in pairs for a in ("--set", pair)]
    code, out = kefu("correct", path.stem, *args, "--note", "x")
    assert code == 2 and message in out, out
    assert changes(path) == before


def test_assigning_hands_the_ticket_to_a_named_colleague(repo: Path) -> None:
    path = ticket_where(repo, type="inquiry", status="in-progress")
    code, out = kefu("event", path.stem, "分派", "--to", "刘洋", "--note", "交给售前")
    assert code == 0, out
    assert "分派 → 刘洋（liuyang），经办人 张敏（zhangmin）" in out  # names, not bare ids
    folded = next(r.data for r in load(repo).of_kind("ticket") if r.id == path.stem)
    assert folded["owner"] == "liuyang"
    assert folded["events"][-1]["to"] == "liuyang"


def test_a_ticket_page_lists_its_corrections_without_personal_values(repo: Path,
                                                                    tmp_path: Path) -> None:
    from kefu.ticket_pages import write_site_pages
    from kefu.workspace import Workspace

    path = ticket_where(repo, type="complaint")
    code, out = kefu("correct", path.stem, "--set", "标题=异响复查",
                     "--set", "终端顾客姓名=欧阳娜娜", "--note", "代理商更正了标题")
    assert code == 0, out
    write_site_pages(Workspace(repo), tmp_path)
    page = (tmp_path / "tickets" / f"{path.stem}.md").read_text("utf-8")
    assert "更正：标题 → 异响复查；终端顾客姓名 → （个人信息，已隐藏）" in page
    assert "欧阳娜娜" not in page
    code, shown = kefu("show", path.stem, "--with-personal")
    assert "终端顾客姓名 → 欧阳娜娜" in shown
