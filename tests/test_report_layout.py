"""The site's month reports as a reader sees them: real MkDocs Material pages in headless
Chromium at 1280 px (a desk) and 390 px (a phone).

A small site is built from tests/data/reports/repo (its report pages and ticket pages, the
project's stylesheet, the site's Markdown extensions), not the whole handbook.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from playwright.sync_api import Browser, Page

DATA = Path(__file__).parent / "data" / "reports" / "repo"
MKDOCS = """\
site_name: 报表
docs_dir: docs
use_directory_urls: false
theme:
  name: material
  language: zh
  font: false
extra_css:
  - assets/stylesheets/kefu.css
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
not_in_nav: |
  /generated/tickets/
"""
DESK, PHONE = (1280, 900), (390, 844)
# a row of three lines of table text at most (0.64rem of a 20 px rem, line height ~1.6)
THREE_LINES = 80


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from kefu.reports.site import write_site_pages as write_reports
    from kefu.site import build_pages
    from kefu.ticket_pages import write_site_pages as write_tickets
    from kefu.workspace import Workspace

    root = tmp_path_factory.mktemp("report-site")
    shutil.copytree(DATA / "records", root / "records")
    (root / "docs" / "assets" / "stylesheets").mkdir(parents=True)
    shutil.copy(ROOT / "kefu" / "site" / "theme" / "assets" / "stylesheets" / "kefu.css",
                root / "docs" / "assets" / "stylesheets" / "kefu.css")
    (root / "docs" / "index.md").write_text("# 报表\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KEFU_NOW", "2026-11-20T07:30:00+08:00")
        ws = Workspace(root)
        write_reports(ws, root / "docs" / "generated")
        write_tickets(ws, root / "docs" / "generated")
    yield build_pages(root, root / "site")


def open_report(chromium: Browser, site: Path, size: tuple[int, int]) -> Page:
    page = chromium.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto((site / "generated" / "reports" / "2026-10.html").as_uri())
    page.wait_for_selector(".md-typeset__scrollwrap table")  # Material has framed the tables
    return page


TABLES = """() => [...document.querySelectorAll('.kefu-report table')].map(t => {
  const frame = t.closest('.md-typeset__scrollwrap');
  return {head: t.querySelector('th').textContent,
          tallest: Math.max(...[...t.querySelectorAll('tbody tr')]
                                .map(r => r.getBoundingClientRect().height)),
          hidden: frame.scrollWidth - frame.clientWidth};
})"""


def test_at_a_desk_every_table_shows_whole_beside_the_nav(chromium: Browser, site: Path) -> None:
    page = open_report(chromium, site, DESK)
    toc = page.locator(".md-sidebar--secondary")
    assert toc.count() == 0 or not toc.is_visible()  # the tables have its room
    tables = page.evaluate(TABLES)
    assert len(tables) >= 20
    assert [t["head"] for t in tables if t["hidden"] > 0] == []  # nothing scrolled out of view
    assert [(t["head"], t["tallest"]) for t in tables if t["tallest"] > THREE_LINES] == []
    # the line of section links stands in for the table of contents
    links = page.locator(".kefu-sections a")
    assert links.count() >= 8 and page.locator("#kpi").count() == 1
    links.filter(has_text="绩效考核").click()
    assert page.evaluate("location.hash") == "#kpi"
    page.close()


def test_on_a_phone_rows_stay_short_and_wide_tables_scroll_in_their_frame(
        chromium: Browser, site: Path) -> None:
    page = open_report(chromium, site, PHONE)
    tables = page.evaluate(TABLES)
    assert [(t["head"], t["tallest"]) for t in tables if t["tallest"] > THREE_LINES] == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE[0]  # page: no
    wide = [t for t in tables if t["hidden"] > 0]
    assert wide  # the table of late deadlines (nine columns) scrolls inside its frame
    # scrolled sideways, the first column (the ticket) stays at the frame's left edge
    left = page.evaluate("""() => {
      const frame = [...document.querySelectorAll('.md-typeset__scrollwrap')]
        .find(f => f.scrollWidth > f.clientWidth);
      const cell = frame.querySelector('tbody td');
      const before = cell.getBoundingClientRect().left;
      frame.scrollLeft = 200;
      return [before, cell.getBoundingClientRect().left, frame.getBoundingClientRect().left];
    }""")
    before, after, frame = left
    assert frame - 1 <= after <= before  # not carried off to the left with the other cells
    page.close()


@pytest.mark.parametrize("size", [DESK, PHONE], ids=["desk", "phone"])
def test_ids_dates_and_times_never_break(chromium: Browser, site: Path,
                                         size: tuple[int, int]) -> None:
    page = open_report(chromium, site, size)
    broken = page.evaluate("""() => [...document.querySelectorAll(
        '.kefu-report .kefu-id, .kefu-report .kefu-when')]
      .filter(e => e.getClientRects().length > 1).map(e => e.textContent)""")
    count = page.locator(".kefu-report .kefu-when").count()
    assert count > 0 and broken == []
    page.close()
