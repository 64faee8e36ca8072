"""The built site in real headless Chromium, from disk and over http, with no outside requests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, BuiltSite
from playwright.sync_api import Browser, Dialog, Page, Route
from test_site_search import load_queries

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Typed into the real search box from file:// and http: keywords and whole questions,
# Traditional script, colloquial words (answers from tests/data/site/search_queries.yml).
BROWSER_QUERIES = (
    "返修多久", "迟到扣多少钱", "晚班幾點下班", "吃饭时间多长", "到货就坏了怎么换",
    "怎麼送修", "忘記打卡", "硬盘摔坏了还保修吗", "客户要退货运费谁来出", "工單看板",
    "表單下載", "請假要提前幾天",
)

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


def _search(page: Page, base_url: str, query: str) -> list[str]:
    """Type `query` into the search box; the result pages (.md paths under docs/), best first."""
    box = page.locator("input.md-search__input")
    box.fill("")
    box.press("End")  # Material queries on a key event; fill() only sends one input event
    page.wait_for_function("document.querySelectorAll('.md-search-result__item').length === 0")
    box.fill(query)
    box.press("End")
    page.locator(".md-search-result__item").first.wait_for(timeout=20_000)
    # The first link of an item is its page; the links after it are that page's sections.
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item > a.md-search-result__link:first-child",
        "links => links.map(a => a.href)",
    )
    return [h.removeprefix(base_url).split("?")[0].split("#")[0].removesuffix(".html") + ".md"
            for h in hrefs]


def test_agents_queries_in_the_search_box_find_the_answer(page: Page, base_url: str) -> None:
    expected = {q.text: q.pages for q in load_queries()}
    page.goto(base_url + "index.html")
    page.locator("input.md-search__input").click()
    misses = []
    for query in BROWSER_QUERIES:
        top = _search(page, base_url, query)[:3]
        if not set(expected[query]) & set(top):
            misses.append(f"{query}：期望 {expected[query]}，前 3 名是 {top}")
        # Material strikes through "缺少: …" the words a result lacks; ours lacks none.
        assert page.locator(".md-search-result__terms").count() == 0, query
    assert misses == []
    first = page.locator(".md-search-result__item").first
    assert first.locator("mark").count() >= 1, "命中的词应高亮"


def test_a_paste_without_any_key_searches_and_the_count_is_the_list(
    page: Page, base_url: str
) -> None:
    """A paste from the right-click or long-press menu sends an input event and no key."""
    page.goto(base_url + "index.html")
    box = page.locator("input.md-search__input")
    box.click()
    page.evaluate("""() => {
      window.kefuKeys = 0;
      for (const type of ["keydown", "keypress", "keyup"]) {
        document.addEventListener(type, (e) => { if (e.isTrusted) window.kefuKeys++; }, true);
      }
    }""")
    page.keyboard.insert_text("专票")  # one input event, as a menu's paste gives
    page.locator(".md-search-result__item").first.wait_for(timeout=20_000)
    assert page.evaluate("window.kefuKeys") == 0
    first = page.eval_on_selector(".md-search-result__item a", "a => a.href")
    assert first.removeprefix(base_url).startswith("replies/invoice/special-vat.html")
    # The count is the list's length, not "30" for every query (fewer than 10: all drawn).
    items = page.locator(".md-search-result__item").count()
    assert 0 < items < 10
    meta = page.locator(".md-search-result__meta").inner_text()
    assert meta == f"{items} 个符合条件的结果"
    box.fill("")
    page.keyboard.insert_text("返修多久")
    page.wait_for_function("document.querySelector('.md-search-result__meta').textContent"
                           f" !== {meta!r} && document.querySelector('.md-search-result__item')")
    assert page.locator(".md-search-result__meta").inner_text() != meta


def test_a_query_with_no_answer_shows_suggestions(page: Page, base_url: str) -> None:
    page.goto(base_url + "rules/office.html")
    page.locator("input.md-search__input").click()
    pages = _search(page, base_url, "xyzzy")
    assert pages[0] == "tags.md"
    first = page.locator(".md-search-result__item").first.inner_text()
    assert "没有找到" in first
    assert {"rules/index.md", "replies/index.md"} <= set(pages)


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

    # Left empty, the copy button asks first; confirmed, the blanks are copied as written.
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    assert page.evaluate("navigator.clipboard.readText()").strip() == written

    # Filled, the copy holds the typed text; a blank still empty keeps its 【label】.
    inputs.nth(0).click()
    page.keyboard.type("2026-11-20")
    page.once("dialog", lambda dialog: dialog.accept())
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


def test_a_reply_speaks_with_the_departments_own_names(page: Page, base_url: str) -> None:
    """{{ company.short }} and {{ department.name }} come from records/department.yml, on the
    page and in what the copy button copies (the sample department: 示例科技, 客服部)."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(base_url + "replies/dealers/first-callback.html")
    inputs = page.locator("div.highlight input.kefu-blank")
    inputs.first.wait_for(timeout=10_000)
    for i in range(inputs.count()):
        inputs.nth(i).fill("李")
    page.locator("div.highlight button[data-clipboard-target]").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "我是示例科技客服部的李" in copied and "{{" not in copied
    assert "{{" not in page.content()


def test_copying_a_reply_with_an_empty_blank_asks_first(page: Page, base_url: str) -> None:
    """Cancelled, nothing is copied and the cursor waits in the first empty blank."""
    written = _reply_text(BLANK_REPLY)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(base_url + BLANK_REPLY + ".html")
    inputs = page.locator("div.highlight input.kefu-blank")
    inputs.first.wait_for(timeout=10_000)
    button = page.locator("div.highlight button[data-clipboard-target]").first
    page.evaluate("navigator.clipboard.writeText('之前复制的内容')")
    asked: list[str] = []

    def answer(accept: bool) -> None:
        def handle(dialog: Dialog) -> None:
            asked.append(f"{dialog.type}:{dialog.message}")
            dialog.accept() if accept else dialog.dismiss()
        page.once("dialog", handle)

    inputs.nth(1).fill("SF1234567890")  # 【物流单号】 filled, 【发货日期】 not
    answer(accept=False)
    button.click()
    assert asked[-1].startswith("confirm:") and "【发货日期】" in asked[-1]
    assert "【物流单号】" not in asked[-1] and "1 个空没有填" in asked[-1]
    assert page.evaluate("navigator.clipboard.readText()") == "之前复制的内容"
    assert page.evaluate("document.activeElement.getAttribute('data-blank')") == "【发货日期】"

    answer(accept=True)
    button.click()
    assert page.evaluate("navigator.clipboard.readText()").strip() == written.replace(
        "【物流单号】", "SF1234567890")

    inputs.nth(0).fill("2026-11-20")  # nothing empty: copied without a question
    count = len(asked)
    button.click()
    assert len(asked) == count
    assert page.evaluate("navigator.clipboard.readText()").strip() == written.replace(
        "【物流单号】", "SF1234567890").replace("【发货日期】", "2026-11-20")
