"""`kefu migrate`: a repository's records moved, once, to the current layout.

- A record of a kind with changes that holds its whole history in one file (the layout before
  one file per change: a ticket with `status:` and every event) becomes its record file and
  one file per later change (kefu.records.split); folding them gives the record back as it
  was, field for field, so every report figure and export row stays the same.
- Staff posts renamed when the handbook's seven posts came in: agent -> service-specialist
  (客服专员), technician -> aftersales-specialist (售后专员).
Run once and commit the result in a pull request of its own; check-pr accepts the rewritten
files because each record folds to the same data before and after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from kefu import files

from .discover import discover
from .kinds import kind_of
from .loader import ParseFailure, load_mapping
from .split import files_of

ROLES = {"agent": "service-specialist", "technician": "aftersales-specialist"}


@dataclass
class Migration:
    """What `migrate` changed (or would change, without writing)."""

    records: list[str] = field(default_factory=list)  # record files split into changes
    written: list[str] = field(default_factory=list)  # change files made
    people: list[str] = field(default_factory=list)  # people whose post was renamed
    refused: list[str] = field(default_factory=list)  # files that must be fixed first


def migrate(root: Path, write: bool = True) -> Migration:
    """Move the records under `root` to the current layout (with `write=False`: only say)."""
    done = Migration()
    for rel in discover(root):
        kind = kind_of(rel)
        if kind is None or kind.changes_of:
            continue
        if kind.name == "person":
            _person(root, rel, write, done)
        elif kind.changes is not None and kind.changes.split is not None:
            _record(root, rel, write, done)
    return done


def _record(root: Path, rel: str, write: bool, done: Migration) -> None:
    kind = kind_of(rel)
    assert kind is not None and kind.changes is not None and kind.model is not None
    try:
        data, _ = load_mapping((root / rel).read_bytes(), kind.max_bytes)
    except (OSError, ParseFailure):
        done.refused.append(rel)
        return
    if not any(name in data for name in kind.changes.state):
        return  # already a record file of the current layout
    folder = kind.changes_folder(str(data.get("id", "")))
    if folder is not None and (root / folder).exists():
        done.refused.append(rel)  # both layouts at once: a person must look
        return
    try:
        whole = kind.model.model_validate(data).model_dump(exclude_none=True)
    except ValidationError:
        done.refused.append(rel)
        return
    texts = files_of(kind.name, whole)
    done.records.append(rel)
    done.written += [path for path in texts if path != rel]
    if write:
        for path, text in texts.items():
            files.write_file(root / path, text, root=root)


def _person(root: Path, rel: str, write: bool, done: Migration) -> None:
    text = (root / rel).read_text("utf-8")
    new = re.sub(r"^(role:[ \t]*)(['\"]?)(agent|technician)\2([ \t]*(#.*)?)$",
                 lambda m: f"{m.group(1)}{ROLES[m.group(3)]}{m.group(4)}", text, flags=re.M)
    if new != text:
        done.people.append(rel)
        if write:
            files.write_file(root / rel, new, root=root)
