"""The site's dealer directory, dealer pages and open-work lists (kefu/site/dealers.py,
kefu/site/open_work.py), generated from tests/data/lookup/ (its README says what it holds) as of
2026-11-20. Deadlines are worked out by hand from records/sla.yml; the built pages and their
search are tested in tests/test_site_lookup.py."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, make_department, record_repo

from kefu.records import personal_values
from kefu.site import dealers, open_work
from kefu.workspace import Workspace

DATA = ROOT / "tests" / "data" / "lookup"
TODAY = dt.date(2026, 11, 20)


@pytest.fixture()
def pages(tmp_path: Path) -> tuple[Workspace, Path]:
    ws = Workspace(record_repo(DATA, tmp_path / "repo"), TODAY)
    out = ws.root / "docs" / "generated"
    (out / "dealers").mkdir(parents=True)
    (out / "dealers" / "D-9999.md").write_text("# 已删除的代理商\n", "utf-8")
    dealers.write_site_pages(ws, out)
    open_work.write_site_pages(ws, out)
    return ws, out


def front(page: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(page.split("---\n")[1])
    return data


def rows(page: str) -> list[list[str]]:
    """The cells of every table row of a Markdown page (header rows included)."""
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in page.splitlines()
            if line.startswith("| ") and not line.startswith("|---")]


def tickets_in(text: str) -> list[str]:
    """The ticket ids in `text`, each once (a link names its ticket twice), in order."""
    return list(dict.fromkeys(re.findall(r"T-\d{8}-[0-9a-z]{4}", text)))


def test_the_directory_lists_every_dealer_and_no_personal_value(pages: tuple[Workspace,
                                                                               Path]) -> None:
    ws, out = pages
    page = (out / "dealers.md").read_text("utf-8")
    assert front(page)["search"]["scope"] == "lookup"
    table = {re.sub(r"<[^>]+>|\[|\]\([^)]*\)", "", r[0]): r for r in rows(page)[1:]}
    loaded = ws.load()
    assert set(table) == {d.id for d in loaded.of_kind("dealer")}
    # active dealers first, by number; the one that stopped last
    assert list(table) == ["D-0001", "D-0002", "D-0010"]
    assert table["D-0001"][1:7] == ["星河数码科技有限公司", "华东·上海", "总经理",
                                    '<span class="kefu-when">2021-02-01</span>', "合作中",
                                    table["D-0001"][6]]
    assert table["D-0010"][3:6] == ["—", '<span class="kefu-when">2022-05-01</span>',
                                    "已停止合作"]
    # the open tickets, each linked to its page; the closed ones not at all
    assert tickets_in(table["D-0001"][6]) == ["T-20261105-aa02", "T-20261110-bb01"]
    assert "](tickets/T-20261110-bb01.md)" in table["D-0001"][6]
    assert table["D-0002"][6] == "—"
    secrets = personal_values(loaded)
    assert {"聂远帆", "139-0000-7001", "苗雨桐"} <= secrets
    written = [page, *(p.read_text("utf-8") for p in (out / "dealers").glob("*.md")),
               *(p.read_text("utf-8") for p in (out / "open-work").glob("*.md"))]
    assert [s for s in secrets for text in written if s in text] == []


def test_each_dealer_has_a_lookup_page_by_company_and_number(pages: tuple[Workspace,
                                                                          Path]) -> None:
    _, out = pages
    assert sorted(p.name for p in (out / "dealers").glob("*.md")) == [
        "D-0001.md", "D-0002.md", "D-0010.md"]  # the page of a dealer no longer on file goes
    page = (out / "dealers" / "D-0001.md").read_text("utf-8")
    search = front(page)["search"]
    assert search["keys"] == ["星河数码科技有限公司", "D-0001"]
    assert search["summary"] == ("星河数码科技有限公司（D-0001） · 华东·上海 · 合作中 · "
                                 "未结工单 2 张")
    still_open, closed = page.split("## 已结工单")
    assert tickets_in(still_open) == ["T-20261105-aa02", "T-20261110-bb01"]
    assert tickets_in(closed) == ["T-20261112-bb02"]
    assert "聂远帆" not in page and "联系人职务 | 总经理" in page


def test_open_work_lists_each_open_ticket_once_under_its_owner(pages: tuple[Workspace,
                                                                            Path]) -> None:
    _, out = pages
    page = (out / "open-work" / "by-owner.md").read_text("utf-8")
    assert front(page)["search"]["keys"][0] == "未办结工作"
    groups = dict(re.findall(r"^## ([^\n]+?) \{#owner-[a-z]+\}\n(.*?)(?=^## |\Z)", page,
                             re.S | re.M))
    assert list(groups) == ["王芳（wangfang）", "张敏（zhangmin）"]  # pinyin order
    # both of 王芳's are overdue: the one due first (bb01, 11-11 17:30) before cc01 (11-17)
    assert tickets_in(groups["王芳（wangfang）"]) == ["T-20261110-bb01", "T-20261116-cc01"]
    assert tickets_in(groups["张敏（zhangmin）"]) == ["T-20261105-aa02"]
    row = next(r for r in rows(page) if "T-20261105-aa02" in r[0])
    assert row[1:] == ["投诉", "代理商投诉发货错型号", "处理中",
                       '一般投诉答复：<span class="kefu-when">2026-11-09 17:30</span>，'
                       "**已超期 9 个工作日**", "[星河数码科技有限公司](../dealers/D-0001.md)"]
    assert "](../tickets/T-20261105-aa02.md)" in row[0]


def test_open_work_by_dealer_keeps_tickets_without_one_apart(pages: tuple[Workspace,
                                                                          Path]) -> None:
    _, out = pages
    page = (out / "open-work" / "by-dealer.md").read_text("utf-8")
    groups = dict(re.findall(r"^## ([^\n]+?) \{#dealer-[A-Za-z0-9-]+\}\n(.*?)(?=^## |\Z)", page,
                             re.S | re.M))
    assert list(groups) == ["星河数码科技有限公司（D-0001）", "不是代理商的工单"]
    # aa02 was due on 11-09, bb01 on 11-11: the one late longest first
    assert tickets_in(groups["星河数码科技有限公司（D-0001）"]) == [
        "T-20261105-aa02", "T-20261110-bb01"]
    assert tickets_in(groups["不是代理商的工单"]) == ["T-20261116-cc01"]
    assert "](../dealers/D-0001.md)" in groups["星河数码科技有限公司（D-0001）"]


def test_a_department_without_records_still_gets_its_pages(tmp_path: Path) -> None:
    ws = Workspace(make_department(tmp_path / "new"), TODAY)
    out = ws.root / "docs" / "generated"
    dealers.write_site_pages(ws, out)
    open_work.write_site_pages(ws, out)
    assert "还没有代理商档案" in (out / "dealers.md").read_text("utf-8")
    for name in ("by-owner.md", "by-dealer.md"):
        assert "现在没有未结案的工单" in (out / "open-work" / name).read_text("utf-8")
