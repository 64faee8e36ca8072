"""`make bench-reports`: how long reports, exports and the site's report and ticket pages take.

Figures only, no asserts; everything through the command line, each run a fresh process.

1. The corpus of `make bench-records` (--count tickets, default 100,000), in the new layout by
   this checkout and in the old one by --old (default the last commit before the new layout):
   `kefu validate` without an index (it builds one), again warm, `kefu report --month 2026-10`
   (the first after validate, then warm) and `kefu export --sqlite`, --rounds times taking
   turns. Then issue 25's targets for each code (a warm report no slower than a warm validate,
   the first report and the export no slower than twice a warm validate), and whether both
   codes give the same report JSON and the same export rows.
2. The sample site: `kefu site build` of --base (default: main just before issue 10's report and
   ticket pages; its own code, handbook and sample records), then of a department made by this
   checkout's `kefu init --demo`, --site-runs times each, with their page counts; then the same
   department built without its report and ticket pages (scripts/site_without_pages.py), and
   the ratio of the two (issue 25: within 1.3x).
3. How the build grows with tickets: the demo department with --growth N,N,... generated tickets
   added (every ticket keeps its page while there are at most 2,000), each built twice (the
   first also draws the charts); the cost per ticket page and what 100,000 would cost.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_corpus as bench  # noqa: E402
from bench_corpus import Code, Figure  # noqa: E402

MONTH = "2026-10"
SITE_NOW = "2026-11-25T09:00:00+08:00"  # the moment the sample department is written for
BEFORE_REPORTS = "612d4af"  # main just before issue 10 (report and ticket pages) was merged
STEPS = (
    ("kefu validate（无索引/缓存：冷）", ("validate",), True),
    ("kefu validate（热）", ("validate",), False),
    (f"kefu report --month {MONTH}（validate 之后首次）",
     ("report", "--month", MONTH, "--format", "json"), False),
    (f"kefu report --month {MONTH}（热）", ("report", "--month", MONTH, "--format", "json"), False),
    ("kefu export --sqlite（热）", ("export", "--sqlite", "{export}"), False),
)
WARM_VALIDATE, FIRST_REPORT, WARM_REPORT, EXPORT = 1, 2, 3, 4


def corpus_steps(codes: list[Code], work: Path, count: int, rounds: int, git: bool) -> None:
    """Validate, report and export on each code's corpus (committed to git with `git`), taking
    turns; the best of `rounds`."""
    repos = {}
    for number, code in enumerate(codes):
        bench.warm_up(code)
        repos[code.label] = work / f"corpus-{number}"
        bench.make_corpus(code, repos[code.label], count)
        if git:
            bench.commit(repos[code.label], code.label)
    best: dict[str, list[Figure | None]] = {code.label: [None] * len(STEPS) for code in codes}
    for round_number in range(rounds):
        print(f"第 {round_number + 1} 轮", flush=True)
        for number, code in enumerate(codes):
            repo, export = repos[code.label], work / f"export-{number}.sqlite"
            for index, (label, args, fresh) in enumerate(STEPS):
                if fresh:
                    shutil.rmtree(repo / ".kefu-cache", ignore_errors=True)
                export.unlink(missing_ok=True)
                figure = bench.timed(code.kefu(*(a.format(export=export) for a in args)), repo)
                bench.report_line(label, code.label, figure)
                kept = best[code.label][index]
                if kept is None or figure.wall < kept.wall:
                    best[code.label][index] = figure
    bench.table(f"月报与导出（{count} 张工单，{rounds} 轮取最好）",
                [label for label, _, _ in STEPS], best)
    for code in codes:
        targets(code.label, best[code.label])
    if len(codes) == 2:
        same_results(codes, best, work)


def targets(label: str, figures: list[Figure | None]) -> None:
    """Issue 25's targets, against the warm validate of the same code (wall time)."""
    warm = figures[WARM_VALIDATE]
    if warm is None or warm.wall <= 0:
        return
    parts = []
    for index, name, limit in ((WARM_REPORT, "热月报", 1), (FIRST_REPORT, "首次月报", 2),
                               (EXPORT, "导出", 2)):
        figure = figures[index]
        if figure is not None:
            ratio = figure.wall / warm.wall
            parts.append(f"{name} {ratio:.2f}×（目标 ≤ {limit}×，"
                         f"{'达到' if ratio <= limit else '未达到'}）")
    print(f"{label}：相对热 validate：" + "；".join(parts))


def same_results(codes: list[Code], best: dict[str, list[Figure | None]], work: Path) -> None:
    """Whether both codes printed the same report JSON and exported the same rows."""
    reports = [best[code.label][WARM_REPORT] for code in codes]
    if all(reports):
        parsed = [json.loads(r.output) if r and r.code == 0 else None for r in reports]
        alike = parsed[0] == parsed[1] or (
            parsed[0] is not None and parsed[1] is not None
            and without_empty_start(parsed[0]) == without_empty_start(parsed[1]))
        print(f"两版代码的 {MONTH} 月报 JSON：" + (
            "相同" if parsed[0] == parsed[1] else
            "相同（趋势表除外：本分支从第一张工单的月份起，旧代码在那之前多出几个空月份）"
            if alike else "不同"))
    first, second = (work / f"export-{number}.sqlite" for number in range(2))
    if not (first.is_file() and second.is_file()):
        print("两版代码的导出：缺少导出文件，无法比较")
        return
    with sqlite3.connect(first) as new, sqlite3.connect(second) as old:
        tables = {name: (columns(new, name), columns(old, name))
                  for name in sorted(set(tables_of(new)) | set(tables_of(old)))}
        differ = [name for name, (a, b) in tables.items()
                  if rows_of(new, name, [c for c in a if c in b])
                  != rows_of(old, name, [c for c in a if c in b])]
    added = [f"{name}.{c}" for name, (a, b) in tables.items() for c in a if c not in b]
    gone = [f"{name}.{c}" for name, (a, b) in tables.items() for c in b if c not in a]
    print(f"两版代码的导出：{len(tables)} 张表，" + (
        "两边都有的列上每张表的行都相同" if not differ else "行不同的表：" + "、".join(differ))
        + (f"；新增的列：{'、'.join(added)}" if added else "")
        + (f"；去掉的列：{'、'.join(gone)}" if gone else ""))


def without_empty_start(report: dict[str, Any]) -> dict[str, Any]:
    """A report's JSON with its trend table from the first month with a ticket or a deadline
    (the code before 0439a65 showed twelve months whatever came first), title and note left out."""
    copy = json.loads(json.dumps(report))
    for section in copy.get("sections", []):
        for table in section.get("tables", []):
            if table.get("key") == "trend":
                rows = table["rows"]
                while len(rows) > 1 and not rows[0]["intake"] and not rows[0]["due"]:
                    rows.pop(0)
                table["title"] = table["note"] = ""
    return copy


def tables_of(db: sqlite3.Connection) -> list[str]:
    return [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def columns(db: sqlite3.Connection, table: str) -> list[str]:
    if table not in tables_of(db):
        return []
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


def rows_of(db: sqlite3.Connection, table: str, names: list[str]) -> str:
    """A digest of the table's rows over the columns `names`, in sorted order."""
    if not names:
        return ""
    picked = ", ".join(f'"{name}"' for name in names)
    rows = sorted(repr(row) for row in db.execute(f'SELECT {picked} FROM "{table}"'))
    return hashlib.blake2b("\n".join(rows).encode(), digest_size=16).hexdigest()


def site_build(code: Code, repo: Path, out: Path, label: str) -> Figure:
    """`kefu site build` of the department at `repo` into `out`, timed."""
    shutil.rmtree(out, ignore_errors=True)
    figure = bench.timed(code.kefu("site", "build", "-d", str(out)), repo,
                         {"KEFU_NOW": SITE_NOW})
    bench.report_line(label, code.label, figure)
    return figure


def site_without(repo: Path, out: Path, label: str) -> Figure:
    """The department at `repo` built by scripts/site_without_pages.py (every page but the
    report and ticket pages), timed: the like-for-like other half of the site's figure."""
    shutil.rmtree(out, ignore_errors=True)
    script = Path(__file__).resolve().parent / "site_without_pages.py"
    figure = bench.timed([sys.executable, str(script), str(bench.ROOT), str(repo), str(out)],
                         repo, {"KEFU_NOW": SITE_NOW})
    bench.report_line(label, bench.this_code().label, figure)
    return figure


def pages(out: Path) -> str:
    """How many pages a built site has, ticket pages and month reports among them."""
    total = sum(1 for _ in out.rglob("*.html"))
    tickets = sum(1 for _ in (out / "generated" / "tickets").glob("*.html"))
    months = sum(1 for _ in (out / "generated" / "reports").glob("20*.html"))
    return f"共 {total} 个页面，其中工单页 {tickets} 个、月报 {months} 个"


def demo(repo: Path, sample: bool = True) -> Path:
    """A department made at `repo` by this checkout's `kefu init --demo` (`kefu init` alone,
    without the sample records, when not `sample`: fewer pages, a quicker build)."""
    made = bench.timed(bench.this_code().kefu("init", str(repo), *bench.COMPANY, "--no-git",
                                              *(["--demo"] if sample else [])), repo.parent)
    if made.code:
        raise SystemExit(f"kefu init --demo 失败：{made.last}")
    return repo


def site_steps(work: Path, base: str, runs: int, sample: bool) -> None:
    """The sample site built by `base` (before the report and ticket pages: its own code,
    handbook and records), then the demo department built by this checkout."""
    with bench.old_code(base, work / "base") as old:
        if old is not None:
            before = dataclasses.replace(old, label=f"基准（{base}）")
            (before.source / "node_modules").symlink_to(bench.ROOT / "node_modules")
            bench.warm_up(before)
            for run in range(runs):
                site_build(before, before.source, work / "base-site",
                           f"样例站点（第 {run + 1} 次）")
            print(f"  {base} 的样例站点：{pages(work / 'base-site')}（它自己的手册与样例记录）")
    repo, out = demo(work / "demo", sample), work / "demo-site"
    without = work / "demo-without"
    shutil.copytree(repo, without, symlinks=True)
    whole = [site_build(bench.this_code(), repo, out, f"示例部门站点（第 {run + 1} 次）")
             for run in range(runs)]
    print(f"  本分支 kefu init{' --demo' if sample else ''} 的站点：{pages(out)}")
    less = [site_without(without, work / "demo-without-site",
                         f"同一部门，不含报表页与工单页（第 {run + 1} 次）") for run in range(runs)]
    print(f"  不含报表页与工单页的站点：{pages(work / 'demo-without-site')}")
    if all(f.code == 0 for f in whole + less):
        full, fewer = min(f.wall for f in whole), min(f.wall for f in less)
        print(f"  报表页与工单页的代价：{full:.2f} s ÷ {fewer:.2f} s = {full / fewer:.2f}×"
              "（issue 25 的目标 ≤ 1.30×；同一部门、同一代码，各取最快一次）")


def growth_steps(work: Path, counts: list[int], runs: int, sample: bool) -> None:
    """The demo department with more tickets, each ticket a page: the cost of a ticket page
    (each count built `runs` times: the first also draws the charts; the last one counts)."""
    code, figures, made = bench.this_code(), [], demo(work / "grow-demo", sample)
    for count in counts:
        repo = work / f"grow-{count}"
        shutil.copytree(made, repo, symlinks=True)
        bench.add_records(code, repo, count, seed=7)
        out = work / f"grow-{count}-site"
        name = "示例部门" if sample else "无示例记录的部门"
        for run in range(max(1, runs)):
            figure = site_build(code, repo, out, f"{name} + {count} 张工单（第 {run + 1} 次）")
        ticket_pages = sum(1 for _ in (out / "generated" / "tickets").glob("*.html"))
        print(f"  {pages(out)}")
        figures.append((ticket_pages, figure.wall))
        shutil.rmtree(out, ignore_errors=True)
    if len(figures) < 2 or figures[-1][0] == figures[0][0]:
        return
    (n0, t0), (n1, t1) = figures[0], figures[-1]
    per_page = (t1 - t0) / (n1 - n0)
    print(f"每个工单页约 {per_page * 1000:.0f} ms；十万个工单页约 "
          f"{per_page * 100_000 / 60:.0f} 分钟（另加搜索索引与导航），"
          "所以默认只在不超过 2000 张工单时为每张工单建页，"
          "超过时只为未结和近 92 天有事件的工单建页（kefu/ticket_pages.py）。")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="工单数（默认 100000）")
    parser.add_argument("--old", default=bench.OLD,
                        help=f"对比的旧代码：git 版本或检出目录（默认 {bench.OLD}；none 为不对比）")
    parser.add_argument("--rounds", type=int, default=1, help="轮流运行的轮数，取最好成绩")
    parser.add_argument("--base", default=BEFORE_REPORTS,
                        help="样例站点的基准版本（默认：issue 10 合并之前的 main；none 为不测）")
    parser.add_argument("--site-runs", type=int, default=2,
                        help="每个站点构建几次（默认 2：第一次还要画图）")
    parser.add_argument("--no-demo", action="store_true",
                        help="站点与增长两步用不带示例记录的部门（kefu init）：页面少，构建快")
    parser.add_argument("--growth", default="500,1000,1800",
                        help="示例部门再加几张工单来测工单页的成本（逗号分隔，默认 500,1000,1800）")
    parser.add_argument("--git", action="store_true",
                        help="先把语料提交到 git 仓库（部门仓库即 git 仓库，kefu 向 git 问改动）")
    parser.add_argument("--skip", choices=("corpus", "site", "growth"), action="append",
                        default=[], help="跳过某一步")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kefu-bench-reports-"))
    print(f"CPU 核数 {os.cpu_count()}；每项是一个新进程；KEFU_NOW={bench.NOW}（站点 {SITE_NOW}）",
          flush=True)
    try:
        if "corpus" not in args.skip:
            with bench.old_code(args.old, work) as old:
                corpus_steps([bench.this_code(), *([old] if old else [])], work, args.count,
                             args.rounds, args.git)
        if "site" not in args.skip:
            site_steps(work, args.base, args.site_runs, not args.no_demo)
        if "growth" not in args.skip:
            growth_steps(work, [int(n) for n in args.growth.split(",") if n.strip()],
                         args.site_runs, not args.no_demo)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
