"""The records cache (.kefu-cache/): each file's result, keyed by size, mtime and git blob id.

Only files whose (size, mtime) or content changed since the last run are parsed again. Content
is keyed by the git blob hash, so a fresh clone with a restored cache (CI) takes unchanged
files' hashes from git without reading them. The fingerprint covers the checking code: the
records machinery and every module a registered kind's model and checks live in.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import sys
from pathlib import Path

from .kinds import RECORDS, source_files
from .result import FileResult, Row

CACHE_DIR = ".kefu-cache"
CACHE_FILE = "records.marshal"
_FORMAT = 2  # layout of CACHE_FILE: (format, fingerprint, plain entries, pickled rich ones)
GIT_MIN = 500  # ask git for blob hashes only when this many cached files changed (size, mtime)
Entry = tuple[int, int, bytes, Row]  # size, mtime_ns, git blob id, result row


def fingerprint() -> str:
    """Changes whenever the checking code or pydantic changes, invalidating the cache."""
    import pydantic

    digest = hashlib.blake2b(f"{pydantic.VERSION} {sys.version} {marshal.version}".encode(),
                             digest_size=16)
    here = Path(__file__).parent
    machinery = [*sorted(here.glob("*.py")), here.parent / "problems.py"]
    for source in dict.fromkeys([*map(str, machinery), *source_files()]):
        digest.update(Path(source).read_bytes())
    return digest.hexdigest()


def read_cache(root: Path) -> dict[str, Entry]:
    try:
        stored = marshal.loads((root / CACHE_DIR / CACHE_FILE).read_bytes())
        tag, stamp, entries, rich = stored
        if tag != _FORMAT or stamp != fingerprint() or not isinstance(entries, dict):
            return {}
        if rich:
            extra = pickle.loads(rich)
            if not isinstance(extra, dict):
                return {}
            entries.update(extra)
    except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError, AttributeError,
            ImportError, IndexError):
        return {}
    return entries


def write_cache(root: Path, entries: dict[str, Entry]) -> None:
    """Write the cache once, atomically: marshal for the plain entries, pickle for the rest.

    A validate run's entries (no data, no problems) hold only str, int, bytes, tuples, lists and
    dicts, which marshal writes about ten times faster than pickle (no memo to keep); entries
    with data (datetimes) or problems (objects) are pickled, into one bytes value of the file.
    """
    plain = {rel: entry for rel, entry in entries.items()
             if entry[3][2] is None and not entry[3][3]}
    rich = ({rel: entry for rel, entry in entries.items() if rel not in plain}
            if len(plain) != len(entries) else {})
    try:
        extra = pickle.dumps(rich, protocol=pickle.HIGHEST_PROTOCOL) if rich else b""
        payload = marshal.dumps((_FORMAT, fingerprint(), plain, extra))
    except ValueError:  # an unexpected type (a str subclass...) in a plain entry: pickle all
        payload = marshal.dumps((_FORMAT, fingerprint(), {},
                                 pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)))
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        temp = folder / f"{CACHE_FILE}.{os.getpid()}.tmp"
        temp.write_bytes(payload)
        os.replace(temp, folder / CACHE_FILE)
        (folder / "records.pickle").unlink(missing_ok=True)  # the format before this one
    except OSError:
        pass  # a read-only checkout still validates, only slower next time


def blob_hash(raw: bytes) -> bytes:
    """The git blob id of `raw` (what `git hash-object` prints), as 20 bytes."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).digest()


def answer_from_git(root: Path, todo: list[tuple[str, bytes | None]],
                     cached: dict[str, Entry], results: dict[str, FileResult]
                     ) -> list[tuple[str, bytes | None]]:
    """Settle files whose git blob id (tracked, unmodified) matches the cache; return the rest."""
    blobs = _git_blobs(root)
    rest: list[tuple[str, bytes | None]] = []
    for rel, digest in todo:
        if digest is not None and blobs.get(rel) == digest:
            try:
                stat = os.stat(root / rel)
            except OSError:
                rest.append((rel, digest))
                continue
            row = cached[rel][3]
            cached[rel] = (stat.st_size, stat.st_mtime_ns, digest, row)
            results[rel] = FileResult.from_row(rel, row)
        else:
            rest.append((rel, digest))
    return rest


def _git_blobs(root: Path) -> dict[str, bytes]:
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

