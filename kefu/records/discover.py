"""Finding the record files under records/: each with the stat that says whether it changed,
the files kefu does not read (a record saved as .YML, a symlink, a submodule), the single
files that are missing, and the files a command was given."""

from __future__ import annotations

import os
import stat as stats
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kefu.problems import KefuError, Problem, Severity

from . import odd
from .kinds import KINDS, RECORDS

QUIET_FILES = frozenset({".gitkeep", ".gitignore", "README.md"})  # sit in records/ unwarned
Stat = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
NO_STAT: Stat = (-1, -1, -1, -1)


@dataclass
class Listing:
    """The record files (posix paths from the root, sorted) with their stat, and the others."""

    files: dict[str, Stat] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def stat_key(stat: os.stat_result) -> Stat:
    """(size, mtime, ctime, inode): what must be unchanged for a file's row to answer."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def walk(root: Path, under: Sequence[str] = (RECORDS,)) -> Listing:
    """Every .yml/.yaml file under records/ (or only under the folders `under`, posix paths
    from the root inside records/) with its stat; never through a symlink."""
    listing = Listing()
    if os.path.islink(root / RECORDS):  # kefu reads nothing through a link (kefu.records.odd)
        listing.ignored.append(RECORDS)
        return listing
    found: list[tuple[str, Stat]] = []
    stack = []
    for start in under:
        parts = start.split("/")
        if parts[0] != RECORDS or any(os.path.islink(root.joinpath(*parts[:n]))
                                      for n in range(2, len(parts) + 1)):
            listing.ignored.append(start)  # never through a link, never outside records/
        else:
            stack.append(start)
    while stack:
        rel_dir = stack.pop()
        try:
            entries = list(os.scandir(root / rel_dir))
        except (FileNotFoundError, NotADirectoryError):
            continue
        if rel_dir != RECORDS and odd.is_submodule(entries):
            listing.ignored.append(rel_dir)
            continue
        for entry in entries:  # 100,000s of files: the usual case first
            name = entry.name
            if name.endswith((".yml", ".yaml")) and entry.is_file(follow_symlinks=False):
                try:
                    found.append((f"{rel_dir}/{name}", stat_key(entry.stat(follow_symlinks=False))))
                except OSError:
                    found.append((f"{rel_dir}/{name}", NO_STAT))
            elif entry.is_dir(follow_symlinks=False):
                if not name.startswith("."):
                    stack.append(f"{rel_dir}/{name}")
            elif name not in QUIET_FILES:
                listing.ignored.append(f"{rel_dir}/{name}")
    found.sort()
    listing.files = dict(found)
    listing.ignored.sort()
    return listing


def look(root: Path, paths: Iterable[str]) -> Listing:
    """Only these paths (posix, from the root; a folder ends in "/"), found as `walk` would
    find them: a folder walked, a file that is gone left out."""
    folders = sorted({p.rstrip("/") for p in paths if p.endswith("/")})
    listing = walk(root, folders) if folders else Listing()
    files, odd = dict(listing.files), set(listing.ignored)
    for rel in sorted({p for p in paths if not p.endswith("/")}):
        parts = rel.split("/")
        if (parts[0] != RECORDS or len(parts) < 2 or any(p.startswith(".") for p in parts[1:-1])
                or any(os.path.islink(root.joinpath(*parts[:n])) for n in range(1, len(parts)))):
            continue  # walk never goes there
        try:
            found = os.lstat(root / rel)
        except OSError:
            continue
        name = parts[-1]
        if stats.S_ISDIR(found.st_mode):
            if not name.startswith("."):
                inner = walk(root, [rel])
                files.update(inner.files)
                odd.update(inner.ignored)
        elif name.endswith((".yml", ".yaml")) and stats.S_ISREG(found.st_mode):
            files[rel] = stat_key(found)
        elif name not in QUIET_FILES:
            odd.add(rel)
    return Listing(dict(sorted(files.items())), sorted(odd))


def discover(root: Path) -> list[str]:
    """Every record file under records/, as sorted posix paths relative to `root`."""
    return list(walk(root).files)


def ignored(rels: list[str], root: Path) -> list[Problem]:
    """A warning for each file kefu does not read: a record saved as .YML or a backup copy;
    an error for a symlink, a FIFO or a submodule (kefu.records.odd)."""
    problems = []
    for rel in rels:
        special = odd.special(root, rel)
        if special is not None:
            problems.append(special)
            continue
        name = rel.rpartition("/")[2]
        stem = name.split(".", 1)[0] if not name.startswith(".") else name
        hint = (f"若是记录，请改名为 `{stem}.yml`（小写扩展名）；"
                "若是编辑器留下的备份或临时文件，请删除，不要提交。")
        problems.append(Problem(rel, 0, 0, "ignored-file",
                                f"kefu 不读取这个文件（不是 .yml 记录文件）。{hint}",
                                Severity.WARNING))
    return problems


def missing(root: Path) -> list[Problem]:
    """Every single-file kind the repository must hold (records/sla.yml) that is missing."""
    return [Problem(f"{RECORDS}/{kind.file}", 0, 0, "missing-file",
                    f"缺少{kind.title}文件 {RECORDS}/{kind.file}：其他命令都依赖它，"
                    "请从仓库历史恢复（git checkout -- 该文件）。")
            for kind in KINDS.values() if kind.file and kind.required
            and not (root / RECORDS / kind.file).is_file()]


def select(root: Path, paths: Sequence[Path], every: Sequence[str]) -> list[str]:
    """The record files among `every` that the given files and folders name."""
    chosen: set[str] = set()
    for path in paths:
        odd.refuse_special(Path(path))
        try:
            full = Path(path).resolve()
        except (OSError, RuntimeError):  # a symlink loop
            raise KefuError(f"路径无法解析（符号链接形成了循环）：{path}",
                            "no-such-path", 2) from None
        if not full.exists():
            raise KefuError(f"路径不存在：{path}", "no-such-path", 2)
        try:
            rel = full.relative_to(root).as_posix()
        except ValueError:
            raise KefuError(f"路径不在仓库 {root} 内：{path}（另一个仓库请用 --root 指定）。",
                            "outside-repo", 2) from None
        if full.is_dir():
            if rel not in (".", RECORDS) and not rel.startswith(f"{RECORDS}/"):
                raise KefuError(f"{path} 不在 {RECORDS}/ 目录中：记录文件都在 "
                                f"{root / RECORDS} 下（另一个仓库请用 --root 指定）。",
                                "not-records", 2)
            chosen.update(r for r in every if r == rel or r.startswith(f"{rel}/")
                          or rel == ".")
        else:
            chosen.add(rel)
    return sorted(chosen)
