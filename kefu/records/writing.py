"""Writing new record files: one writer at a time per checkout, every check first, never a
file replaced.

`write_new` takes the lock of the checkout (.git/kefu-write.lock), asks
kefu.records.corpus.preview what the files would bring — every check `kefu validate` runs, the
checks across records included — and writes nothing when that is an error; otherwise each file
is created (never replacing one: a name already taken is an error, and nothing is lost). Twenty
`kefu event` at once on one ticket give twenty events, each checked against the ones before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from kefu import files
from kefu.problems import KefuError, Problem

from .corpus import Preview, preview

LOCK_FILE = "kefu-write.lock"


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Exclusive use of the checkout's records by this process (others wait their turn)."""
    git = root / ".git"
    folder = git if git.is_dir() else root / ".kefu-cache"
    try:
        folder.mkdir(exist_ok=True)
        handle = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError:  # no place for a lock (a read-only checkout): writing fails on its own
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def write_new(root: Path, texts: Mapping[str, str], what: str = "登记",
              today: dt.date | None = None) -> Preview:
    """Check, then create the files `texts` (path from the root -> text); KefuError (exit 1)
    listing every error, as `kefu validate` words them, when any would be wrong."""
    with locked(root):
        found = preview(root, {rel: text.encode("utf-8") for rel, text in texts.items()}, today)
        if found.errors:
            raise KefuError(f"无法{what}，没有写入任何文件：\n" + _lines(found.errors),
                            "invalid", 1)
        written: list[Path] = []
        try:
            for rel, text in texts.items():
                written.append(files.write_file(root / rel, text, root=root, exclusive=True))
        except BaseException:
            for path in written:  # all or nothing
                with contextlib.suppress(OSError):
                    path.unlink()
            raise
    return found


def _lines(problems: list[Problem]) -> str:
    return "\n".join(f"- {p.format()}" for p in problems)
