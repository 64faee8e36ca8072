"""The registry of record kinds: everything the tracker knows about a kind, declared in one place.

A kind module (kefu/kinds/ticket.py, or a module of a test suite) builds one `Kind` and the
registry serves it to every command: `kefu validate` (model, checks, references, place),
`kefu new` (its Creator), `kefu schemas`, `kefu form --record` (its FormFillers), `check-pr`
(closed records are append-only), the privacy scan (`personal: true` fields at any depth) and
the index (rebuilt when a module the kind's code lives in changes). The parts it is made of
(findings, references, options, event rules, form fillers) are in kefu.records.parts.
A kind may also declare an `Across` check: one pass over every valid record of the kinds it
reads (a roster against the leave taken, the 6th 补卡 of a month), run by `load()` after the
files are checked; the data of its own kind is then always kept, even by `kefu validate`.
Built-in kinds are listed in kefu.kinds.BUILTIN and imported on first use; `register_kind` adds
another one at run time.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel

from .loader import MAX_BYTES
from .parts import Across as Across
from .parts import Check as Check
from .parts import Creator as Creator
from .parts import Events as Events
from .parts import Finding as Finding
from .parts import FormFiller as FormFiller
from .parts import Option as Option
from .parts import Placed as Placed
from .parts import Reference as Reference

RECORDS = "records"
SCHEMAS = "schemas"


CHANGE_ID = r"[0-9]{8}-[0-9]{6}-[a-z][a-z-]{0,30}-[0-9a-z]{4}"
ALPHABET_TOKEN = "0123456789abcdefghijklmnopqrstuvwxyz"
"""A change file's name (its id): `<day>-<time>-<action>-<4 characters>`, e.g.
20261124-153000-replied-k3x9: sorted by name, a record's changes read in time order."""


@dataclass(frozen=True, eq=False)
class Log:
    """A record that changes only by new files beside it: one file per change.

    The record file `<ID>.yml` is written once; each later change (an event, a decision, a
    return, a correction) is a file `<ID>/CHANGE_ID.yml` in the folder of the same name beside
    it, naming the record in its `record:` field. Nothing ever edits an earlier file, so two
    people adding changes at once never conflict, in git or on GitHub. The record's state is
    the fold of its changes, oldest first (by time, then name): `apply(folded, change)` folds
    one change into
    the record's data and returns None, or says in Chinese why the change does not fit the state
    the earlier ones left (it is then not applied, and its file is reported).
    `state` are fields only changes set (a ticket's status): a record file may write them
    only with a value of `starts` (a leave recorded as an absence starts `absent`).
    """

    model: type[BaseModel]  # one change file
    apply: Callable[[dict[str, Any], Mapping[str, Any]], str | None]
    title: str = "变更"  # Chinese name of one change: 事件, 审批
    state: tuple[str, ...] = ()
    starts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # (folded record data) -> the state the record starts in, from its own file (status)
    begin: Callable[[dict[str, Any]], None] | None = None
    references: tuple[Reference, ...] = ()  # in a change file: ("by",) -> person
    # timestamps of a change file that record what happened (not later than tomorrow)
    no_future: tuple[tuple[str, ...], ...] = (("at",),)
    # a whole record as the one-file layout held it -> its record file and its changes' data
    # (`kefu migrate`, the sample department): folding them gives the whole record back
    split: Callable[[dict[str, Any]], tuple[dict[str, Any], list[dict[str, Any]]]] | None = None
    # a finding's place in the folded record -> in the change that set it (default: ("correct",…))
    where: Callable[[tuple[str | int, ...]], tuple[str | int, ...]] | None = None


@dataclass(frozen=True, eq=False)
class Kind:
    """One kind of record file."""

    name: str  # "ticket"; also the schema file name schemas/<name>.schema.json
    title: str  # Chinese name used in messages
    model: type[BaseModel] | None
    folder: str = ""  # records/<folder>/ holds one file per record ("" for a single file)
    file: str = ""  # records/<file> for a single-file kind such as sla.yml
    required: bool = False  # the single file must exist (validate reports it missing)
    id_pattern: str | None = None  # full-match regex of a record id
    id_format: str = ""  # how to write an id, for messages
    # files live in <folder>/<subdir>/: (regex with named groups over the id, format string)
    subdir: tuple[str, str] | None = None
    references: tuple[Reference, ...] = ()
    checks: tuple[Check, ...] = ()
    across: Across | None = None  # checks across records (several files at once)
    # kind-specific wording of schema errors: (loc, error type) -> (slug, hint) or None
    explain: Callable[[tuple[Any, ...], str], tuple[str, str] | None] | None = None
    display: str | None = None  # the field that names a record for people (name, company)
    facets: tuple[str, ...] = ()  # top-level fields `load(where=...)` may filter on
    # timestamps that record what happened, so never later than tomorrow: (("events", "*", "at"),)
    no_future: tuple[tuple[str, ...], ...] = ()
    creator: Creator | None = None
    forms: tuple[FormFiller, ...] = ()
    closed: Callable[[Mapping[str, Any]], bool] | None = None  # then append-only (check-pr)
    log: str | None = None  # the list a closed record may still append to
    events: Events | None = None  # appending to the log with `kefu event` (needs `log`)
    # (workspace, record data) -> the record's open deadlines, soonest first (kefu new/event)
    deadlines: Callable[[Any, Mapping[str, Any]], list[Any]] | None = None
    cacheable: bool = True  # False: checked again on every run (results that change over time)
    max_bytes: int = MAX_BYTES
    changes: Log | None = None  # a folder per record, one file per later change
    changes_of: str = ""  # for a change kind (made from a Log): the kind of its record

    def expected_rel(self, record_id: str) -> str | None:
        """Where a record with this id belongs, relative to the repository root."""
        if self.file:
            return f"{RECORDS}/{self.file}"
        if self.subdir is not None:
            match = _compiled(self.subdir[0]).match(record_id)
            if not match:
                return None
            return f"{RECORDS}/{self.folder}/{self.subdir[1].format(**match.groupdict())}/" \
                   f"{record_id}.yml"
        return f"{RECORDS}/{self.folder}/{record_id}.yml"

    def changes_folder(self, record_id: str) -> str | None:
        """The folder of a record's change files: beside the record file, named by its id."""
        rel = self.expected_rel(record_id) if self.changes is not None else None
        return rel.removesuffix(".yml") if rel is not None else None

    def change_rel(self, record_id: str, change_id: str) -> str | None:
        """Where a change of this kind's record `record_id` belongs (a kind with changes)."""
        folder = self.changes_folder(record_id)
        return f"{folder}/{change_id}.yml" if folder is not None else None

    def matches_id(self, record_id: str) -> bool:
        return self.id_pattern is not None and re.fullmatch(self.id_pattern, record_id) is not None

    def label(self, data: Mapping[str, Any], record_id: str) -> str:
        """How people see a record of this kind: its display field, else its id."""
        shown = data.get(self.display) if self.display else None
        return str(shown) if shown else record_id

    def modules(self) -> set[str]:
        """Every module whose code decides this kind's results (the index's inputs)."""
        return set(_modules_of(self))


@cache  # a Kind is frozen: asked each time the index is opened (a site build: 30 times)
def _modules_of(kind: Kind) -> frozenset[str]:
    found: set[str] = set()
    if kind.model is not None:
        found |= _model_modules(kind.model)
    for item in (*kind.checks, kind.explain):
        if item is not None:
            found.add(getattr(item, "__module__", "") or "")
    if kind.across is not None:
        found |= {getattr(kind.across.check, "__module__", ""), *kind.across.modules}
    if kind.changes is not None:
        found |= _model_modules(kind.changes.model)
        found.add(getattr(kind.changes.apply, "__module__", "") or "")
    return frozenset(found - {""})


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _model_modules(model: type[BaseModel], seen: set[type] | None = None) -> set[str]:
    """The modules of a model and of every model nested in it (its bases included)."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    found = {base.__module__ for base in model.__mro__
             if isinstance(base, type) and issubclass(base, BaseModel) and base is not BaseModel}
    for info in model.model_fields.values():
        for inner in _nested_models(info.annotation):
            found |= _model_modules(inner, seen)
    return found


def _nested_models(annotation: Any) -> Iterator[type[BaseModel]]:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _nested_models(arg)


class _Registry(Mapping[str, Kind]):
    """Kind name -> Kind; the built-in kinds are imported the first time anything is asked."""

    def __init__(self) -> None:
        self._kinds: dict[str, Kind] = {}
        self._loaded = False

    def _load(self) -> dict[str, Kind]:
        if not self._loaded:
            self._loaded = True
            from kefu.kinds import BUILTIN

            for module_name in BUILTIN:
                kind = importlib.import_module(module_name).KIND
                self._kinds.setdefault(kind.name, kind)
                if kind.changes is not None:
                    change = change_kind(kind)
                    self._kinds.setdefault(change.name, change)
        return self._kinds

    def __getitem__(self, name: str) -> Kind:
        return self._load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def add(self, kind: Kind) -> None:
        self._load()[kind.name] = kind
        if kind.changes is not None:
            change = change_kind(kind)
            self._load()[change.name] = change
        _changed()

    def remove(self, name: str) -> None:
        self._load().pop(name, None)
        self._load().pop(f"{name}{CHANGE_SUFFIX}", None)
        _changed()


KINDS = _Registry()
CHANGE_SUFFIX = "-change"


def change_kind(kind: Kind) -> Kind:
    """The kind of the change files of `kind`'s records (schemas/<kind>-change.schema.json)."""
    log = kind.changes
    assert log is not None
    return Kind(f"{kind.name}{CHANGE_SUFFIX}", f"{kind.title}{log.title}", log.model,
                folder=kind.folder, id_pattern=CHANGE_ID,
                id_format="日期-时间-动作-4 位随机码（如 20261124-153000-replied-k3x9，"
                          "由 kefu 命令生成）",
                references=(Reference(("record",), kind.name), *log.references),
                no_future=log.no_future, changes_of=kind.name, max_bytes=kind.max_bytes)


def change_id(at: Any, action: str, token: str) -> str:
    """A change file's id: its time in Beijing, its action and 4 random characters."""
    from kefu.times import SHANGHAI

    local = at.astimezone(SHANGHAI)
    return f"{local:%Y%m%d-%H%M%S}-{action}-{token}"


def _changed() -> None:
    _kind_of_folder.cache_clear()
    read_across.cache_clear()


@cache
def read_across() -> frozenset[str]:
    """Kinds with an `Across` check: their records' data is kept on every run (the other kinds
    such a check reads, people or a rules file, are few and read again when needed)."""
    return frozenset(name for name, kind in KINDS.items() if kind.across is not None)


def register_kind(kind: Kind) -> None:
    """Add (or replace) a record kind."""
    KINDS.add(kind)


def unregister_kind(name: str) -> None:
    KINDS.remove(name)


def kind_of(rel: str) -> Kind | None:
    """The kind whose place `rel` (posix path relative to the repo root) is in, if any.

    A file in a folder named by a record id of a kind with changes is one of that record's
    changes (records/tickets/2026/03/T-20260315-k7m2/20260316-093000-replied-k3x9.yml).
    """
    folder, _, name = rel.rpartition("/")
    if folder == RECORDS:
        return next((k for k in KINDS.values() if k.file and k.file == name), None)
    kind = _kind_of_folder(folder)
    if kind is None or kind.changes is None or not kind.matches_id(folder.rpartition("/")[2]):
        return kind
    return KINDS.get(f"{kind.name}{CHANGE_SUFFIX}")


@cache
def _kind_of_folder(folder: str) -> Kind | None:
    parts = folder.split("/")
    if len(parts) < 2 or parts[0] != RECORDS:
        return None
    return next((k for k in KINDS.values() if k.folder and k.folder == parts[1]
                 and not k.changes_of), None)


def kind_for_id(record_id: str) -> Kind | None:
    """The one-file-per-record kind whose id pattern `record_id` matches, if any."""
    return next((k for k in KINDS.values() if k.folder and not k.changes_of
                 and k.matches_id(record_id)), None)


def known_places() -> str:
    """Human list of where records may live, for messages."""
    places = [f"{RECORDS}/{k.folder}/" for k in KINDS.values() if k.folder and not k.changes_of]
    places += [f"{RECORDS}/{k.file}" for k in KINDS.values() if k.file]
    return "、".join(places)


def schema_rel(kind: Kind) -> str:
    return f"{SCHEMAS}/{kind.name}.schema.json"


def id_formats() -> dict[str, str]:
    """id pattern -> how to write it, for bad-format messages."""
    return {k.id_pattern: k.id_format for k in KINDS.values() if k.id_pattern and k.id_format}


def source_files() -> list[str]:
    """Files of every module the registered kinds' models and checks live in."""
    files = set()
    for kind in KINDS.values():
        for name in kind.modules():
            module = sys.modules.get(name)
            path = getattr(module, "__file__", None)
            if path is None:  # not imported yet (a check imported when it first runs)
                try:
                    spec = importlib.util.find_spec(name)
                except (ImportError, ValueError):
                    spec = None
                path = spec.origin if spec is not None else None
            if path:
                files.add(path)
    return sorted(files)
