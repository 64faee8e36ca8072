"""Print how long the handbook site takes to build, and a 3,000-page stress copy of it.

Figures only, not a test. The handbook is a department made by this checkout's `kefu init
--demo` (the shipped handbook and the sample records, pages as of the sample's moment), built in
a temporary folder. Targets on the 2-core reference machine: handbook <= 20 s,
stress copy <= 60 s. For both it also prints the search index's size and the time to the
first search result: in Node, through the worker the site ships (parse the index, build the
word index, answer one query), and in headless Chromium from file:// and from http (open the
home page, type a query, see the first result).

The stress copy is a copy of that department whose standard replies and process pages
(Chinese text, tags, Mermaid diagrams, relative links) are multiplied with small variations,
next to their originals so that their links stay valid, all listed in the navigation.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_corpus import COMPANY, this_code  # noqa: E402

from kefu import site  # noqa: E402
from kefu.workspace import Workspace  # noqa: E402

RUNNER = ROOT / "tests" / "site" / "site_search.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
QUERY = "返修多久"
PRODUCTS = ("移动硬盘", "固态硬盘", "U盘", "存储卡", "NAS 网络存储", "读卡器", "硬盘盒")
PLACES = ("北京", "上海", "广州", "成都", "武汉", "西安", "杭州", "沈阳", "昆明", "厦门")
SAMPLE_NOW = "2026-11-25T09:00:00+08:00"  # the moment the sample department is written for


def _timed(label: str, action: Any) -> float:
    """Run `action`; print wall time and this process's CPU time (steadier on a busy machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    action()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.1f} 秒（CPU {time.process_time() - cpu:.1f} 秒）", flush=True)
    return seconds


def _templates(docs: Path) -> list[Path]:
    """Reply and process pages to multiply (not section index pages)."""
    pages = [*docs.glob("replies/*/*.md"), *docs.glob("processes/*.md")]
    return sorted(p for p in pages if p.name != "index.md")


def _variant(text: str, number: int, rng: random.Random) -> str:
    """The page with another title, other product and place names and shuffled paragraphs."""
    product, place = rng.choice(PRODUCTS), rng.choice(PLACES)
    title = rf"# \1（{place}·{product}·{number:04d}）"
    text = re.sub(r"^# (.+)$", title, text, count=1, flags=re.M)
    head, _, body = text.partition("\n\n")
    paragraphs = body.split("\n\n")
    # Shuffle only plain prose paragraphs; fenced blocks, lists and admonitions stay in place.
    prose = [i for i, p in enumerate(paragraphs) if p and p[0] not in "`-*!>|#:<0123456789 "]
    shuffled = [paragraphs[i] for i in prose]
    rng.shuffle(shuffled)
    for i, paragraph in zip(prose, shuffled, strict=True):
        paragraphs[i] = paragraph
    extra = f"本页是第 {number} 号压力测试副本：{place}代理商咨询{product}的同类问题时参照处理。"
    return head + "\n\n" + "\n\n".join(paragraphs) + "\n\n" + extra + "\n"


def department(target: Path, demo: bool) -> Path:
    """A department made by this checkout's `kefu init` (with the sample records if `demo`)."""
    command = this_code().kefu("init", str(target), *COMPANY, "--no-git")
    done = subprocess.run(command + (["--demo"] if demo else []), capture_output=True, text=True,
                          check=False)
    if done.returncode:
        raise SystemExit(f"kefu init 失败：{done.stderr[-500:]}")
    return target


def make_stress_copy(source: Path, target: Path, pages: int, flat: bool = False) -> list[Any]:
    """Copy the department at `source` (pages generated) to `target`, add `pages` variant
    pages; return their nav."""
    shutil.copytree(source, target, symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".kefu-cache", "site"))
    docs = target / "docs"
    templates = _templates(docs)
    if not templates:
        raise SystemExit("docs/ 下没有标准回复或流程页面可供复制。")
    rng = random.Random(20260315)
    entries: list[str] = []
    for number in range(1, pages + 1):
        template = templates[number % len(templates)]
        page = template.with_name(f"{template.stem}--stress-{number:04d}.md")
        page.write_text(_variant(template.read_text(encoding="utf-8"), number, rng), "utf-8")
        entries.append(page.relative_to(docs).as_posix())
    if flat:  # for comparison: one level of 100-page sections
        return [{"压力测试": _nested_nav(entries, size=100, fan_out=len(entries))}]
    return [{"压力测试": _nested_nav(entries)}]


def _nested_nav(entries: list[str], size: int = 30, fan_out: int = 10) -> list[Any]:
    """Entries in sections of `size` pages, grouped `fan_out` to a level, like a real handbook.

    Flat sections are quadratic: with navigation.indexes, Material's nav-item.html checks
    every child of every section on every page, pruned or not (3,000 pages in sections of
    100: 3,000 checks per page, half the build time).
    """
    level: list[Any] = [
        {f"第 {n + 1} 节": entries[i : i + size]}
        for n, i in enumerate(range(0, len(entries), size))
    ]
    depth = 0
    while len(level) > fan_out:
        depth += 1
        level = [
            {f"第 {depth} 层第 {n + 1} 组": level[i : i + fan_out]}
            for n, i in enumerate(range(0, len(level), fan_out))
        ]
    return level


def _mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


@contextmanager
def _served(site: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _browser_seconds(base: str) -> float:
    """Open the home page, type QUERY into the search box, wait for the first result."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        start = time.perf_counter()
        page.goto(base + "index.html")
        box = page.locator("input.md-search__input")
        box.click()
        box.fill(QUERY)
        box.press("End")  # Material queries on a key event
        page.locator(".md-search-result__item").first.wait_for(timeout=120_000)
        seconds = time.perf_counter() - start
        browser.close()
    return seconds


def search_figures(label: str, site: Path, browser: bool = True) -> None:
    """Print the search index's size and the time to the first result."""
    index = site / "search" / "search_index.json"
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    pages = sum(1 for doc in docs if "#" not in doc["location"])
    script = index.with_suffix(".js")
    print(f"{label}搜索索引：{_mb(index)}（file:// 读取的 search_index.js {_mb(script)}），"
          f"{pages} 页、{len(docs)} 个段落", flush=True)
    done = subprocess.run(
        ["node", str(RUNNER), str(site)], input=json.dumps({"queries": [QUERY]}),
        capture_output=True, text=True, check=True,
    )
    step = json.loads(done.stdout)["timing"]
    total = step["parse_index"] + step["build_index"] + step["first_query"]
    print(f"{label}首个结果（Node，站点自带的搜索程序）：{total:.0f} 毫秒 = 解析索引 "
          f"{step['parse_index']:.0f} + 建词索引 {step['build_index']:.0f} + 查询 "
          f"{step['first_query']:.0f}", flush=True)
    if not browser or not Path(CHROMIUM).exists():
        print(f"{label}首个结果（Chromium）：跳过" + (f"，没有 {CHROMIUM}" if browser else ""))
        return
    from_disk = _browser_seconds(site.as_uri() + "/")
    with _served(site) as base:
        over_http = _browser_seconds(base)
    print(f"{label}首个结果（Chromium，打开首页、输入“{QUERY}”到出现结果）："
          f"file:// {from_disk:.1f} 秒，http {over_http:.1f} 秒", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000, help="压力副本的页面数（默认 3000）")
    parser.add_argument("--skip-handbook", action="store_true", help="只测压力副本")
    parser.add_argument("--flat", action="store_true", help="导航只分一层（每节 100 页），作对比")
    parser.add_argument("--no-demo", action="store_true",
                        help="部门不带示例记录（kefu init，不加 --demo）：生成的页面少，构建快")
    parser.add_argument("--no-browser", action="store_true", help="不在 Chromium 里测首个结果")
    args = parser.parse_args()
    os.environ["KEFU_NOW"] = SAMPLE_NOW
    with tempfile.TemporaryDirectory(prefix="kefu-bench-") as tmp:
        out = Path(tmp)
        made = department(out / "department", demo=not args.no_demo)
        browser = not args.no_browser
        if not args.skip_handbook:
            _timed("生成页面（表单、看板、报表、工单页）", lambda: site.generate(Workspace(made)))
            _timed("手册构建（mkdocs 严格构建）", lambda: site.build_pages(made, out / "handbook"))
            search_figures("手册", out / "handbook", browser)
        else:
            site.generate(Workspace(made))
        copy = out / "stress"
        nav = make_stress_copy(made, copy, args.pages, args.flat)
        total = sum(1 for _ in (copy / "docs").rglob("*.md"))
        _timed(f"压力副本构建（{total} 页）",
               lambda: site.build_pages(copy, out / "stress-site", extra_nav=nav))
        search_figures("压力副本", out / "stress-site", browser)


if __name__ == "__main__":
    main()
