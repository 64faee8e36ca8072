"""The table of seed facts (tests/data/handbook/seed-facts.yml): each fact quotes a line of a seed
document and names the handbook page, rules file or form that states it, with the words that must
stand there. A later edit that drops or changes one of those words fails here, naming the fact."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, handbook_page

DATA = Path(__file__).parent / "data" / "handbook"
SEEDS = DATA / "seeds"
FACTS = DATA / "seed-facts.yml"
# Where a fact may be stated: the handbook, the rules files, the forms.
TARGETS = ("docs/", "records/staff-rules.yml", "records/sla.yml", "records/kpi.yml", "forms/")
KEYS = {"id", "seed", "line", "quote", "target", "words"}


def normal(text: str) -> str:
    """Whitespace runs (line breaks and indentation included) as one space."""
    return re.sub(r"\s+", " ", text).strip()


@cache
def seed_lines(prefix: str) -> tuple[str, ...]:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return tuple(path.read_text(encoding="utf-8").splitlines())


@cache
def target_text(rel: str) -> str:
    """A handbook page as the sample department's site shows it (a fact the handbook says of
    `{{ department.name }}` is said of 客服部 here); a form's template as written."""
    if rel.startswith("docs/"):
        return normal(handbook_page(ROOT / rel))
    return normal((ROOT / rel).read_text(encoding="utf-8"))


def facts() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    return data


def words_of(fact: dict[str, Any]) -> list[str]:
    words = fact["words"]
    return [words] if isinstance(words, str) else list(words)


def test_the_table_is_large_well_formed_and_covers_every_seed() -> None:
    table = facts()
    assert len(table) >= 150, f"对照表只有 {len(table)} 条，至少要 150 条"
    bad = [f.get("id") for f in table if set(f) != KEYS]
    assert bad == [], f"这些条目的字段不是 {sorted(KEYS)}：{bad}"
    ids = [f["id"] for f in table]
    assert len(ids) == len(set(ids)), "条目编号重复：" + ", ".join(
        sorted({i for i in ids if ids.count(i) > 1}))
    assert {f["seed"] for f in table} == {p.name[:3] for p in SEEDS.glob("*.txt")}
    outside = [f["id"] for f in table if not str(f["target"]).startswith(TARGETS)]
    assert outside == [], f"target 要在 {TARGETS} 之中：{outside}"


@pytest.mark.parametrize("fact", facts(), ids=lambda f: str(f["id"]))
def test_the_seed_says_it_and_the_handbook_still_does(fact: dict[str, Any]) -> None:
    where = f"资料 {fact['seed']}:{fact['line']}"
    lines = seed_lines(fact["seed"])
    assert 1 <= fact["line"] <= len(lines), f"{fact['id']}：{where} 超出了资料的行数"
    assert normal(fact["quote"]) in normal(lines[fact["line"] - 1]), (
        f"{fact['id']}：{where} 这一行里没有“{fact['quote']}”")
    path = ROOT / fact["target"]
    assert path.is_file(), f"{fact['id']}：找不到 {fact['target']}"
    missing = [w for w in words_of(fact) if normal(w) not in target_text(fact["target"])]
    assert missing == [], (
        f"{fact['id']}：{fact['target']} 里不再写着 {missing}；"
        f"这条出自{where}：“{fact['quote']}”。改回原意，或在 seed-facts.yml 里改成新的说法")


def test_a_fact_that_was_undone_is_named() -> None:
    # the check itself: a changed word in the target is caught, with the fact's id in the message
    fact = {"id": "demo", "seed": "000", "line": 50, "quote": "客服人员用餐时间不可超过35分钟",
            "target": "docs/rules/office.md", "words": "每次不超过 35 分钟"}
    check = test_the_seed_says_it_and_the_handbook_still_does
    check(fact)
    with pytest.raises(AssertionError, match="demo：docs/rules/office.md 里不再写着"):
        check({**fact, "words": "每次不超过 45 分钟"})
    with pytest.raises(AssertionError, match="demo：资料 000:50 这一行里没有"):
        check({**fact, "quote": "用餐时间不可超过45分钟"})
