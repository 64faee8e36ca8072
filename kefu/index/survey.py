"""Which files a run looks at: every file under records/, or, in a git checkout the index has
seen before, only those that may differ from what the index holds (git's own trick: it keeps
the stat of 100,000s of files so that `git status` need not read them).

The index keeps the records tree of HEAD it last saw and the paths `git status` then named.
A file outside both, and outside what changed between that tree and HEAD's, is the file the
index last read: its row answers without a stat. So a run looks only at:
- what `git status` names now: changed, staged, deleted and untracked;
- what it named last time (a change undone since is named no more);
- what differs between the tree last seen and HEAD's (`git diff-tree`: a commit, a pull);
- the files whose verdict depends on the day, and the folders a lookup synced since.
Without git, without a commit, in an index kept in memory only, or when the tree last seen is
gone: every file is walked. Either way, a file git ignores (.gitignore) is not a record.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from kefu.records import gitstate
from kefu.records.discover import Listing, look, walk
from kefu.records.kinds import RECORDS

from .store import Index, transaction

STATE = "survey"  # the meta row: {"tree": ..., "dirty": [...], "odd": [...]}
MAX_STATE = 64 * 1024 * 1024  # bytes: a state larger than this is not read (walk instead)


@dataclass
class Survey:
    """The files looked at this run, and what to keep for the next."""

    listing: Listing  # the files looked at (with their stat) and the odd ones among them
    paths: set[str] | None  # None: everything was walked; else the single files looked at
    folders: list[str] = field(default_factory=list)  # folders walked whole
    odd: list[str] = field(default_factory=list)  # every path under records/ kefu does not read
    state: dict[str, Any] | None = None  # kept for the next run (None: nothing to keep)

    @property
    def whole(self) -> bool:
        return self.paths is None


def begin(root: Path) -> subprocess.Popen[bytes] | None:
    """Start `git status` (it runs while the index opens)."""
    return gitstate.start(root)


def survey(ix: Index, root: Path, running: subprocess.Popen[bytes] | None) -> Survey:
    """The files to bring up to date: those that may have changed, or all of them."""
    status = gitstate.status(root, running)
    if status is not None and ix.path is not None and not os.path.islink(root / RECORDS):
        kept = _kept(ix)
        if kept is not None:
            changed = gitstate.between(root, kept["tree"], status.tree)
            if changed is not None:
                return _part(ix, root, status, kept, changed)
    listing = walk(root)
    if status is None:
        return Survey(listing, None, odd=listing.ignored)
    listing = _unignored(root, listing, [RECORDS])
    return Survey(listing, None, odd=listing.ignored,
                  state={"tree": status.tree, "dirty": sorted(status.paths),
                         "odd": listing.ignored})


def _part(ix: Index, root: Path, status: gitstate.Status, kept: dict[str, Any],
          changed: set[str]) -> Survey:
    timely = {rel for (rel,) in ix.db.execute("SELECT rel FROM files WHERE lasting = 0")}
    paths = set(status.paths) | set(kept["dirty"]) | changed | timely
    folders = sorted({p.rstrip("/") for p in paths if p.endswith("/")})
    files = {p for p in paths if not p.endswith("/")}
    listing = look(root, paths)
    if folders:
        listing = _unignored(root, listing, folders)
    odd = sorted({rel for rel in kept["odd"] if not _under(rel, files, folders)}
                 | set(listing.ignored))
    return Survey(listing, files, folders, odd,
                  {"tree": status.tree, "dirty": sorted(status.paths), "odd": odd})


def keep(ix: Index, seen: Survey) -> None:
    """What the next run starts from; nothing is kept for an index in memory only."""
    if ix.path is None:
        return
    with transaction(ix.db):
        if seen.state is None:
            ix.db.execute("DELETE FROM meta WHERE key = ?", (STATE,))
        else:
            ix.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                          (STATE, orjson.dumps(seen.state).decode()))


def synced_folders(ix: Index, folders: Sequence[str]) -> None:
    """A lookup brought these folders up to date by itself: the next run looks at them again
    (a change seen there may be undone before `git status` runs next)."""
    kept = _kept(ix)
    if kept is None or ix.path is None:
        return
    kept["dirty"] = sorted(set(kept["dirty"]) | {f"{folder}/" for folder in folders})
    with transaction(ix.db):
        ix.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                      (STATE, orjson.dumps(kept).decode()))


def _kept(ix: Index) -> dict[str, Any] | None:
    """The state the last run kept, if it is whole and of the shape written here."""
    row = ix.db.execute("SELECT value FROM meta WHERE key = ?", (STATE,)).fetchone()
    if row is None or len(row[0]) > MAX_STATE:
        return None
    with contextlib.suppress(orjson.JSONDecodeError):
        state = orjson.loads(row[0])
        if (isinstance(state, dict) and isinstance(state.get("tree"), str)
                and all(isinstance(state.get(k), list)
                        and all(isinstance(p, str) for p in state[k]) for k in ("dirty", "odd"))
                and state["tree"].isalnum()):
            return state
    return None


def _unignored(root: Path, listing: Listing, under: Sequence[str]) -> Listing:
    """`listing` without the files and folders git ignores (when git can say)."""
    skipped = gitstate.ignored(root, under)
    if not skipped:
        return listing
    files = {p for p in skipped if not p.endswith("/")}
    folders = [p.rstrip("/") for p in skipped if p.endswith("/")]
    return Listing({rel: stat for rel, stat in listing.files.items()
                    if not _under(rel, files, folders)},
                   [rel for rel in listing.ignored if not _under(rel, files, folders)])


def _under(rel: str, files: Collection[str], folders: Sequence[str]) -> bool:
    return rel in files or any(rel == f or rel.startswith(f"{f}/") for f in folders)
