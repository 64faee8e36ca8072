"""Build step (kefu MkDocs plugin): shape Material's search index for the site's own search worker.

The worker (kefu/site/theme/assets/javascripts/kefu-search.js) cuts and ranks; this hook only adds
what the worker cannot see in Material's index: each page's description, its tags once (not on
every section), the synonym dictionary docs/assets/search_synonyms.yml (checked: every handbook
word in it must occur on some page), and the pages to suggest when nothing matches. The plugin runs it
after Material's search plugin has written search/search_index.json and before the offline
plugin copies it into search/search_index.js for file://.
"""

from __future__ import annotations

import json
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


@dataclass
class _State:
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    overview: list[str] = field(default_factory=list)
    tags_url: str = ""


_state = _State()


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
    _state = _State()
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


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    description = page.meta.get("description")
    if isinstance(description, str):
        _state.descriptions[page.url] = description
    return context


def shape_index(
    index: dict[str, Any],
    synonyms: dict[str, list[str]],
    descriptions: dict[str, str],
    overview: list[str],
    tags_url: str,
) -> tuple[dict[str, Any], list[str]]:
    """The index the worker reads, and the handbook words of `synonyms` no page contains."""
    docs: list[dict[str, Any]] = index["docs"]
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
        if article is not None and path in descriptions:
            article["description"] = descriptions[path]
    # Only the handwritten pages count: pages generated from records (tickets, reports, the
    # dashboard) change with the department's data, and must not decide whether the site builds.
    written = [d for d in docs if not d["location"].startswith(GENERATED)]
    text = normalize(
        " ".join(d["title"] + " " + d["text"] + " " + " ".join(d.get("tags", [])) for d in written)
        + " "
        + " ".join(v for k, v in descriptions.items() if not k.startswith(GENERATED))
    )
    unused = [key for key in synonyms if normalize(key) not in text]
    # Longest colloquial words first, so that 到货就不能用 is read before 不能用 would be.
    table = sorted(
        ([word, key, normalize(word) in text] for key, words in synonyms.items() for word in words),
        key=lambda entry: -len(str(entry[0])),
    )
    config = {
        "separator": index["config"].get("separator", r"[\s\-]+"),
        "kefu": {"tags": tags_url, "overview": overview, "synonyms": table},
    }
    return {"config": config, "docs": docs}, unused


def on_post_build(config: MkDocsConfig) -> None:
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        raise PluginError(f"search 插件没有写出 {path}。")
    index = json.loads(path.read_text(encoding="utf-8"))
    shaped, unused = shape_index(
        index, _state.synonyms, _state.descriptions, _state.overview, _state.tags_url
    )
    if unused:
        raise PluginError(
            f"搜索同义词词典 docs/{SYNONYMS} 里这些写法在手册中找不到（拼错了，或页面改了说法？）："
            + "、".join(unused)
        )
    path.write_text(json.dumps(shaped, ensure_ascii=False, separators=(",", ":")), "utf-8")
