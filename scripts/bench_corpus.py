"""What `make bench-records` and `make bench-reports` share: the code under test (this checkout,
and the old one-file-per-ticket layout's code for comparison), a generated ticket corpus in the
layout that code writes, one timed fresh process, and a table of the figures side by side.

Both corpora come from the same generator (kefu/demo/tickets.py, seed 1), run by each code in
its own process, so they hold the same tickets: one file per ticket in the old layout, a record
file plus one file per later change in the new one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# KEFU_NOW of every run: after the last generated record (tickets end on 2026-11-20, staff
# records on 2026-11-23), so that no check sees a future date and every run sees the same now
NOW = "2026-11-30T18:00:00+08:00"
TODAY = "2026-11-20"  # `kefu overdue --today`, as in the figures before the new layout
OLD = "1bf9d41"  # main just before records moved to one file per change (issues 20 and 25)
COMPANY = ["--company", "示例存储科技有限公司", "--short", "示例科技"]
SHIM = ("import sys; sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'kefu';"
        " from kefu import cli; getattr(cli, 'run', cli.main)()")  # `run`: the console script
WRITE = """
import sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from kefu.demo import write, tickets
repo, count = Path(sys.argv[2]), int(sys.argv[3])
people, years = int(sys.argv[4]), int(sys.argv[5])
start = time.perf_counter()
write(repo, "person", tickets.people())
write(repo, "dealer", tickets.dealers())
write(repo, "ticket", tickets.tickets(count, seed=int(sys.argv[6]), recent=count // 20))
staff = {}
if people:
    from kefu.demo import corpus
    write(repo, "person", corpus.many_people(people))
    staff = corpus.corpus(repo, people, years)
print(time.perf_counter() - start)
print(",".join(f"{kind}={n}" for kind, n in staff.items() if n))
"""
CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
module = __import__(sys.argv[2])
print(json.dumps(getattr(module, sys.argv[3])(*sys.argv[4:])))
"""
WALK = """
import os, sys, time
start, count = time.perf_counter(), 0
for folder, _, names in os.walk(sys.argv[1]):
    for name in names:
        os.stat(os.path.join(folder, name), follow_symlinks=False)
        count += 1
print(f"{count} 个文件，{time.perf_counter() - start:.2f} s")
"""


@dataclass(frozen=True)
class Code:
    """One version of kefu: where its source is, which Python runs it, how it stores records."""

    label: str
    source: Path
    python: str
    new_layout: bool  # a ticket = its record file plus one file per change

    def kefu(self, *args: str) -> list[str]:
        return [self.python, "-c", SHIM, str(self.source), *args]


def this_code() -> Code:
    return Code("新布局（本分支）", ROOT, sys.executable, True)


@contextlib.contextmanager
def old_code(spec: str, work: Path) -> Iterator[Code | None]:
    """The code at `spec`, copied into `work` (so that its byte code is written there): a
    checkout's folder, run by its .venv's Python if it has one, or a git revision of this
    repository (`git archive`); None for "none"."""
    if spec == "none":
        yield None
        return
    folder, given = work / "old-code", Path(spec)
    if given.is_dir():
        shutil.copytree(given, folder, ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "__pycache__", "site", ".kefu-cache"))
    else:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", spec],
                                 capture_output=True, check=False)
        if archive.returncode:
            raise SystemExit(f"取不到旧版本 {spec} 的代码（{archive.stderr.decode()[:200]}）："
                             "浅克隆请先 git fetch --unshallow，或用 --old none 只测本分支。")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
    venv = given / ".venv" / "bin" / "python"
    python = str(venv) if given.is_dir() and venv.exists() else sys.executable
    new_layout = (folder / "kefu" / "records" / "split.py").is_file()
    yield Code(f"{'新' if new_layout else '旧'}布局（{spec}）", folder, python, new_layout)


def warm_up(code: Code) -> None:
    """Compile `code`'s modules first, so that no timed run pays for it (a fresh checkout)."""
    subprocess.run([code.python, "-m", "compileall", "-q", str(code.source / "kefu")],
                   capture_output=True, check=False)


@dataclass
class Figure:
    """One timed process: wall and CPU seconds, peak memory, exit code, last output line."""

    wall: float
    cpu: float
    rss_mb: float
    code: int
    last: str
    load: float
    output: str = ""  # the whole standard output

    def cell(self) -> str:
        return f"{self.wall:7.2f} / {self.cpu:6.2f} / {self.rss_mb:5.0f}"


def timed(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Figure:
    """Run `command` in a fresh process; its own wall, CPU (with its children) and peak RSS."""
    load = os.getloadavg()[0]
    full_env = {**os.environ, "KEFU_NOW": NOW, **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(command), cwd=cwd, stdout=out, stderr=err, env=full_env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    lines = stdout.strip().splitlines() or [""]
    last = lines[-1][:70]
    if proc.returncode > 1 or (proc.returncode and not stdout.strip()):
        last = f"{last}｜{stderr.strip()[-300:]}"
    return Figure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                  proc.returncode, last, load, stdout)


def report_line(label: str, who: str, figure: Figure) -> None:
    print(f"  {pad(who, 26)} {pad(label, 40)} 墙钟 {figure.wall:7.2f} s  CPU {figure.cpu:6.2f} s  "
          f"内存 {figure.rss_mb:5.0f} MB  负载 {figure.load:4.1f}  退出码 {figure.code}  "
          f"{figure.last}", flush=True)


GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@localhost"}


def make_corpus(code: Code, repo: Path, count: int, people: int = 0, years: int = 0) -> None:
    """A department made by `code`'s `kefu init` holding `count` generated tickets (and, with
    `people`, `years` of staff records), in the layout `code` writes."""
    init = timed(code.kefu("init", str(repo), *COMPANY, "--no-git"), repo.parent)
    if init.code:
        raise SystemExit(f"kefu init 失败：{init.last}")
    add_records(code, repo, count, people, years)


def add_records(code: Code, repo: Path, count: int, people: int = 0, years: int = 0,
                seed: int = 1) -> None:
    """`count` generated tickets (seed `seed`), their people and dealers, and staff records,
    written by `code` into the department at `repo`."""
    done = subprocess.run([code.python, "-c", WRITE, str(code.source), str(repo), str(count),
                           str(people), str(years), str(seed)], capture_output=True, text=True,
                          check=False)
    if done.returncode:
        raise SystemExit(f"生成语料失败（{code.label}）：{done.stderr[-800:]}")
    seconds, staff = done.stdout.split("\n")[:2]
    print(f"{code.label}：生成 {count} 张工单" + (f"与值班等记录（{staff}）" if staff else "")
          + f"，用时 {float(seconds):.1f} s，目录 {repo}", flush=True)


def commit(repo: Path, label: str) -> list[Figure]:
    """The corpus committed to a new git repository (a department's repository is one, and
    kefu asks git which files changed): `git add -A`, then `git commit`."""
    env = {**GIT_ENV, "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    figures = [timed(["git", "add", "-A"], repo, env),
               timed(["git", "commit", "-q", "-m", "corpus"], repo, env)]
    counted = subprocess.run(["git", "count-objects", "-v"], cwd=repo, capture_output=True,
                             text=True, check=True).stdout
    sizes = dict(line.split(": ") for line in counted.splitlines())
    kib = int(sizes["size"]) + int(sizes["size-pack"])
    print(f"{label}：git add -A {figures[0].wall:.1f} s，git commit "
          f"{figures[1].wall:.1f} s，对象 {sizes['count']} 个散装、共 {kib / 1024:.0f} MB",
          flush=True)
    return figures


@dataclass
class Tree:
    """What a records/ tree holds on disk."""

    files: int = 0
    folders: int = 0
    tickets: int = 0  # ticket record files
    changes: int = 0  # files in a ticket's folder
    size: int = 0  # bytes of the files
    disk: int = 0  # bytes of the blocks they take (folders included)

    def line(self) -> str:
        per = (self.tickets + self.changes) / self.tickets if self.tickets else 0
        return (f"{self.files:>9,} 个文件，{self.folders:>8,} 个文件夹；工单文件 {self.tickets:,}"
                f" + 变更文件 {self.changes:,}（每张工单 {per:.1f} 个文件）；内容 "
                f"{self.size / 1e6:6.1f} MB，占磁盘 {self.disk / 1e6:6.1f} MB")


def tree(repo: str) -> dict[str, int]:
    """What records/ holds (run by `in_child`: walking 500,000 files grows a process)."""
    found = Tree()
    for folder, _, names in os.walk(Path(repo) / "records"):
        found.folders += 1
        found.disk += os.stat(folder).st_blocks * 512
        in_ticket = os.path.basename(folder).startswith("T-")
        for name in names:
            stat = os.stat(os.path.join(folder, name), follow_symlinks=False)
            found.files += 1
            found.size += stat.st_size
            found.disk += stat.st_blocks * 512
            if in_ticket:
                found.changes += 1
            elif name.startswith("T-"):
                found.tickets += 1
    return dataclasses.asdict(found)


def tree_line(repo: Path) -> str:
    return Tree(**in_child("bench_corpus", "tree", str(repo))).line()


def in_child(module: str, function: str, *args: str) -> Any:
    """`module.function(*args)` (a module of scripts/) run in another process; its JSON result.

    Whatever walks the big trees runs there, so that this process stays small: a child starts
    with its parent's peak memory as its own, and the figures would show ours, not kefu's.
    """
    done = subprocess.run([sys.executable, "-c", CHILD, str(Path(__file__).parent), module,
                           function, *args], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{module}.{function} 失败：{done.stderr[-800:]}")
    return json.loads(done.stdout)


def own_peak() -> str:
    """This process's peak memory: a child's figure below it is ours, not the child's."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return f"本脚本进程的内存峰值 {peak:.0f} MB（子进程从它起算，低于它的内存数字不是子进程自己的）"


def walk_command(python: str, repo: Path) -> list[str]:
    """A fresh Python process that walks records/ and stats every file, as a loader must."""
    return [python, "-c", WALK, str(repo / "records")]


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded to `width` terminal columns (a Chinese character takes two)."""
    from wcwidth import wcswidth

    space = " " * max(0, width - wcswidth(text))
    return space + text if right else text + space


def table(title: str, labels: Sequence[str], columns: dict[str, list[Figure | None]]) -> None:
    """Rows of steps, a column per code (wall / CPU s / peak MB), then new ÷ old wall time."""
    names = list(columns)
    print(f"\n{title}")
    print("每格：墙钟 s / CPU s / 内存峰值 MB" + ("；末列：墙钟之比（第一列 ÷ 第二列）"
                                             if len(names) == 2 else "") + f"；{own_peak()}")
    print(pad("", 40) + "".join(pad(name, 28, right=True) for name in names))
    for index, label in enumerate(labels):
        cells = [columns[name][index] for name in names]
        if not any(cells):
            continue
        line = pad(label, 40) + "".join(pad(c.cell() if c else "—", 28, right=True)
                                        for c in cells)
        first, second = (cells + [None, None])[:2]
        if first and second and second.wall > 0:
            line += f"  {first.wall / second.wall:5.2f}×"
        print(line)
    sys.stdout.flush()
