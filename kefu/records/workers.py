"""Reading and checking files in worker processes (two cores halve a cold run of 100,000)."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

from kefu.problems import Problem

from .check import check_file
from .kinds import KINDS, kind_of
from .result import FileResult, Row
from .timely import Clock

PARALLEL_MIN = 2000  # below this, starting worker processes costs more than it saves
# rel, (size, mtime, ctime, inode), blob id, row (None: content unchanged)
Fresh = tuple[str, tuple[int, int, int, int], bytes, Row | None]
_NO_STAT = (-1, -1, -1, -1)


def run(root: Path, todo: list[tuple[str, bytes | None]], jobs: int | None) -> list[Fresh]:
    """Read and check each file of `todo` (rel, blob id the index holds, if any)."""
    workers = jobs or os.cpu_count() or 1
    if len(todo) < PARALLEL_MIN or workers < 2:
        return check_chunk(str(root), todo)
    len(KINDS)  # import every kind's module once, before forking, not in every worker
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor  # not needed by a warm run

    count = workers * 4
    size = -(-len(todo) // count)  # consecutive: neighbouring files share folders
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        out: list[Fresh] = []
        for part in pool.map(check_chunk, [str(root)] * len(chunks), chunks):
            out.extend(part)
    return out


def check_chunk(root: str, items: list[tuple[str, bytes | None]]) -> list[Fresh]:
    """Worker: read and check each file; None row when its content hash is unchanged."""
    out: list[Fresh] = []
    limit = max(kind.max_bytes for kind in KINDS.values()) + 1
    clock = Clock.now()
    for rel, known_digest in items:
        path = f"{root}/{rel}"
        try:  # os.open/os.read: no buffered file object per file
            # never follow a symlink out of the repository; never block on a FIFO
            handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            try:
                stat = os.fstat(handle)
                raw = os.read(handle, limit)  # enough to know it is too large
            finally:
                os.close(handle)
        except OSError as err:
            message = (f"无法读取文件：{err.strerror}。" if err.errno != errno.ELOOP else
                       "记录文件不能是符号链接：请换成普通文件。")
            result = FileResult(rel, _kind_name(rel), problems=[
                Problem(rel, 0, 0, "unreadable", message)])
            out.append((rel, _NO_STAT, b"", result.row()))
            continue
        digest = blob_hash(raw)
        key = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        if digest == known_digest:
            out.append((rel, key, digest, None))
        else:
            out.append((rel, key, digest, check_file(rel, raw, clock=clock).row()))
    return out


def blob_hash(raw: bytes) -> bytes:
    """The git blob id of `raw` (what `git hash-object` prints), as 20 bytes."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).digest()


def _kind_name(rel: str) -> str | None:
    kind = kind_of(rel)
    return kind.name if kind else None
