"""Reading and checking files in worker processes (two cores halve a cold run of 100,000)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from kefu.problems import Problem

from .check import check_file
from .keys import blob_hash, stat_key
from .kinds import KINDS, kind_of
from .result import FileResult, Row, Where, plainly_fails
from .timely import Clock

PARALLEL_MIN = 2000  # below this, starting worker processes costs more than it saves
# rel, (size, mtime, ctime, inode), blob id, row (None: content unchanged)
Fresh = tuple[str, tuple[int, int, int, int], bytes, Row | None]
_NO_STAT = (-1, -1, -1, -1)


def run(root: Path, todo: list[tuple[str, bytes | None]], jobs: int | None,
         want_data: bool, where: Where | None, skip: Where | None = None,
         digests: bool = True) -> list[Fresh]:
    workers = jobs or os.cpu_count() or 1
    if len(todo) < PARALLEL_MIN or workers < 2:
        return check_chunk(str(root), todo, want_data, where, skip, digests)
    len(KINDS)  # import every kind's module once, before forking, not in every worker
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor  # not needed by a warm run

    count = workers * 4
    if skip:  # strided: the files that are not skipped cluster (open tickets: recent months)
        chunks = [todo[i::count] for i in range(count)]
    else:  # consecutive: neighbouring files share folders
        size = -(-len(todo) // count)
        chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        out: list[Fresh] = []
        for part in pool.map(check_chunk, [str(root)] * len(chunks), chunks,
                             [want_data] * len(chunks), [where] * len(chunks),
                             [skip] * len(chunks), [digests] * len(chunks)):
            out.extend(part)
    return out


def check_chunk(root: str, items: list[tuple[str, bytes | None]], want_data: bool,
                 where: Where | None = None, skip: Where | None = None,
                 digests: bool = True) -> list[Fresh]:
    """Worker: read and check each file; None row when its content hash is unchanged.

    `digests=False` (no cache to fill or compare with) leaves the git blob ids empty.
    With `skip`, a file plainly failing it is left out: no row at all.
    """
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
        if skip and plainly_fails(rel, raw, skip):
            continue
        digest = blob_hash(raw) if digests else b""
        key = stat_key(stat)
        if digest == known_digest:
            out.append((rel, key, digest, None))
        else:
            out.append((rel, key, digest,
                        check_file(rel, raw, want_data, where, clock=clock).row()))
    return out


def _kind_name(rel: str) -> str | None:
    kind = kind_of(rel)
    return kind.name if kind else None
