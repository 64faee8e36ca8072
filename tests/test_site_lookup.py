"""Lookup pages in the site's search: tickets found by id, dealer and product, a dealer's page by
its company or number, the dealer directory and the open-work lists, in their own scope.

The site here is built from the handbook and the records of tests/data/site/lookup/ (a small
department of its own: three dealers, six tickets), never from this repository's records/.
Its queries are the lookup block of tests/data/site/search_queries.yml.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT
from playwright.sync_api import Browser
from test_site_search import ANSWER_PAGES, load_queries, ranked_pages, run_search

RECORDS = ROOT / "tests" / "data" / "site" / "lookup" / "records"
TODAY = dt.date(2026, 11, 20)
TICKETS = "generated/tickets/"
DEALERS = "generated/dealers/"
# every lookup page of the site: tickets, dealers, the directory, the open-work lists
LOOKUP = (TICKETS, DEALERS, "generated/dealers.md", "generated/open-work/")


@pytest.fixture(scope="module")
def lookup_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A department made by `kefu init` holding the fixture's records, built as `kefu site build`
    builds it."""
    from conftest import make_department

    from kefu import site
    from kefu.workspace import Workspace

    root = make_department(tmp_path_factory.mktemp("lookup") / "department")
    shutil.copytree(RECORDS, root / "records", dirs_exist_ok=True)
    return site.build(Workspace(root, TODAY), root / "site")


@pytest.fixture(scope="module")
def lookups(node: str, lookup_site: Path) -> dict[str, Any]:
    queries = load_queries(lookup=True) + load_queries()
    texts = {q.text for q in queries} | {q.simplified for q in queries if q.simplified}
    return run_search(node, lookup_site, sorted(t for t in texts if t))


def _tickets(site: Path) -> dict[str, dict[str, Any]]:
    """Ticket page (as in the query file) -> its record as it stands (folded with its events),
    from the fixture."""
    from kefu.records import load

    loaded = load(RECORDS.parent, use_cache=False)  # no index written into tests/data
    return {f"{TICKETS}{r.id}.md": r.data for r in loaded.of_kind("ticket")}


def _dealers() -> dict[str, dict[str, Any]]:
    """Dealer page (as in the query file) -> its record, from the fixture."""
    records = (yaml.safe_load(p.read_text("utf-8")) for p in RECORDS.glob("dealers/*.yml"))
    return {f"{DEALERS}{r['id']}.md": r for r in records}


def test_lookup_queries_find_their_tickets_before_the_handbook(
    lookups: dict[str, Any], lookup_site: Path
) -> None:
    queries = load_queries(lookup=True)
    assert len(queries) >= 10 and {q.text for q in queries} >= {"远航电子", "D-0002", "ZF-U8"}
    known = set(_tickets(lookup_site)) | set(_dealers()) | {
        "generated/dealers.md", "generated/open-work/by-owner.md",
        "generated/open-work/by-dealer.md"}
    pages = ranked_pages(lookups)
    wrong = []
    for query in queries:
        assert set(query.pages) <= known, f"{query.text}：期望的页面不在测试数据建的站点里"
        first = pages[query.text][:len(query.pages)]
        if set(first) != set(query.pages):
            wrong.append(f"  {query.text}：期望 {sorted(query.pages)}，前几名是 {first}")
        if query.simplified:
            assert pages[query.text][:3] == pages[query.simplified][:3], query.text
    assert wrong == [], "\n".join(wrong)
    # a dealer's name finds its page and its tickets, then the handbook pages that share a
    # word (电子发票), not the other dealers or their tickets
    far = pages["远航电子"][3:]
    assert far and not [p for p in far if p.startswith(LOOKUP)]


def test_no_handbook_query_loses_rank_to_a_lookup_page(lookups: dict[str, Any]) -> None:
    """A lookup page (a ticket, a dealer, the directory, an open-work list) comes after every
    handbook result of a handbook query, if at all."""
    pages = ranked_pages(lookups)
    ahead = []
    for query in load_queries():
        ranked = pages[query.text]
        lookup = [i for i, p in enumerate(ranked) if p.startswith(LOOKUP)]
        book = [i for i, p in enumerate(ranked) if not p.startswith(LOOKUP)]
        if lookup and book and min(lookup) < max(book):
            ahead.append(f"  {query.text}：{ranked[:6]}")
    assert ahead == [], "\n".join(ahead)
    # shown after the handbook: tickets holding most of the query, not every one saying 工单
    assert not [p for p in pages["怎么登记工单"] if p.startswith(TICKETS)]


def test_a_ticket_titled_like_a_buyers_question_comes_after_the_reply(
    node: str, lookup_site: Path
) -> None:
    """The tracker and the ticket page both say 新买硬盘有异响; the reply still leads."""
    tracker = (lookup_site / "generated" / "tracker.html").read_text("utf-8")
    assert "新买硬盘有异响" in tracker  # the overdue DOA is listed there
    queries = ["新买硬盘有异响", "硬盘有异响", "代理商要求赔偿数据损失"]
    pages = ranked_pages(run_search(node, lookup_site, queries))
    for query in queries:
        assert pages[query][0].startswith(ANSWER_PAGES), (query, pages[query][:3])
        assert "generated/tracker.md" not in pages[query][:2], (query, pages[query][:3])
    ticket = f"{TICKETS}T-20261105-yh02.md"
    assert ticket in pages["新买硬盘有异响"] and pages["新买硬盘有异响"].index(ticket) >= 3


def test_a_lookup_result_shows_the_tickets_summary(node: str, lookup_site: Path) -> None:
    reply = run_search(node, lookup_site, ["yh01"])
    [item] = reply["results"][0]["items"][0]  # the ticket, then the tracker listing it
    record = _tickets(lookup_site)[f"{TICKETS}T-20261102-yh01.md"]
    assert item["location"] == "generated/tickets/T-20261102-yh01.html"
    assert re.sub(r"<[^>]+>", "", item["title"]) == f"工单 {record['id']}"
    text = re.sub(r"<[^>]+>", "", item["text"])
    dealer = "远航电子商行（D-0002）"
    assert text == f"{record['title']} · 返修 · 处理中 · {dealer} · {record['product']}"
    # Material's search read the page's top alone; the page itself is whole
    page = (lookup_site / "generated/tickets/T-20261102-yh01.html").read_text("utf-8")
    assert all(f">{heading}<" in page for heading in ("时限", "事件记录", "可打印的表单"))
    assert page.count("<table>") == 3


def test_a_dealer_result_shows_its_region_state_and_open_tickets(node: str,
                                                                 lookup_site: Path) -> None:
    reply = run_search(node, lookup_site, ["D-0003"])
    item = reply["results"][0]["items"][0][0]
    dealer = _dealers()[f"{DEALERS}D-0003.md"]
    still_open = [t for t in _tickets(lookup_site).values()
                  if t.get("dealer") == "D-0003" and t["status"] != "closed"]
    assert item["location"] == "generated/dealers/D-0003.html"
    assert re.sub(r"<[^>]+>", "", item["title"]) == f"代理商 {dealer['company']}（D-0003）"
    assert re.sub(r"<[^>]+>", "", item["text"]) == (
        f"{dealer['company']}（D-0003） · {dealer['region']} · 合作中 · "
        f"未结工单 {len(still_open)} 张")


def test_lookup_pages_in_search_carry_no_personal_data(lookup_site: Path) -> None:
    index = (lookup_site / "search" / "search_index.json").read_text("utf-8")
    docs = json.loads(index)["docs"]
    assert len([d for d in docs if d["location"].startswith(TICKETS)]) == len(_tickets(lookup_site))
    assert len([d for d in docs if d["location"].startswith(DEALERS)]) == len(_dealers())
    people = [yaml.safe_load(p.read_text("utf-8")) for p in RECORDS.glob("*/*.yml")]
    secrets = [r["customer"] for r in _tickets(lookup_site).values() if "customer" in r]
    secrets += [p[k] for p in people for k in ("contact", "phone", "email", "address",
                                                 "id_number") if k in p]
    assert len(secrets) >= 9
    generated = lookup_site / "generated"
    pages = [*(generated / "tickets").glob("*"), *(generated / "dealers").glob("*"),
             generated / "dealers.html", *(generated / "open-work").glob("*")]
    assert len(pages) >= len(_tickets(lookup_site)) + len(_dealers()) + 3
    leaked = [s for s in secrets if s in index]
    leaked += [s for s in secrets for page in pages if s in page.read_text("utf-8")]
    assert leaked == []


def test_the_result_panel_lists_a_dealer_and_its_tickets_first(
    chromium: Browser, lookup_site: Path
) -> None:
    page = chromium.new_page()
    try:
        page.goto(lookup_site.as_uri() + "/index.html")
        box = page.locator("input.md-search__input")
        box.click()
        page.keyboard.insert_text("遠航電子")
        page.locator(".md-search-result__item").first.wait_for(timeout=20_000)
        titles = page.locator(".md-search-result__item h1").all_inner_texts()
        assert titles[0] == "代理商 远航电子商行（D-0002）"
        assert sorted(titles[1:3]) == ["工单 T-20261102-yh01", "工单 T-20261105-yh02"]
        assert not [t for t in titles[3:] if t.startswith(("工单", "代理商 "))]
        count = int(page.locator(".md-search-result__meta").inner_text().split(" ")[0])
        assert count == len(titles) or count > 10
    finally:
        page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_directory_and_open_work_fit_a_desk_and_a_phone(chromium: Browser, lookup_site: Path,
                                                            width: int) -> None:
    """The page never scrolls sideways: a table wider than a phone scrolls in its own frame,
    its first column (the dealer's number, the ticket) kept in view; at 1280 px it fits."""
    page = chromium.new_page(viewport={"width": width, "height": 900})
    try:
        for name in ("dealers.html", "open-work/by-owner.html", "dealers/D-0002.html"):
            page.goto(f"{lookup_site.as_uri()}/generated/{name}")
            sizes = page.evaluate("""() => ({
                page: document.documentElement.scrollWidth,
                frames: [...document.querySelectorAll('.md-typeset__scrollwrap')]
                    .map((f) => [f.scrollWidth, f.clientWidth]),
                first: getComputedStyle(document.querySelector(
                    '.kefu-report table td:first-child')).position})""")
            assert sizes["page"] <= width, (name, sizes)
            assert sizes["frames"] and sizes["first"] == "sticky", (name, sizes)
            if width == 1280:
                assert all(scroll <= client for scroll, client in sizes["frames"]), (name, sizes)
        page.goto(f"{lookup_site.as_uri()}/generated/dealers.html")
        text = page.locator("article").inner_text()
        assert "远航电子商行" in text and "售后主管" in text and "岑若溪" not in text
    finally:
        page.close()
