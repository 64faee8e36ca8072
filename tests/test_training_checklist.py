"""The 我已读完 tick boxes of the training pages
(kefu/site/theme/assets/javascripts/read-checklist.js) in real headless Chromium, from disk
(file://): ticks survive a reload and show on the overview."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BuiltSite
from playwright.sync_api import Browser, Page


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A fresh browser profile (empty localStorage) that fails on any script error."""
    errors: list[str] = []
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    new_page = context.new_page()
    new_page.on("pageerror", lambda err: errors.append(str(err)))
    yield new_page
    context.close()
    assert errors == [], f"页面脚本出错：{errors}"


def test_ticks_are_kept_in_the_browser_from_file_urls(page: Page, built_site: BuiltSite,
                                                       tmp_path: Path) -> None:
    base = built_site.path.as_uri() + "/training/"
    page.goto(base + "day1.html")
    boxes = page.locator(".kefu-checklist li > input.kefu-check")
    items = page.locator(".kefu-checklist li").count()
    assert items >= 10 and boxes.count() == items, "阅读清单的每一项前都应有一个勾选框"
    assert page.locator(".kefu-pager a").evaluate_all("l => l.map(a => a.textContent)") == [
        "← 培训总览", "第二天：考勤、值班、交接班、档案与接听电话 →"]
    boxes.nth(0).check()
    boxes.nth(2).check()
    done = page.get_by_label("我已读完本页")
    done.check()
    count = page.locator(".kefu-read-page__count")
    assert count.inner_text() == f"阅读清单已勾 2 / {items} 项"

    page.reload()
    boxes = page.locator(".kefu-checklist li > input.kefu-check")
    assert [boxes.nth(i).is_checked() for i in range(3)] == [True, False, True]
    assert page.get_by_label("我已读完本页").is_checked()
    boxes.nth(2).uncheck()
    page.reload()
    assert page.locator(".kefu-read-page__count").inner_text() == f"阅读清单已勾 1 / {items} 项"
    page.locator(".kefu-read-page").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "day1.png"))

    page.goto(base + "index.html")
    first = page.locator(".kefu-progress a", has_text="第一天")
    assert first.locator("xpath=following-sibling::span[@class='kefu-done']").inner_text() == \
        "✓ 已读完"
    assert page.locator(".kefu-done").count() == 1  # only the day ticked as read
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)

    page.goto(base + "day2.html")  # another page starts unticked
    assert not page.get_by_label("我已读完本页").is_checked()
    assert page.locator(".kefu-checklist input:checked").count() == 0


def test_every_training_page_has_its_checklist_and_a_way_on(built_site: BuiltSite) -> None:
    training = built_site.path / "training"
    pages = sorted(p.name for p in training.glob("*.html") if p.name != "index.html")
    assert pages == sorted([f"day{n}.html" for n in range(1, 7)] + [
        "supervisor.html", "presales.html", "aftersales.html", "aftersales-specialist.html",
        "service-specialist.html", "reception.html", "clerk.html"])
    for name in pages:
        html = (training / name).read_text(encoding="utf-8")
        assert '<div class="kefu-checklist">' in html, name
        assert '<div class="kefu-read-page">' in html, name
        assert '<nav class="kefu-pager">' in html, name
        assert "assets/javascripts/read-checklist.js" in html, name
    for day in range(2, 6):  # the middle days link both ways
        html = (training / f"day{day}.html").read_text(encoding="utf-8")
        assert f'href="day{day - 1}.html"' in html and f'href="day{day + 1}.html"' in html, day
