"""Each ticket's deadlines kept in the records cache (kefu.sla.summaries): used while their inputs
are unchanged, computed again when the ticket, the rules, the calendar or the cache itself is not.

The repository is tests/data/reports/repo; the changed inputs are files in tests/data/sla/summaries.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kefu.records.cache import CACHE_DIR, CACHE_FILE, DERIVED_FILE
from kefu.sla import Milestone, milestones
from kefu.sla.summaries import NAME, deadlines
from kefu.workspace import Workspace

DATA = Path(__file__).parent / "data"
CHANGED = DATA / "sla" / "summaries"
TICKET = "records/tickets/2026/10/T-20261009-ggg7.yml"

Stones = dict[str, list[Milestone]]


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KEFU_NOW", "2026-11-20T10:00:00+08:00")
    return Path(shutil.copytree(DATA / "reports" / "repo", tmp_path / "repo"))


def kept_run(root: Path) -> Stones:
    """Every ticket's milestones as a command gets them: through the records cache."""
    ws = Workspace(root)
    result = ws.load()
    found = deadlines(ws, result)
    return {r.id: found.of(r.data) for r in result.of_kind("ticket")}


def from_files(root: Path) -> Stones:
    """Every ticket's milestones computed from the files, no cache read or written."""
    ws = Workspace(root)
    result = ws.load(use_cache=False)
    return {r.id: milestones(r.data, ws.rules, ws.calendar) for r in result.of_kind("ticket")}


def cache_file(root: Path) -> Path:
    """The cache's part holding derived results."""
    return root / CACHE_DIR / DERIVED_FILE


def kept_part(root: Path) -> dict[str, Any]:
    part: dict[str, Any] = json.loads(cache_file(root).read_text("utf-8"))["derived"][NAME]
    return part


def edit_kept(root: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Change the kept summaries in the cache's derived part (the verdicts stay as they are)."""
    payload = json.loads(cache_file(root).read_text("utf-8"))
    change(payload)
    cache_file(root).write_text(json.dumps(payload, ensure_ascii=False), "utf-8")


def test_a_second_run_reads_the_kept_deadlines(repo: Path) -> None:
    first = kept_run(repo)
    assert first == from_files(repo) and sum(map(len, first.values())) >= 10
    assert len(kept_part(repo)["tickets"]) == len(first)  # one summary per ticket file
    again = kept_run(repo)
    assert again == first
    # the kept summary is what answers: a well-formed different due time comes back as written
    ticket = next(rid for rid, stones in first.items() if stones and stones[0].due)

    entries = json.loads((repo / CACHE_DIR / CACHE_FILE).read_text("utf-8"))["entries"]
    blob = next(entry[4] for rel, entry in entries.items() if rel.endswith(f"/{ticket}.yml"))

    def later(payload: dict[str, Any]) -> None:
        payload["derived"][NAME]["tickets"][blob][0][2] = "2030-01-02T17:30:00+08:00"

    edit_kept(repo, later)
    lied = kept_run(repo)
    assert lied[ticket][0].due is not None and lied[ticket][0].due.year == 2030


@pytest.mark.parametrize("changed, target", [
    ("sla.yml", "records/sla.yml"),
    ("calendar.yml", "records/calendar.yml"),
    ("T-20261009-ggg7.yml", TICKET),
], ids=["rules", "calendar", "ticket"])
def test_a_changed_input_means_computing_again(repo: Path, changed: str, target: str) -> None:
    before = kept_run(repo)
    shutil.copy(CHANGED / changed, repo / target)
    after = kept_run(repo)
    truth = from_files(repo)
    assert truth != before, "测试数据的改动应当移动至少一个截止时间"
    assert after == truth
    again = kept_run(repo)  # and what was kept for the new inputs answers next time
    assert again == truth


def test_the_holiday_libraries_versions_are_part_of_the_key(repo: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    kept_run(repo)
    key = kept_part(repo)["key"]
    monkeypatch.setattr("kefu.sla.summaries.PACKAGES", ("chinesecalendar",))
    kept_run(repo)
    assert kept_part(repo)["key"] != key


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    """A change putting `value` at `path` of the payload ("*": in every kept ticket, where the
    ticket has such a part)."""
    def change(payload: dict[str, Any]) -> None:
        nodes: list[Any] = [payload]
        for part in path[:-1]:
            nodes = [child for node in nodes for child in
                     (node.values() if part == "*" else [node[part]] if _has(node, part) else [])]
        hit = [node for node in nodes if _has(node, path[-1])]
        assert hit, f"nothing at {path}"
        for node in hit:
            node[path[-1]] = value
    return change


def _has(node: Any, part: Any) -> bool:
    return (type(node) is dict and part in node) or (type(node) is list and part < len(node))


DAMAGE: dict[str, Callable[[dict[str, Any]], None]] = {
    "derived-not-a-dict": _set(("derived",), ["deadlines"]),
    "part-not-a-dict": _set(("derived", NAME), "garbage"),
    "tickets-not-a-dict": _set(("derived", NAME, "tickets"), [1, 2]),
    "other-key": _set(("derived", NAME, "key"), "0" * 32),
    "summary-not-a-list": _set(("derived", NAME, "tickets", "*", 0), "garbage"),
    "milestone-too-short": _set(("derived", NAME, "tickets", "*", 0), ["complaint.normal"]),
    "unknown-rule": _set(("derived", NAME, "tickets", "*", 0, 0), "no.such-rule"),
    "start-not-iso": _set(("derived", NAME, "tickets", "*", 0, 1), "yesterday"),
    "start-naive": _set(("derived", NAME, "tickets", "*", 0, 1), "2026-10-09T16:00:00"),
    "due-a-number": _set(("derived", NAME, "tickets", "*", 0, 2), 20261012),
    "met-naive": _set(("derived", NAME, "tickets", "*", 0, 3), "2026-10-12T10:00:00"),
    "provisional-text": _set(("derived", NAME, "tickets", "*", 0, 4), "no"),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_summary_is_computed_from_the_files(repo: Path,
                                                      damage: Callable[[dict[str, Any]], None]
                                                      ) -> None:
    kept_run(repo)
    edit_kept(repo, damage)
    found = kept_run(repo)
    assert found == from_files(repo)


def test_a_damaged_cache_file_means_the_same_answers(repo: Path) -> None:
    kept_run(repo)
    raw = cache_file(repo).read_bytes()
    cache_file(repo).write_bytes(raw[: len(raw) // 2])
    found = kept_run(repo)
    assert found == from_files(repo)
