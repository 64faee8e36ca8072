"""`make bench-records`: what checking records costs, in the new layout and the old (figures only).

Generates N tickets (default 100,000) with kefu/demo/tickets.py in a department made by
`kefu init`, twice: by this checkout, in the new layout (a ticket is its record file plus one
file per later change, in a folder beside it), and by the old code (--old, default the last
commit before the new layout; a folder such as /work/base works too), one file per ticket.
Then times, each in a fresh process, with KEFU_NOW set to late November 2026, taking turns
between the two codes for --rounds rounds (the table keeps the best of each):

- `kefu --version` (start-up) and a plain Python walk that stats every file under records/;
- `kefu validate --no-cache`; `kefu validate` with no index or cache (cold), again with
  nothing changed (warm), after touching 10 ticket files, after adding 100 events (100 new
  change files; in the old layout, 100 ticket files edited);
- one `kefu event` through the command line; `kefu overdue` warm and without an index;
- `kefu migrate --check` (new code only).

`--staff` adds years of staff records for 50 people (weekly rosters with their swaps, leave,
补卡 and hand-overs: kefu/demo/corpus.py); with `--count 0` they are timed alone. `--git`
commits each corpus to a git repository first and times `git add`, `git commit` and
`git status`: what the number of files costs outside kefu.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_corpus as bench  # noqa: E402
from bench_corpus import Code, Figure  # noqa: E402

EVENT_AT = "2026-11-19T10:00:00+08:00"  # the added events: after every chosen ticket's last
NOTE = "代理商来电催问进度"


@dataclass(frozen=True)
class Step:
    """One timed process: `kefu ARGS`, or `walk` / `git ARGS`; `before` readies the corpus."""

    label: str
    args: tuple[str, ...]
    before: str = ""  # "fresh" (no index or cache), "touch", "add", "tickets", "new", "git"
    tool: str = "kefu"


STEPS = (
    Step("kefu --version（启动开销）", ("--version",)),
    Step("Python 遍历 records/ 并 stat 每个文件", (), tool="walk"),
    Step("git status（已提交，热）", ("status", "--porcelain"), "git", tool="git"),
    Step("validate --no-cache（不写索引/缓存）", ("validate", "--no-cache"), "fresh"),
    Step("validate（无索引/缓存：冷）", ("validate",), "fresh"),
    Step("validate（再次，无改动：热）", ("validate",)),
    Step("validate（touch 10 个工单文件后）", ("validate",), "touch"),
    Step("validate（新增 100 条事件后）", ("validate",), "add"),
    Step("kefu event（命令行登记一条事件）",
         ("event", "{id}", "note", "--note", NOTE, "--at", "2026-11-19 11:00", "--by", "{by}"),
         "tickets"),
    Step("kefu overdue（热）", ("overdue", "--today", bench.TODAY)),
    Step("kefu overdue（无索引/缓存）", ("overdue", "--today", bench.TODAY), "fresh"),
    Step("kefu migrate --check", ("migrate", "--check"), "new"),
)


@dataclass(frozen=True)
class Target:
    """A ticket open in late November whose last event is before EVENT_AT."""

    id: str
    owner: str
    rel: str  # its record file, the same in both layouts


def choose(root: str, count: str) -> list[dict[str, str]]:
    """`count` open tickets spread over the (new-layout) corpus at `root`, for the steps that
    change some (run by `in_child`)."""
    repo, found = Path(root), []
    for path in sorted((repo / "records" / "tickets").glob("*/*/T-*.yml")):
        folder = path.with_suffix("")
        names = sorted(os.listdir(folder)) if folder.is_dir() else []
        closed = False
        for name in names:  # oldest first: the last of closed/reopened wins
            closed = "-closed-" in name or (closed and "-reopened-" not in name)
        last = names[-1][:15] if names else path.stem[2:10]
        if closed or last >= EVENT_AT[:10].replace("-", ""):
            continue
        owner = next((line[7:].strip() for line in path.read_text("utf-8").splitlines()
                      if line.startswith("owner: ")), "")
        if owner:
            rel = path.relative_to(repo).as_posix()
            found.append({"id": path.stem, "owner": owner, "rel": rel})
    step = max(1, len(found) // max(int(count), 1))
    return found[::step][:int(count)]


class Corpus:
    """One code's corpus, and what the steps do to it (undone by `restore` after a round)."""

    def __init__(self, code: Code, repo: Path, targets: list[Target], git: bool) -> None:
        self.code, self.repo, self.targets, self.git = code, repo, targets, git
        self.saved = {t.rel: (repo / t.rel).read_bytes() for t in targets}
        self.folders = {t.rel: self._changes(t) for t in targets}

    def _changes(self, target: Target) -> set[str] | None:
        folder = (self.repo / target.rel).with_suffix("")
        return set(os.listdir(folder)) if folder.is_dir() else None

    def ready(self, step: Step) -> list[str] | None:
        """Ready the corpus for `step`; its command, or None when it does not apply here."""
        actions: dict[str, Callable[[], bool]] = {
            "fresh": self._fresh, "touch": self._touch, "add": self._add,
            "tickets": lambda: bool(self.targets), "new": lambda: self.code.new_layout,
            "git": lambda: self.git, "": lambda: True}
        if not actions[step.before]():
            return None
        if step.tool == "walk":
            return bench.walk_command(self.code.python, self.repo)
        if step.tool == "git":
            return ["git", *step.args]
        first = self.targets[0] if self.targets else Target("", "", "")
        return self.code.kefu(*(arg.format(id=first.id, by=first.owner) for arg in step.args))

    def _fresh(self) -> bool:
        shutil.rmtree(self.repo / ".kefu-cache", ignore_errors=True)
        return True

    def _touch(self) -> bool:
        for target in self.targets[1:11]:
            os.utime(self.repo / target.rel)
        return len(self.targets) > 1

    def _add(self) -> bool:
        """100 `note` events: a change file each (new layout), or appended to the ticket file."""
        for number, target in enumerate(self.targets[1:101]):
            path = self.repo / target.rel
            if not self.code.new_layout:
                event = f"- at: {EVENT_AT}\n  by: {target.owner}\n  action: note\n  note: {NOTE}\n"
                path.write_text(path.read_text("utf-8") + event, "utf-8")
                continue
            folder = path.with_suffix("")
            folder.mkdir(exist_ok=True)
            (folder / f"20261119-100000-note-b{number:03d}.yml").write_text(
                "# yaml-language-server: $schema=../../../../../schemas/ticket-change.schema.json\n"
                f"record: {target.id}\nat: {EVENT_AT}\nby: {target.owner}\naction: note\n"
                f"note: {NOTE}\n", "utf-8")
        return len(self.targets) > 1

    def restore(self) -> None:
        """Undo the touched, added and `kefu event` files, so that every round starts alike."""
        for target in self.targets:
            path = self.repo / target.rel
            if path.read_bytes() != self.saved[target.rel]:
                path.write_bytes(self.saved[target.rel])
            folder, before = path.with_suffix(""), self.folders[target.rel]
            for name in (set(os.listdir(folder)) if folder.is_dir() else set()) - (before or set()):
                (folder / name).unlink()
            if before is None and folder.is_dir():
                folder.rmdir()


def rounds(corpora: list[Corpus], count: int) -> dict[str, list[Figure | None]]:
    """Every step for every code, taking turns, `count` times; the best figures of each."""
    best: dict[str, list[Figure | None]] = {c.code.label: [None] * len(STEPS) for c in corpora}
    for round_number in range(count):
        print(f"第 {round_number + 1} 轮", flush=True)
        for corpus in corpora:
            for index, step in enumerate(STEPS):
                command = corpus.ready(step)
                if command is None:
                    continue
                figure = bench.timed(command, corpus.repo)
                bench.report_line(step.label, corpus.code.label, figure)
                kept = best[corpus.code.label][index]
                if kept is None or figure.wall < kept.wall:
                    best[corpus.code.label][index] = figure
            corpus.restore()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="工单数（默认 100000）")
    parser.add_argument("--old", default=bench.OLD,
                        help=f"对比的旧代码：git 版本或检出目录（默认 {bench.OLD}；none 为不对比）")
    parser.add_argument("--rounds", type=int, default=1, help="轮流运行的轮数，取最好成绩")
    parser.add_argument("--staff", action="store_true", help="再加多年的值班、调班、请假、补卡"
                        "与交接班记录")
    parser.add_argument("--staff-people", type=int, default=50, help="--staff 的人数（默认 50）")
    parser.add_argument("--staff-years", type=int, default=10, help="--staff 的年数（默认 10）")
    parser.add_argument("--git", action="store_true", help="把语料提交到 git 仓库，并计时 git")
    parser.add_argument("--keep", action="store_true", help="保留生成的临时仓库")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kefu-bench-"))
    people = args.staff_people if args.staff else 0
    try:
        with bench.old_code(args.old, work) as old:
            codes = [bench.this_code(), *([old] if old else [])]
            print(f"CPU 核数 {os.cpu_count()}；每项都是新进程，页缓存已热；KEFU_NOW={bench.NOW}；"
                  "“负载”是开始时的 1 分钟平均负载（其他进程会拉长墙钟时间，CPU 时间较稳）")
            corpora: list[Corpus] = []
            targets: list[Target] = []
            for number, code in enumerate(codes):
                bench.warm_up(code)
                repo = work / f"corpus-{number}"
                bench.make_corpus(code, repo, args.count, people, args.staff_years)
                targets = targets or [Target(**found) for found in
                                      bench.in_child("bench_records", "choose", str(repo), "101")]
                corpora.append(Corpus(code, repo, targets, args.git))
            print("\n记录文件（records/ 下）")
            for corpus in corpora:
                print(f"  {bench.pad(corpus.code.label, 26)} {bench.tree_line(corpus.repo)}")
            if args.git:
                for corpus in corpora:
                    bench.commit(corpus.repo, corpus.code.label)
            best = rounds(corpora, args.rounds)
            bench.table(f"校验与超期（{args.count} 张工单，{args.rounds} 轮取最好）",
                        [step.label for step in STEPS], best)
    finally:
        if args.keep:
            print(f"保留：{work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
