"""kefu/site/search_index.py alone: the synonym dictionary and the index it shapes."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import ROOT, load_hook
from mkdocs.exceptions import PluginError

search_index = load_hook("search_index")


def test_synonym_dictionary_problems_name_the_line(tmp_path: Path) -> None:
    good, problems = search_index.read_synonyms(ROOT / "docs" / "assets" / "search_synonyms.yml")
    assert problems == [] and good["用餐"][0] == "吃饭"
    bad = tmp_path / "synonyms.yml"
    bad.write_text(
        "用餐: [吃饭, 午饭]\n"
        "补卡: 补打卡\n"  # not a list
        "用餐: [饭点]\n"  # the same handbook word twice
        "考勤: [午饭]\n"  # a word already listed under 用餐
        "罚款: [罚款]\n",  # the same as its handbook word
        encoding="utf-8",
    )
    _, problems = search_index.read_synonyms(bad)
    assert [p.split(": [")[0].split(":")[1] for p in problems] == ["2", "3", "4", "5"]
    assert all(f"[{search_index.SLUG}]" in p and str(bad) in p for p in problems)
    broken = tmp_path / "broken.yml"
    broken.write_text("用餐: [吃饭\n", encoding="utf-8")
    _, problems = search_index.read_synonyms(broken)
    assert len(problems) == 1 and "YAML" in problems[0]


def test_a_synonym_no_page_contains_fails_the_build() -> None:
    index = {"config": {}, "docs": [{"location": "a.html", "title": "用餐", "text": "<p>轮流</p>"}]}
    site = search_index.Site(synonyms={"用餐": ["吃饭"], "打印机": ["打印"]}, tags_url="tags.html")
    shaped, unused = search_index.shape_index(index, site)
    assert unused == ["打印机"]
    assert ["吃饭", "用餐", False] in shaped["config"]["kefu"]["synonyms"]


def test_a_synonym_only_the_records_contain_still_fails_the_build() -> None:
    """A department's own tickets come and go: only handwritten pages vouch for a synonym."""
    ticket = {"location": "generated/tickets/T-1.html", "title": "网络存储无法开机", "text": ""}
    index = {"config": {}, "docs": [{"location": "a.html", "title": "用餐", "text": ""}, ticket]}
    site = search_index.Site(synonyms={"用餐": ["吃饭"], "网络": ["网路"]},
                             descriptions={"generated/tracker.html": "网络"})
    _, unused = search_index.shape_index(index, site)
    assert unused == ["网络"]


def test_the_index_carries_text_weights_self_tests_and_lookup_pages() -> None:
    docs = [
        {"location": "training/day1.html", "title": "第一天", "text": "<p>阅读</p>"},
        {"location": "training/day1.html#quiz", "title": "每日自测", "text": ""},
        {"location": "generated/tracker.html", "title": "工单看板", "text": "<p>硬盘</p>"},
        {"location": "replies/a.html", "title": "坏了怎么送修", "text": "<p>送修</p>"},
        {"location": "generated/tickets/T-1.html", "title": "工单 T-1", "text": "<p>远航</p>"},
        {"location": "generated/tickets/T-1.html#events", "title": "事件记录", "text": "受理"},
    ]
    site = search_index.Site(
        self_tests={"training/day1.html": "忘记打卡怎么办？ 3 日内补卡。"},
        lookup={"generated/tickets/T-1.html": {"summary": "硬盘异响", "keys": ["t1", "d0002"]}},
    )
    shaped, _ = search_index.shape_index({"config": {}, "docs": docs}, site)
    by = {doc["location"]: doc for doc in shaped["docs"]}
    assert by["training/day1.html"]["self_test"] == "忘记打卡怎么办？ 3 日内补卡。"
    assert by["training/day1.html"]["text_weight"] < 1 and "self_test" not in by["replies/a.html"]
    assert by["generated/tracker.html"]["text_weight"] < 1
    assert "text_weight" not in by["replies/a.html"]
    # a lookup page is its top only, marked with its scope, summary and keys
    assert "generated/tickets/T-1.html#events" not in by
    assert by["generated/tickets/T-1.html"] | {} == {
        **docs[4], "scope": "lookup", "summary": "硬盘异响", "keys": ["t1", "d0002"]}


def test_materials_search_reads_a_lookup_pages_top_only_and_gets_nothing_else_cut() -> None:
    """Material's search parses a lookup page's top alone (the index keeps nothing else of it);
    the whole page is handed back for its template; a handbook page is never cut."""
    content = '<h1 id="t">工单 T-1</h1>\n<table><tr><td>类型</td></tr></table>\n' \
        '<h2 id="_1">事件记录</h2>\n<table><tr><td>受理</td></tr></table>'
    lookup = SimpleNamespace(meta={"search": {"scope": "lookup"}}, content=content)
    assert search_index.top_for_search(lookup) == content
    assert lookup.content == content.split("<h2")[0] and "受理" not in lookup.content
    for meta in ({}, {"search": {"boost": 2}}, {"search": "lookup"}):
        page = SimpleNamespace(meta=meta, content=content)
        assert search_index.top_for_search(page) is None and page.content == content


@pytest.mark.parametrize("search", [
    {"scope": "tickets"}, {"scope": "lookup", "keys": "T-1"}, {"scope": "lookup", "summary": 3},
])
def test_a_wrong_search_scope_in_front_matter_names_the_page(search: dict[str, Any]) -> None:
    page = SimpleNamespace(meta={"search": search}, url="x.html",
                           file=SimpleNamespace(src_uri="generated/x.md"))
    with pytest.raises(PluginError, match="docs/generated/x.md.*search"):
        search_index.on_page_context({}, page, None, None)  # type: ignore[arg-type]


def test_lookup_keys_are_compared_as_letters_and_digits() -> None:
    facts = search_index.lookup_facts("t.md", {"summary": " 硬盘\n异响 ",
                                               "keys": ["T-20261015-fff6", "ＺＦ-U8 U盘", 2]})
    assert facts == {"summary": "硬盘 异响", "keys": ["t20261015fff6", "zfu8u盘", "2"]}
