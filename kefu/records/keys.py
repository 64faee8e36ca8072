"""What the records cache is keyed by: a file's stat, its git blob id (computed, or taken from
git's index), and the key of the files and packages a check across records read."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from .kinds import RECORDS


def stat_key(stat: os.stat_result) -> tuple[int, int, int, int]:
    """(size, mtime, ctime, inode): what must be unchanged for an entry to answer."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def blob_hash(raw: bytes) -> bytes:
    """The git blob id of `raw` (what `git hash-object` prints), as 20 bytes."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).digest()


def git_blobs(root: Path) -> Mapping[str, bytes]:
    """rel -> blob id of the files under records/ that git tracks and that are unmodified."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True)
        return done.stdout.decode("utf-8", "surrogateescape")

    try:
        staged = git("ls-files", "-s", "-z", "--", RECORDS)
        changed = set(git("diff", "--name-only", "--relative", "-z", "--", RECORDS).split("\0"))
    except (OSError, subprocess.CalledProcessError):
        return {}  # not a git checkout, or no git: files are simply read
    blobs: dict[str, bytes] = {}
    for line in staged.split("\0"):
        meta, _, rel = line.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[2] == "0" and rel not in changed:
            blobs[rel] = bytes.fromhex(parts[1])
    return blobs


def across_key(blob_of: Callable[[str], bytes | None], rels: list[str],
               packages: tuple[str, ...], salt: str = "") -> str:
    """The key of an Across check's inputs: each file it reads, by path and git blob id, and the
    versions of the packages whose data it uses ("" when a file is not in the cache)."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.blake2b(salt.encode(), digest_size=16)
    for rel in sorted(rels):
        blob = blob_of(rel)
        if blob is None:
            return ""
        digest.update(rel.encode() + b"\0" + blob)
    for name in packages:
        try:
            digest.update(f"{name}={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(name.encode())
    return digest.hexdigest()
