"""`make bench-records`: time record checking on a generated corpus (figures only, no asserts).

Generates N ticket files (default 100,000, ~520 bytes each) plus people and dealers in a temporary
repository, then times, each in a fresh process: `kefu validate` without cache, the run that fills
the cache, the run with a warm cache, `kefu overdue --today 2026-11-20`, and check-jsonschema
validating the same files against the same generated JSON Schema as a reference.

`--staff` adds ten years of staff records for 50 people (weekly rosters with their swaps, leave,
补卡 and hand-overs: kefu/demo/corpus.py) to the same repository; with `--count 0` they are
timed alone.

`--versions REV,REV,...` times the code of several git revisions (`.` = this working tree) on
the same corpus (a copy each, so their caches do not evict each other), taking turns,
`--rounds` times each; the figures are the best of the rounds, side by side.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "scripts"))

from kefu.demo import corpus as gen_staff  # noqa: E402
from kefu.demo import crew, write  # noqa: E402
from kefu.demo import tickets as gen_sample  # noqa: E402


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


STAFF_PEOPLE, STAFF_YEARS = 50, 10
SHIM = "import sys; sys.path.insert(0, sys.argv.pop(1)); from kefu.cli import main; main()"


def kefu_at(source: Path) -> list[str]:
    """A `kefu` command running the code checked out at `source`."""
    return [sys.executable, "-c", SHIM, str(source)]


def timed(label: str, command: list[str], cwd: Path, quiet: bool = False) -> tuple[float, float]:
    """Wall and CPU time of one fresh process (CPU includes its worker processes)."""
    load = os.getloadavg()[0]
    cpu, start = _child_cpu(), time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - start, _child_cpu() - cpu
    last = (proc.stdout.strip().splitlines() or [""])[-1][:60]
    note = f"退出码 {proc.returncode}" + (f"：{proc.stderr.strip()[:200]}"
                                         if proc.returncode > 1 else "")
    if not quiet:
        print(f"{label:<40} 墙钟 {wall:6.2f} s  CPU {cpu:6.2f} s  负载 {load:4.1f}  {note}  {last}")
    return wall, cpu


STEPS = (
    ("kefu --version（启动开销）", ["--version"], False),
    ("kefu validate --no-cache（无缓存）", ["validate", "--no-cache"], False),
    ("kefu validate（首次，写入缓存）", ["validate"], False),
    ("kefu validate（缓存已热）", ["validate"], False),
    ("kefu overdue（无缓存）", ["overdue", "--today", "2026-11-20"], True),
    ("kefu overdue（缓存已热）", ["overdue", "--today", "2026-11-20"], False),
)


def run_steps(kefu: list[str], repo: Path, quiet: bool = False) -> list[tuple[float, float]]:
    """Every step once, in order (a step marked True starts without a cache)."""
    figures = []
    for label, args, fresh in STEPS:
        if fresh or args == ["validate", "--no-cache"]:
            shutil.rmtree(repo / ".kefu-cache", ignore_errors=True)
        figures.append(timed(label, [*kefu, *args], repo, quiet))
    return figures


def compare(repo: Path, revisions: list[str], rounds: int) -> None:
    """Several revisions of kefu on copies of the same corpus, taking turns."""
    checkouts: dict[str, tuple[Path, Path]] = {}
    try:
        for index, rev in enumerate(revisions):
            corpus = repo.parent / f"{repo.name}-{index}"
            shutil.copytree(repo, corpus, symlinks=True)
            if rev == ".":
                checkouts[rev] = (ROOT, corpus)
                continue
            code = repo.parent / f"{repo.name}-code-{index}"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                            str(code), rev], check=True)
            checkouts[rev] = (code, corpus)
        best: dict[str, list[tuple[float, float]]] = {}
        for _ in range(rounds):
            for rev, (code, corpus) in checkouts.items():
                figures = run_steps(kefu_at(code), corpus, quiet=True)
                best[rev] = [(min(a[0], b[0]), min(a[1], b[1]))
                             for a, b in zip(best.get(rev, figures), figures, strict=True)]
        print(f"版本对比（同一语料，轮流运行 {rounds} 轮，取最好成绩；每格为 墙钟 / CPU 秒）")
        names = {rev: ("工作区" if rev == "." else rev[:10]) for rev in revisions}
        print(f"{'':<40}" + "".join(f"{names[rev]:>20}" for rev in revisions))
        for index, (label, _, _) in enumerate(STEPS):
            cells = "".join(f"{best[rev][index][0]:11.2f} / {best[rev][index][1]:5.2f}"
                            for rev in revisions)
            print(f"{label:<40}{cells}")
    finally:
        for rev, (code, corpus) in checkouts.items():
            if rev != ".":
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(code)], check=False)
            shutil.rmtree(corpus, ignore_errors=True)


def generate(repo: Path, count: int, staff: bool = False) -> None:
    start = time.perf_counter()
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    (repo / "records").mkdir()
    for name in ("sla.yml", "calendar.yml", "staff-rules.yml"):  # rules the commands need
        if (ROOT / "records" / name).exists():
            shutil.copy(ROOT / "records" / name, repo / "records" / name)
    write(repo, "person", gen_sample.people())
    write(repo, "dealer", gen_sample.dealers())
    write(repo, "ticket", gen_sample.tickets(count, seed=1, recent=count // 20))
    files = list((repo / "records/tickets").rglob("*.yml"))
    size = sum(f.stat().st_size for f in files) / max(len(files), 1)
    print(f"生成 {len(files)} 个工单文件（平均 {size:.0f} 字节），用时 "
          f"{time.perf_counter() - start:.1f} s，目录 {repo}")
    if staff:
        start = time.perf_counter()
        write(repo, "person", gen_staff.many_people(STAFF_PEOPLE))
        made = gen_staff.corpus(repo, STAFF_PEOPLE, STAFF_YEARS)
        size = sum(f.stat().st_size for folder in crew.FOLDERS
                   for f in (repo / "records" / folder).rglob("*.yml"))
        counts = "、".join(f"{kind} {n}" for kind, n in made.items() if n)
        print(f"生成 {STAFF_YEARS} 年 {STAFF_PEOPLE} 人的值班等记录 {sum(made.values())} 个"
              f"（{counts}；共 {size / 1e6:.1f} MB），用时 {time.perf_counter() - start:.1f} s")


def reference(repo: Path, batch: int, limit: int | None) -> None:
    """check-jsonschema in batches (the argument list of 100k paths is too long for one call)."""
    files = sorted(str(p.relative_to(repo)) for p in (repo / "records/tickets").rglob("*.yml"))
    if limit:
        files = files[:limit]
    if not files:
        return
    schema = "schemas/ticket.schema.json"
    total = 0.0
    for i in range(0, len(files), batch):
        start = time.perf_counter()
        subprocess.run([str(BIN / "check-jsonschema"), "--schemafile", schema,
                        *files[i:i + batch]], cwd=repo, capture_output=True)
        total += time.perf_counter() - start
    note = "" if not limit else f"（仅前 {len(files)} 个文件）"
    print(f"{'check-jsonschema（参考，单进程）' + note:<44} {total:7.2f} s  "
          f"{len(files) / total:,.0f} 文件/秒")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--reference-limit", type=int, default=0,
                        help="check-jsonschema 只检查前 N 个文件（0 = 全部）")
    parser.add_argument("--keep", action="store_true", help="保留生成的临时仓库")
    parser.add_argument("--staff", action="store_true",
                        help=f"再加 {STAFF_YEARS} 年 {STAFF_PEOPLE} 人的值班、调班、请假、补卡"
                             "与交接班记录")
    parser.add_argument("--versions", metavar="REV,REV", help="对比几个 git 版本（. 为工作区）")
    parser.add_argument("--rounds", type=int, default=3, help="--versions 时轮流运行的轮数")
    args = parser.parse_args()
    repo = Path(tempfile.mkdtemp(prefix="kefu-bench-"))
    try:
        generate(repo, args.count, args.staff)
        print(f"CPU 核数 {os.cpu_count()}；每项都是新进程（冷启动），页缓存已热；"
              "“负载”是开始时的 1 分钟平均负载（机器上的其他进程会拉长墙钟时间）")
        if args.versions:
            compare(repo, args.versions.split(","), args.rounds)
            return
        run_steps(kefu_at(ROOT), repo)
        reference(repo, 5000, args.reference_limit or None)
    finally:
        if args.keep:
            print(f"保留：{repo}")
        else:
            shutil.rmtree(repo, ignore_errors=True)


if __name__ == "__main__":
    main()
