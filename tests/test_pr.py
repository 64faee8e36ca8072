"""`kefu check-pr` against real temporary git repositories with branches and merges."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from kefu.cli import main
from kefu.pr import check_pr
from kefu.problems import KefuError

DATA = Path(__file__).parent / "data" / "sla" / "tracker"
REPO = Path(__file__).parent.parent
ME = git.Actor("测试", "test@example.invalid")
OPEN = "records/tickets/2026/03/T-20260316-aaa1.yml"
CLOSED = "records/tickets/2026/03/T-20260310-ddd4.yml"
EVENT = (
    "  - at: 2026-03-13T09:00:00+08:00\n    by: zhaolei\n    action: note\n    note: 补充回访记录\n"
)


@pytest.fixture()
def repo(tmp_path: Path) -> git.Repo:
    """A repository whose main branch holds the fixture records; HEAD on a new branch `work`."""
    root = tmp_path / "repo"
    shutil.copytree(DATA, root)
    for name in ("sla.yml", "calendar.yml"):
        shutil.copy(REPO / "records" / name, root / "records" / name)
    (root / ".gitignore").write_text(".kefu-cache/\n")
    r = git.Repo.init(root, initial_branch="main")
    r.index.add([p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
                 and ".git" not in p.parts])
    r.index.commit("seed records", author=ME, committer=ME)
    r.git.checkout("-b", "work")
    return r


def commit(repo: git.Repo, message: str, change: Callable[[Path], None]) -> None:
    root = Path(repo.working_tree_dir or ".")
    change(root)
    repo.git.add("-A")
    repo.index.commit(message, author=ME, committer=ME)


def edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        text = (root / path).read_text(encoding="utf-8")
        assert old in text
        (root / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    return change


def slugs(repo: git.Repo) -> list[tuple[str, str, int]]:
    result = check_pr(Path(repo.working_tree_dir or "."), "main")
    return [(p.path, p.slug, p.line) for p in result.errors]


def test_new_record_passes(repo: git.Repo) -> None:
    def add(root: Path) -> None:
        text = (root / OPEN).read_text(encoding="utf-8")
        text = text.replace("T-20260316-aaa1", "T-20260316-new1")
        (root / OPEN.replace("aaa1", "new1")).write_text(text, encoding="utf-8")
    commit(repo, "new ticket", add)
    result = check_pr(Path(repo.working_tree_dir or "."), "main")
    assert result.errors == [] and result.changed == [OPEN.replace("aaa1", "new1")]


def test_edit_to_open_record_passes(repo: git.Repo) -> None:
    commit(repo, "retitle", edit(OPEN, "异响'", "异响（两块）'"))
    commit(repo, "progress", edit(OPEN, "status: open", "status: in-progress"))
    assert slugs(repo) == []


def test_appending_an_event_to_a_closed_record_passes(repo: git.Repo) -> None:
    commit(repo, "note", lambda root: (root / CLOSED).open("a", encoding="utf-8").write(EVENT))
    assert slugs(repo) == []


def test_editing_a_closed_record_is_refused(repo: git.Repo) -> None:
    commit(repo, "retitle closed", edit(CLOSED, "投诉'", "投诉（已赔付）'"))
    assert slugs(repo) == [(CLOSED, "closed-record-edited", 4)]


def test_rewriting_an_event_of_a_closed_record_is_refused(repo: git.Repo) -> None:
    commit(repo, "rewrite", edit(CLOSED, "at: 2026-03-12T10", "at: 2026-03-11T10"))
    assert slugs(repo) == [(CLOSED, "closed-record-edited", 14)]  # the second event


def test_inserting_an_event_before_the_end_of_a_closed_record_is_refused(repo: git.Repo) -> None:
    first = "    action: received\n"
    commit(repo, "insert", edit(CLOSED, first, first + EVENT.replace("03-13", "03-11")))
    assert [s for _, s, _ in slugs(repo)] == ["closed-record-edited"]


def test_deleting_a_record_is_refused(repo: git.Repo) -> None:
    commit(repo, "delete", lambda root: (root / OPEN).unlink())
    assert slugs(repo) == [(OPEN, "record-deleted", 0)]


def test_reusing_an_id_under_another_path_is_refused(repo: git.Repo) -> None:
    other = "records/tickets/2026/04/T-20260316-aaa1.yml"

    def copy(root: Path) -> None:
        (root / other).parent.mkdir(parents=True)
        shutil.copy(root / OPEN, root / other)
    commit(repo, "reuse", copy)
    found = {(path, slug) for path, slug, _ in slugs(repo)}
    assert (other, "id-reused") in found


def test_invalid_changed_record_is_reported_with_its_line(repo: git.Repo) -> None:
    commit(repo, "typo", edit(OPEN, "status: open", "status: opened"))
    found = slugs(repo)
    assert [(path, line) for path, _, line in found] == [(OPEN, 8)], found


def test_only_the_branch_changes_count_after_merging_main(repo: git.Repo) -> None:
    commit(repo, "branch: progress", edit(OPEN, "status: open", "status: in-progress"))
    repo.git.checkout("main")
    # Meanwhile on main: a record is closed and another one is removed by someone else.
    commit(repo, "main: delete", lambda root: (root / CLOSED).unlink())
    repo.git.checkout("work")
    repo.git.merge("main", "--no-edit")
    result = check_pr(Path(repo.working_tree_dir or "."), "main")
    assert result.errors == [] and result.changed == [OPEN] and result.deleted == []


def test_cli_exit_codes_and_bad_base(repo: git.Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo.working_tree_dir or ".")
    commit(repo, "delete", lambda root: (root / OPEN).unlink())
    runner = CliRunner()
    refused = runner.invoke(main, ["check-pr", "--base", "main"])
    assert refused.exit_code == 1 and f"{OPEN}: [record-deleted]" in refused.output
    missing = runner.invoke(main, ["check-pr", "--base", "origin/nowhere"])
    assert missing.exit_code == 2 and "fetch-depth" in missing.output
    with pytest.raises(KefuError):
        check_pr(Path(repo.working_tree_dir or "."), "no-such-ref")


def test_a_record_closed_on_main_after_the_fork_is_append_only(repo: git.Repo) -> None:
    commit(repo, "branch: retitle", edit(OPEN, "异响'", "异响（已解决）'"))
    repo.git.checkout("main")
    closing = ("  - at: 2026-03-17T09:00:00+08:00\n    by: wangfang\n    action: replied\n"
               "  - at: 2026-03-17T10:00:00+08:00\n    by: wangfang\n    action: closed\n")

    def close(root: Path) -> None:
        edit(OPEN, "status: open", "status: closed")(root)
        (root / OPEN).open("a", encoding="utf-8").write(closing)
    commit(repo, "main: close", close)
    repo.git.checkout("work")
    assert slugs(repo) == [(OPEN, "closed-record-edited", 4)]  # the title, line 4


def test_the_committed_file_counts_not_the_working_tree(repo: git.Repo) -> None:
    commit(repo, "typo", edit(OPEN, "status: open", "status: opened"))
    # fixed in the working tree only, never committed
    edit(OPEN, "status: opened", "status: open")(Path(repo.working_tree_dir or "."))
    assert [(p, s) for p, s, _ in slugs(repo)] == [(OPEN, "bad-enum")]


def test_history_cannot_hide_a_deletion_or_an_edit_that_a_later_commit_undid(
        repo: git.Repo) -> None:
    root = Path(repo.working_tree_dir or ".")
    saved = (root / OPEN).read_bytes()
    commit(repo, "delete", lambda r: (r / OPEN).unlink())
    commit(repo, "restore", lambda r: (r / OPEN).write_bytes(saved))
    commit(repo, "edit closed", edit(CLOSED, "投诉'", "投诉（已赔付）'"))
    commit(repo, "undo", edit(CLOSED, "投诉（已赔付）'", "投诉'"))
    result = check_pr(root, "main")
    found = {(p.path, p.slug) for p in result.errors}
    assert found == {(OPEN, "record-deleted"), (CLOSED, "closed-record-edited")}
    assert all("提交 " in p.message for p in result.errors) and result.commits == 4


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
    result = check_pr(Path(repo.working_tree_dir or "."), "main", today=dt.date(2026, 11, 25))
    assert [p.slug for p in result.errors] == expected, result.errors


def test_rules_are_never_removed_nor_the_close_of_business_moved(repo: git.Repo) -> None:
    def drop(root: Path) -> None:
        text = (root / SLA).read_text(encoding="utf-8")
        start = text.index("  inquiry.reply:")
        end = text.index("  callback.new-dealer:")
        (root / SLA).write_text(text[:start] + text[end:], encoding="utf-8")
    commit(repo, "drop", drop)
    commit(repo, "close", edit(SLA, 'close_of_business: "17:30"', 'close_of_business: "18:00"'))
    result = check_pr(Path(repo.working_tree_dir or "."), "main")
    assert sorted(p.slug for p in result.errors) == ["sla-rule-changed", "sla-rule-removed"]


SANCTION = "records/sanctions/2026/J-20260316-ab12.yml"


def test_a_published_sanction_only_gains_appeals(repo: git.Repo) -> None:
    root = Path(repo.working_tree_dir or ".")
    person = next((root / "records" / "people").glob("*.yml")).stem

    def publish(root: Path) -> None:
        shutil.copy(REPO / "records" / "staff-rules.yml", root / "records" / "staff-rules.yml")
        (root / SANCTION).parent.mkdir(parents=True)
        (root / SANCTION).write_text(
            "# yaml-language-server: $schema=../../../schemas/sanction.schema.json\n"
            f"id: J-20260316-ab12\nperson: {person}\ndate: 2026-03-16\nrule: rude-service\n"
            f"amount: 5\nreason: 服务态度被投诉属实\nrecorded_by: {person}\nappeals: []\n",
            encoding="utf-8")
    repo.git.checkout("main")
    commit(repo, "publish a fine", publish)
    repo.git.checkout("work")
    repo.git.merge("main")
    appeal = (f"appeals:\n  - at: 2026-03-17T10:00:00+08:00\n    by: {person}\n"
              "    reason: 顾客误会\n    outcome: pending\n")
    commit(repo, "appeal", edit(SANCTION, "appeals: []\n", appeal))
    assert slugs(repo) == []
    commit(repo, "lower the fine", edit(SANCTION, "amount: 5", "amount: 1"))
    assert [(path, slug) for path, slug, _ in slugs(repo)] == [(SANCTION,
                                                                 "closed-record-edited")]
