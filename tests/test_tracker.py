"""The 工单看板 page: counts, overdue work with owner names, the rule table, no personal data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from test_overdue import after_the_fixture_dates, make_tracker  # noqa: F401 (autouse)

from kefu.records import load, personal_values
from kefu.sla import load_rules
from kefu.tracker import tracker_page, write_site_pages
from kefu.workspace import Workspace


@pytest.fixture()
def tracker(tmp_path: Path) -> Path:
    return make_tracker(tmp_path)


def _body(page: str) -> str:
    """The page after its front matter, which gives search a description and tags."""
    assert page.startswith("---\n"), "看板页应以 front matter 开头（搜索用的描述和标签）"
    front, body = page[4:].split("\n---\n\n", 1)
    meta = yaml.safe_load(front)
    assert meta["description"] and "看板" in meta["tags"]
    return body


def test_page_counts_workload_trend_and_overdue(tracker: Path) -> None:
    page = _body(tracker_page(Workspace(tracker, dt.date(2026, 3, 20))))
    assert page.startswith("# 工单看板\n")
    assert "共 10 张工单。" in page
    assert "| 投诉 | 1 | 1 | 1 | 1 | 4 |" in page  # open, in-progress, waiting, closed
    assert "截至 2026-03-20：超期 3 项，2 个工作日内到期 3 项。" in page
    assert "### 王芳（wangfang）" in page
    # ids link to the ticket's page and never wrap
    assert ('[<span class="kefu-id">T-20260316-aaa1</span>](tickets/T-20260316-aaa1.md)'
            in page)
    assert "## 每人工作量" in page
    # every ticket is from March 2026: the trend starts there, not eleven empty months before
    assert "## 近 1 个月趋势" in page and "| 2026-02 |" not in page
    assert "本部门的第一张工单在 2026-03，趋势从那个月开始。" in page
    # the trend table: March's intake up to the end of the page's day (a build for 20 March,
    # another day than the clock's: 8 tickets before it, and of the 2 on it one is invalid)
    assert "| 2026-03 | 9 |" in page
    # the rules and holidays moved to their own page, linked from here
    assert "](deadlines.md)" in page and "](reports/index.md)" in page
    for rule in load_rules(tracker).values():
        assert f"`{rule.id}`" not in page
    assert "2026-02-14" not in page
    # no glyph that needs an emoji font
    assert not [ch for ch in page if ord(ch) >= 0x1F000 or 0x2600 <= ord(ch) < 0x2800]


def test_page_has_no_personal_data_and_escapes_titles(tracker: Path) -> None:
    page = tracker_page(Workspace(tracker, dt.date(2026, 3, 20)))
    secrets = personal_values(load(tracker, use_cache=False))
    assert {"钱多多", "13800138001", "lina@example.cn"} <= secrets
    assert not [s for s in secrets if s in page]
    assert "<b>" not in page and "&lt;b>" in page and "\\| 见附件" in page


def test_write_site_pages(tracker: Path, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_site_pages(Workspace(tracker, dt.date(2031, 5, 4)), out)
    page = _body((out / "tracker.md").read_text(encoding="utf-8"))
    assert page.startswith("# 工单看板")
    assert "统计截至 2031-05-04" in page  # the day the build was given, not the clock
    charts = sorted((out / "tracker-charts").glob("*.svg"))
    assert [p.name.split("-")[0] for p in charts] == ["trend", "workload"]
    assert all(f"tracker-charts/{p.name}" in page for p in charts)


def test_personal_data_typed_into_a_title_is_masked_on_the_page(tracker: Path) -> None:
    ticket = tracker / "records" / "tickets" / "2026" / "03" / "T-20260316-aaa1.yml"
    text = ticket.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    ticket.write_text(text.replace(title, "title: 钱多多来电 13800138001 催处理"), "utf-8")
    page = tracker_page(Workspace(tracker, dt.date(2026, 3, 20)))
    assert "钱多多" not in page and "13800138001" not in page
    assert "钱\\*\\*来电 138\\*\\*\\*\\*8001 催处理" in page
