"""kefu.index.survey in a real git checkout: a warm run looks only at what git says may have
changed, and always answers as a run that reads every file would (`load(use_cache=False)`)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import git
import pytest
from conftest import record_repo

from kefu.index.store import CACHE_DIR, INDEX_FILE
from kefu.index.survey import STATE
from kefu.records import load
from kefu.records.corpus import LoadResult, directory

CASES = Path(__file__).parent / "data" / "records"
TICKET = "records/tickets/2026/03/T-20260315-k7m2"
PERSON = "records/people/liqiang.yml"
ME = git.Actor("测试", "test@example.com")
NEW_PERSON = "id: zhaolei\nname: 赵磊\nrole: after-sales\nteam: 售后组\n"


@pytest.fixture
def repo(tmp_path: Path) -> git.Repo:
    """The valid minimal case, committed."""
    root = record_repo(CASES / "valid" / "minimal", tmp_path / "repo")
    (root / ".gitignore").write_text(".kefu-cache/\n", "utf-8")
    r = git.Repo.init(root)
    r.git.add("-A")
    r.index.commit("start", author=ME, committer=ME)
    return r


def root_of(repo: git.Repo) -> Path:
    return Path(repo.working_tree_dir or ".")


def answers(result: LoadResult) -> tuple[object, ...]:
    return (result.files, [(p.path, p.line, p.slug) for p in result.problems],
            [(r.kind, r.id, r.data) for r in result.records])


def same_as_full(root: Path) -> LoadResult:
    """A warm run, checked against a run that walks and reads every file."""
    warm = load(root)
    assert answers(warm) == answers(load(root, use_cache=False))
    return warm


def kept(root: Path) -> dict[str, object]:
    with sqlite3.connect(root / CACHE_DIR / INDEX_FILE) as db:
        return dict(json.loads(db.execute("SELECT value FROM meta WHERE key=?",
                                          (STATE,)).fetchone()[0]))


def rename_person(root: Path, new: str) -> None:
    person = root / PERSON
    person.write_text(person.read_text("utf-8").replace("李强", new), "utf-8")


def names(result: LoadResult) -> dict[str, str]:
    return {r.id: r.data["name"] for r in result.of_kind("person")}


def test_a_warm_run_reads_nothing_and_keeps_the_tree_it_saw(repo: git.Repo) -> None:
    root = root_of(repo)
    assert load(root).reparsed == 7
    warm = same_as_full(root)
    assert warm.read == 0 and warm.files == 7
    assert kept(root)["tree"] == repo.head.commit.tree["records"].hexsha


def test_an_edit_is_seen_and_so_is_its_undoing(repo: git.Repo) -> None:
    """The undone edit is no longer in `git status`: the run looks where the last one did."""
    root = root_of(repo)
    load(root)
    rename_person(root, "李刚")
    assert names(same_as_full(root))["liqiang"] == "李刚"
    repo.git.checkout("--", PERSON)
    again = same_as_full(root)
    assert names(again)["liqiang"] == "李强" and again.read == 1


def test_new_files_folders_and_removals_are_seen(repo: git.Repo) -> None:
    root = root_of(repo)
    load(root)
    (root / "records/people/zhaolei.yml").write_text(NEW_PERSON, "utf-8")
    ticket = root / "records/tickets/2026/04/T-20260401-a2b3"
    ticket.mkdir(parents=True)  # an untracked folder: git names the folder, not its files
    (ticket / "note.yml").write_text("not: a change\n", "utf-8")
    next((root / TICKET).glob("*-closed-*.yml")).unlink()
    result = same_as_full(root)
    assert "zhaolei" in names(result)
    assert {r.id: r.data["status"] for r in result.of_kind("ticket")} == {
        "T-20260315-k7m2": "in-progress"}
    assert any(p.path.startswith(str(ticket.relative_to(root))) for p in result.errors)
    shutil.rmtree(ticket)
    assert not any("2026/04" in p.path for p in same_as_full(root).problems)


def test_a_commit_or_a_checkout_of_another_branch_is_followed(repo: git.Repo) -> None:
    root = root_of(repo)
    load(root)
    repo.git.checkout("-b", "other")
    rename_person(root, "李刚")
    (root / "records/people/zhaolei.yml").write_text(NEW_PERSON, "utf-8")
    repo.git.add("-A")
    repo.index.commit("other names", author=ME, committer=ME)
    assert names(same_as_full(root)) == {"liqiang": "李刚", "wangfang": "王芳",
                                         "zhaolei": "赵磊"}
    repo.git.checkout("master" if "master" in repo.heads else "main")
    assert names(same_as_full(root)) == {"liqiang": "李强", "wangfang": "王芳"}


def test_a_file_git_ignores_is_not_a_record_warm_or_cold(repo: git.Repo) -> None:
    root = root_of(repo)
    load(root)
    (root / "records/.gitignore").write_text("drafts/\n*.draft.yml\n", "utf-8")
    (root / "records/drafts").mkdir()
    (root / "records/drafts/x.yml").write_text(NEW_PERSON, "utf-8")
    (root / "records/people/zhaolei.draft.yml").write_text(NEW_PERSON, "utf-8")
    result = same_as_full(root)
    assert result.files == 7 and result.problems == []


def test_a_symlink_or_a_stray_file_is_reported_until_it_goes(repo: git.Repo) -> None:
    root = root_of(repo)
    load(root)
    (root / "records/people/link.yml").symlink_to(root / PERSON)
    (root / "records/people/notes.txt").write_text("x", "utf-8")
    found = {p.path: p.slug for p in same_as_full(root).problems}
    assert found == {"records/people/link.yml": "symlink",
                     "records/people/notes.txt": "ignored-file"}
    repo.git.add("-A")  # committed: no longer in git status, still reported
    repo.index.commit("stray", author=ME, committer=ME)
    assert {p.path for p in same_as_full(root).problems} == set(found)
    (root / "records/people/link.yml").unlink()
    assert {p.path for p in same_as_full(root).problems} == {"records/people/notes.txt"}


def test_a_lookup_then_an_undo_before_the_next_run(repo: git.Repo) -> None:
    """A lookup brings a folder up to date by itself; the next run looks there again even when
    git status names nothing (the edit it saw was undone)."""
    root = root_of(repo)
    load(root)
    rename_person(root, "李刚")
    assert {r.id for r in directory(root, ["records/people"], {"person"})} >= {"liqiang"}
    repo.git.checkout("--", PERSON)
    assert names(same_as_full(root))["liqiang"] == "李强"


def test_a_tree_no_longer_in_the_repository_means_a_whole_walk(repo: git.Repo) -> None:
    root = root_of(repo)
    load(root)
    with sqlite3.connect(root / CACHE_DIR / INDEX_FILE) as db:
        state = kept(root)
        state["tree"] = "0" * 40
        db.execute("UPDATE meta SET value=? WHERE key=?", (json.dumps(state), STATE))
    rename_person(root, "李刚")
    repo.git.add("-A")
    repo.index.commit("renamed", author=ME, committer=ME)
    assert names(same_as_full(root))["liqiang"] == "李刚"


def test_outer_git_variables_do_not_point_git_elsewhere(repo: git.Repo, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a git hook, GIT_DIR and GIT_INDEX_FILE name another repository."""
    root = root_of(repo)
    load(root)
    other = git.Repo.init(tmp_path / "other")
    monkeypatch.setenv("GIT_DIR", str(Path(other.git_dir)))
    monkeypatch.setenv("GIT_INDEX_FILE", str(Path(other.git_dir) / "index"))
    rename_person(root, "李刚")
    assert names(load(root))["liqiang"] == "李刚"


def test_without_git_every_file_is_walked(tmp_path: Path) -> None:
    root = record_repo(CASES / "valid" / "minimal", tmp_path / "plain")
    load(root)
    rename_person(root, "李刚")
    assert names(same_as_full(root))["liqiang"] == "李刚"
    with sqlite3.connect(root / CACHE_DIR / INDEX_FILE) as db:
        assert db.execute("SELECT 1 FROM meta WHERE key=?", (STATE,)).fetchone() is None
