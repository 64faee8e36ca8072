"""The real strict build: clean, complete navigation, nothing from outside hosts."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from conftest import ROOT, BuiltSite, load_hook

DATA = ROOT / "tests" / "data" / "site"
local_assets = load_hook("local_assets")


def _nav_files(items: Any) -> Iterator[str]:
    """Every Markdown path listed in a (nested) mkdocs nav."""
    if isinstance(items, str):
        yield items
    elif isinstance(items, list):
        for item in items:
            yield from _nav_files(item)
    elif isinstance(items, dict):
        for value in items.values():
            yield from _nav_files(value)


def _config(root: Path) -> Any:
    """mkdocs.yml with the nav as the build has it (the plugin adds the month reports)."""
    from conftest import load_hook
    from mkdocs.config import load_config

    return load_hook("reports_nav").on_config(load_config(str(root / "mkdocs.yml")))


def _nav(root: Path) -> list[str]:
    return list(_nav_files(_config(root).nav))


def test_strict_build_logs_no_warnings(built_site: BuiltSite) -> None:
    assert built_site.warnings == []
    assert (built_site.path / "index.html").is_file()


def test_every_page_is_in_the_nav_and_every_nav_entry_exists(built_site: BuiltSite,
                                                              demo: Path) -> None:
    docs = demo / "docs"
    outside = _config(demo).not_in_nav  # the ticket pages, reached from the dashboard and reports
    pages = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")}
    pages = {p for p in pages if not outside.match_file(p)}
    assert "generated/reports/index.md" in pages and "generated/tracker.md" in pages
    nav = _nav(demo)
    assert sorted(pages - set(nav)) == [], "docs/ 下有页面不在 mkdocs.yml 的 nav 里"
    assert sorted(set(nav) - pages) == [], "nav 里列出的页面不存在"
    assert len(nav) == len(set(nav)), "nav 里有重复的页面"
    for page in nav:
        assert (built_site.path / page.replace(".md", ".html")).is_file(), page


MAX_SECTION_PAGES = 50


def _sections(items: Any, title: str = "nav") -> Iterator[tuple[str, int]]:
    """(title, number of direct children) of every section in a nested nav."""
    if isinstance(items, list):
        yield title, len(items)
        for item in items:
            yield from _sections(item, title)
    elif isinstance(items, dict):
        for name, value in items.items():
            if isinstance(value, list):
                yield from _sections(value, name)


def test_nav_sections_stay_small_because_each_page_scans_them_all() -> None:
    # With navigation.indexes Material checks every child of every section on every page,
    # pruned or not: a 100-page section doubled the 3,000-page stress build (make bench-site).
    from mkdocs.config import load_config

    nav = load_config(str(ROOT / "mkdocs.yml")).nav
    big = [(title, n) for title, n in _sections(nav) if title != "nav" and n > MAX_SECTION_PAGES]
    assert big == [], f"导航分组超过 {MAX_SECTION_PAGES} 项，请拆成子分组：{big}"


def test_built_site_loads_nothing_from_outside_hosts(built_site: BuiltSite) -> None:
    assert local_assets.outside_references(built_site.path) == []
    # The offline plugin would add unpkg.com's shim if ours were not configured.
    index = (built_site.path / "index.html").read_text(encoding="utf-8")
    assert "unpkg.com" not in index
    assert 'src="generated/assets/iframe-worker/shim.js"' in index


def test_outside_host_check_catches_every_kind_of_reference() -> None:
    found = local_assets.outside_references(DATA / "outside")
    expected = (DATA / "outside" / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert sorted(found) == sorted(expected)


def test_mermaid_is_loaded_locally_only_on_pages_with_a_diagram(built_site: BuiltSite) -> None:
    mermaid = built_site.path / "generated" / "assets" / "mermaid.min.js"
    assert mermaid.stat().st_size > 1_000_000
    with_diagram = 0
    for page in built_site.path.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        loads = "generated/assets/mermaid.min.js" in html
        has_diagram = '<pre class="mermaid">' in html
        assert loads == has_diagram, page.relative_to(built_site.path)
        with_diagram += has_diagram
    assert with_diagram >= 1
    repair = (built_site.path / "processes" / "repair.html").read_text(encoding="utf-8")
    assert '<pre class="mermaid">' in repair


def test_instant_navigation_is_off_because_it_breaks_file_urls(built_site: BuiltSite) -> None:
    config = (built_site.path / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<script id="__config" type="application/json">(.*?)</script>', config, re.S)
    assert match is not None
    features = json.loads(match.group(1))["features"]
    assert not any(f.startswith("navigation.instant") for f in features)
    assert "content.code.copy" in features


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_kefu_site_serve_previews_the_handbook(built_site: BuiltSite, demo: Path) -> None:
    # After the session build, so the two builds do not write docs/generated/ at once.
    port = _free_port()
    kefu = Path(sys.executable).with_name("kefu")
    server = subprocess.Popen(
        [str(kefu), "site", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=demo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        html = ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reply:
                    html = reply.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.5)
        assert "<title>客服部手册</title>" in html, "kefu site serve 没有提供首页"
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert f"Serving on http://127.0.0.1:{port}/" in output


# Latin words allowed in the site's own interface text: names of things, not English phrases.
LATIN_NAMES = {"DOA", "MkDocs", "Material", "Maxell", "QQ", "PDF", "ID", "kefu"}


def _ui_texts(html: str) -> list[str]:
    """Interface text of a page outside its article: chrome, footer, attribute labels."""
    chrome = re.sub(r"<article.*?</article>", "", html, flags=re.S)
    chrome = re.sub(r"<(script|style|svg)\b.*?</\1>", "", chrome, flags=re.S)
    texts = re.findall(r">([^<]+)<", chrome)
    texts += re.findall(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"', html)
    return [t.strip() for t in texts if t.strip()]


def test_interface_text_is_chinese(built_site: BuiltSite) -> None:
    english = set()
    for page in ("index.html", "replies/doa/shipped.html", "generated/deadlines.html",
                 "products/warranty.html"):
        for text in _ui_texts((built_site.path / page).read_text(encoding="utf-8")):
            words = set(re.findall(r"[A-Za-z]{2,}", text)) - LATIN_NAMES
            if words:
                english.add(f"{page}: {text}")
    assert english == set()
    index = (built_site.path / "index.html").read_text(encoding="utf-8")
    assert "Made with" not in index and "客服部手册由客服部维护" in index


def test_home_page_links_the_dashboard_and_the_deadline_rules(built_site: BuiltSite) -> None:
    index = (built_site.path / "index.html").read_text(encoding="utf-8")
    assert 'href="generated/tracker.html"' in index
    assert 'href="generated/deadlines.html"' in index


def test_search_index_keeps_reply_blanks_as_plain_text(built_site: BuiltSite) -> None:
    index = json.loads((built_site.path / "search" / "search_index.json").read_text("utf-8"))
    texts = [doc["text"].replace("\u200b", "") for doc in index["docs"]
             if doc["location"].startswith("replies/doa/shipped.html")]
    assert any("物流单号是【物流单号】" in text for text in texts)


def _page(path: str) -> Any:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    return Page(None, File(path, "docs", "site", use_directory_urls=False), MkDocsConfig())


def test_the_navigation_is_drawn_once_per_folder_for_pages_outside_it() -> None:
    from mkdocs.structure.nav import Navigation

    from kefu.site.shared_nav import NavOnce

    home, guide = _page("index.md"), _page("guide/index.md")
    nav = Navigation([home, guide], [home, guide])
    once, drawn = NavOnce(), []

    def draw(label: str) -> Callable[[], str]:
        return lambda: drawn.append(label) or f"<nav>{label}</nav>"

    shown = [once(_page("generated/tickets/T-1.md"), nav, draw("T-1")),
             once(_page("generated/tickets/T-2.md"), nav, draw("T-2")),
             once(_page("generated/x.md"), nav, draw("x")),  # another folder: its own links
             once(home, nav, draw("home")), once(home, nav, draw("home again")),
             once(guide, nav, draw("guide")), once(None, nav, draw("404"))]
    assert drawn == ["T-1", "x", "home", "home again", "guide", "404"]
    assert shown[1] == "<nav>T-1</nav>" and shown[4] == "<nav>home again</nav>"


NAV = re.compile(r'data-md-type="navigation".*?data-md-type="toc"', re.S)


def test_each_page_of_the_built_site_shows_its_own_place_in_the_navigation(
        built_site: BuiltSite) -> None:
    checked = 0
    for page in sorted(built_site.path.rglob("*.html")):
        rel = page.relative_to(built_site.path).as_posix()
        nav = NAV.search(page.read_text(encoding="utf-8"))
        if nav is None or rel == "404.html":  # 404.html links from the root: any URL shows it
            continue
        for href in re.findall(r'href="([^"#]+)', nav.group(0)):
            target = page.parent / href
            assert target.is_file() or (target / "index.html").is_file(), f"{rel}: {href}"
        active = re.findall(r'href="([^"]*)" class="md-nav__link md-nav__link--active"',
                            nav.group(0))
        if rel.startswith(("generated/tickets/", "generated/dealers/")):  # not in the nav
            assert active == [], rel
        elif rel in ("index.html", "generated/tracker.html", "generated/staff/roster.html"):
            assert [(page.parent / a).resolve() for a in active] == [page.resolve()], rel
        checked += 1
    assert checked > 150
