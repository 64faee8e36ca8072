"""`kefu overdue`: open milestones past due or due soon, by owner and type; text, json, markdown."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kefu.cli import main
from kefu.output import md_text, render
from kefu.overdue import OverdueReport
from kefu.overdue import find_overdue as find
from kefu.workspace import Workspace

DATA = Path(__file__).parent / "data" / "sla" / "tracker"
REPO = Path(__file__).parent.parent
TODAY = dt.date(2026, 3, 20)
NOW = "2027-01-06T12:00:00+08:00"


@pytest.fixture(autouse=True)
def after_the_fixture_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock after every event of the fixture (the last ticket arrives on 2026-12-31)."""
    monkeypatch.setenv("KEFU_NOW", NOW)


def find_overdue(root: Path, today: dt.date, within: int = 0) -> OverdueReport:
    return find(Workspace(root, today), within)


@pytest.fixture()
def tracker(tmp_path: Path) -> Path:
    return make_tracker(tmp_path)


def make_tracker(tmp_path: Path) -> Path:
    """A copy of the fixture repository with the real sla.yml and calendar.yml."""
    root = tmp_path / "repo"
    shutil.copytree(DATA, root)
    for name in ("sla.yml", "calendar.yml"):
        shutil.copy(REPO / "records" / name, root / "records" / name)
    return root


def test_overdue_and_due_soon_items(tracker: Path) -> None:
    report = find_overdue(tracker, TODAY, within=2)
    got = {(i.ticket, i.rule): (i.overdue, i.working_days) for i in report.items}
    assert got == {
        ("T-20260316-aaa1", "complaint.normal"): (True, 2),  # due 3/18, late 3/19 and 3/20
        ("T-20260312-fff6", "complaint.critical"): (True, 1),  # agreed due 3/19
        ("T-20260318-iii9", "complaint.dept-feedback"): (True, 1),  # replied, but no dept-feedback
        ("T-20260319-hhh8", "inquiry.reply"): (False, 0),  # due today
        ("T-20260319-ccc3", "repair.inspect"): (False, 1),  # due Mon 3/23
        ("T-20260320-ggg7", "callback.new-dealer"): (False, 1),
    }
    # A closed ticket has no open milestone; met milestones and later ones are not listed.
    listed = {i.ticket for i in report.items}
    assert not listed & {"T-20260310-ddd4", "T-20260318-bbb2", "T-20260317-eee5"}
    assert report.problems == [] and not report.provisional


def test_within_zero_lists_only_overdue_and_due_today(tracker: Path) -> None:
    report = find_overdue(tracker, TODAY, within=0)
    assert len(report.overdue) == 3
    assert [i.ticket for i in report.due_soon] == ["T-20260319-hhh8"]


def test_weekend_lateness_counts_working_days(tracker: Path) -> None:
    # Sun 3/22: 3/18 due → late 3/19, 3/20 (weekend does not count).
    report = find_overdue(tracker, dt.date(2026, 3, 22))
    late = {i.ticket: i.working_days for i in report.overdue}
    assert late["T-20260316-aaa1"] == 2
    assert late["T-20260319-hhh8"] == 1  # due Fri 3/20, at least one working day late


def test_year_boundary_is_provisional(tracker: Path) -> None:
    report = find_overdue(tracker, dt.date(2027, 1, 6))
    late = {i.ticket: i for i in report.overdue}
    assert late["T-20261231-jjj0"].due == dt.datetime.fromisoformat("2027-01-04T17:30:00+08:00")
    assert late["T-20261231-jjj0"].provisional and report.provisional
    assert not late["T-20260316-aaa1"].provisional
    assert "暂定" in render(report, "markdown") and "2027-01-04 17:30*" in render(report)


def test_cli_text_groups_by_owner_and_type(tracker: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tracker)
    result = CliRunner().invoke(main, ["overdue", "--today", "2026-03-20", "--within", "2"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "超期 3 项，2 个工作日内到期 3 项" in out
    assert out.index("王芳（wangfang）") < out.index("T-20260316-aaa1") < out.index("李娜（lina）")
    assert "超期 2 个工作日" in out and "今天到期" in out
    assert "钱多多" not in out and "13800138001" not in out


def test_cli_json_and_fail(tracker: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tracker)
    runner = CliRunner()
    result = runner.invoke(main, ["overdue", "--today", "2026-03-20", "--format", "json", "--fail"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["overdue"] == 3 and data["today"] == "2026-03-20" and data["provisional"] is False
    first = data["items"][0]
    assert {"ticket", "rule", "due", "owner", "owner_name", "working_days", "state"} <= first.keys()
    calm = runner.invoke(main, ["overdue", "--today", "2026-03-13", "--fail"])
    assert calm.exit_code == 0 and "超期 0 项" in calm.output


def test_cli_markdown_is_escaped(tracker: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tracker)
    result = CliRunner().invoke(main, ["overdue", "--today", "2026-03-20", "--format", "markdown"])
    md = result.stdout
    assert md.startswith("## 超期与即将到期的工作（截至 2026-03-20）")
    assert "### 王芳（wangfang）" in md and "**投诉**" in md
    assert "<b>" not in md and "&lt;b>" in md and "\\|" in md and "\\*紧急\\*" in md
    for line in md.splitlines():
        if line.startswith("| "):
            assert line.count(" | ") == 4, line  # five cells, pipes in titles escaped


def test_bad_today_is_a_usage_error(tracker: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tracker)
    result = CliRunner().invoke(main, ["overdue", "--today", "2026-13-01"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_md_text_neutralises_markup() -> None:
    assert md_text("a|b <script>`x`</script>\n[l](u)") == (
        "a\\|b &lt;script>\\`x\\`&lt;/script> \\[l\\](u)"
    )


def test_invalid_records_are_skipped_with_a_warning(tracker: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tracker / "records" / "tickets" / "2026" / "03" / "T-20260316-aaa1.yml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("channel: dealer",
                                                           "channel: [dealer"), encoding="utf-8")
    monkeypatch.chdir(tracker)
    result = CliRunner().invoke(main, ["overdue", "--today", "2026-03-20", "--fail"])
    assert result.exit_code == 1  # the other overdue items still count
    assert "1 个记录文件有错误，未计入" in result.stderr and "T-20260316-aaa1" not in result.stdout


def test_invalid_calendar_file_stops_with_its_line(tracker: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tracker / "records" / "calendar.yml").write_text("holidays:\n  - 2026-02-30\n",
                                                       encoding="utf-8")
    monkeypatch.chdir(tracker)
    result = CliRunner().invoke(main, ["overdue", "--today", "2026-03-20"])
    assert result.exit_code == 1 and "records/calendar.yml:2:5: [bad-date]" in result.stderr


def test_open_tickets_in_odd_styles_are_still_listed(tracker: Path) -> None:
    """A ticket written in flow style is read like any other; one closed by a change file
    is left out."""
    folder = tracker / "records" / "tickets" / "2026" / "03"
    before = find_overdue(tracker, TODAY, within=2)
    flow = folder / "T-20260316-aaa1.yml"  # open, overdue: rewritten in flow style
    flow.write_text(
        "{id: T-20260316-aaa1, type: complaint, title: 代理商反映硬盘异响,\n"
        "received: 2026-03-16T10:00:00+08:00, channel: dealer, owner: wangfang,\n"
        "level: normal, events: [{at: 2026-03-16T10:00:00+08:00,\n"
        "by: wangfang, action: received}]}\n", encoding="utf-8")
    after = find_overdue(tracker, TODAY, within=2)
    assert after.items == before.items
    assert [p.slug for p in after.problems] == []
    (folder / "T-20260316-aaa1").mkdir()
    (folder / "T-20260316-aaa1" / "20260317-100000-closed-ab12.yml").write_text(
        "record: T-20260316-aaa1\nat: 2026-03-17T10:00:00+08:00\nby: wangfang\n"
        "action: closed\n", encoding="utf-8")
    closed = find_overdue(tracker, TODAY, within=2)
    assert [i.ticket for i in closed.items] == [i.ticket for i in before.items
                                               if i.ticket != "T-20260316-aaa1"]


def test_terminal_output_carries_no_control_characters(tracker: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ticket = tracker / "records" / "tickets" / "2026" / "03" / "T-20260316-aaa1.yml"
    text = ticket.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    ticket.write_text(text.replace(title, 'title: "红字 \\u202e反向"'), "utf-8")
    monkeypatch.chdir(tracker)
    result = CliRunner().invoke(main, ["overdue", "--today", "2026-03-20"])
    assert "红字" in result.stdout and "反向" in result.stdout
    assert "\u202e" not in result.stdout
    # an ESC never gets that far: the file is refused (control-character), and said so
    ticket.write_text(text.replace(title, 'title: "\\e[31m红字\\e[0m"'), "utf-8")
    result = CliRunner().invoke(main, ["overdue", "--today", "2026-03-20"])
    assert "\x1b" not in result.output and "红字" not in result.stdout
    assert "1 个记录文件有错误" in result.output


def test_owner_and_mine_list_one_persons_work(tracker: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tracker)
    runner = CliRunner()
    by_name = runner.invoke(main, ["overdue", "--today", "2026-03-20", "--within", "2",
                                   "--owner", "王芳", "--format", "json"])
    owners = {item["owner"] for item in json.loads(by_name.stdout)["items"]}
    assert by_name.exit_code == 0 and owners == {"wangfang"}
    monkeypatch.setenv("KEFU_USER", "lina")
    mine = runner.invoke(main, ["overdue", "--today", "2026-03-20", "--within", "2", "--mine",
                                "--format", "json"])
    assert {item["owner"] for item in json.loads(mine.stdout)["items"]} == {"lina"}
    typo = runner.invoke(main, ["overdue", "--owner", "wangfan"])
    assert typo.exit_code == 2 and "是不是 wangfang（王芳）" in typo.output
    monkeypatch.delenv("KEFU_USER")
    nobody = runner.invoke(main, ["overdue", "--mine"])
    assert nobody.exit_code == 2 and "git config kefu.user" in nobody.output
