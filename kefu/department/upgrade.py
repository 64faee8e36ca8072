"""`kefu upgrade`: bring a department's copy of the shipped handbook up to the installed kefu.

Three versions of each shipped file are compared: what kefu shipped last time (the baseline in
.kefu/shipped.json), the department's file now, and what this kefu ships. A file the
department never edited is updated; one it edited while upstream did not is kept; one both
changed is kept too, with upstream's new text in .kefu/upstream/ to compare by hand. The files
kefu owns (workflows, issue forms, JSON Schemas) are always rewritten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kefu import files

from .content import digest, shipped, source_root
from .init import BASELINE

UPSTREAM = ".kefu/upstream"


@dataclass
class Upgrade:
    """What changed, by file (paths from the repository root)."""

    updated: list[str] = field(default_factory=list)  # upstream changed, department had not
    added: list[str] = field(default_factory=list)  # new upstream
    both: list[str] = field(default_factory=list)  # both changed: upstream's in .kefu/upstream/
    kept: list[str] = field(default_factory=list)  # the department's own edit, upstream same
    removed: list[str] = field(default_factory=list)  # no longer shipped (left in place)
    gone: list[str] = field(default_factory=list)  # shipped, deleted by the department
    tool: list[str] = field(default_factory=list)  # kefu's own files rewritten

    @property
    def changed(self) -> bool:
        return bool(self.updated or self.added or self.both or self.tool)


def read_baseline(root: Path) -> dict[str, str]:
    """Shipped file -> digest of what kefu shipped last time ({} when unknown)."""
    try:
        data = json.loads((root / BASELINE).read_text("utf-8"))
        return {str(k): str(v) for k, v in dict(data.get("files", {})).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def upgrade(root: Path, write: bool = True) -> Upgrade:
    """Compare (and with `write`, update) the shipped files of the repository at `root`."""
    source = source_root()
    base = read_baseline(root)
    result = Upgrade()
    new_base: dict[str, str] = {}
    for rel in shipped(source):
        data = (source / rel).read_bytes()
        new = new_base[rel] = digest(data)
        target = root / rel
        current = digest(target.read_bytes()) if target.is_file() else None
        old = base.get(rel)
        if current == new:
            continue
        if current is None:
            (result.added if old is None else result.gone).append(rel)
            if old is None and write:
                _write(target, data)
        elif current == old:
            result.updated.append(rel)
            if write:
                _write(target, data)
        elif old == new:
            result.kept.append(rel)
        else:
            result.both.append(rel)
            if write:
                _write(root / UPSTREAM / rel, data)
    result.removed = sorted(set(base) - set(new_base))
    result.tool = _tool_files(root, write)
    if write:
        from .init import _baseline

        _write(root / BASELINE, _baseline(new_base).encode("utf-8"))
    return result


def _tool_files(root: Path, write: bool) -> list[str]:
    from kefu.records.schemagen import write_schemas

    from .github import github_files, stale

    changed = stale(root)
    if write:
        texts = github_files()
        for rel in changed:
            _write(root / rel, texts[rel].encode("utf-8"))
    return changed + write_schemas(root, check=not write)


def _write(target: Path, data: bytes) -> None:
    files.write_file(target, data)
