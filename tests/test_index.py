"""The derived SQLite index (kefu.index): only what changed is read again, records are folded
with their change files, and an index that cannot prove where it comes from is rebuilt."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import record_repo

from kefu.index.store import CACHE_DIR, INDEX_FILE
from kefu.records import load

CASES = Path(__file__).parent / "data" / "records"
TICKET = "records/tickets/2026/03/T-20260315-k7m2"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The valid minimal case: two people, one dealer, one ticket with two change files."""
    return record_repo(CASES / "valid" / "minimal", tmp_path / "repo")


def index(root: Path) -> sqlite3.Connection:
    return sqlite3.connect(root / CACHE_DIR / INDEX_FILE)


def test_only_changed_files_are_checked_again(repo: Path) -> None:
    assert load(repo).reparsed == 7  # with records/sla.yml and the ticket's two events
    assert load(repo).reparsed == 0
    event = next((repo / TICKET).glob("*-replied-*.yml"))
    event.write_text(event.read_text("utf-8").replace("action: replied", "action: shut"),
                     "utf-8")
    again = load(repo)
    assert again.reparsed == 1 and [p.slug for p in again.errors] == ["bad-enum"]
    os.utime(repo / "records/people/liqiang.yml")  # touched, same content: its blob id answers
    quiet = load(repo)
    assert quiet.reparsed == 0 and quiet.read >= 1


def test_an_edit_keeping_size_and_mtime_is_seen(repo: Path) -> None:
    load(repo)
    person = repo / "records/people/liqiang.yml"
    stat = person.stat()
    person.write_text(person.read_text("utf-8").replace("李强", "李刚"), "utf-8")
    os.utime(person, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the ctime still moves
    names = {r.id: r.data["name"] for r in load(repo).of_kind("person")}
    assert names["liqiang"] == "李刚"


def test_a_removed_change_file_unfolds_its_record(repo: Path) -> None:
    assert {r.id: r.data["status"] for r in load(repo).of_kind("ticket")} == {
        "T-20260315-k7m2": "closed"}
    next((repo / TICKET).glob("*-closed-*.yml")).unlink()
    (ticket,) = load(repo).of_kind("ticket")
    assert ticket.data["status"] == "in-progress" and len(ticket.data["events"]) == 2


def test_garbage_or_another_schema_is_rebuilt_from_the_files(repo: Path) -> None:
    load(repo)
    (repo / CACHE_DIR / INDEX_FILE).write_bytes(b"not a database at all" * 100)
    assert load(repo).reparsed == 7
    with index(repo) as db:
        db.execute("PRAGMA user_version = 1")
    assert load(repo).reparsed == 7


def test_an_index_built_in_another_checkout_is_never_trusted(repo: Path, tmp_path: Path) -> None:
    """A restored CI cache or a committed index: rows that do not match the files' verdicts
    (here: a broken ticket recorded as valid) must not make a fresh clone pass."""
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    load(repo)
    clone = Path(shutil.copytree(repo, tmp_path / "clone", ignore=shutil.ignore_patterns(".git")))
    subprocess.run(["git", "init", "-q", str(clone)], check=True)
    ticket = clone / f"{TICKET}.yml"
    ticket.write_text(ticket.read_text("utf-8").replace("owner: wangfang", "owner: nobody"),
                      "utf-8")
    with index(clone) as db:  # the index says the new content is the old, valid one
        blob = db.execute("SELECT blob FROM files WHERE rel=?", (f"{TICKET}.yml",)).fetchone()
        stat = ticket.stat()
        db.execute("UPDATE files SET size=?, mtime=?, ctime=?, ino=?, blob=? WHERE rel=?",
                   (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, blob[0],
                    f"{TICKET}.yml"))
    result = load(clone)
    assert result.reparsed == 7 and [p.slug for p in result.errors] == ["unknown-person"]


def test_a_symlinked_cache_folder_is_refused_and_nothing_written_through_it(
        repo: Path, tmp_path: Path) -> None:
    from kefu.problems import KefuError

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / CACHE_DIR).symlink_to(elsewhere)
    with pytest.raises(KefuError) as err:
        load(repo)
    assert err.value.slug == "symlink" and CACHE_DIR in err.value.message
    assert list(elsewhere.iterdir()) == []


def test_records_come_folded_and_a_refused_change_is_reported_on_its_file(repo: Path) -> None:
    folder = repo / TICKET
    (folder / "20260317-100000-replied-zz99.yml").write_text(
        "record: T-20260315-k7m2\nat: 2026-03-17T10:00:00+08:00\nby: wangfang\n"
        "action: replied\n", "utf-8")
    result = load(repo)
    (problem,) = result.errors
    assert problem.slug == "change-refused" and problem.path.endswith("-replied-zz99.yml")
    assert problem.line == 4 and "已结案" in problem.message
    (ticket,) = result.of_kind("ticket")  # the refused change is not applied
    assert [e["action"] for e in ticket.data["events"]] == ["received", "replied", "closed"]


def test_where_answers_from_the_folded_status(repo: Path) -> None:
    opened = {"ticket": {"status": {"open", "in-progress", "waiting"}}}
    assert load(repo, where=opened).of_kind("ticket") == []
    next((repo / TICKET).glob("*-closed-*.yml")).unlink()
    assert [r.id for r in load(repo, where=opened).of_kind("ticket")] == ["T-20260315-k7m2"]


def test_the_same_answers_from_memory_and_from_the_index(demo_copy: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEFU_NOW", "2026-11-25T09:00:00+08:00")
    cold = load(demo_copy, use_cache=False)
    load(demo_copy)
    warm = load(demo_copy)
    assert warm.reparsed == 0
    assert warm.problems == cold.problems
    assert [(r.kind, r.id, r.data) for r in warm.records] == \
        [(r.kind, r.id, r.data) for r in cold.records]


@pytest.mark.parametrize("start", ["none", "other-code"])
def test_commands_started_together_build_one_index_and_all_succeed(repo: Path,
                                                                   start: str) -> None:
    """A fresh clone, or the first runs after an upgrade: every command decides the index
    must be (re)built at the same moment, and none may delete or create it under another."""
    import sys

    if start == "other-code":
        load(repo)
        with index(repo) as db:
            db.execute("UPDATE meta SET value = 'built by another kefu' WHERE key = 'code'")
    runs = [subprocess.Popen([sys.executable, "-m", "kefu.cli", "validate", "--root", str(repo)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(8)]
    outcomes = [(run.wait(timeout=600), run.stderr.read().decode()) for run in runs]
    assert outcomes == [(0, "")] * 8
    assert load(repo).reparsed == 0  # the index they left is whole and trusted


def test_a_lookup_brings_only_its_folder_up_to_date_and_keeps_the_rest(repo: Path,
                                                                      tmp_path: Path) -> None:
    """Names and one record are looked up by walking their folder only (kefu event's user,
    kefu show): what they see is current, and no other row is dropped or trusted wrongly."""
    from kefu.records.corpus import directory, record
    from kefu.workspace import Workspace

    load(repo)
    person = repo / "records/people/liqiang.yml"
    person.write_text(person.read_text("utf-8").replace("李强", "李刚"), "utf-8")
    assert Workspace(repo).person("李刚") == "liqiang"
    assert {r.id for r in directory(repo, ["records/dealers"], {"dealer"})} == {"D-0001"}
    next((repo / TICKET).glob("*-closed-*.yml")).unlink()
    ticket = record(repo, "ticket", "T-20260315-k7m2")
    assert ticket is not None and ticket["status"] == "in-progress"
    again = load(repo)  # the full walk checks only what the lookups did not already see
    assert again.reparsed == 0 and again.errors == []
    assert {r.id: r.data["name"] for r in again.of_kind("person")}["liqiang"] == "李刚"
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(repo / "records/people", elsewhere)
    shutil.rmtree(repo / "records/people")
    (repo / "records/people").symlink_to(elsewhere)
    assert directory(repo, ["records/people"], {"person"}) == []  # never through a link
    assert load(repo).reparsed == 0  # and the other rows are still there


def test_a_damaged_page_is_found_though_the_size_and_mtime_are_put_back(repo: Path) -> None:
    """The check of the whole file is skipped only for the file as a kefu run closed it."""
    load(repo)
    path = repo / CACHE_DIR / INDEX_FILE
    before = path.stat()
    raw = bytearray(path.read_bytes())
    page = 4096
    raw[2 * page:len(raw)] = b"\xff" * (len(raw) - 2 * page)  # every table's pages
    path.write_bytes(bytes(raw))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    result = load(repo)
    assert result.reparsed == 7 and result.errors == []


def _stones(root: Path) -> tuple[list[tuple[object, ...]], list[tuple[str, int]]]:
    with contextlib.closing(index(root)) as db:
        rows = db.execute("SELECT * FROM milestones ORDER BY ticket, seq").fetchall()
        flags = db.execute("SELECT id, stones FROM records WHERE kind='ticket' ORDER BY id")
        return rows, flags.fetchall()


def test_validate_keeps_the_deadlines_a_report_reads(repo: Path) -> None:
    """Folding a ticket makes its deadline rows (the first report after a validate has them),
    the same rows `ensure` makes; with invalid rules none are made, and nothing fails."""
    from kefu.index import open_index
    from kefu.index.milestones import ensure
    from kefu.workspace import Workspace

    assert not load(repo, data=False).errors
    folded, flags = _stones(repo)
    assert folded and flags == [("T-20260315-k7m2", 1)]
    with contextlib.closing(index(repo)) as db, db:
        db.execute("DELETE FROM milestones")
        db.execute("UPDATE records SET stones=0")
    ws = Workspace(repo)
    ix = open_index(repo)
    try:
        ensure(ix, repo, ws.rules, ws.calendar)
    finally:
        ix.close()
    assert _stones(repo) == (folded, flags)
    sla = repo / "records/sla.yml"
    sla.write_text("rules: [", "utf-8")
    event = next((repo / TICKET).glob("*-replied-*.yml"))
    event.write_text(event.read_text("utf-8") + "note: 已回复\n", "utf-8")
    assert [p.path for p in load(repo, data=False).errors] == ["records/sla.yml"]
    assert _stones(repo) == ([], [("T-20260315-k7m2", 0)])


def _standing(root: Path) -> set[tuple[object, ...]]:
    """Each ticket's kept deadlines' receipt and standing, and the ticket row's."""
    with contextlib.closing(index(root)) as db:
        return set(db.execute(
            "SELECT m.ticket, m.received, m.closed, r.received, r.closed FROM milestones m "
            "LEFT JOIN records r ON r.kind='ticket' AND r.id=m.ticket"))


def test_kept_deadlines_follow_their_tickets_standing_and_go_with_it(repo: Path) -> None:
    """A report counts deadlines by their ticket's receipt and standing (kefu.reports.view)
    kept on each row: reopening the ticket or removing it is seen there; no row outlives it."""
    assert not load(repo, data=False).errors
    stamp = 1773504000.0  # 2026-03-15 00:00 Beijing time: the ticket was received that day
    standing = _standing(repo)
    assert {row[1:] for row in standing} == {(row[1], 1, row[1], 1) for row in standing}
    assert all(stamp <= row[1] < stamp + 86400 for row in standing)  # type: ignore[operator]
    closing = next((repo / TICKET).glob("*-closed-*.yml"))
    closing.unlink()  # the ticket stands open again
    assert not load(repo, data=False).errors
    assert {row[2:] for row in _standing(repo)} == {(0, row[1], 0) for row in standing}
    shutil.rmtree(repo / TICKET)
    (repo / f"{TICKET}.yml").unlink()
    load(repo, data=False)
    assert _standing(repo) == set()


def test_a_held_kind_is_not_read_but_its_personal_values_are_kept(repo: Path) -> None:
    """`load(held=...)` leaves the kind's records in the index, not in the result; their
    personal values (what masks free text) come from the index, and follow edits."""
    full = load(repo)
    held = load(repo, held={"ticket"})
    assert held.held == {"ticket"} and not held.of_kind("ticket")
    assert len(held.records) == len(full.records) - 1
    from kefu.records import personal_values

    assert personal_values(held) == personal_values(full)
    ticket = repo / f"{TICKET}.yml"
    before = personal_values(full)
    text = ticket.read_text("utf-8")
    name = next(v for v in before if v in text and not v.isascii())
    ticket.write_text(text.replace(name, "欧阳明远"), "utf-8")
    after = personal_values(load(repo, held={"ticket"}))
    assert "欧阳明远" in after and name not in after
    assert after == personal_values(load(repo))
    assert load(repo, held={"ticket"}, use_cache=False).held == frozenset()  # no index to ask


def test_files_being_added_are_checked_for_all_that_adding_can_break(repo: Path) -> None:
    """What `kefu new` and `kefu event` ask before writing (`cross_of` the added files) is what
    the check over every file finds: a duplicate id naming both files, an unknown person with
    the nearest id, and nothing for a file that breaks nothing."""
    from kefu.index import crosscheck, open_index

    assert not load(repo).errors
    people = repo / "records/people"
    (people / "liqiang2.yml").write_text((people / "liqiang.yml").read_text("utf-8"), "utf-8")
    event = next((repo / TICKET).glob("*-replied-*.yml"))
    wrong = event.with_name("20260316-100000-replied-zzzz.yml")
    wrong.write_text(event.read_text("utf-8").replace("by: liqiang", "by: liqiong"), "utf-8")
    fine = event.with_name("20260316-110000-replied-yyyy.yml")
    fine.write_text(event.read_text("utf-8"), "utf-8")
    load(repo)  # the index learns them

    def read(rel: str) -> str:
        return (repo / rel).read_text("utf-8")

    added = {"records/people/liqiang2.yml", str(wrong.relative_to(repo))}
    ix = open_index(repo)
    try:
        partial = crosscheck.cross_of(ix, added, read)
        quiet = crosscheck.cross_of(ix, {str(fine.relative_to(repo))}, read)
        whole = crosscheck.cross(ix, read)
    finally:
        ix.close()
    assert set(partial) == set(whole) and not quiet
    assert sorted(p.slug for p in whole) == ["duplicate-id", "duplicate-id", "unknown-person"]
    assert any("liqiang" in p.message for p in whole if p.slug == "unknown-person")


CROSS_STEPS = [  # (what changes, files written (None: removed)) in one repository, in turn
    ("a second file with liqiang's id", {"records/people/liqiang2.yml": "liqiang"}),
    ("wangfang removed: the ticket and its events refer to her",
     {"records/people/wangfang.yml": None}),
    ("a person whose id is near the missing one: the hint changes, no file of it does",
     {"records/people/wangfeng.yml": "wangfeng"}),
    ("the duplicate renamed", {"records/people/liqiang2.yml": "zhaolei"}),
    ("wangfang back", {"records/people/wangfang.yml": "wangfang"}),
]


def test_the_cross_check_made_again_from_the_changes_is_the_whole_check(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After each update the cross check (duplicate ids, unknown references) is made again for
    the files the changes can reach only, and finds what checking every file finds: in files
    that changed, and in files that did not (the ticket naming a removed person, a hint)."""
    from kefu.index import crosscheck

    people = repo / "records/people"
    template = (people / "liqiang.yml").read_text("utf-8")
    assert not load(repo).errors  # the whole check, kept

    def untouched(*_: object) -> None:
        raise AssertionError("每个文件都检查了一遍：应当只检查改动波及的文件")

    seen: list[set[str]] = []
    for what, files in CROSS_STEPS:
        for rel, person in files.items():
            if person is None:
                (repo / rel).unlink()
            else:
                (repo / rel).write_text(template.replace("liqiang", person), "utf-8")
        with monkeypatch.context() as patched:
            patched.setattr(crosscheck, "_whole", untouched)
            again = {(p.path, p.slug, p.message) for p in load(repo).problems}
        whole = {(p.path, p.slug, p.message) for p in load(repo, use_cache=False).problems}
        assert again == whole, what
        seen.append({slug for _, slug, _ in again if slug in ("duplicate-id", "unknown-person")})
    assert seen == [{"duplicate-id"}, {"duplicate-id", "unknown-person"},
                    {"duplicate-id", "unknown-person"}, {"unknown-person"}, set()]


@pytest.mark.parametrize("raw", [
    "", "[]", "{", '{"from": 1, "rels": [], "ids": []}', '{"from": "1", "rels": [2], "ids": []}',
    '{"from": "1", "rels": [], "ids": [["person"]]}', '{"from": "1", "rels": []}',
    '{"from": "1", "rels": [], "ids": [["person", 3]]}',
])
def test_a_change_note_not_of_kefus_shape_is_not_read(raw: str) -> None:
    """The cross check then checks every file (kefu.index.crosscheck)."""
    from kefu.index.update import read_note

    assert read_note(raw) is None
    assert read_note('{"from": "1", "rels": ["a"], "ids": [["person", "x"]]}') is not None


def test_the_peoples_names_sort_by_the_keys_the_index_kept(repo: Path) -> None:
    """Folding a person keeps their name's pinyin sort key; a later command sorting people
    takes it from the index, without loading pypinyin's dictionaries."""
    import json
    import sys

    from kefu.collation import _work_out

    assert not load(repo, data=False).errors
    with contextlib.closing(index(repo)) as db:
        kept = {name: json.loads(key) for name, key in db.execute("SELECT name, key FROM names")}
    assert set(kept) == {"李强", "王芳"}
    assert all(tuple(map(tuple, key)) == _work_out(name) for name, key in kept.items())
    script = ("import sys; from kefu.records import load; from kefu.collation import name_key;"
              f"people = load({str(repo)!r}).of_kind('person');"
              "order = sorted((p.data['name'] for p in people), key=name_key);"
              "print(','.join(order), 'pypinyin' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["李强,王芳", "False"]
