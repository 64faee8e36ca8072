"""The index database: its schema, where it lives, and when it may be used at all.

One file, .kefu-cache/index.sqlite, opened with the standard library's sqlite3. It is used only
when all of these hold, else removed and built anew from the files:
- it opens as SQLite and its `user_version` is SCHEMA;
- its `code` is the fingerprint of the running kefu (every module of the package, the versions
  of the libraries whose data decides results): another code version means other verdicts;
- its `owner` is this checkout's secret (.git/kefu-index.key, outside the working tree): an
  index restored from a CI cache, copied from another clone or committed by a pull request was
  built elsewhere, by code or from files this run cannot vouch for;
- it passes SQLite's `PRAGMA quick_check`, unless it is byte for byte as a kefu run of this
  checkout closed it: .kefu-cache/index.seal holds the files' stat, signed with the secret
  (the check reads the whole file: 0.7 s at 100,000 tickets).
Nothing in it is executable; rows hold JSON (orjson) and numbers.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import hmac
import os
import secrets
import sqlite3
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from kefu.problems import KefuError

CACHE_DIR = ".kefu-cache"
INDEX_FILE = "index.sqlite"
LOCK_FILE = "index.lock"
SEAL_FILE = "index.seal"
KEY_FILE = "kefu-index.key"  # in .git/ (else .kefu-cache/ outside a git checkout)
SCHEMA = 12
PACKAGES = ("kefu", "pydantic", "yaml-rs", "chinesecalendar", "lunar-python", "pypinyin")

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    rel TEXT PRIMARY KEY,
    size INTEGER NOT NULL, mtime INTEGER NOT NULL, ctime INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    blob BLOB NOT NULL,
    kind TEXT, rid TEXT, record TEXT,
    ok INTEGER NOT NULL, lasting INTEGER NOT NULL,
    problems BLOB NOT NULL, refs BLOB NOT NULL, data BLOB
);
CREATE INDEX files_of_record ON files (kind, record);
CREATE INDEX files_by_id ON files (kind, rid);
CREATE INDEX files_timely ON files (rel) WHERE lasting = 0;
CREATE INDEX files_troubled ON files (rel) WHERE length(problems) > 2;
CREATE TABLE refs (rel TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL);
CREATE INDEX refs_of_file ON refs (rel);
CREATE INDEX refs_target ON refs (kind, id);  -- who refers to an id (kefu.index.crosscheck)
CREATE TABLE records (
    kind TEXT NOT NULL, id TEXT NOT NULL, rel TEXT NOT NULL,
    key BLOB NOT NULL, ok INTEGER NOT NULL, problems BLOB NOT NULL, data BLOB,
    type TEXT, status TEXT, owner TEXT, dealer TEXT,
    received REAL, first REAL, last REAL, closed INTEGER, stones INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, id)
);
CREATE INDEX records_open ON records (kind, status);
CREATE INDEX records_received ON records (kind, received);
CREATE INDEX records_last ON records (kind, last);
CREATE INDEX records_troubled ON records (kind, id) WHERE length(problems) > 2;
CREATE INDEX records_unmade ON records (kind, id) WHERE stones = 0;  -- index.milestones.ensure
-- a report's pass over every ticket reads these columns only: the index covers them, and the
-- rows (their data comes first) are not read
CREATE INDEX records_sift ON records (kind, received, ok, first, last, closed, id, type, owner);
CREATE TABLE checks (name TEXT PRIMARY KEY, key BLOB NOT NULL, problems BLOB NOT NULL);
CREATE TABLE milestones (
    ticket TEXT NOT NULL, seq INTEGER NOT NULL, rule TEXT NOT NULL,
    start TEXT NOT NULL, due TEXT, met TEXT, provisional INTEGER NOT NULL,
    due_at REAL, met_at REAL,
    received REAL, closed INTEGER NOT NULL,  -- the ticket's, as it stands (index.columns)
    PRIMARY KEY (ticket, seq)
);
-- a report's sums of a month's deadlines read these columns only (reports.view)
CREATE INDEX milestones_due ON milestones (due_at, received, met_at, closed, ticket);
CREATE TABLE personal (kind TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX personal_of_record ON personal (kind, id);
CREATE TABLE names (name TEXT PRIMARY KEY, key BLOB NOT NULL);  -- kefu.collation.name_key
"""


class Index:
    """An open index: a sqlite3 connection and where it lives (None: in memory only)."""

    def __init__(self, db: sqlite3.Connection, path: Path | None, owner: str = "") -> None:
        self.db = db
        self.path = path
        self.owner = owner

    def close(self) -> None:
        """Close it, and seal the file as this run leaves it (the next run need not check it)."""
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
            if self.path is not None and self.owner:
                _seal(self.path, self.owner)


def open_index(root: Path, keep: bool = True) -> Index:
    """The index of the checkout at `root`, made or rebuilt when it may not be used;
    `keep=False` (or a folder that cannot hold it) gives an index in memory only."""
    if not keep:
        return _fresh(sqlite3.connect(":memory:"), None, "")
    folder = root / CACHE_DIR
    try:
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise KefuError(f"{CACHE_DIR} 是符号链接或文件，kefu 不会在那里写索引："
                            f"请删除它（它只是可以随时重建的缓存）。", "symlink", 1)
        folder.mkdir(exist_ok=True)
        lock = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError:
        return _fresh(sqlite3.connect(":memory:"), None, "")
    try:
        # one process at a time decides whether the file may be used and rebuilds it: two
        # commands started at once in a fresh clone (or after an upgrade) must not both
        # delete and create it under each other
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _open_file(root, folder / INDEX_FILE)
    finally:
        os.close(lock)


def _open_file(root: Path, path: Path) -> Index:
    try:
        if path.is_symlink() or (path.exists() and not path.is_file()):
            path.unlink()
        owner = _owner(root)
    except OSError:
        return _fresh(sqlite3.connect(":memory:"), None, "")
    sealed = _sealed(path, owner)  # before connecting: opening makes the -wal file
    db = _connect(path)
    if db is not None and _usable(db, owner, sealed):
        return Index(db, path, owner)
    if db is not None:
        db.close()
    for stale in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal"),
                  path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            stale.unlink()
    with contextlib.suppress(OSError):
        path.with_name(SEAL_FILE).unlink()
    fresh = _connect(path)
    if fresh is None:
        return _fresh(sqlite3.connect(":memory:"), None, owner)
    return _fresh(fresh, path, owner)


def _connect(path: Path) -> sqlite3.Connection | None:
    try:
        # a file that is not a database fails here or at the first query: both mean rebuild
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA temp_store=MEMORY")
        return db
    except sqlite3.Error:
        return None


def _usable(db: sqlite3.Connection, owner: str, sealed: bool) -> bool:
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
            return False
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if not sealed and db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            return False
    except sqlite3.Error:
        return False
    return meta.get("code") == fingerprint() and bool(owner) and meta.get("owner") == owner


def _fresh(db: sqlite3.Connection, path: Path | None, owner: str) -> Index:
    db.isolation_level = None
    db.executescript("BEGIN;" + DDL + "COMMIT;")
    with transaction(db):
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       [("code", fingerprint()), ("owner", owner)])
        db.execute(f"PRAGMA user_version = {SCHEMA}")
    return Index(db, path, owner)


def _stamp(path: Path, owner: str) -> str:
    """The stat of the index file and its write-ahead log, signed with the checkout's secret."""
    parts = []
    for name in (path, path.with_name(path.name + "-wal")):
        try:
            st = os.lstat(name)
            parts.append(f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}")
        except FileNotFoundError:
            parts.append("-")
    return hmac.new(owner.encode(), "|".join(parts).encode(), "sha256").hexdigest()


def _seal(path: Path, owner: str) -> None:
    seal = path.with_name(SEAL_FILE)
    with contextlib.suppress(OSError):
        handle = os.open(seal, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(handle, "w") as out:
            out.write(_stamp(path, owner))


def _sealed(path: Path, owner: str) -> bool:
    """Whether the file is as a kefu run of this checkout closed it."""
    if not owner:
        return False
    try:  # never through a link, never blocking on a FIFO put in its place
        handle = os.open(path.with_name(SEAL_FILE), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            kept = os.read(handle, 128).decode("ascii", "replace")
        finally:
            os.close(handle)
    except OSError:
        return False
    return hmac.compare_digest(kept, _stamp(path, owner))


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: all of it reaches the database, or none of it (a savepoint
    inside a transaction already open, such as a preview's that is rolled back)."""
    nested = db.in_transaction
    db.execute("SAVEPOINT kefu" if nested else "BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK TO kefu" if nested else "ROLLBACK")
        if nested:
            db.execute("RELEASE kefu")
        raise
    db.execute("RELEASE kefu" if nested else "COMMIT")


def _owner(root: Path) -> str:
    """This checkout's secret (made on first use): an index built elsewhere does not have it."""
    git = root / ".git"
    if git.is_file():  # a worktree or submodule: .git names the real folder
        text = git.read_text("utf-8", errors="replace").strip()
        if text.startswith("gitdir:"):
            git = (root / text.removeprefix("gitdir:").strip()).resolve()
    folder = git if git.is_dir() else root / CACHE_DIR
    path = folder / KEY_FILE
    try:
        if path.is_file() and not path.is_symlink():
            key = path.read_text("ascii").strip()
            if len(key) == 64:
                return key
        key = secrets.token_hex(32)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(handle, "w") as out:
            out.write(key + "\n")
        return key
    except (OSError, UnicodeDecodeError):
        return ""


def fingerprint() -> str:
    """Every module of the kefu package, the versions of the libraries its verdicts use, and
    the modules of kinds registered from elsewhere (a department's or a test's own kind)."""
    from kefu.records.kinds import source_files

    package = str(Path(__file__).resolve().parents[1])
    outside = sorted(f for f in source_files() if not f.startswith(package))
    if not outside:
        return _package_fingerprint()
    digest = hashlib.blake2b(_package_fingerprint().encode(), digest_size=16)
    for name in outside:
        with contextlib.suppress(OSError):
            digest.update(name.encode() + Path(name).read_bytes())
    return digest.hexdigest()


@functools.cache
def _package_fingerprint() -> str:
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.blake2b(str(SCHEMA).encode(), digest_size=16)
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    for name in PACKAGES:
        try:
            digest.update(f"{name}={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(name.encode())
    return digest.hexdigest()
