"""The built site in real headless Chromium, from disk and over http, with no outside requests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, BuiltSite
from playwright.sync_api import Browser, Page, Route

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SEARCH_QUERY = "返修多久"

# Material draws each diagram into a closed shadow root; open it so the test can see the SVG.
OPEN_SHADOW_ROOTS = """
const attachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attachShadow.call(this, { ...init, mode: "open" });
};
"""


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("file", "data", "blob", "about") or parts.hostname in LOCAL_HOSTS


@pytest.fixture(params=["file", "http"])
def base_url(request: pytest.FixtureRequest, built_site: BuiltSite) -> str:
    if request.param == "file":
        return built_site.path.as_uri() + "/"
    url: str = request.getfixturevalue("site_http")
    return url


@pytest.fixture
def page(chromium: Browser, base_url: str) -> Iterator[Page]:
    """A fresh page that aborts and records every request to an outside host."""
    outside: list[str] = []
    errors: list[str] = []
    context = chromium.new_context()
    context.add_init_script(OPEN_SHADOW_ROOTS)

    def guard(route: Route) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    new_page = context.new_page()
    new_page.on("request", lambda r: None if _is_local(r.url) else outside.append(r.url))
    new_page.on("pageerror", lambda err: errors.append(str(err)))
    yield new_page
    context.close()
    assert outside == [], f"请求了外部主机：{sorted(set(outside))}"
    assert errors == [], f"页面脚本出错：{errors}"


def test_home_page_renders(page: Page, base_url: str) -> None:
    page.goto(base_url + "index.html")
    assert "客服部手册" in page.title()
    page.locator("article h1").first.wait_for()
    assert page.locator("nav.md-nav").first.is_visible()


def test_process_page_shows_the_mermaid_diagram_as_svg(page: Page, base_url: str) -> None:
    page.goto(base_url + "processes/repair.html")
    svg = page.locator("div.mermaid svg").first
    svg.wait_for(timeout=20_000)
    assert svg.locator(".node").count() >= 2, "流程图没有节点"
    assert "Syntax error" not in svg.inner_html(), "Mermaid 无法解析流程图"
    box = svg.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 50


def test_chinese_query_in_the_search_box_shows_results(page: Page, base_url: str) -> None:
    page.goto(base_url + "index.html")
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(SEARCH_QUERY)
    box.press("End")  # Material queries on a key event; fill() only sends one input event
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=20_000)
    assert results.count() >= 1
    # Result titles carry the U+200B separators that jieba segmentation inserted.
    first = results.first.inner_text().replace("\u200b", "")
    assert "返修" in first


def test_reply_page_has_a_working_copy_button(
    page: Page, base_url: str, built_site: BuiltSite
) -> None:
    replies = sorted(
        p
        for p in (built_site.path / "replies").rglob("*.html")
        if p.name != "index.html" and '<div class="highlight">' in p.read_text(encoding="utf-8")
    )
    assert replies, "replies/ 下没有带 ```text 回复块的页面"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(base_url + replies[0].relative_to(built_site.path).as_posix())
    # Material 9.8 draws the copy button as nav.md-code__nav > button[data-md-type=copy].
    button = page.locator("div.highlight button[data-clipboard-target]").first
    button.wait_for(timeout=10_000)
    block = page.locator(str(button.get_attribute("data-clipboard-target")))
    reply = block.inner_text().strip()
    assert reply
    # kefu.css wraps reply blocks: the whole reply is readable without scrolling sideways.
    assert block.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    button.click()
    assert page.evaluate("navigator.clipboard.readText()").strip() == reply


BLANK_REPLY = "replies/doa/shipped"  # a reply with two blanks: 【发货日期】 and 【物流单号】


def _reply_text(page_path: str) -> str:
    """The reply as written in the Markdown source (the ```text block)."""
    source = (ROOT / "docs" / f"{page_path}.md").read_text(encoding="utf-8")
    match = re.search(r"^```text\n(.*?)^```", source, re.M | re.S)
    assert match is not None
    return match.group(1).strip()


def _storage(page: Page) -> list[object]:
    return page.evaluate(
        "[Object.entries(localStorage), Object.entries(sessionStorage), document.cookie]"
    )


def test_blanks_in_a_reply_are_inputs_and_the_copy_button_copies_them_filled(
    page: Page, base_url: str
) -> None:
    written = _reply_text(BLANK_REPLY)
    labels = re.findall(r"【([^】]+)】", written)
    assert labels == ["发货日期", "物流单号"]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(base_url + BLANK_REPLY + ".html")
    inputs = page.locator("div.highlight input.kefu-blank")
    inputs.first.wait_for(timeout=10_000)
    assert [inputs.nth(i).get_attribute("placeholder") for i in range(inputs.count())] == labels
    before = _storage(page)
    button = page.locator("div.highlight button[data-clipboard-target]").first

    # Left empty, the blanks are copied as written: 【发货日期】 … 【物流单号】.
    button.click()
    assert page.evaluate("navigator.clipboard.readText()").strip() == written

    # Filled, the copy holds the typed text; a blank still empty keeps its 【label】.
    inputs.nth(0).click()
    page.keyboard.type("2026-11-20")
    button.click()
    expected = written.replace("【发货日期】", "2026-11-20")
    assert page.evaluate("navigator.clipboard.readText()").strip() == expected
    inputs.nth(1).fill("SF1234567890")
    button.click()
    assert page.evaluate("navigator.clipboard.readText()").strip() == expected.replace(
        "【物流单号】", "SF1234567890"
    )

    # Nothing is stored: storage and cookies are as before, and a reload starts empty.
    assert _storage(page) == before
    page.reload()
    inputs.first.wait_for(timeout=10_000)
    assert [inputs.nth(i).input_value() for i in range(inputs.count())] == ["", ""]


def test_a_reply_without_blanks_gets_no_inputs(page: Page, base_url: str) -> None:
    page.goto(base_url + "replies/doa/freight.html")
    page.locator("div.highlight code").first.wait_for(timeout=10_000)
    assert page.locator("input.kefu-blank").count() == 0
