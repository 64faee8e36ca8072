"""`kefu new`: make a record of any kind from its Creator, check it like any file, write it.

The command-line options of `kefu new <command>` come from the kind's model: each offered
field with its Chinese description, type and allowed values (see `options`).
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kefu import times
from kefu.problems import Problem

from .kinds import KINDS, RECORDS, Kind
from .messages import inner_model
from .model import field_labels
from .yamlout import Flow as Flow  # re-exported: kinds and scripts make one-line lists


@dataclass(frozen=True)
class Command:
    """One `kefu new <name>` command: which kind it makes, with which preset fields."""

    name: str
    kind: Kind
    presets: Mapping[str, Any]
    label: str  # Chinese name of what it makes, e.g. 投诉工单


@dataclass(frozen=True)
class OptionSpec:
    """One option of a `kefu new` command, derived from the model (or a Creator extra)."""

    name: str  # field name; the option is --name with _ as -
    help: str
    kind: str  # text | datetime | date | choice | bool | int
    required: bool = False
    choices: Mapping[str, str] | None = None  # code -> Chinese label
    refers: str | None = None  # the kind of record the value names (a person's id or name)


@dataclass
class NewContext:
    """What a Creator's build function may use: the time now, and which ids are taken."""

    root: Path
    now: dt.datetime

    def taken(self, kind: str, record_id: str) -> bool:
        rel = KINDS[kind].expected_rel(record_id)
        return rel is not None and (self.root / rel).exists()


def commands() -> dict[str, Command]:
    """Every `kefu new` command, from the kinds that have a Creator."""
    found: dict[str, Command] = {}
    for kind in KINDS.values():
        creator = kind.creator
        if creator is None:
            continue
        variants = creator.variants or {kind.name: {}}
        for name, presets in variants.items():
            label = creator.labels.get(name, kind.title)
            found[name] = Command(name, kind, presets, label)
    return found


# how a yes-or-no option ("bool") may be written, in a form or on the command line
YES = frozenset({"是", "yes", "true", "1"})
NO = frozenset({"否", "no", "false", "0"})


def options(command: Command) -> list[OptionSpec]:
    """The options of one command: the model's scalar fields not derived or preset, then extras."""
    kind, creator = command.kind, command.kind.creator
    assert kind.model is not None and creator is not None
    specs = []
    hidden = creator.hidden(command.presets) if creator.hidden else set()
    for name, info in kind.model.model_fields.items():
        if name in creator.derived or name in command.presets or name in hidden:
            continue
        spec_kind = _kind_of(info.annotation)
        if spec_kind is None:
            continue  # lists and nested records are made by the builder
        labels = field_labels(info) or None
        required = info.is_required() and name not in creator.defaulted
        help_text = (info.description or name) + _choices_text(labels)
        if spec_kind == "datetime":  # how to type it, not how the file holds it (ISO 8601)
            help_text = f"{help_text.split('，ISO 8601')[0]}；{times.TIME_HELP}"
        refers = next((ref.target for ref in kind.references if ref.path == (name,)), None)
        if refers is not None and KINDS[refers].display:
            help_text += "（也可以写名称）"
        specs.append(OptionSpec(name, help_text, spec_kind, required, labels, refers))
    specs += [OptionSpec(extra.name, extra.help, "text", refers=extra.refers)
              for extra in creator.extra]
    return specs


def deadlines_of(ws: Any, path: Path) -> list[Any]:
    """The open deadlines of the record in `path` (for kinds that have deadlines)."""
    from .kinds import kind_of
    from .loader import load_mapping

    kind = kind_of(path.relative_to(ws.root).as_posix())
    if kind is None or kind.deadlines is None or kind.model is None:
        return []
    data, _ = load_mapping(path.read_bytes(), kind.max_bytes)
    return kind.deadlines(ws, kind.model.model_validate(data).model_dump(exclude_none=True))


def _choices_text(labels: Mapping[str, str] | None) -> str:
    if not labels:
        return ""
    return "。可选：" + "、".join(f"{code}（{label}）" for code, label in labels.items())


def _kind_of(annotation: Any) -> str | None:
    """The option type for a field's annotation, or None when it is not a scalar."""
    if inner_model(annotation) is not None:
        return None
    leaves = _leaves(annotation)
    if any(typing.get_origin(leaf) in (list, dict) or leaf in (list, dict) for leaf in leaves):
        return None
    if any(leaf is dt.datetime or getattr(leaf, "__name__", "") == "AwareDatetime"
           for leaf in leaves):
        return "datetime"
    if dt.date in leaves:
        return "date"
    if any(typing.get_origin(leaf) is typing.Literal for leaf in leaves):
        return "choice"
    if bool in leaves:
        return "bool"
    if int in leaves:
        return "int"
    return "text"


def _leaves(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _leaves(typing.get_args(annotation)[0])
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        return [leaf for arg in typing.get_args(annotation) if arg is not type(None)
                for leaf in _leaves(arg)]
    return [annotation]


def create(root: Path, command: Command, values: Mapping[str, Any],
           now: dt.datetime | None = None, warned: list[Problem] | None = None) -> Path:
    """Write a new record made by `command` from option `values`; return its path.

    The repository is checked with the record in it, as `kefu validate` would check it (the
    kind's checks, references, the checks across records: a leave against the roster) before
    anything is written; KefuError lists every error otherwise and nothing is written.
    The warnings the record brings are added to `warned`.
    """
    kind, creator = command.kind, command.kind.creator
    assert creator is not None
    given = {k: v for k, v in values.items() if v is not None}
    data = creator.build(NewContext(root, now or times.now()), {**given, **command.presets})
    from .split import files_of
    from .writing import write_new

    texts = files_of(kind.name, data)
    found = write_new(root, texts, "新建记录")
    if warned is not None:
        warned.extend(found.warnings)
    return root / next(iter(texts))


def unknown_refs(root: Path, refs: list[tuple[str, str]]) -> list[str]:
    """A Chinese line for each (kind, id) reference that names no record of the repository."""
    from .corpus import load

    targets = sorted({target for target, _ in refs})
    folders = [root / RECORDS / KINDS[t].folder for t in targets if KINDS[t].folder]
    existing = [f for f in folders if f.is_dir()]
    known = load(root, existing) if existing else None
    ids = {(r.kind, r.id) for r in known.records} if known else set()
    return [f"`{value}` 不是已登记的{KINDS[target].title}（{RECORDS}/{KINDS[target].folder}/）："
            "请检查拼写。" for target, value in sorted(refs) if (target, value) not in ids]
