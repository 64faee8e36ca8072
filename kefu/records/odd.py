"""What under records/ is not a plain file or folder: symlinks, FIFOs, sockets, devices, git
submodules. kefu reads none of them and says what each one is, by name.

A symlink could make `kefu validate` read, and `kefu new` write, outside the repository; a
FIFO would block a reader; a submodule's files are another repository's. Each is an error.
"""

from __future__ import annotations

import os
from pathlib import Path

from kefu.chars import one_line
from kefu.files import kind_of
from kefu.problems import KefuError, Problem

_FIXES = {
    "symlink": "kefu 不经由符号链接读写记录：请删除这个链接，把记录作为普通文件放进仓库。",
    "submodule": "记录不能放在 git 子模块里：请把记录文件直接放进本仓库，删除子模块。",
    "not-a-file": "这里只能放 .yml 记录文件和文件夹：请删除它。",
}


def slug_of(what: str) -> str:
    if what.startswith("符号链接"):
        return "symlink"
    return "submodule" if what == "git 子模块" else "not-a-file"


def special(root: Path, rel: str) -> Problem | None:
    """An error for `rel` when it is not a plain file or folder, else None."""
    what = kind_of(root / rel)
    if what in ("普通文件", "文件夹", "不存在"):
        return None
    slug = slug_of(what)
    return Problem(rel, 0, 0, slug, f"这是{_spaced(what)}，不是记录文件。{_FIXES[slug]}")


def refuse_special(path: Path) -> None:
    """KefuError (exit 2) when a path given on the command line is a symlink, a FIFO, a
    submodule or a device, or names nothing: said as what it is, not as a missing path."""
    if not os.path.lexists(path):
        return
    what = kind_of(path)
    if what in ("普通文件", "文件夹"):
        return
    slug = slug_of(what)
    raise KefuError(f"{one_line(str(path))} 是{_spaced(what)}：{_FIXES[slug]}", slug, 2)


def _spaced(what: str) -> str:
    """`what` (escaped), with a space before a leading Latin word (这是 git 子模块)."""
    shown = one_line(what)
    return f" {shown}" if shown[:1].isascii() else shown


def is_submodule(entries: list[os.DirEntry[str]]) -> bool:
    """Whether a folder holding these entries is a git submodule (or another checkout)."""
    return any(entry.name == ".git" for entry in entries)
