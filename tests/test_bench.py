"""The benchmark scripts (scripts/bench_*.py, the Makefile's bench-* targets) on a tiny corpus.

Each must exit 0, print its figure lines and time only commands that succeeded: a benchmark
that times an error message, or stops with a KeyError (bench-forms did), has rotted. The
figures themselves are not checked. The five runs go two at a time (about a minute on two
cores); the old code of `make bench-records` is taken from git history when the checkout has
it (a shallow CI clone may not), else the comparison is left out.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import ROOT, need

OLD = "1bf9d41"  # scripts/bench_corpus.py OLD: main before one file per change
HAS_OLD = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{OLD}^{{commit}}"],
                         capture_output=True, check=False).returncode == 0
HAS_NODE = shutil.which("node") is not None
FIGURE = r"\s+\d+\.\d\d /\s+\d+\.\d\d /\s+\d+"  # a table cell: wall / CPU / peak MB
RUNS: dict[str, list[str]] = {  # longest first, so that two workers finish together
    "reports": ["bench_reports.py", "--count", "200", "--old", "none", "--git", "--base", "none",
                "--growth", "5", "--site-runs", "1", "--no-demo"],
    "records": ["bench_records.py", "--count", "200", "--old", OLD if HAS_OLD else "none"],
    "site": ["bench_site.py", "--no-demo", "--skip-handbook", "--pages", "5", "--no-browser"],
    "staff": ["bench_records.py", "--staff", "--count", "0", "--staff-people", "10",
              "--staff-years", "1", "--old", "none"],
    "forms": ["bench_forms.py", "--count", "2"],
}
EXPECTED: dict[str, list[str]] = {
    "records": [r"每张工单 [4-9]\.\d 个文件", r"每张工单 1\.0 个文件" if HAS_OLD else "",
                r"validate（无索引/缓存：冷）" + FIGURE, r"validate（再次，无改动：热）" + FIGURE,
                r"validate（新增 100 条事件后）" + FIGURE,
                r"kefu event（命令行登记一条事件）" + FIGURE,
                r"kefu overdue（热）" + FIGURE, r"kefu migrate --check" + FIGURE,
                r"Python 遍历 records/ 并 stat 每个文件" + FIGURE,
                FIGURE + r"\s+\d+\.\d\d×" if HAS_OLD else ""],
    "staff": [r"与值班等记录（.*roster=\d+", r"validate（再次，无改动：热）" + FIGURE,
              r"kefu overdue（热）" + FIGURE],
    "reports": [r"kefu report --month 2026-10（热）" + FIGURE,
                r"kefu export --sqlite（热）" + FIGURE,
                r"相对热 validate：热月报 \d+\.\d\d×",
                r"同一部门，不含报表页与工单页（第 1 次）\s+墙钟\s+\d+\.\d\d s",
                r"报表页与工单页的代价：\d+\.\d\d s ÷ \d+\.\d\d s = \d+\.\d\d×",
                r"无示例记录的部门 \+ 5 张工单（第 1 次）\s+墙钟\s+\d+\.\d\d s",
                r"共 \d+ 个页面，其中工单页 [5-9] 个"],
    "site": [r"压力副本构建（\d+ 页）: \d+\.\d 秒", r"压力副本搜索索引：\d+\.\d MB",
             r"压力副本首个结果（Node，站点自带的搜索程序）：\d+ 毫秒"],
    "forms": [r"填写 2 张表：共\s+\d+\.\d\d s", r"空白表 \d+ 张", r"单页空白表最大：\d+\.\d KB"],
}


def _run(name: str) -> subprocess.CompletedProcess[str]:
    script, *args = RUNS[name]
    return subprocess.run([sys.executable, str(ROOT / "scripts" / script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def outputs() -> dict[str, subprocess.CompletedProcess[str]]:
    """Every run, two at a time (bench-site needs Node.js for the site's search program)."""
    names = [name for name in RUNS if HAS_NODE or name != "site"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(names, pool.map(_run, names), strict=True))


@pytest.mark.parametrize("name", list(RUNS))
def test_bench_script_runs_and_prints_its_figures(
        name: str, outputs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    if name == "site":
        need(HAS_NODE, "缺少 Node.js：请安装 Debian 软件包 nodejs 和 npm")
    done = outputs[name]
    assert done.returncode == 0, done.stderr[-2000:]
    for pattern in filter(None, EXPECTED[name]):
        assert re.search(pattern, done.stdout), f"{pattern!r} 不在输出中：\n{done.stdout[-3000:]}"
    failed = [line for line in done.stdout.splitlines() if re.search(r"退出码 [1-9]", line)]
    assert not failed, "\n".join(failed)
