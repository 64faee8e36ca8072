"""`kefu migrate`: a repository's records moved, once, to the current layout.

- A record of a kind with changes that holds its whole history in one file (the layout before
  one file per change: a ticket with `status:` and every event, a leave with its approval)
  becomes its record file and one file per later change (kefu.records.split); folding them
  gives the record back as it was, field for field, so every report figure and export row stays
  the same. Where the record file only loses top-level entries (a leave's status, approver…),
  those lines are taken out and its other lines and comments stay as they were.
- Staff posts renamed when the handbook's seven posts came in: agent -> service-specialist
  (客服专员), technician -> aftersales-specialist (售后专员).
Run once and commit the result in a pull request of its own; check-pr accepts the rewritten
files because each record folds to the same data before and after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    log = kind.changes
    if not any(name in data and data[name] not in log.starts.get(name, ()) for name in log.state):
        return  # already a record file of the current layout (or one that starts so: 旷工)
    folder = kind.changes_folder(str(data.get("id", "")))
    if folder is not None and (root / folder).exists():
        done.refused.append(rel)  # both layouts at once: a person must look
        return
    try:
        whole = kind.model.model_validate(data).model_dump(exclude_none=True)
    except ValidationError:
        done.refused.append(rel)
        return
    try:
        texts = files_of(kind.name, whole)
    except ValueError:  # steps that cannot be told apart (a decision without its time)
        done.refused.append(rel)
        return
    kept = _without(text_of(root, rel), [k for k in data if k in log.state
                                         and data[k] not in log.starts.get(k, ())])
    if kept is not None and _same(kind, kept, texts[rel]):
        texts[rel] = kept  # its own lines and comments, only the later steps taken out
    done.records.append(rel)
    done.written += [path for path in texts if path != rel]
    if write:
        for path, text in texts.items():
            files.write_file(root / path, text, root=root)


def text_of(root: Path, rel: str) -> str:
    return (root / rel).read_text("utf-8")


def _without(text: str, keys: list[str]) -> str | None:
    """`text` with the top-level entries `keys` taken out, line by line (comments and the
    other lines as they were); None when they do not sit on lines of their own."""
    import yaml

    from .loader import compose

    node = compose(text)
    if not isinstance(node, yaml.MappingNode):
        return None
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()
    entries = node.value
    for index, (key, value) in enumerate(entries):
        if not isinstance(key, yaml.ScalarNode) or key.value not in keys:
            continue
        if key.start_mark.column != 0:
            return None  # a flow mapping: not line by line
        end = entries[index + 1][0].start_mark.line if index + 1 < len(entries) \
            else value.end_mark.line + (value.end_mark.column > 0)
        last = end - 1
        while last > key.start_mark.line and not lines[last].strip():
            last -= 1  # blank lines before the next entry stay
        drop.update(range(key.start_mark.line, last + 1))
    return "".join(line for number, line in enumerate(lines) if number not in drop)


def _same(kind: Any, kept: str, rendered: str) -> bool:
    """Whether two texts of a record file hold the same record."""
    from .loader import load_mapping

    try:
        first, _ = load_mapping(kept.encode("utf-8"), kind.max_bytes)
        second, _ = load_mapping(rendered.encode("utf-8"), kind.max_bytes)
        model = kind.model
        return bool(model.model_validate(first).model_dump() ==
                    model.model_validate(second).model_dump())
    except (ParseFailure, ValidationError):
        return False


def _person(root: Path, rel: str, write: bool, done: Migration) -> None:
    text = (root / rel).read_text("utf-8")
    new = re.sub(r"^(role:[ \t]*)(['\"]?)(agent|technician)\2([ \t]*(#.*)?)$",
                 lambda m: f"{m.group(1)}{ROLES[m.group(3)]}{m.group(4)}", text, flags=re.M)
    if new != text:
        done.people.append(rel)
        if write:
            files.write_file(root / rel, new, root=root)
