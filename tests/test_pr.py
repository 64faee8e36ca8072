"""`kefu check-pr` against real temporary git repositories with branches and merges: a record
pull request adds files; settings may be edited; nothing written once is edited or deleted."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import git
import pytest
from click.testing import CliRunner
from conftest import ROOT

from kefu.cli import main
from kefu.pr import check_pr
from kefu.problems import KefuError

DATA = Path(__file__).parent / "data" / "sla" / "tracker"
ME = git.Actor("测试", "test@example.invalid")
OPEN = "records/tickets/2026/03/T-20260316-aaa1.yml"
CLOSED = "records/tickets/2026/03/T-20260310-ddd4.yml"
CLOSING = "records/tickets/2026/03/T-20260310-ddd4/20260312-100000-closed-6i95.yml"
PERSON = "records/people/zhaolei.yml"
TODAY = dt.date(2026, 11, 25)


def change_file(record: str, stamp: str, action: str, note: str = "补充记录") -> tuple[str, str]:
    """(path, text) of a new change file of ticket `record`."""
    folder = f"records/tickets/2026/03/{record}"
    at = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:00+08:00"
    return (f"{folder}/{stamp}-{action}-zz01.yml",
            "# yaml-language-server: $schema=../../../../../schemas/ticket-change.schema.json\n"
            f"record: {record}\nat: {at}\nby: zhaolei\naction: {action}\nnote: {note}\n")


@pytest.fixture()
def repo(tmp_path: Path) -> git.Repo:
    """A repository whose main branch holds the fixture records; HEAD on a new branch `work`."""
    root = tmp_path / "repo"
    shutil.copytree(DATA, root)
    for name in ("sla.yml", "calendar.yml"):
        shutil.copy(ROOT / "records" / name, root / "records" / name)
    (root / ".gitignore").write_text(".kefu-cache/\n")
    r = git.Repo.init(root, initial_branch="main")
    r.index.add([p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
                 and ".git" not in p.parts])
    r.index.commit("seed records", author=ME, committer=ME)
    r.git.checkout("-b", "work")
    return r


def root_of(repo: git.Repo) -> Path:
    return Path(repo.working_tree_dir or ".")


def commit(repo: git.Repo, message: str, change: Callable[[Path], None]) -> None:
    change(root_of(repo))
    repo.git.add("-A")
    repo.index.commit(message, author=ME, committer=ME)


def edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        text = (root / path).read_text(encoding="utf-8")
        assert old in text
        (root / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    return change


def add(path: str, text: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return change


def remove(path: str) -> Callable[[Path], None]:
    return lambda root: (root / path).unlink()


def errors(repo: git.Repo, today: dt.date = TODAY) -> list[tuple[str, str]]:
    return [(p.path, p.slug) for p in check_pr(root_of(repo), "main", today).errors]


def test_a_new_ticket_and_an_event_on_a_closed_one_only_add_files(repo: git.Repo) -> None:
    text = (root_of(repo) / OPEN).read_text("utf-8").replace("aaa1", "new1")
    commit(repo, "new ticket", add(OPEN.replace("aaa1", "new1"), text))
    commit(repo, "a note on a closed ticket", add(*change_file("T-20260310-ddd4",
                                                               "20260320-090000", "note")))
    result = check_pr(root_of(repo), "main", TODAY)
    assert result.errors == [] and result.only_added
    assert len(result.changed) == 2 and result.deleted == []


@pytest.mark.parametrize("path", [OPEN, CLOSED, CLOSING])
def test_a_file_written_once_is_never_edited(repo: git.Repo, path: str) -> None:
    commit(repo, "edit", edit(path, "zhaolei" if path != OPEN else "title:", "zhaolei2"
                              if path != OPEN else "title: x"))
    assert (path, "record-edited") in errors(repo)
    assert not check_pr(root_of(repo), "main", TODAY).only_added


@pytest.mark.parametrize("path", [OPEN, CLOSING])
def test_nothing_is_deleted(repo: git.Repo, path: str) -> None:
    commit(repo, "delete", remove(path))
    assert errors(repo) == [(path, "record-deleted")]


def test_settings_and_lists_may_be_edited_but_not_merge_themselves(repo: git.Repo) -> None:
    commit(repo, "phone", edit(PERSON, "active: true", "active: false")
           if "active:" in (root_of(repo) / PERSON).read_text("utf-8")
           else add(PERSON, (root_of(repo) / PERSON).read_text("utf-8") + "active: false\n"))
    result = check_pr(root_of(repo), "main", TODAY)
    assert result.errors == [] and not result.only_added


def test_a_change_outside_records_does_not_merge_itself(repo: git.Repo) -> None:
    commit(repo, "readme", add("README.md", "# 说明\n"))
    commit(repo, "note", add(*change_file("T-20260310-ddd4", "20260320-090000", "note")))
    result = check_pr(root_of(repo), "main", TODAY)
    assert result.errors == [] and not result.only_added


def test_reusing_an_id_under_another_path_is_refused(repo: git.Repo) -> None:
    text = (root_of(repo) / OPEN).read_text("utf-8")
    commit(repo, "copy", add(OPEN.replace("2026/03", "2026/04"), text))
    found = errors(repo)
    assert (OPEN.replace("2026/03", "2026/04"), "id-reused") in found


def test_an_invalid_new_file_is_reported_with_its_line(repo: git.Repo) -> None:
    path, text = change_file("T-20260316-aaa1", "20260317-090000", "note")
    commit(repo, "bad", add(path, text.replace("action: note", "action: nonsense")))
    result = check_pr(root_of(repo), "main", TODAY)
    (problem,) = result.errors
    assert (problem.path, problem.slug, problem.line) == (path, "bad-enum", 5)


def test_only_the_branch_changes_count_after_merging_main(repo: git.Repo) -> None:
    repo.git.checkout("main")
    commit(repo, "main's own edit", edit(PERSON, "name:", "name: 赵雷\nnote_: x\nname:"))
    repo.git.checkout("work")
    commit(repo, "note", add(*change_file("T-20260310-ddd4", "20260320-090000", "note")))
    repo.git.merge("main")
    result = check_pr(root_of(repo), "main", TODAY)
    assert PERSON not in result.changed


def test_cli_exit_codes_and_bad_base(repo: git.Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root_of(repo))
    runner = CliRunner()
    assert runner.invoke(main, ["check-pr", "--base", "main"]).exit_code == 0
    bad = runner.invoke(main, ["check-pr", "--base", "no-such-branch"])
    assert bad.exit_code == 2 and "找不到基准" in bad.output
    commit(repo, "edit", edit(CLOSED, "物流破损投诉", "改过的标题"))
    done = runner.invoke(main, ["check-pr", "--base", "main", "--format", "json"])
    assert done.exit_code == 1 and '"record-edited"' in done.output and '"only_added": false' \
        in done.output


def test_the_committed_file_counts_not_the_working_tree(repo: git.Repo) -> None:
    commit(repo, "note", add(*change_file("T-20260310-ddd4", "20260320-090000", "note")))
    (root_of(repo) / CLOSED).write_text("broken: [", encoding="utf-8")  # not committed
    assert errors(repo) == []


def test_history_cannot_hide_a_deletion_or_an_edit_that_a_later_commit_undid(
        repo: git.Repo) -> None:
    original = (root_of(repo) / CLOSED).read_text("utf-8")
    commit(repo, "delete", remove(CLOSED))
    commit(repo, "restore", add(CLOSED, original))
    commit(repo, "edit", edit(CLOSED, "物流破损投诉", "改过的标题"))
    commit(repo, "undo", add(CLOSED, original))
    found = check_pr(root_of(repo), "main", TODAY).errors
    assert sorted(p.slug for p in found) == ["record-deleted", "record-edited"]
    assert all("提交" in p.message for p in found)


def test_a_merge_commit_cannot_hide_an_edit(repo: git.Repo) -> None:
    original = (root_of(repo) / CLOSED).read_text("utf-8")
    repo.git.checkout("-b", "side")
    commit(repo, "side note", add(*change_file("T-20260316-aaa1", "20260317-090000", "note")))
    repo.git.checkout("work")
    commit(repo, "work note", add(*change_file("T-20260310-ddd4", "20260320-090000", "note")))
    repo.git.merge("side", "--no-commit", "--no-ff")
    edit(CLOSED, "物流破损投诉", "改过的标题")(root_of(repo))
    repo.git.add("-A")
    repo.index.commit("merge side", parent_commits=(repo.head.commit, repo.commit("side")),
                      author=ME, committer=ME)
    commit(repo, "undo", add(CLOSED, original))
    assert [p.slug for p in check_pr(root_of(repo), "main", TODAY).errors] == ["record-edited"]


def test_every_commit_is_checked_however_many(repo: git.Repo) -> None:
    original = (root_of(repo) / CLOSED).read_text("utf-8")
    commit(repo, "delete", remove(CLOSED))
    commit(repo, "restore", add(CLOSED, original))
    for n in range(230):  # more than any cap a check could silently stop at
        repo.index.commit(f"padding {n}", author=ME, committer=ME)
    result = check_pr(root_of(repo), "main", TODAY)
    assert result.commits == 232 and [p.slug for p in result.errors] == ["record-deleted"]


def test_a_record_replaced_by_a_symlink_is_refused(repo: git.Repo) -> None:
    def link(root: Path) -> None:
        edited = root.parent / "edited.yml"
        edited.write_text((root / CLOSED).read_text("utf-8"), "utf-8")
        (root / CLOSED).unlink()
        (root / CLOSED).symlink_to(edited)
    commit(repo, "link", link)
    assert (CLOSED, "symlink") in errors(repo)


SLA = "records/sla.yml"
NORMAL = "    term: {working_days: 2}\n  complaint.serious:"


def _sla_change(new_term: str) -> Callable[[Path], None]:
    return edit(SLA, NORMAL, new_term + "\n  complaint.serious:")


@pytest.mark.parametrize(("change", "expected"), [
    ("    term: {working_days: 1}", ["sla-rule-changed"]),
    ("    term: {working_days: 3}\n    effective_from: 2026-03-01\n    earlier:\n"
     "      - term: {working_days: 2}", ["sla-rule-changed"]),  # not in the future
    ("    term: {working_days: 3}\n    effective_from: 2027-01-01\n    earlier:\n"
     "      - term: {working_days: 1}", ["sla-rule-changed"]),  # the old term not kept
    ("    term: {working_days: 3}\n    effective_from: 2027-01-01\n    earlier:\n"
     "      - term: {working_days: 2}", []),
])
def test_a_deadline_rule_changes_only_from_a_future_day_keeping_the_old_term(
        repo: git.Repo, change: str, expected: list[str]) -> None:
    commit(repo, "sla", _sla_change(change))
    assert [slug for _, slug in errors(repo)] == expected


def test_rules_are_never_removed_nor_the_close_of_business_moved(repo: git.Repo) -> None:
    def drop(root: Path) -> None:
        text = (root / SLA).read_text(encoding="utf-8")
        start = text.index("  inquiry.reply:")
        end = text.index("  callback.new-dealer:")
        (root / SLA).write_text(text[:start] + text[end:], encoding="utf-8")
    commit(repo, "drop", drop)
    commit(repo, "close", edit(SLA, 'close_of_business: "17:30"', 'close_of_business: "18:00"'))
    assert sorted(slug for _, slug in errors(repo)) == ["sla-rule-changed", "sla-rule-removed"]


def test_a_new_rule_starts_on_a_future_day(repo: git.Repo) -> None:
    rule = ("  callback.vip:\n    title: 大客户回访\n    seed: 测试\n"
            "    applies_to: {type: callback}\n    start: received\n    stop: called-back\n"
            "    term: {working_days: 1}\n")
    commit(repo, "new rule", edit(SLA, "  callback.new-dealer:", rule + "  callback.new-dealer:"))
    assert [slug for _, slug in errors(repo)] == ["sla-rule-new-past"]


CALENDAR = "records/calendar.yml"


@pytest.mark.parametrize(("day", "expected"), [
    ("2026-10-09", ["calendar-past-day"]), ("2026-11-25", ["calendar-past-day"]),
    ("2026-12-31", [])])
def test_company_days_are_changed_only_for_days_to_come(repo: git.Repo, day: str,
                                                        expected: list[str]) -> None:
    commit(repo, "closure", edit(CALENDAR, "holidays: []", f"holidays: [{day}]"))
    assert [slug for _, slug in errors(repo)] == expected


def test_a_roster_is_edited_only_before_its_week(repo: git.Repo) -> None:
    path = "records/rosters/2026/2026-W49.yml"
    repo.git.checkout("main")
    text = ("# yaml-language-server: $schema=../../../schemas/roster.schema.json\n"
            "id: 2026-W49\nprepared_by: zhaolei\nprepared: 2026-11-20T16:00:00+08:00\nstaff:\n"
            "- person: zhaolei\n  days: [day, day, day, day, day, rest, rest]\n")
    commit(repo, "roster", add(path, text))
    repo.git.checkout("work")
    repo.git.merge("main")
    commit(repo, "change", edit(path, "rest, rest]", "day, rest]"))
    assert errors(repo, dt.date(2026, 11, 27)) == []  # Friday before the week
    assert errors(repo, dt.date(2026, 12, 1)) == [(path, "roster-started")]


def test_kefu_migrate_may_reshape_records_that_mean_the_same(tmp_path: Path) -> None:
    """An old one-file ticket split by `kefu migrate` passes; changing it on the way does not."""
    old = ROOT / "tests" / "data" / "records" / "invalid" / "state-in-record"
    root = tmp_path / "old"
    shutil.copytree(old, root)
    for name in ("sla.yml", "calendar.yml"):
        shutil.copy(ROOT / "records" / name, root / "records" / name)
    ticket = root / "records/tickets/2026/03/T-20260315-k7m2.yml"
    ticket.write_text(ticket.read_text("utf-8").replace("    action: note", "    action: closed"),
                      "utf-8")
    r = git.Repo.init(root, initial_branch="main")
    r.git.add("-A")
    r.index.commit("old layout", author=ME, committer=ME)
    r.git.checkout("-b", "migrate")
    CliRunner().invoke(main, ["migrate", "--root", str(root)])
    r.git.add("-A")
    r.index.commit("kefu migrate", author=ME, committer=ME)
    assert check_pr(root, "main", TODAY).errors == []
    closing = next((root / "records/tickets/2026/03/T-20260315-k7m2").glob("*-closed-*.yml"))
    closing.write_text(closing.read_text("utf-8").replace("by: wangfang", "by: liqiang"), "utf-8")
    r.git.add("-A")
    r.index.commit("migrate, and change who closed it", author=ME, committer=ME)
    assert {p.slug for p in check_pr(root, "main", TODAY).errors} >= {"record-edited"}


def test_no_common_history_is_a_clear_error(repo: git.Repo) -> None:
    repo.git.checkout("--orphan", "alone")
    repo.index.commit("unrelated", author=ME, committer=ME)
    with pytest.raises(KefuError) as err:
        check_pr(root_of(repo), "main", TODAY)
    assert err.value.slug == "no-merge-base"
