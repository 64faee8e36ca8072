"""What git knows about the files under records/ without kefu reading them: the records tree of
HEAD, the paths that differ from it (`git status`), the paths that differ between two trees
(`git diff-tree`), and the paths git ignores. git stats its 100,000s of files in C, with
threads, and remembers which folders hold no untracked file (its untracked cache).

Every call may fail (no git, not a checkout, no commit yet, a tree since garbage-collected):
then it answers None and the caller walks every file, as it would without git.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .kinds import RECORDS

TIMEOUT = 300  # seconds: git status over 500,000 files takes about 2
MAX_OUTPUT = 256 * 1024 * 1024  # bytes of paths kefu takes from one git command
# git options for every call: no file-system monitor hook (a program named in the config),
# and the untracked cache on, which makes `git status` skip the folders that did not change
OPTIONS = ("-c", "core.fsmonitor=false", "-c", "core.untrackedCache=true",
           "-c", "core.quotePath=false")


@dataclass(frozen=True)
class Status:
    """What `git status` says under records/: files that differ from HEAD (changed, staged,
    deleted, of another type) and folders git has not seen (ending in "/")."""

    tree: str  # HEAD's records/ tree id
    paths: frozenset[str]


def start(root: Path) -> subprocess.Popen[bytes] | None:
    """`git status` started in the background (it takes a while; the index opens meanwhile),
    or None when `root` is not the top of a git checkout."""
    if not (root / ".git").exists():
        return None
    try:
        return subprocess.Popen(
            ["git", *OPTIONS, "status", "--porcelain=v2", "-z", "--no-renames",
             "--untracked-files=normal", "--ignore-submodules=none"],
            cwd=root, env=_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
    except OSError:
        return None


def status(root: Path, running: subprocess.Popen[bytes] | None) -> Status | None:
    """The finished `git status` of `start`, with HEAD's records tree; None if git cannot say."""
    if running is None:
        return None
    try:
        out, _ = running.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        running.kill()
        running.communicate()
        return None
    if running.returncode != 0 or len(out) > MAX_OUTPUT:
        return None
    both = _run(root, "rev-parse", "--show-toplevel", "--verify", "-q", f"HEAD:{RECORDS}")
    lines = both.splitlines() if both is not None else []
    if len(lines) != 2 or not _same(Path(os.fsdecode(lines[0])), root):
        return None
    return Status(lines[1].strip().decode("ascii", "replace"), frozenset(_changed(out)))


def between(root: Path, old: str, new: str) -> set[str] | None:
    """The files under records/ that differ between two records trees; None if either is gone."""
    if old == new:
        return set()
    out = _run(root, "diff-tree", "-r", "-z", "--no-renames", "--name-only", old, new)
    if out is None:
        return None
    return {f"{RECORDS}/{os.fsdecode(name)}" for name in out.split(b"\0") if name}


def ignored(root: Path, under: Sequence[str]) -> list[str] | None:
    """The files and folders (ending in "/") under `under` that git ignores and does not
    track: a .gitignore'd file is not a record in a git checkout, walked or not."""
    out = _run(root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard",
               "--directory", "--", *under)
    if out is None:
        return None
    return [os.fsdecode(name) for name in out.split(b"\0") if name]


def _changed(out: bytes) -> list[str]:
    """The paths under records/ in `git status --porcelain=v2 -z` output."""
    found: list[str] = []
    fields = out.split(b"\0")
    skip = False
    for entry in fields:
        if skip:  # a rename's original path (renames are off; kept for safety)
            skip = False
            found.append(os.fsdecode(entry))
            continue
        if not entry or entry.startswith(b"#"):
            continue
        head = entry[:2]
        if head == b"1 ":
            path = entry.split(b" ", 8)[-1]
        elif head == b"2 ":
            path = entry.split(b" ", 9)[-1]
            skip = True
        elif head == b"u ":
            path = entry.split(b" ", 10)[-1]
        elif head in (b"? ", b"! "):
            path = entry[2:]
        else:
            continue
        found.append(os.fsdecode(path))
    return [p for p in found if p == f"{RECORDS}/" or p.startswith(f"{RECORDS}/")]


def _run(root: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", *OPTIONS, *args], cwd=root, env=_env(),
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0 or len(done.stdout) > MAX_OUTPUT:
        return None
    return done.stdout


def _env() -> dict[str, str]:
    """This environment without GIT_DIR, GIT_INDEX_FILE and the like: a hook or an outer
    command must not point git at another repository or index than the one at the root."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["LC_ALL"] = "C"
    return env


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
