"""The seam's checks across records: a kind's `Across` check sees every record of what it reads.

Uses the visitor log of tests/data/kinds/visit.py with a check declared here: one host cannot
receive two visits at the same time (cached while no visit changes), and a warning for the host
of every visit older than 30 days (run every time, listed by `kefu overdue`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import record_repo
from test_kinds import DATA, import_kind

from kefu.cli import main
from kefu.problems import Severity
from kefu.records import load
from kefu.records.kinds import Across, Finding, Placed, register_kind, unregister_kind

CALLS: Counter[str] = Counter()
SECOND = "records/visits/2026/V-20260310-cd34.yml"
OVERLAPPING = """# yaml-language-server: $schema=../../../schemas/visit.schema.json
id: V-20260310-cd34
host: wangfang
started: 2026-03-10T10:00:00+08:00
ended: 2026-03-10T11:00:00+08:00
purpose: 第二批代理商来访
"""


def overlapping(group: Any) -> Iterable[Placed]:
    CALLS["check"] += 1
    visits = sorted(group.of("visit"), key=lambda r: (r.data["started"], r.id))
    for earlier, later in zip(visits, visits[1:], strict=False):
        if earlier.data["host"] == later.data["host"] and \
                later.data["started"] < earlier.data["ended"]:
            yield Placed("visit", later.id, Finding(
                "visit-overlap", ("started",),
                f"与 {earlier.id} 时间重叠：同一接待人不能同时接待。"))


def follow_up(group: Any) -> Iterable[Placed]:
    CALLS["timely"] += 1
    for record in group.of("visit"):
        if (group.today - record.data["started"].date()).days > 30:
            yield Placed("visit", record.id, Finding(
                "visit-follow-up", ("host",), "来访已过 30 天：请回访来访单位。", Severity.WARNING),
                owner=record.data["host"])


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    module_file = tmp_path / "visit_kind.py"
    shutil.copy(DATA / "visit.py", module_file)
    module = import_kind(module_file, "kefu_test_visit_kind")
    register_kind(dataclasses.replace(
        module.KIND, across=Across(("visit", "person"), overlapping, follow_up)))
    root = record_repo(DATA / "repo", tmp_path / "repo")
    (root / SECOND).write_text(OVERLAPPING, "utf-8")
    CALLS.clear()
    try:
        yield root
    finally:
        unregister_kind("visit")
        sys.modules.pop("kefu_test_visit_kind", None)


def test_a_finding_across_records_is_placed_at_its_field(repo: Path) -> None:
    result = load(repo, use_cache=False, today=dt.date(2026, 3, 20))
    assert [(p.slug, p.path, p.line, p.col) for p in result.problems] == [
        ("visit-overlap", SECOND, 4, 10)]
    assert "V-20260310-ab12" in result.problems[0].message


def test_validating_one_file_still_reads_the_files_it_is_checked_against(repo: Path) -> None:
    first = repo / "records/visits/2026/V-20260310-ab12.yml"
    alone = load(repo, [repo / SECOND], use_cache=False, today=dt.date(2026, 3, 20))
    assert [p.slug for p in alone.problems] == ["visit-overlap"]
    other = load(repo, [first], use_cache=False, today=dt.date(2026, 3, 20))
    assert other.problems == []  # the overlap is the second visit's, not reported for this one


def test_findings_are_cached_until_a_file_they_read_changes(repo: Path) -> None:
    day = dt.date(2026, 3, 20)
    assert [p.slug for p in load(repo, today=day).problems] == ["visit-overlap"]
    assert [p.slug for p in load(repo, today=day).problems] == ["visit-overlap"]
    assert CALLS == {"check": 1, "timely": 2}  # the check's findings came from the cache
    (repo / SECOND).write_text(OVERLAPPING.replace("10:00:00", "10:10:00"), "utf-8")
    assert [p.slug for p in load(repo, today=day).problems] == ["visit-overlap"]
    (repo / SECOND).write_text(OVERLAPPING.replace("2026-03-10T", "2026-03-11T"), "utf-8")
    assert load(repo, today=day).problems == []  # no longer overlapping
    assert CALLS["check"] == 3


def test_warnings_with_owners_reach_kefu_overdue(repo: Path, monkeypatch: pytest.MonkeyPatch
                                                 ) -> None:
    result = load(repo, use_cache=False, today=dt.date(2026, 4, 20))
    assert {(n.problem.slug, n.owner) for n in result.notices} == {("visit-follow-up",
                                                                    "wangfang")}
    assert {p.severity for p in result.problems if p.slug == "visit-follow-up"} == {
        Severity.WARNING}
    monkeypatch.chdir(repo)
    shown = CliRunner().invoke(main, ["overdue", "--today", "2026-04-20"])
    assert shown.exit_code == 0, shown.output
    assert "值班与人事提醒 2 项" in shown.output and "王芳（wangfang）" in shown.output
    failing = CliRunner().invoke(main, ["overdue", "--today", "2026-04-20", "--fail"])
    assert failing.exit_code == 1
