"""`make bench-reports`: how long reports, exports and the site's report and ticket pages take.

Figures only, no asserts. Targets on the 2-core reference machine (issue 10): a month's report on
100,000 tickets <= 3 s warm, export to SQLite <= 10 s, the site build with report pages and one
page per ticket for the sample data within 2x the build without them. Steps:

1. a corpus of --count tickets (kefu/demo/tickets.py, as `make bench-records`): `kefu validate`
   (fills the records cache), then `kefu report --month 2026-10` twice and `kefu export --sqlite`,
   each a fresh process; the in-process split of the warm report (loading vs computing);
2. the sample data: `kefu site build` of a clone at --base (default: main just before issue 10
   landed, with its own code and pages, no report or ticket pages), then of this checkout, each
   twice;
3. how the build grows with tickets: the handbook with 600, 1,200 and 2,000 ticket pages, the cost
   per ticket page, and what 100,000 pages would cost (why kefu/ticket_pages.py caps them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import bench_records  # noqa: E402

from kefu.demo import tickets as gen_sample  # noqa: E402
from kefu.demo import write  # noqa: E402

KEFU = [sys.executable, "-m", "kefu.cli"]
NOW = "2026-11-20T10:00:00+08:00"
BUILD = """
import sys
from pathlib import Path
from kefu import site
from kefu.workspace import Workspace
import kefu.ticket_pages as pages
pages.ALL_PAGES_LIMIT = int(sys.argv[3])
site.build(Workspace(Path(sys.argv[1])), Path(sys.argv[4]))
"""


def timed(label: str, command: list[str], cwd: Path) -> float:
    env = {**os.environ, "KEFU_NOW": NOW}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    note = "" if done.returncode == 0 else f"  退出码 {done.returncode}：{done.stderr[-300:]}"
    print(f"{label:<46} {seconds:7.2f} s  负载 {os.getloadavg()[0]:4.1f}{note}", flush=True)
    return seconds


def corpus_steps(repo: Path) -> None:
    shutil.copy(ROOT / "records" / "kpi.yml", repo / "records" / "kpi.yml")
    timed("kefu validate（写入缓存）", [*KEFU, "validate"], repo)
    timed("kefu report --month 2026-10（首次，缓存无数据）",
          [*KEFU, "report", "--month", "2026-10"], repo)
    timed("kefu report --month 2026-10（缓存已热）", [*KEFU, "report", "--month", "2026-10"], repo)
    timed("kefu export --sqlite（缓存已热）", [*KEFU, "export", "--sqlite", "bench.sqlite"], repo)
    split = ("import time, datetime as dt; from pathlib import Path;"
             "from kefu.workspace import Workspace;"
             "from kefu.reports.build import build_report, load_for;"
             "from kefu.reports.period import parse_month; from kefu.times import now;"
             "ws = Workspace(Path('.')); t = time.perf_counter(); loaded = load_for(ws);"
             "t1 = time.perf_counter(); build_report(ws, parse_month('2026-10'), now(), loaded);"
             "t2 = time.perf_counter();"
             "print(f'其中：读取记录 {t1 - t:.2f} s，计算报表 {t2 - t1:.2f} s')")
    done = subprocess.run([sys.executable, "-c", split], cwd=repo, capture_output=True,
                          text=True, env={**os.environ, "KEFU_NOW": NOW})
    print(f"{'':<46} {done.stdout.strip() or done.stderr[-300:]}")


def site_copy(target: Path, tickets: int | None) -> Path:
    """The handbook's sources with the sample records, or with `tickets` generated tickets."""
    target.mkdir(parents=True)
    for name in ("mkdocs.yml", "docs", "hooks", "overrides", "forms", "records", "schemas"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(
                "__pycache__", "generated"))
        else:
            shutil.copy2(source, target / name)
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    if tickets is not None:
        shutil.rmtree(target / "records" / "tickets")
        write(target, "ticket", gen_sample.tickets(tickets, seed=7,
                                                              recent=max(1, tickets // 20)))
    return target


def build(repo: Path, which: str, limit: int, label: str, out: Path) -> float:
    script = BUILD
    shutil.rmtree(out, ignore_errors=True)
    return timed(label, [sys.executable, "-c", script, str(repo), which, str(limit), str(out)],
                 ROOT)


BEFORE_REPORTS = "612d4af"  # main just before issue 10 (report and ticket pages) was merged


def site_steps(work: Path, base: str) -> None:
    """The sample site built by `base` (a revision before the report and ticket pages: its own
    code and sources), then by this checkout."""
    before = work / "base"
    subprocess.run(["git", "clone", "--quiet", "--shared", "--no-checkout", str(ROOT),
                    str(before)], check=True)
    subprocess.run(["git", "checkout", "--quiet", base], cwd=before, check=True)
    (before / "node_modules").symlink_to(ROOT / "node_modules")
    shim = "import sys; sys.path.insert(0, sys.argv.pop(1)); from kefu.cli import main; main()"
    for run in ("首次", "再次"):
        timed(f"站点构建（样例数据，{base} 的代码与页面，{run}）",
              [sys.executable, "-c", shim, str(before), "site", "build"], before)
    repo = site_copy(work / "sample", None)
    out = work / "sample-site"
    for run in ("首次", "再次"):
        build(repo, "all", 2000, f"站点构建（样例数据，本分支，{run}）", out)
    pages = sum(1 for _ in out.rglob("*.html"))
    tickets = sum(1 for _ in (out / "generated" / "tickets").glob("*.html"))
    months = sum(1 for _ in (out / "generated" / "reports").glob("20*.html"))
    print(f"{'':<46} 共 {pages} 个页面，其中工单页 {tickets} 个、月报 {months} 个")


def growth_steps(work: Path) -> None:
    figures = []
    for count in (600, 1200, 2000):  # fewer: the dashboard may lack a synonym's word
        repo = site_copy(work / f"grow-{count}", count)
        out = work / f"grow-{count}-site"
        build(repo, "all", count, f"站点构建（{count} 张工单、各一页，绘图缓存）", out)
        seconds = build(repo, "all", count, f"站点构建（{count} 张工单、各一页）", out)
        figures.append((count, seconds))
        shutil.rmtree(out, ignore_errors=True)
    (n0, t0), (_, _), (n2, t2) = figures
    per_page = (t2 - t0) / (n2 - n0)
    minutes = per_page * 100_000 / 60
    print(f"每个工单页约 {per_page * 1000:.0f} ms；十万个工单页约 {minutes:.0f} 分钟"
          f"（另加搜索索引与导航），所以默认只在不超过 2000 张工单时为每张工单建页，"
          "超过时只为未结和近 92 天有事件的工单建页（kefu/ticket_pages.py）。")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repo", type=Path, help="改用已生成的语料仓库（不删除）")
    parser.add_argument("--base", default=BEFORE_REPORTS,
                        help="站点构建的基准版本（默认：issue 10 合并之前的 main）")
    parser.add_argument("--skip", choices=("corpus", "site", "growth"), action="append",
                        default=[], help="跳过某一步")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kefu-bench-reports-"))
    print(f"CPU 核数 {os.cpu_count()}；每项是一个新进程；KEFU_NOW={NOW}", flush=True)
    try:
        if "corpus" not in args.skip:
            repo = args.repo
            if repo is None:
                repo = work / "corpus"
                bench_records.generate(repo, args.count)
            corpus_steps(repo)
        if "site" not in args.skip:
            site_steps(work, args.base)
        if "growth" not in args.skip:
            growth_steps(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
