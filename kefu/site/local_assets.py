"""Build step (kefu MkDocs plugin): fail the build when a built page or script loads anything from an outside host.

Agents work offline and in mainland China, where CDNs and Google Fonts are often unreachable,
so every script, stylesheet, font and image must come from the site itself. Links in the text
to outside sites (<a href>) are fine: they are not loaded with the page.
"""

from __future__ import annotations

import posixpath
import re
from fnmatch import fnmatch
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

# Where Material or a vendored library references an outside host only as a fallback that this
# site never triggers. (file glob relative to site_dir, exact URL) -> why it is never fetched.
ALLOWED: dict[tuple[str, str], str] = {
    ("assets/javascripts/bundle.*.min.js", "https://unpkg.com/mermaid@11/dist/mermaid.min.js"): (
        "fetched only when window.mermaid is undefined; kefu/site/theme/main.html loads the local copy "
        "on every page with a diagram (checked by this hook)"
    ),
    ("assets/javascripts/bundle.*.min.js", "https://unpkg.com/resize-observer-polyfill"): (
        "fetched only by browsers without ResizeObserver (none since 2020)"
    ),
}

MERMAID_SCRIPT = "generated/assets/mermaid.min.js"
SHIM_SCRIPT = "generated/assets/iframe-worker/shim.js"

# Hosts that only ever serve scripts, styles, fonts or images.
ASSET_HOSTS = re.compile(
    r"(^|\.)(unpkg\.com|jsdelivr\.net|cdnjs\.cloudflare\.com|googleapis\.com|gstatic\.com|"
    r"jquery\.com|fontawesome\.com|polyfill\.io|esm\.sh|skypack\.dev|bootcdn\.net|"
    r"staticfile\.org|bootcss\.com|gravatar\.com)$"
)
# Web pages that source comments link to (…/blob/…/x.js); never loaded as assets.
SOURCE_HOSTS = re.compile(r"(^|\.)(github\.com|gitlab\.com)$")
ASSET_SUFFIX = re.compile(r"\.(m?js|css|woff2?|ttf|otf|eot|png|jpe?g|gif|svg|webp|avif|ico)$", re.I)
URL_IN_CODE = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`)<>\\]*""")
# Every start tag, quoted attribute values read whole (an `alt="a>b"` does not end the tag).
# Only tags that can load something are parsed: parsing whole pages, nav included, made this
# hook a third of a 3,000-page build.
START_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>""")
# The lookahead only skips quickly to the letters the words begin with (sre has no fast scan
# for a case-blind alternation): 4x quicker over a chart's long path data, the same matches.
LOADING_WORDS = re.compile(r"\b(?=[spdbhxi])(?:src|srcset|imagesrcset|srcdoc|poster|data|"
                           r"background|style|href|xlink:href)\s*=", re.I)
STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>", re.I | re.S)
CSS_URL = re.compile(r"""url\(\s*(?:'([^']*)'|"([^"]*)"|([^'")\s]+))""", re.I)
CSS_STRING = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"")  # image-set("…"), @import "…"
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)

# HTML attributes that make the browser fetch something while loading the page.
LOADING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"),  # an SVG filter's image
    "body": ("background",),  # the old background attributes still load images
    "table": ("background",),
    "tr": ("background",),
    "td": ("background",),
    "th": ("background",),
    "link": ("imagesrcset",),  # <link rel=preload as=image imagesrcset=…>
}
SVG_SCRIPT = ("href", "xlink:href")  # an SVG <script> loads by href
LOADING_LINK_RELS = {
    "stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload",
    "prefetch", "preconnect", "dns-prefetch", "manifest", "mask-icon",
}


def is_outside(url: str) -> bool:
    """True for an absolute or protocol-relative URL naming a host other than this machine.

    Read as a browser reads it: tabs and line breaks anywhere are dropped, and a backslash is a
    slash (`https:\\\\host/x.png` and `\\\\host/x.png` load from `host`).
    """
    url = re.sub(r"[\t\n\r]", "", url).strip(" \x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                                            "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
                                            "\x19\x1a\x1b\x1c\x1d\x1e\x1f").replace("\\", "/")
    if not (url.startswith("//") or re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I)):
        return False
    parts = urlsplit(url if not url.startswith("//") else "https:" + url)
    if parts.scheme not in ("http", "https", "ws", "wss", "ftp"):
        return False
    return parts.hostname not in (None, "", "localhost", "127.0.0.1", "::1")


def _srcset_urls(value: str) -> list[str]:
    return [item.strip().split(" ")[0] for item in value.split(",") if item.strip()]


class _PageScanner(HTMLParser):
    """Collects the URLs a page loads and the local scripts it includes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loaded: list[str] = []
        self.scripts: list[str] = []
        self.has_mermaid = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "pre" and "mermaid" in values.get("class", "").split():
            self.has_mermaid = True
        if tag == "script" and values.get("src"):
            self.scripts.append(values["src"])
        names = LOADING_ATTRS.get(tag, ())
        if tag == "script":
            names = (*names, *SVG_SCRIPT)
        for name in names:
            if name in values:
                many = name in ("srcset", "imagesrcset")
                self.loaded.extend(_srcset_urls(values[name]) if many else [values[name]])
        rels = set(values.get("rel", "").lower().split())
        if tag == "link" and (LOADING_LINK_RELS & rels or any("icon" in r for r in rels)):
            self.loaded.append(values.get("href", ""))
        if "style" in values:  # decoded by the parser: &#104;ttps:// is https://
            self.loaded.extend(_css_urls(values["style"]))
        if tag in ("iframe", "frame") and values.get("srcdoc"):
            self.loaded.extend(markup_urls(values["srcdoc"]).loaded)


def _css_urls(css: str) -> list[str]:
    """Every URL a style sheet can load: url(…) and quoted strings (@import "…", image-set),
    read after CSS escapes (u\\72l( is url()."""
    if "\\" in css:
        css = CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2),
                             css)
    found = ["".join(groups) for groups in CSS_URL.findall(css)]
    return found + ["".join(groups) for groups in CSS_STRING.findall(CSS_URL.sub("", css))]


Facts = tuple[tuple[str, ...], tuple[str, ...], bool]  # a tag's loaded URLs, scripts, mermaid
_NOTHING: Facts = ((), (), False)


def markup_urls(html: str, known: dict[str, Facts] | None = None) -> _PageScanner:
    """The URLs an HTML or SVG text loads, and its scripts, found by a scan of its start tags
    (those that can load something) and its <style> blocks.

    Each distinct tag is parsed once, alone (`known` carries them from page to page: the
    pages of a site share their header and navigation, 5,000 distinct tags in 55,000).
    """
    scanner = _PageScanner()
    known = {} if known is None else known
    for tag in START_TAG.findall(html):
        facts = known.get(tag)
        if facts is None:
            loads = LOADING_WORDS.search(tag) or tag[1:4].lower() in ("pre", "scr")
            facts = known[tag] = _tag_facts(tag) if loads else _NOTHING
        if facts is not _NOTHING:
            scanner.loaded += facts[0]
            scanner.scripts += facts[1]
            scanner.has_mermaid = scanner.has_mermaid or facts[2]
    if "<style" in html or "<STYLE" in html:
        scanner.loaded += [url for css in STYLE_BLOCK.findall(html) for url in _css_urls(css)]
    return scanner


def _tag_facts(tag: str) -> Facts:
    scanner = _PageScanner()
    # A <script> tag closed, or the parser would read what follows as script text.
    scanner.feed(tag + "</script>" if tag[:7].lower() == "<script" else tag)
    scanner.close()
    return tuple(scanner.loaded), tuple(scanner.scripts), scanner.has_mermaid


def _code_asset_urls(code: str) -> list[str]:
    """Outside URLs in a script that point at an asset host or an asset file."""
    found = []
    for url in URL_IN_CODE.findall(code):
        parts = urlsplit(url if not url.startswith("//") else "https:" + url)
        host = parts.hostname or ""
        if ASSET_HOSTS.search(host) or (
            ASSET_SUFFIX.search(parts.path) and not SOURCE_HOSTS.search(host)
        ):
            found.append(url)
    return found


def _shown(url: str) -> str:
    """A URL on one line of the build's error (a tab or line break in it shown as \\t, \\n)."""
    return url.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _allowed(rel: str, url: str) -> bool:
    return any(fnmatch(rel, glob) and url == allowed for glob, allowed in ALLOWED)


def _scan_page(site: Path, path: Path, known: dict[str, Facts]) -> list[str]:
    rel = path.relative_to(site).as_posix()
    html = path.read_text(encoding="utf-8")
    scanner = markup_urls(html, known)
    problems = [f"{rel}: 从外部主机加载 {_shown(url)}" for url in scanner.loaded if is_outside(url)]
    if path.suffix == ".svg":  # an image of the site: no scripts of its own to check
        return problems
    # Script paths resolved against the page, relative to the site root.
    # (404.html uses root-absolute paths: a server shows it for any missing URL.)
    local = {
        posixpath.normpath(posixpath.join("/" + posixpath.dirname(rel), src.split("?")[0]))[1:]
        for src in scanner.scripts
        if not is_outside(src)
    }
    if scanner.has_mermaid and MERMAID_SCRIPT not in local:
        problems.append(f"{rel}: 页面有 Mermaid 图，却没有加载本地的 {MERMAID_SCRIPT}")
    if SHIM_SCRIPT not in local:
        problems.append(f"{rel}: 没有加载本地的 {SHIM_SCRIPT}（file:// 下搜索需要它）")
    return problems


def _scan_code(site: Path, path: Path) -> list[str]:
    rel = path.relative_to(site).as_posix()
    text = path.read_text(encoding="utf-8", errors="replace")
    urls = _css_urls(text) if path.suffix == ".css" else _code_asset_urls(text)
    return [
        f"{rel}: 引用外部主机上的资源 {url}"
        for url in urls
        if is_outside(url) and not _allowed(rel, url)
    ]


def outside_references(site: Path) -> list[str]:
    """Every place in the built site that loads something from an outside host."""
    problems: list[str] = []
    known: dict[str, Facts] = {}
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".svg"):
            problems += _scan_page(site, path, known)
        elif path.suffix in (".js", ".mjs", ".css") and path.name != "search_index.js":
            problems += _scan_code(site, path)
    for target in (MERMAID_SCRIPT, SHIM_SCRIPT):
        if not (site / target).is_file():
            problems.append(f"缺少 {target}：请用 `kefu site build` 构建（它从 node_modules 复制）")
    return problems


def on_post_build(config: MkDocsConfig) -> None:
    problems = outside_references(Path(config.site_dir))
    if problems:
        shown = "\n  ".join(problems[:50])
        more = f"\n  ……另有 {len(problems) - 50} 处" if len(problems) > 50 else ""
        raise PluginError(f"站点不得从外部主机加载脚本、样式、字体或图片：\n  {shown}{more}")
