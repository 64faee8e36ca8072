"""Agents' queries through the search code the built site ships (its own worker, run in Node).

tests/site/site_search.js loads the worker that the built pages name in their __config, with
the OpenCC converter it loads, and sends it the messages Material's search box sends: what
passes here is what an agent gets in the browser (tests/test_site_browser.py checks that too).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, BuiltSite

QUERIES = ROOT / "tests" / "data" / "site" / "search_queries.yml"
RUNNER = ROOT / "tests" / "site" / "site_search.js"
DATA = ROOT / "tests" / "data" / "site"
WORKER = "assets/javascripts/kefu-search.js"
MUST_ANSWER = (
    "返修多久", "新品换货运费谁出", "迟到扣多少钱", "吃饭", "到货就坏了怎么换", "怎麼送修",
)
TOP = 3
MIN_RECALL = 0.95
MIN_SECTION_RECALL = 0.9
MIN_QUERIES, MIN_TRADITIONAL, MIN_PER_SECTION = 200, 30, 3
# Buyers' questions: the first result answers (a reply, script, process or product page), never
# a training page, the tracker or a lookup page (issue 22).
BUYER_BLOCKS = ("buyer", "buyer-held-out")
ANSWER_PAGES = ("replies/", "scripts/", "processes/", "products/")
LOOKUP_BLOCK = "lookup"
UNSEARCHED_SECTIONS = ("首页", "标签")  # the home page and the tag index need no queries
CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)



@dataclass(frozen=True)
class Query:
    text: str
    pages: tuple[str, ...]  # acceptable answers, .md paths under docs/
    block: str
    simplified: str | None  # the Simplified form of a Traditional-script query


def load_queries(lookup: bool = False) -> list[Query]:
    """The handbook's queries of search_queries.yml (blocks of {query, page, simplified?}
    items), or with `lookup` those of the lookup block, which run on tests/test_site_lookup.py's
    site."""
    blocks: Any = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    assert isinstance(blocks, dict), f"{QUERIES}: 应是“分组名: 条目列表”"
    queries = []
    for block, items in blocks.items():
        if (block == LOOKUP_BLOCK) != lookup:
            continue
        for item in items:
            assert isinstance(item, dict) and {"query", "page"} <= set(item), (
                f"{QUERIES}: {block} 中的条目应有 query 和 page：{item!r}"
            )
            pages = item["page"] if isinstance(item["page"], list) else [item["page"]]
            simplified = item.get("simplified")
            queries.append(
                Query(str(item["query"]), tuple(map(str, pages)), str(block),
                      str(simplified) if simplified else None)
            )
    repeated = [text for text, n in Counter(q.text for q in queries).items() if n > 1]
    assert repeated == [], f"{QUERIES}: 查询重复：{repeated}"
    return queries


@cache
def nav_sections() -> dict[str, str]:
    """Page (.md under docs/) -> title of its top-level nav entry."""
    from mkdocs.config import load_config

    sections: dict[str, str] = {}

    def walk(items: Any, title: str) -> None:
        if isinstance(items, str):
            sections[items] = title
        elif isinstance(items, list):
            for item in items:
                walk(item, title)
        elif isinstance(items, dict):
            for value in items.values():
                walk(value, title)

    for entry in load_config(str(ROOT / "mkdocs.yml")).nav or []:
        if isinstance(entry, dict):
            for title, items in entry.items():
                walk(items, title)
    return sections


def section_of(query: Query) -> str:
    return nav_sections().get(query.pages[0], "（不在导航中）")


def run_search(
    node: str, site: Path, queries: list[str], convert: list[str] | None = None
) -> dict[str, Any]:
    """The runner's reply: results (query -> items), converted texts and timings."""
    done = subprocess.run(
        [node, str(RUNNER), str(site)],
        input=json.dumps({"queries": queries, "convert": convert or []}, ensure_ascii=False),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, f"{RUNNER.name} 失败：\n{done.stderr}"
    reply: dict[str, Any] = json.loads(done.stdout)
    return reply


def ranked_pages(reply: dict[str, Any]) -> dict[str, list[str]]:
    """Query -> result pages as .md paths, best first."""
    return {
        r["query"]: [p.removesuffix(".html") + ".md" for p in r["pages"]] for r in reply["results"]
    }


@pytest.fixture(scope="module")
def answers(node: str, built_site: BuiltSite) -> dict[str, Any]:
    queries = load_queries()
    texts = [q.text for q in queries] + [q.simplified for q in queries if q.simplified]
    return run_search(node, built_site.path, sorted(set(texts)))


def recall_report(queries: list[Query], pages: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Lines of recall@3 by block, by section and overall; and the misses."""
    hits: dict[str, list[int]] = {}
    misses = []
    for query in queries:
        hit = bool(set(query.pages) & set(pages[query.text][:TOP]))
        script = "繁体" if query.simplified else "简体"
        for key in ("全部", f"分组 {query.block}", f"栏目 {section_of(query)}", f"字体 {script}"):
            hits.setdefault(key, []).append(hit)
        if not hit:
            misses.append(
                f"  [{query.block}] {query.text}：期望 {' 或 '.join(query.pages)}，"
                f"前 {TOP} 名是 {pages[query.text][:TOP]}"
            )
    lines = [
        f"  {key}：{sum(v)}/{len(v)} = {sum(v) / len(v):.1%}" for key, v in sorted(hits.items())
    ]
    return lines, misses


def test_queries_cover_every_section_in_both_scripts(built_site: BuiltSite) -> None:
    queries = load_queries()
    assert len(queries) >= MIN_QUERIES
    blind = [q for q in queries if q.block in ("blind", *BUYER_BLOCKS)]
    assert len(blind) * 2 >= len(queries), "至少一半的查询应在调优之前写好（blind、buyer 分组）"
    for query in queries:
        assert 2 <= len(query.text) <= 30, f"查询应为 2–30 个字：{query.text}"
        for page in query.pages:
            built = built_site.path / page.replace(".md", ".html")
            assert built.is_file(), f"{query.text}: 期望的页面不存在：{page}"
    traditional = [q for q in queries if q.simplified]
    assert len(traditional) >= MIN_TRADITIONAL
    for query in traditional:
        assert query.simplified != query.text, f"{query.text} 的 simplified 应是简体写法"
    per_section = Counter(section_of(q) for q in queries)
    sections = {title for title in nav_sections().values() if title not in UNSEARCHED_SECTIONS}
    thin = {s: per_section[s] for s in sections if per_section[s] < MIN_PER_SECTION}
    assert thin == {}, f"这些导航栏目的查询少于 {MIN_PER_SECTION} 条，请补充：{thin}"
    texts = {q.text for q in queries}
    assert set(MUST_ANSWER) <= texts


def test_agents_find_the_answer_in_the_top_three(answers: dict[str, Any]) -> None:
    queries = load_queries()
    pages = ranked_pages(answers)
    lines, misses = recall_report(queries, pages)
    print("\n前 3 名命中率（recall@3）：\n" + "\n".join(lines))
    print("未命中：\n" + "\n".join(misses) if misses else "全部命中")
    overall = 1 - len(misses) / len(queries)
    assert overall >= MIN_RECALL, "\n".join(misses)
    by_section: dict[str, list[bool]] = {}
    for query in queries:
        hit = bool(set(query.pages) & set(pages[query.text][:TOP]))
        by_section.setdefault(section_of(query), []).append(hit)
    weak = {
        s: f"{sum(v)}/{len(v)}"
        for s, v in by_section.items()
        if sum(v) < MIN_SECTION_RECALL * len(v)
    }
    assert weak == {}, f"这些栏目命中率低于 {MIN_SECTION_RECALL:.0%}：{weak}\n" + "\n".join(misses)
    must = {q.text: q for q in queries}
    for text in MUST_ANSWER:
        assert set(must[text].pages) & set(pages[text][:TOP]), f"必须答出：{text}"


def test_a_buyers_question_finds_an_answer_page_first(answers: dict[str, Any]) -> None:
    """Not the training page that quotes it, not the tracker listing a ticket called so."""
    pages = ranked_pages(answers)
    buyers = [q for q in load_queries() if q.block in BUYER_BLOCKS]
    assert len([q for q in buyers if q.block == "buyer"]) >= 24
    wrong = [f"  [{q.block}] {q.text}：{pages[q.text][0]}" for q in buyers
             if not pages[q.text][0].startswith(ANSWER_PAGES)]
    print(f"\n第一名是回复、话术、流程或产品页：{len(buyers) - len(wrong)}/{len(buyers)}")
    assert not [w for w in wrong if "[buyer]" in w], "\n".join(wrong)
    assert len(wrong) <= len(buyers) // 10, "\n".join(wrong)


def test_the_count_is_the_pages_that_hold_the_query(answers: dict[str, Any],
                                                     built_site: BuiltSite) -> None:
    """Material counts the results it gets: pages holding a pair of the query, not 30 always."""
    index = json.loads((built_site.path / "search" / "search_index.json").read_text("utf-8"))
    text: dict[str, str] = {}
    for doc in index["docs"]:
        path = doc["location"].split("#")[0]
        text[path] = text.get(path, "") + " ".join(
            [doc["title"], doc["text"], *doc.get("tags", []), doc.get("description", ""),
             doc.get("self_test", "")])
    results = {r["query"]: [group[0]["location"].split("#")[0] for group in r["items"]]
               for r in answers["results"]}
    invoice = results["专票"] + results["发票怎么开"]
    assert {p for p in invoice if p.startswith("replies/invoice/")}
    counts = {q: len(results[q]) for q in ("专票", "发票怎么开", "返修多久", "迟到扣多少钱")}
    assert len(set(counts.values())) > 1 and all(0 < n < 60 for n in counts.values()), counts
    for query in counts:
        pairs = {query[i:i + 2] for i in range(len(query) - 1)}
        loose = [p for p in results[query] if not any(pair in text[p] for pair in pairs)]
        assert loose == [], f"{query}：这些结果只含查询的单字：{loose}"


def test_training_self_tests_are_searched_but_never_shown_as_sections(
    built_site: BuiltSite,
) -> None:
    index = json.loads((built_site.path / "search" / "search_index.json").read_text("utf-8"))
    summary = re.compile(r'<details class="question">\s*<summary>(.*?)</summary>', re.S)
    checked = 0
    for page in sorted(built_site.path.glob("*/*.html")):
        path = page.relative_to(built_site.path).as_posix()
        questions = [re.sub(r"<[^>]+>", "", q) for q in summary.findall(page.read_text("utf-8"))]
        docs = [d for d in index["docs"] if d["location"].split("#")[0] == path]
        if not questions or not docs:
            continue
        shown = " ".join(d["title"] + d["text"] for d in docs)
        article = next(d for d in docs if "#" not in d["location"])
        if path.startswith("training/"):
            checked += 1
            assert not [q for q in questions if q in shown], path
            assert all(q in article["self_test"] for q in questions), path
        else:  # the guide's questions are answers: they stay in its sections
            assert all(q in shown for q in questions) and "self_test" not in article, path
    assert checked >= 5


def test_traditional_queries_find_what_their_simplified_form_finds(
    answers: dict[str, Any],
) -> None:
    pages = ranked_pages(answers)
    different = [
        f"  {q.text}：{pages[q.text][:TOP]}；{q.simplified}：{pages[q.simplified][:TOP]}"
        for q in load_queries()
        if q.simplified and pages[q.text][:TOP] != pages[q.simplified][:TOP]
    ]
    assert different == [], "繁体查询与简体写法的前 3 名不同：\n" + "\n".join(different)


def test_the_shipped_converter_is_opencc_t2s(node: str, built_site: BuiltSite) -> None:
    samples = {"怎麼送修": "怎么送修", "補卡要幾天內申請": "补卡要几天内申请", "發票": "发票"}
    reply = run_search(node, built_site.path, [], convert=list(samples))
    assert reply["converted"] == samples


def test_the_index_is_simplified_so_query_and_index_are_cut_alike(
    node: str, built_site: BuiltSite
) -> None:
    """The query goes through OpenCC, the index does not: OpenCC must leave the index as it is."""
    index = json.loads((built_site.path / "search" / "search_index.json").read_text("utf-8"))
    texts = [doc["title"] + "\n" + doc["text"] for doc in index["docs"]]
    reply = run_search(node, built_site.path, [], convert=texts)
    changed = [text[:40] for text in texts if reply["converted"][text] != text]
    assert changed == [], f"手册里有繁体字（应写简体）：{changed[:5]}"
    assert not any("\u200b" in text for text in texts), "索引里不应有分词插入的 U+200B"


def test_results_carry_no_missing_terms_and_mark_the_matched_words(
    answers: dict[str, Any],
) -> None:
    results = {r["query"]: r["items"] for r in answers["results"]}
    for query, items in results.items():
        for group in items:
            for doc in group:
                # Material shows a struck-through "缺少" line for every term that is false.
                assert all(doc["terms"].values()), f"{query}: {doc['location']} 有“缺少”的词"
    first = results["返修多久"][0][0]
    assert first["title"].startswith("<mark data-md-highlight>返修多久</mark>")
    assert "返修" in first["terms"] and "多久" not in first["terms"]  # not every 多久 on the page
    meals = results["吃饭"][0]  # found through the synonym dictionary: the page says 用餐
    assert any("<mark data-md-highlight>用餐</mark>" in doc["text"] for doc in meals)


def test_a_query_with_no_answer_suggests_tags_and_overview_pages(
    node: str, built_site: BuiltSite
) -> None:
    reply = run_search(node, built_site.path, ["停车位", "xyzzy"])
    near, nothing = (r["items"] for r in reply["results"])
    assert near[0][0]["location"] == "tags.html"
    assert "没有找到" in near[0][0]["title"]
    assert near[0][0]["tags"], "应推荐相近的标签"
    overview = [group[0]["location"] for group in near[1:]]
    assert {"rules/index.html", "processes/index.html", "replies/index.html"} <= set(overview)
    for location in overview:
        assert (built_site.path / location).is_file()
    assert nothing[0][0]["location"] == "tags.html" and nothing[0][0]["tags"] == []


def test_every_page_uses_the_sites_own_search_worker(built_site: BuiltSite) -> None:
    assert (built_site.path / WORKER).is_file()
    assert (built_site.path / "generated" / "assets" / "opencc" / "t2cn.js").is_file()
    for page in built_site.path.rglob("*.html"):
        if page.name == "404.html":
            continue  # its URLs start at the server's root
        html = page.read_text(encoding="utf-8")
        match = CONFIG.search(html)
        if match is None:
            continue  # e.g. a redirect page
        worker = json.loads(match.group(1))["search"]
        resolved = (page.parent / worker).resolve()
        assert resolved == (built_site.path / WORKER).resolve(), page.relative_to(built_site.path)
