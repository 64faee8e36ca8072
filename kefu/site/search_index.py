"""Build step (kefu MkDocs plugin): shape Material's search index for the site's own search worker.

The worker (kefu/site/theme/assets/javascripts/kefu-search.js) cuts and ranks; this step only adds
what the worker cannot see in Material's index: each page's description, its tags once (not on
every section), the synonym dictionary docs/assets/search_synonyms.yml (checked: every handbook
word in it must occur on some page), the pages to suggest when nothing matches, how much a
page's text counts (RESTATING, RECORD_LISTS), training self-tests kept out of the sections, and
which pages are lookup pages (`search: {scope: lookup}`: tickets, dealers). It runs
after Material's search plugin has written search/search_index.json and before the offline
plugin copies it into search/search_index.js for file://.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

SYNONYMS = "assets/search_synonyms.yml"  # relative to docs_dir
TAGS_PAGE = "tags.md"  # the tag index: suggested when nothing matches, never ranked itself
SLUG = "search-synonyms"
GENERATED = "generated/"  # pages kefu site build writes from records (URLs and docs paths alike)
# Pages whose text counts LOW_TEXT of a word of another page's text in search (title, tags and
# headings count in full), by the start of their URL: training pages restate the rules and
# replies they link to, and pages listing records repeat the ids, titles and names that the
# lookup scope finds. Neither may outrank the page that answers (tests/data/site/
# search_queries.yml, groups buyer and buyer-held-out; CONTRIBUTING.md has the figures), and a
# record list does not keep a ticket's id from finding the ticket first.
RESTATING = ("training/",)
RECORD_LISTS = (f"{GENERATED}tracker.html", f"{GENERATED}staff/", f"{GENERATED}reports/")
LOW_TEXT = 0.3
# Pages whose `??? question` blocks are self-tests (docs paths): kept out of Material's
# sections, so that a result never shows a page of them, and searched as the page's text
# (the guide's `??? question` blocks are real answers: kept as they are).
SELF_TESTS = ("training/",)
SELF_TEST = re.compile(r'<details class="question"([^>]*)>(.*?)</details>', re.S)
TAG = re.compile(r"<[^>]+>")
# `search: {scope: lookup, summary: ..., keys: [...]}` in a page's front matter: a page to look
# something up by (a ticket, a dealer), searched apart from the handbook by its title and the
# facts above its first heading, and listed after the handbook's results, or before them when
# the query is part of one of its keys (its id, a dealer's name or number, a product) and no
# handbook page holds the whole query (the worker's search()). The summary (plain text, one
# line) is what its search result shows.
SCOPES = ("lookup",)


@dataclass
class Site:
    """What the hook gathers from the pages for the index it writes."""

    synonyms: dict[str, list[str]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)  # page URL -> description
    self_tests: dict[str, str] = field(default_factory=dict)  # page URL -> their plain text
    lookup: dict[str, dict[str, Any]] = field(default_factory=dict)  # URL -> summary, keys
    overview: list[str] = field(default_factory=list)
    tags_url: str = ""


_state = Site()


def normalize(text: str) -> str:
    """NFKC and lower case, as the worker's normalize() does."""
    return unicodedata.normalize("NFKC", text).lower()


def _problem(path: Path, node: yaml.Node, message: str) -> str:
    mark = node.start_mark
    return f"{path}:{mark.line + 1}:{mark.column + 1}: [{SLUG}] {message}"


def read_synonyms(path: Path) -> tuple[dict[str, list[str]], list[str]]:
    """The synonym dictionary (handbook word -> colloquial words) and its problems, in Chinese."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        return {}, [f"{path}:1:1: [{SLUG}] 无法读取同义词词典：{err}"]
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        return {}, [f"{path}:{where}: [{SLUG}] YAML 格式错误：{getattr(err, 'problem', err)}"]
    if root is None:
        return {}, []
    if not isinstance(root, yaml.MappingNode):
        return {}, [_problem(path, root, "应是“手册写法: [说法, 说法]”的列表")]
    synonyms: dict[str, list[str]] = {}
    problems: list[str] = []
    seen: dict[str, str] = {}
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not key or not key.strip():
            problems.append(_problem(path, key_node, "左边应是手册里的一个词"))
            continue
        if key in synonyms:
            problems.append(_problem(path, key_node, f"“{key}”写了两次：请合并成一行"))
            continue
        words = (
            [n.value for n in value_node.value if isinstance(n, yaml.ScalarNode)]
            if isinstance(value_node, yaml.SequenceNode)
            else []
        )
        if not words or len(words) != len(value_node.value) or not all(w.strip() for w in words):
            problems.append(
                _problem(path, value_node, f"“{key}”的右边应是说法的列表，如 [吃饭, 午饭]")
            )
            continue
        for word in words:
            if normalize(word) == normalize(key):
                problems.append(_problem(path, value_node, f"“{word}”与左边相同，不用写"))
            elif word in seen:
                problems.append(
                    _problem(path, value_node, f"“{word}”已写在“{seen[word]}”下：一个说法只写一处")
                )
            seen[word] = key
        synonyms[key] = words
    return synonyms, problems


def _search_plugin(config: MkDocsConfig) -> Any:
    for name in ("material/search", "search"):
        if name in config.plugins:
            return config.plugins[name]
    raise PluginError("mkdocs.yml 没有启用 search 插件：站内搜索需要它生成的索引。")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _search_plugin(config)
    global _state
    _state = Site()
    path = Path(config.docs_dir) / SYNONYMS
    if not path.is_file():
        raise PluginError(f"找不到搜索同义词词典 {path}。")
    _state.synonyms, problems = read_synonyms(path)
    if problems:
        raise PluginError("搜索同义词词典有错误：\n  " + "\n  ".join(problems))
    return config


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Overview pages to suggest: the index page of each top-level section of the nav."""
    for item in nav.items:
        if isinstance(item, Section) and item.children:
            first = item.children[0]
            if isinstance(first, Page) and first.file.name == "index":
                _state.overview.append(first.url)
    tags = files.get_file_from_path(TAGS_PAGE)
    if tags is None:
        raise PluginError(f"docs/{TAGS_PAGE} 不存在：搜索没有结果时要推荐标签索引页。")
    _state.tags_url = tags.url
    return nav


def on_page_content(html_: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Take a training page's self-tests out of Material's sections; keep their text aside."""
    if not page.file.src_uri.startswith(SELF_TESTS):
        return html_
    found: list[str] = []

    def exclude(match: re.Match[str]) -> str:
        found.append(" ".join(html.unescape(TAG.sub(" ", match.group(2))).split()))
        # Material's search plugin skips the element, then strips the attribute from the page.
        return f'<details class="question" data-search-exclude="self-test"{match.group(1)}>'\
            f"{match.group(2)}</details>"

    html_ = SELF_TEST.sub(exclude, html_)
    if found:
        _state.self_tests[page.url] = " ".join(found)
    return html_


def lookup_facts(source: str, search: dict[str, Any]) -> dict[str, Any]:
    """A lookup page's summary and keys from its front matter's `search:`, checked."""
    summary, keys = search.get("summary", ""), search.get("keys", [])
    if not isinstance(summary, str) or not (
        isinstance(keys, list) and all(isinstance(k, str | int) for k in keys)
    ):
        raise PluginError(
            f"docs/{source}：front matter 里 search.summary 应是一行文字，search.keys 应是"
            "文字的列表（编号、名称等），例如 keys: [T-20261015-fff6, D-0002]。"
        )
    # compared with the query as the worker leaves it: NFKC, lower case, letters and digits
    bare = [re.sub(r"[\W_]+", "", normalize(str(key))) for key in keys]
    return {"summary": " ".join(summary.split()), "keys": [key for key in bare if key]}


def _scope(page: Page) -> Any:
    """The page's `search: {scope: ...}` from its front matter (None without one)."""
    search = page.meta.get("search")
    return search.get("scope") if isinstance(search, dict) else None


def top_for_search(page: Page) -> str | None:
    """Cut a lookup page's content to its top (above its first h2) for Material's search to
    parse, and give back the whole page to put back once it has: the worker keeps no other
    section of a lookup page (`shape_index`), and parsing a ticket's timeline for it was half
    of that page's template step."""
    if _scope(page) != "lookup" or not page.content:
        return None
    whole = page.content
    cut = whole.find("<h2")
    if cut >= 0:
        page.content = whole[:cut]
    return whole


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    description = page.meta.get("description")
    if isinstance(description, str):
        _state.descriptions[page.url] = description
    search = page.meta.get("search")
    scope = _scope(page)
    if scope is not None and scope not in SCOPES:
        raise PluginError(
            f"docs/{page.file.src_uri}：front matter 里的 search.scope 写成了“{scope}”，"
            f"只能是 {'、'.join(SCOPES)}（查询页：工单、代理商等），或者不写。"
        )
    if scope == "lookup" and isinstance(search, dict):
        _state.lookup[page.url] = lookup_facts(page.file.src_uri, search)
    return context


def shape_index(index: dict[str, Any], site: Site) -> tuple[dict[str, Any], list[str]]:
    """The index the worker reads, and the handbook words of the synonyms no page contains."""
    docs: list[dict[str, Any]] = [
        doc for doc in index["docs"]
        # a lookup page is found by its top (id, title, facts), not by its timeline
        if doc["location"].split("#")[0] not in site.lookup or "#" not in doc["location"]
    ]
    for doc in docs:
        doc["title"] = doc["title"].replace("\u200b", "")
        doc["text"] = doc["text"].replace("\u200b", "")
    pages: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        pages.setdefault(doc["location"].split("#")[0], []).append(doc)
    for path, page_docs in pages.items():
        article = next((d for d in page_docs if "#" not in d["location"]), None)
        for doc in page_docs:
            if doc is not article:
                doc.pop("tags", None)  # the page carries them once
        if article is None:
            continue
        if path in site.descriptions:
            article["description"] = site.descriptions[path]
        if path in site.self_tests:
            article["self_test"] = site.self_tests[path]
        if path in site.lookup:
            article.update(scope="lookup", **site.lookup[path])
        if path.startswith(RESTATING + RECORD_LISTS):
            article["text_weight"] = LOW_TEXT
        if path.startswith(RECORD_LISTS):
            article["lists_records"] = True
    # Only the handwritten pages count: pages generated from records (tickets, reports, the
    # dashboard) change with the department's data, and must not decide whether the site builds.
    written = [d for d in docs if not d["location"].startswith(GENERATED)]
    text = normalize(
        " ".join(
            f"{d['title']} {d['text']} {' '.join(d.get('tags', []))} {d.get('self_test', '')}"
            for d in written
        )
        + " "
        + " ".join(v for k, v in site.descriptions.items() if not k.startswith(GENERATED))
    )
    unused = [key for key in site.synonyms if normalize(key) not in text]
    # Longest colloquial words first, so that 到货就不能用 is read before 不能用 would be.
    pairs = sorted(
        ((word, key) for key, words in site.synonyms.items() for word in words),
        key=lambda pair: -len(pair[0]),
    )
    table = [[word, key, normalize(word) in text] for word, key in pairs]
    config = {
        "separator": index["config"].get("separator", r"[\s\-]+"),
        "kefu": {"tags": site.tags_url, "overview": site.overview, "synonyms": table},
    }
    return {"config": config, "docs": docs}, unused


def on_post_build(config: MkDocsConfig) -> None:
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        raise PluginError(f"search 插件没有写出 {path}。")
    index = json.loads(path.read_text(encoding="utf-8"))
    shaped, unused = shape_index(index, _state)
    if unused:
        raise PluginError(
            f"搜索同义词词典 docs/{SYNONYMS} 里这些写法在手册中找不到（拼错了，或页面改了说法？）："
            + "、".join(unused)
        )
    path.write_text(json.dumps(shaped, ensure_ascii=False, separators=(",", ":")), "utf-8")
