"""The handbook's Markdown checked against its sources of truth: the deadline rules of
records/sla.yml, the reply conventions, and phrases the seed documents contradict."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
import yaml
from conftest import ROOT

from kefu.sla import Rules, load_rules

DOCS = ROOT / "docs"
PHRASES = ROOT / "tests" / "data" / "handbook" / "phrases.yml"
AUDIENCES = ("代理商", "网店买家", "公司同事")
# N 个工作日 (Arabic or Chinese numerals); 第 N 个 is an ordinal in an example,
# 下一个 is "the next".
WORKING_DAYS = re.compile(r"(?<!第)(?<!第 )(?<![下\d])(\d+|[一二两三四五六七八九十]+) ?个工作日")
CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                  "八": 8, "九": 9, "十": 10}
RULE_LINK = re.compile(r"\[([^\]]+)\]\(([^)]*?)generated/deadlines\.md#([^)]+)\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
TEXT_BLOCK = re.compile(r"^```text\n(.*?)^```", re.M | re.S)
BLANK = re.compile(r"【([^【】\n]*)】")
# Placeholders written before the 【】 convention: （日期）, （单号）, X 总, XX, ××, （X）.
OLD_PLACEHOLDER = re.compile(
    r"（(说明|提出|填写|把)[^）]*）|（[^）]{0,6}(日期|单号|型号|原因|措施|节点|进展|部门)）"
    r"|X ?总|XX|××|（X）"
)


@dataclass(frozen=True)
class Page:
    path: str  # relative to docs/
    meta: dict[str, Any]
    body: str


@cache
def pages() -> tuple[Page, ...]:
    """Every hand-written page (docs/generated/ is written by kefu)."""
    found = []
    for file in sorted(DOCS.rglob("*.md")):
        rel = file.relative_to(DOCS).as_posix()
        if rel.startswith("generated/"):
            continue
        text = file.read_text(encoding="utf-8")
        meta: dict[str, Any] = {}
        if text.startswith("---\n"):
            end = text.index("\n---\n", 4)
            meta = yaml.safe_load(text[4:end]) or {}
            text = text[end + 5 :]
        found.append(Page(rel, meta, text))
    return tuple(found)


@cache
def rules() -> Rules:
    return load_rules(ROOT)


def replies() -> list[Page]:
    return [p for p in pages() if p.path.startswith("replies/") and not p.path.endswith("index.md")]


def number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    tens, _, ones = text.partition("十")
    if "十" in text:
        return CHINESE_DIGITS.get(tens, 1) * 10 + CHINESE_DIGITS.get(ones, 0)
    return CHINESE_DIGITS[text]


def prose(body: str) -> str:
    """The page without code blocks, `kefu ...` commands and link targets."""
    text = FENCE.sub("", body)
    text = re.sub(r"`kefu [^`]*`", "", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def test_pages_cite_the_rules_whose_working_days_they_state() -> None:
    problems = []
    for page in pages():
        stated = sorted({number(m) for m in WORKING_DAYS.findall(page.body)})
        cited = page.meta.get("sla") or []
        unknown = [rid for rid in cited if rid not in rules()]
        if unknown:
            problems.append(f"{page.path}: front matter 的 sla 里有不存在的规则 {unknown}")
            continue
        if stated and not cited:
            problems.append(f"{page.path}: 写了 {stated} 个工作日，front matter 却没有 sla")
            continue
        terms = {rules()[rid].working_days for rid in cited}
        wrong = [n for n in stated if n not in terms]
        if wrong:
            problems.append(
                f"{page.path}: 写了 {wrong} 个工作日，所引规则 {cited} 的时限是 "
                f"{sorted(t for t in terms if t)} 个工作日"
            )
    assert problems == []


def test_the_working_day_check_reads_numbers_the_way_pages_write_them() -> None:
    found = WORKING_DAYS.findall(
        "2 个工作日内；七个工作日；第 2 个工作日；第3个工作日；下一个工作日；十二个工作日"
    )
    assert [number(n) for n in found] == [2, 7, 12]


def test_rules_are_named_by_title_and_linked_to_their_section() -> None:
    problems = []
    for page in pages():
        cited = set(page.meta.get("sla") or [])
        for text, _, rid in RULE_LINK.findall(page.body):
            if rid not in rules():
                problems.append(f"{page.path}: 链接到不存在的规则 #{rid}")
            elif text.strip("*") != rules()[rid].title:
                title = rules()[rid].title
                problems.append(f"{page.path}: 规则 {rid} 应写作“{title}”，不是“{text}”")
            elif rid not in cited:
                problems.append(f"{page.path}: 链接了规则 {rid}，front matter 的 sla 里要列出它")
    assert problems == []


def test_pages_do_not_name_rules_by_their_ids() -> None:
    ids = re.compile("|".join(re.escape(rid) for rid in rules()))
    problems = [
        f"{page.path}: {found}" for page in pages() for found in ids.findall(prose(page.body))
    ]
    assert problems == [], "正文里用规则标题链接到时限规则页，不要写规则编号（命令里除外）"


def test_replies_say_whom_they_are_for() -> None:
    problems = []
    for page in replies():
        audience = page.meta.get("audience") or []
        if not audience or set(audience) - set(AUDIENCES):
            problems.append(f"{page.path}: audience 应取自 {AUDIENCES}，现在是 {audience}")
            continue
        line = next((ln for ln in page.body.splitlines() if ln.startswith("适用：")), "")
        missing = [a for a in audience if a not in line]
        if missing:
            problems.append(f"{page.path}: “适用：”一行没有写明对象 {missing}")
    assert problems == []


def test_replies_to_dealers_never_say_qin() -> None:
    bad = [
        page.path
        for page in replies()
        if "代理商" in page.meta.get("audience", [])
        and any("亲" in block for block in TEXT_BLOCK.findall(page.body))
    ]
    assert bad == [], "给代理商的回复称“【姓氏】总”或“您”，不用“亲”"


def test_replies_for_shop_buyers_promise_no_dealer_deadline() -> None:
    # Every rule in records/sla.yml belongs to the dealer and hotline processes of the 2012
    # manual; the shop's own process has none, so a buyer-only reply states no working days.
    bad = [
        page.path
        for page in replies()
        if page.meta.get("audience") == ["网店买家"]
        and (page.meta.get("sla") or WORKING_DAYS.search(page.body))
    ]
    assert bad == []


def test_blanks_in_replies_use_one_convention() -> None:
    problems = []
    blanks = 0
    for page in pages():
        for block in TEXT_BLOCK.findall(page.body):
            for old in OLD_PLACEHOLDER.finditer(block):
                problems.append(f"{page.path}: 旧式占位符 {old.group(0)}，改写成【标签】")
            for label in BLANK.findall(block):
                blanks += 1
                if not 1 <= len(label.strip()) <= 20:
                    problems.append(f"{page.path}: 空白标签应为 1–20 个字：【{label}】")
            if block.count("【") != block.count("】"):
                problems.append(f"{page.path}: 【】不成对")
    assert problems == []
    assert blanks >= 20, "回复里的空白太少：检查【】写法是否被改掉了"


def test_the_old_placeholder_pattern_catches_what_it_should() -> None:
    caught = ["（日期）", "（单号）", "X 总", "XX", "（X）", "（说明原因）", "（把要求写在这里）"]
    kept = ["（台湾返修除外）", "（税号）", "【日期】", "（比如电脑或相机的型号）"]
    assert all(OLD_PLACEHOLDER.search(t) for t in caught)
    assert not any(OLD_PLACEHOLDER.search(t) for t in kept)


def _phrases() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = yaml.safe_load(PHRASES.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("entry", _phrases(), ids=lambda e: str(e["phrase"]))
def test_no_page_says_what_the_seeds_contradict(entry: dict[str, Any]) -> None:
    pattern = re.compile(entry["phrase"] if entry.get("regex") else re.escape(entry["phrase"]))
    allowed = set(entry.get("except", []))
    found = [
        f"{page.path}: {m.group(0)}"
        for page in pages()
        if page.path not in allowed
        for m in pattern.finditer(page.body)
    ]
    assert found == [], entry["why"]


def links(page: Page) -> set[str]:
    """Targets of the page's Markdown links, as paths under docs/ (anchors dropped)."""
    base = (DOCS / page.path).parent
    found = set()
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.body):
        if "://" not in target:
            found.add((base / target).resolve().relative_to(DOCS.resolve()).as_posix())
    return found


def test_pages_that_send_agents_to_the_warranty_terms_link_the_warranty_page() -> None:
    warranty = "products/warranty.md"
    bad = [
        page.path
        for page in pages()
        if "保固条例" in prose(page.body) and page.path != warranty and warranty not in links(page)
    ]
    assert bad == []


def test_the_warranty_page_marks_where_the_company_terms_go() -> None:
    page = next(p for p in pages() if p.path == "products/warranty.md")
    assert '!!! warning "待补充' in page.body
    assert "公司保固条例" in page.body


def _declared_notes(body: str) -> int:
    return body.count('!!! note "本手册采用的规则"')


@pytest.mark.parametrize(
    "path",
    [
        "replies/repair-warranty/repair-freight.md",
        "replies/returns/complete-parts.md",
        "replies/returns/refund-after-return.md",
        "replies/invoice/index.md",
        "processes/complaints.md",
        "processes/doa.md",
        "rules/weekly-plan.md",
        "about/index.md",
    ],
)
def test_pages_with_policies_of_their_own_declare_them(path: str) -> None:
    page = next(p for p in pages() if p.path == path)
    assert _declared_notes(page.body) >= 1


def test_every_invoice_reply_declares_that_no_seed_covers_invoices() -> None:
    invoice = [p for p in replies() if p.path.startswith("replies/invoice/")]
    assert invoice
    assert [p.path for p in invoice if not _declared_notes(p.body)] == []
