"""The shipped handbook names no source company (issue 19): a department that adopts kefu keeps
these pages as its own, so the companies whose documents the handbook was written from appear only
in the about page's list of sources. Pages say {{ company.name }} / {{ company.short }} instead."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

SEEDS = Path(__file__).parent / "data" / "handbook" / "seeds"
# Companies (and the people and sites that published them) named in the seed documents.
NAMES = ("置富", "佰科", "益膳房", "王宝林", "爱华网", "aihuau", "book118", "中农嘉禾",
         "快乐视界", "HappyView")
TEXT = {".md", ".yml", ".yaml", ".html", ".js", ".css", ".txt", ".json"}
THEME = ROOT / "kefu" / "site" / "theme"  # the site's parts that come with the package
ABOUT = "docs/about/index.md"
SOURCES_HEADING = re.compile(r"^## 本手册的资料来源 \{#sources\}$", re.M)
def shipped_files() -> list[Path]:
    """What `kefu init` gives a department (kefu/department/shipped.txt), and the theme parts."""
    from kefu.department.content import shipped

    found = [ROOT / rel for rel in shipped(ROOT) if Path(rel).suffix in TEXT]
    found += [p for p in THEME.rglob("*") if p.is_file() and p.suffix in TEXT]
    return sorted(found)


def mentions(text: str) -> list[str]:
    return [name for name in NAMES if name.lower() in text.lower()]


def test_every_name_is_one_the_seeds_really_use() -> None:
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
    assert [name for name in NAMES if name not in seeds] == []


def test_no_shipped_file_names_a_source_company() -> None:
    files = shipped_files()
    assert len(files) > 150 and ROOT / ABOUT in files
    found = []
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if rel == ABOUT:
                continue
            found += [f"{rel}:{number}: {name}" for name in mentions(line)]
    assert found == [], "只有部门介绍的“资料来源”一节可以写出资料来源的公司名称；" \
        "其他地方写 {{ company.name }}（全称）或 {{ company.short }}（简称）：\n" + "\n".join(found)


def test_the_about_page_names_them_only_in_its_list_of_sources() -> None:
    text = (ROOT / ABOUT).read_text(encoding="utf-8")
    heading = SOURCES_HEADING.search(text)
    assert heading is not None, "部门介绍页没有“本手册的资料来源”一节"
    before, sources = text[: heading.start()], text[heading.start():]
    assert mentions(before) == []
    assert {"置富", "益膳房"} <= set(mentions(sources))


def test_the_check_catches_a_name_in_any_case() -> None:
    assert mentions("我是置富科技客服部的") == ["置富"]
    assert mentions("见 BOOK118 文档") == ["book118"]
    assert mentions("我是{{ company.short }}客服部的") == []
