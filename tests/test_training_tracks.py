"""A training track for every post (issue 23): each role page's duties are tested by a self-check
question of that post's track (tests/data/handbook/training-duties.yml), and every track has
enough questions, is in the navigation and is linked from the training overview."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, handbook_page

DOCS = ROOT / "docs"
DUTIES = Path(__file__).parent / "data" / "handbook" / "training-duties.yml"
QUESTION = re.compile(r'^\?\?\? question "(.+)"\n((?:    .*\n|\n)*)', re.M)
DUTY = re.compile(r"^(\d+)\. ", re.M)


@cache
def table() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DUTIES.read_text(encoding="utf-8"))
    return data


def roles() -> dict[str, Any]:
    return {k: v for k, v in table().items() if k.startswith("roles/")}


def questions(page: str) -> dict[str, str]:
    """Question title -> its answer, on a page under docs/ (as the site shows it)."""
    text = handbook_page(DOCS / page)
    return {title: body for title, body in QUESTION.findall(text)}


def duty_numbers(page: str) -> list[int]:
    text = handbook_page(DOCS / page)
    section = text.split("## 主要职责", 1)[1].split("\n## ", 1)[0]
    return [int(n) for n in DUTY.findall(section)]


def test_every_post_has_a_track() -> None:
    posts = {f"roles/{p.name}" for p in (DOCS / "roles").glob("*.md") if p.name != "index.md"}
    assert set(roles()) == posts, "每个岗位（docs/roles/ 下的页面）都要有岗位培训"
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    overview = (DOCS / "training" / "index.md").read_text(encoding="utf-8")
    for entry in roles().values():
        track = entry["track"]
        assert f": {track}\n" in nav, f"{track} 不在 mkdocs.yml 的导航里"
        assert f"]({track.removeprefix('training/')})" in overview, f"培训总览没有链接 {track}"


@pytest.mark.parametrize("role", sorted(roles()))
def test_every_duty_of_the_post_has_a_self_check(role: str) -> None:
    entry = roles()[role]
    numbers = duty_numbers(role)
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5, role
    mapped = entry["duties"]
    missing = [n for n in numbers if n not in mapped]
    assert missing == [], f"{role} 第 {missing} 项职责在 {entry['track']} 没有对应的自测题" \
        "（在 tests/data/handbook/training-duties.yml 写上题目）"
    assert sorted(mapped) == numbers, f"{role} 没有第 {sorted(set(mapped) - set(numbers))} 项职责"
    asked = questions(entry["track"])
    assert len(asked) >= 5, f"{entry['track']} 只有 {len(asked)} 道自测题"
    gone = {n: title for n, title in mapped.items() if title not in asked}
    assert gone == {}, f"{entry['track']} 没有这些自测题：{gone}"
    assert all(body.strip() for body in asked.values()), "每道自测题都要有答案"


@pytest.mark.parametrize("page", sorted(table()["topics"]))
def test_the_duties_once_never_tested_are_asked(page: str) -> None:
    blocks = "\n".join(f"{title}\n{body}" for title, body in questions(page).items())
    blocks = re.sub(r"\s+", " ", blocks)
    assert [w for w in table()["topics"][page] if w not in blocks] == [], page
