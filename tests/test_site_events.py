"""The generated 工单事件与时限 page: every event, when to record it, and what it does to the
deadlines, read from records/sla.yml so that the page follows the rules."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, BuiltSite

from kefu.kinds.ticket import ACTION_HELP, ACTION_LABELS
from kefu.site_events import events_page
from kefu.sla import load_rules


def _row(page: str, code: str) -> str:
    return next(line for line in page.splitlines() if f"| `{code}` |" in line)


def test_every_event_has_a_row_saying_when_to_record_it() -> None:
    assert set(ACTION_HELP) == set(ACTION_LABELS)
    page = events_page(load_rules(ROOT))
    for code, label in ACTION_LABELS.items():
        row = _row(page, code)
        assert row.startswith(f"| **{label}** |") and ACTION_HELP[code] in row


def test_effects_are_the_rules_each_event_starts_and_completes() -> None:
    page = events_page(load_rules(ROOT))
    assert "开始计算 [工厂修复寄回代理商](deadlines.md#repair.return)" in _row(page, "inspected")
    assert "- [工厂修复寄回代理商](deadlines.md#repair.return)：从“验收核对”到“寄回代理商”，" \
        "7 个工作日" in page
    assert "完成 [返修品验收寄厂](deadlines.md#repair.inspect)" in _row(page, "sent-to-factory")
    assert _row(page, "note").endswith("| 不影响时限 |")
    reopened = _row(page, "reopened")
    assert "[一般投诉答复](deadlines.md#complaint.normal)" in reopened  # counted from arrival
    assert "repair.return" not in reopened  # counted from inspection: not restarted
    assert "| 返修、DOA 换新 |" in _row(page, "returned")


def test_the_page_follows_a_change_of_the_rules(tmp_path: Path) -> None:
    (tmp_path / "records").mkdir()
    text = (ROOT / "records" / "sla.yml").read_text(encoding="utf-8")
    changed = text.replace("    stop: sent-to-factory\n", "    stop: inspected\n", 1)
    assert changed != text
    (tmp_path / "records" / "sla.yml").write_text(changed, encoding="utf-8")
    shutil.copy(ROOT / "records" / "calendar.yml", tmp_path / "records" / "calendar.yml")
    page = events_page(load_rules(tmp_path))
    assert "完成 [返修品验收寄厂]" in _row(page, "inspected")
    assert _row(page, "sent-to-factory").endswith("| 不影响时限 |")
    assert "- [返修品验收寄厂](deadlines.md#repair.inspect)：从“受理”到“验收核对”" in page


def test_the_site_shows_the_page_linked_from_the_guide(built_site: BuiltSite) -> None:
    events = (built_site.path / "generated" / "events.html").read_text(encoding="utf-8")
    assert "工单事件与时限" in events and "寄往工厂" in events
    guide = (built_site.path / "guide" / "index.html").read_text(encoding="utf-8")
    assert 'href="../generated/events.html"' in guide
    for day in ("day3", "day5"):
        page = (built_site.path / "training" / f"{day}.html").read_text(encoding="utf-8")
        assert 'href="../guide/index.html"' in page
