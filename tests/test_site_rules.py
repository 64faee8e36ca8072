"""The 时限规则与节假日 page: one section per rule of sla.yml (anchor = rule id), the holidays."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from conftest import ROOT, BuiltSite

from kefu.calendar import WorkCalendar
from kefu.site_rules import deadlines_page, write_site_pages
from kefu.sla import load_rules
from kefu.workspace import Workspace

TODAY = dt.date(2026, 11, 25)


def test_every_rule_has_a_section_whose_anchor_is_its_id() -> None:
    rules = load_rules(ROOT)
    page = deadlines_page(rules, WorkCalendar.load(ROOT), TODAY, "客服部")
    headings = re.findall(r"^## (.+) \{#([a-z0-9.-]+)\}$", page, re.M)
    assert [rid for _, rid in headings] == list(rules)
    for title, rid in headings:
        assert title == rules[rid].title
        assert f"[{title}](#{rid})" in page  # the summary table links each section
    assert "- 时限：2 个工作日内（到第 2 个工作日 17:30）" in page  # complaint.normal
    assert "约定的答复日期（`agreed_due`）" in page  # complaint.critical has no fixed term
    assert "从「验收核对」起算，到「寄回代理商」为止（工单事件 `inspected` → `returned`）" in page


def test_holidays_of_this_year_and_next_are_listed() -> None:
    page = deadlines_page(load_rules(ROOT), WorkCalendar.load(ROOT), TODAY, "客服部")
    assert "## 2026 年放假与调休上班日\n" in page
    assert "| 2026-02-14 | 周六 | 上班（调休上班） | 国务院放假安排 |" in page
    assert "| 2026-10-01 | 周四 | 休息（" in page
    assert "## 2027 年放假与调休上班日（暂定" in page  # not yet published: marked provisional


def test_rule_text_from_sla_yml_is_escaped(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "records").mkdir(parents=True)
    shutil.copy(ROOT / "records" / "calendar.yml", root / "records" / "calendar.yml")
    sla = (ROOT / "records" / "sla.yml").read_text(encoding="utf-8")
    sla = sla.replace("title: 一般投诉答复", 'title: "一般投诉<b>答复</b> | [x](http://e.com)"')
    (root / "records" / "sla.yml").write_text(sla, encoding="utf-8")
    out = tmp_path / "generated"
    write_site_pages(Workspace(root, TODAY), out)
    page = (out / "deadlines.md").read_text(encoding="utf-8")
    assert "<b>" not in page and "&lt;b>" in page
    assert "\\[x\\](http://e.com)" in page and "\\|" in page  # no link, no cell's end
    # the holidays of this year and next as iCalendar, linked from the page
    assert "](holidays.ics)" in page
    ics = (out / "holidays.ics").read_text(encoding="utf-8")
    assert f"DTSTART;VALUE=DATE:{TODAY.year}" in ics
    assert f"DTSTART;VALUE=DATE:{TODAY.year + 1}" in ics


def test_the_built_page_has_an_anchor_per_rule_and_pages_link_to_them(
    built_site: BuiltSite,
) -> None:
    html = (built_site.path / "generated" / "deadlines.html").read_text(encoding="utf-8")
    for rid in load_rules(ROOT):
        assert f'id="{rid}"' in html, rid
    repair = (built_site.path / "processes" / "repair.html").read_text(encoding="utf-8")
    assert 'href="../generated/deadlines.html#repair.return"' in repair


def test_a_changed_term_says_from_when_and_what_applied_before() -> None:
    from dataclasses import replace

    from kefu.site_rules import rule_section
    from kefu.sla import load_rules

    rule = load_rules(ROOT)["complaint.normal"]
    changed = replace(rule, working_days=3, effective_from=dt.date(2027, 1, 1),
                      earlier=((None, 2, False, False),))
    text = "\n".join(rule_section(changed, "17:30"))
    assert "3 个工作日内" in text and "自 2027-01-01 起" in text and "仍为 2 个工作日" in text
