"""Agents' queries through the search code the built site ships (Material's worker, in Node)."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import yaml
from conftest import ROOT, BuiltSite

QUERIES = ROOT / "tests" / "data" / "site" / "search_queries.yml"
RUNNER = ROOT / "tests" / "site" / "material_search.js"
MUST_ANSWER = ("返修多久", "新品换货运费谁出")
TOP = 3
MIN_HIT_RATE = 0.9


def load_queries() -> dict[str, list[str]]:
    """Query -> acceptable answer pages (.md paths under docs/), from search_queries.yml.

    The file maps block names (earlier, blind, tuned) to lists of {query, page} items
    (page: one path or a list).
    """
    blocks: Any = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    assert isinstance(blocks, dict), f"{QUERIES}: 应是“分组名: 条目列表”"
    data = [item for items in blocks.values() for item in items]
    queries: dict[str, list[str]] = {}
    for number, item in enumerate(data, start=1):
        assert isinstance(item, dict) and {"query", "page"} <= set(item), (
            f"{QUERIES}: 第 {number} 条应有 query 和 page 两个键：{item!r}"
        )
        pages = item["page"] if isinstance(item["page"], list) else [item["page"]]
        query = str(item["query"])
        assert query not in queries, f"{QUERIES}: 查询重复：{query}"
        queries[query] = [str(page) for page in pages]
    return queries


def run_material_search(node: str, site: BuiltSite, queries: list[str]) -> dict[str, list[str]]:
    """Query -> result pages (.md paths, best first), as Material's search worker ranks them."""
    done = subprocess.run(
        [node, str(RUNNER), str(site.path)],
        input=json.dumps(queries, ensure_ascii=False),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, f"{RUNNER.name} 失败：\n{done.stderr}"
    results = json.loads(done.stdout)
    return {r["query"]: [p.removesuffix(".html") + ".md" for p in r["pages"]] for r in results}


def test_queries_are_written_the_way_agents_type() -> None:
    queries = load_queries()
    assert len(queries) >= 30
    for query, pages in queries.items():
        assert 2 <= len(query) <= 30, f"查询应为 2–30 个字：{query}"
        for page in pages:
            assert (ROOT / "docs" / page).is_file(), f"{query}: 期望的页面不存在：{page}"
    for query in MUST_ANSWER:
        assert query in queries


def test_agents_find_the_answer_in_the_top_three(node: str, built_site: BuiltSite) -> None:
    queries = load_queries()
    results = run_material_search(node, built_site, list(queries))
    misses = []
    for query, expected in queries.items():
        top = results[query][:TOP]
        if not set(expected) & set(top):
            misses.append(f"  {query}：期望 {' 或 '.join(expected)}，前 {TOP} 名是 {top}")
    hit_rate = 1 - len(misses) / len(queries)
    print(f"\n搜索命中率 {hit_rate:.0%}（{len(queries) - len(misses)}/{len(queries)}）")
    print("未命中：\n" + "\n".join(misses) if misses else "全部命中")
    assert hit_rate >= MIN_HIT_RATE, "\n".join(misses)
    for query in MUST_ANSWER:
        assert set(queries[query]) & set(results[query][:TOP]), f"必须答出：{query}"
