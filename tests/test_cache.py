"""The records cache: data only, never trusted when it cannot be, never misses an edit."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil
import time
from pathlib import Path

import pytest
from conftest import ROOT, record_repo

from kefu.records import LoadResult, load
from kefu.records.cache import CACHE_DIR, CACHE_FILE, DATA_FILE, Cache
from kefu.records.cachefiles import FORMAT, fingerprint

CASES = Path(__file__).parent / "data" / "records"
TICKET = "records/tickets/2026/03/T-20260315-k7m2.yml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return record_repo(CASES / "valid" / "minimal", tmp_path / "repo")


class _Planted:
    """Unpickling this runs code: it would create the file named by `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.path), "w"))


def test_an_edit_keeping_size_and_mtime_is_seen(repo: Path) -> None:
    assert load(repo).reparsed == 5
    time.sleep(0.05)
    path = repo / TICKET
    before = path.stat()
    text = path.read_text("utf-8")
    edited = text.replace("status: closed", "status: closex")
    assert len(edited.encode()) == len(text.encode())
    path.write_text(edited, "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # `touch` back: ctime moves on
    again = load(repo, [path])
    assert [p.slug for p in again.errors] == ["bad-enum"]


def test_a_planted_pickle_is_never_unpickled(repo: Path) -> None:
    folder = repo / CACHE_DIR
    folder.mkdir()
    witness = repo.parent / "ran"
    for name in ("records.marshal", "records.pickle", CACHE_FILE):
        (folder / name).write_bytes(pickle.dumps(_Planted(witness)))
    assert load(repo).reparsed == 5
    assert not witness.exists()
    assert json.loads((folder / CACHE_FILE).read_text("utf-8"))["format"] == FORMAT


@pytest.mark.parametrize("entries", [
    {TICKET: "garbage"},
    {TICKET: [1, 2, 3]},
    {TICKET: [0, 0, 0, 0, "zz", "ticket", "x", None, [], [], False, {}]},
    {TICKET: [0, 0, 0, 0, "00", "no-such-kind", "x", None, [], [], False, {}]},
    {TICKET: [0, 0, 0, 0, "00", "ticket", "x", {"received": 5}, [], [], False, {}]},
    {TICKET: [0, 0, 0, 0, "00", "ticket", "x", 1, [], [], False, {}]},  # its data lost
])
def test_a_cache_of_the_wrong_shape_is_ignored(repo: Path, entries: dict[str, object]) -> None:
    folder = repo / CACHE_DIR
    folder.mkdir()
    payload = {"format": FORMAT, "fingerprint": fingerprint(), "started_ns": 0,
               "entries": entries}
    (folder / CACHE_FILE).write_text(json.dumps(payload), "utf-8")
    result = load(repo)
    assert result.reparsed == 5 and result.problems == []
    assert {r.kind for r in result.records} == {"ticket", "person", "dealer", "sla"}


def test_cached_data_comes_back_typed(repo: Path) -> None:
    first = load(repo)
    again = load(repo)
    assert again.reparsed == 0
    assert [(r.id, r.data) for r in again.records] == [(r.id, r.data) for r in first.records]


def test_a_result_time_can_change_is_rechecked_without_rewriting_the_cache(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ticket dated in the future is checked on every run; an unchanged result is not written
    again (100,000 records: the rewrite costs more than the check)."""
    monkeypatch.setenv("KEFU_NOW", "2026-03-10T10:00:00+08:00")  # the ticket is from 3/15
    first = load(repo)
    assert any(p.slug == "future-date" for p in first.problems)
    cache_file = repo / CACHE_DIR / CACHE_FILE
    written = cache_file.stat().st_mtime_ns
    time.sleep(0.05)
    again = load(repo)
    assert again.read >= 1  # the future-dated file is read again (and any racy one)...
    assert cache_file.stat().st_mtime_ns == written  # ...and the cache left as it was
    assert again.problems == first.problems


def test_a_part_of_the_wrong_shape_found_in_use_means_one_run_from_the_files(repo: Path) -> None:
    """Only an entry's frame is checked on reading; deeper damage is found where it is used,
    and the run starts again from the files (the answer is what the files say)."""
    load(repo)
    path = repo / CACHE_DIR / CACHE_FILE
    payload = json.loads(path.read_text("utf-8"))
    for item in payload["entries"].values():
        item[11] = {"type": ["not", "text"]}  # facets: a list where text belongs
    path.write_text(json.dumps(payload), "utf-8")
    where = {"ticket": {"type": {"complaint", "repair"}}}
    result = load(repo, where=where)
    assert result.reparsed == 5 and result.problems == []
    assert len(result.of_kind("ticket")) == 1


@pytest.mark.parametrize("refs", [["owner"], ["owner", "wangfang", "dealer"], "owner"])
def test_references_of_the_wrong_shape_mean_reading_the_file(repo: Path, refs: object) -> None:
    """A cached entry whose references do not pair up is no answer: the file is read again."""
    cold = load(repo, use_cache=False)
    load(repo)
    path = repo / CACHE_DIR / CACHE_FILE
    payload = json.loads(path.read_text("utf-8"))
    payload["entries"][TICKET][9] = refs
    path.write_text(json.dumps(payload), "utf-8")
    result = load(repo)
    assert result.reparsed == 1
    assert [(r.file, r.data) for r in result.records] == [(r.file, r.data) for r in cold.records]


def test_a_run_without_data_skips_the_cached_data_and_keeps_it_for_the_next(repo: Path) -> None:
    """`kefu validate` after `kefu report`: no record data is built, the cache stays as it was."""
    cold = load(repo, use_cache=False)
    load(repo)  # keeps every record's data
    path = repo / CACHE_DIR / CACHE_FILE
    written = path.read_bytes()
    lean = load(repo, data=False)
    assert lean.reparsed == 0 and lean.problems == [] and lean.files == cold.files
    assert [r.file for r in lean.records if r.kind == "ticket"] == []
    assert path.read_bytes() == written
    again = load(repo)
    assert again.reparsed == 0
    assert [(r.file, r.data) for r in again.records] == [(r.file, r.data) for r in cold.records]


def test_data_json_cannot_carry_exactly_is_not_cached(tmp_path: Path) -> None:
    """An integer beyond 64 bits would read back as a float: such data is left to the file."""
    store = Cache(tmp_path, {}, 0, 0)
    store.put("a.yml", (1, 2, 3, 4), b"\x01" * 20, ("ticket", "T-1", {"n": 5}, [], [], False, {}))
    store.put("b.yml", (1, 2, 3, 4), b"\x02" * 20,
              ("ticket", "T-2", {"n": 10**30}, [], [], False, {}))
    assert store.items["a.yml"][7] == 1 and store.items["a.yml"][10] is False
    assert store.items["b.yml"][7] is None and store.items["b.yml"][10] is True
    store.write()
    kept = json.loads((tmp_path / CACHE_DIR / DATA_FILE.format(kind="ticket")).read_text())
    assert kept["entries"] == {"a.yml": [(b"\x01" * 20).hex(), {"n": 5}]}


def test_validate_reads_only_the_verdicts(repo: Path) -> None:
    """`kefu validate` after `kefu report`: the kept ticket data is neither read nor rewritten,
    and a damaged data part costs the next data run a re-read, never a wrong answer."""
    cold = load(repo, use_cache=False)
    load(repo)
    data_file = repo / CACHE_DIR / DATA_FILE.format(kind="ticket")
    data_file.write_bytes(b"{not json")  # were it read, validate would re-read the tickets
    lean = load(repo, data=False)
    assert lean.reparsed == 0 and lean.problems == []
    assert data_file.read_bytes() == b"{not json"
    again = load(repo)
    assert again.reparsed == 1  # the one ticket, whose data was lost
    assert [(r.file, r.data) for r in again.records] == [(r.file, r.data) for r in cold.records]
    assert load(repo).reparsed == 0


def test_data_of_an_older_content_is_never_used(repo: Path) -> None:
    """A data part from before an edit (a verdict of the new content, data of the old) is
    refused by its blob id."""
    load(repo)
    data_file = repo / CACHE_DIR / DATA_FILE.format(kind="ticket")
    old = data_file.read_bytes()
    ticket = repo / TICKET
    ticket.write_text(ticket.read_text("utf-8") + "\n# 备注\n", "utf-8")
    load(repo)
    data_file.write_bytes(old)  # the old content's data put back
    cold = load(repo, use_cache=False)
    again = load(repo)
    assert again.reparsed == 1
    assert [(r.file, r.data) for r in again.records] == [(r.file, r.data) for r in cold.records]


def test_a_file_touched_after_validate_still_gives_its_data(repo: Path) -> None:
    """`kefu validate` caches verdicts without data; a ticket touched afterwards with the same
    content (git checkout, an editor saving unchanged) must still reach `report` and `overdue`."""
    cold = load(repo, use_cache=False)
    load(repo, data=False)
    load(repo, data=False)
    ticket = repo / TICKET
    time.sleep(0.01)
    os.utime(ticket)  # a new mtime, the same content
    again = load(repo)
    assert [(r.file, r.data) for r in again.records] == [(r.file, r.data) for r in cold.records]
    assert again.reparsed == 5  # validate's entries had no data: every record is read


def test_raw_kinds_come_as_json_gives_them_from_the_files_and_from_the_cache(
        repo: Path) -> None:
    """`raw`: data as the cache holds it (ISO text), whether read from the files or the cache;
    kinds that checks across records read come typed all the same."""
    def tickets(result: LoadResult) -> list[tuple[str, object]]:
        return [(r.file, r.data) for r in result.of_kind("ticket")]

    cold = load(repo, use_cache=False, raw={"ticket", "person"})
    load(repo, raw={"ticket"})
    warm = load(repo, raw={"ticket", "person"})
    assert warm.reparsed == 0 and warm.raw == cold.raw == {"ticket"}  # people: read across
    assert tickets(warm) == tickets(cold) and tickets(warm)
    received = tickets(warm)[0][1]["received"]  # type: ignore[index]
    assert isinstance(received, str)
    typed = load(repo)
    assert typed.of_kind("ticket")[0].data["received"] == dt.datetime.fromisoformat(received)


def test_a_damaged_data_part_is_rewritten_without_what_was_damaged(tmp_path: Path) -> None:
    """Entries of the wrong shape in a data part are dropped (never a traceback) when the part
    is written again for another record's data."""
    row = ("ticket", "T-1", {"n": 1}, [], [], False, {})
    store = Cache(tmp_path, {}, 0, 0)
    store.put("a.yml", (1, 2, 3, 4), b"\x01" * 20, row)
    store.write()
    data_file = tmp_path / CACHE_DIR / DATA_FILE.format(kind="ticket")
    payload = json.loads(data_file.read_text("utf-8"))
    payload["entries"]["a.yml"] = 5  # its verdict still says the data is kept
    data_file.write_text(json.dumps(payload), "utf-8")
    again = Cache.read(tmp_path)
    again.racy_from = 2**62  # the made-up stat keys stand
    again.put("b.yml", (5, 6, 7, 8), b"\x02" * 20, ("ticket", "T-2", {"n": 2}, [], [], False, {}))
    again.write()
    kept = json.loads(data_file.read_text("utf-8"))["entries"]
    assert kept == {"b.yml": [(b"\x02" * 20).hex(), {"n": 2}]}
    assert Cache.read(tmp_path).row("a.yml") is None  # no data for it: read from the file


def _slugs(result: LoadResult) -> list[tuple[str, str]]:
    return [(p.path, p.slug) for p in result.problems]


def test_reference_findings_are_kept_until_an_entry_changes(repo: Path) -> None:
    """A warm run of an unchanged repository takes the references and ids checked across every
    file from the cache; adding, removing or editing any record file checks them again."""
    person = repo / "records" / "people" / "liqiang.yml"
    person.unlink()  # the ticket's owner or a reference to it: now unknown
    cold = load(repo, use_cache=False)
    assert "unknown-person" in {p.slug for p in cold.problems}
    load(repo, data=False)
    stored = json.loads((repo / CACHE_DIR / CACHE_FILE).read_text())["settled"]
    assert stored[0] == "4" and {row[3] for row in stored[1]} == {"unknown-person"}
    warm = load(repo, data=False)
    assert warm.reparsed == 0 and _slugs(warm) == _slugs(cold)
    # the same findings planted under another count of entries are not trusted
    payload = json.loads((repo / CACHE_DIR / CACHE_FILE).read_text())
    payload["settled"][0] = "5"
    (repo / CACHE_DIR / CACHE_FILE).write_text(json.dumps(payload))
    assert _slugs(load(repo, data=False)) == _slugs(cold)
    shutil.copy(ROOT / "tests" / "data" / "records" / "valid" / "minimal" / "records" / "people"
                / "liqiang.yml", person)  # the person is back: the reference holds again
    assert load(repo, data=False).problems == []
    copy = repo / "records" / "people" / "liqiang2.yml"
    shutil.copy(person, copy)  # a second file with the same id
    assert "duplicate-id" in {p.slug for p in load(repo, data=False).problems}
    copy.unlink()
    assert load(repo, data=False).problems == []
    ticket = repo / TICKET  # checked alone (`kefu validate FILE`), then the whole repository
    ticket.write_text(ticket.read_text("utf-8").replace("owner: wangfang", "owner: nobody"),
                      "utf-8")
    time.sleep(0.05)  # not racy for the next run: its entry answers without a re-read
    assert "unknown-person" in {p.slug for p in load(repo, [ticket], data=False).problems}
    assert "unknown-person" in {p.slug for p in load(repo, data=False).problems}
