"""The registry of record kinds: everything the tracker knows about a kind, declared in one place.

A kind module (kefu/kinds/ticket.py, or a module of a test suite) builds one `Kind` and the
registry serves it to every command: `kefu validate` (model, checks, references, place),
`kefu new` (its Creator), `kefu schemas`, `kefu form --record` (its FormFillers), `check-pr`
(closed records are append-only), the privacy scan (`personal: true` fields at any depth) and
the records cache (whose fingerprint covers every module the kind's code lives in).
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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel

from kefu.problems import Severity

from .loader import MAX_BYTES

RECORDS = "records"
SCHEMAS = "schemas"


@dataclass(frozen=True)
class Finding:
    """What a kind's check found: a slug, the field path it is about and a Chinese message."""

    slug: str
    loc: tuple[str | int, ...]
    message: str
    severity: Severity = Severity.ERROR


# A check gets the record's model instance; when the model refused the file, a partial one
# holding the fields that passed (read them with getattr(record, name, None)).
Check = Callable[[Any], Iterable[Finding]]


@dataclass(frozen=True)
class Placed:
    """A finding of an `Across` check about record `id` of `kind` (a file that may not exist
    yet, such as next week's roster); `owner` is the person a warning is for (kefu overdue)."""

    kind: str
    id: str
    finding: Finding
    owner: str | None = None


@dataclass(frozen=True, eq=False)
class Across:
    """A check over every valid record of the kinds it `reads` at once.

    `check(group)` gets a kefu.records.across.Group (the records by kind, the repository root,
    today) and yields `Placed` findings; it runs whenever the repository holds a record of the
    kind declaring it, or `kefu validate` is given a file of a kind it reads. Its findings must
    depend on those records only: the cache keeps them until one of the files changes.
    `timely(group)` yields the findings that also depend on the day or on other files (a loan
    past due, evidence naming any record); it runs every time, so it must be cheap.
    """

    reads: tuple[str, ...]
    check: Callable[[Any], Iterable[Placed]]
    timely: Callable[[Any], Iterable[Placed]] | None = None
    # modules whose code decides the results besides the check's own (cache fingerprint)
    modules: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()  # distributions whose data decides them (a holiday table)


@dataclass(frozen=True)
class Reference:
    """A field that names another record: ("events", "*", "by") -> a person."""

    path: tuple[str, ...]  # "*" means each item of a list
    target: str  # kind name


@dataclass(frozen=True)
class Option:
    """A `kefu new` option that is not a field of the model (it goes into what `build` makes)."""

    name: str
    help: str
    refers: str | None = None  # the kind the value names (a person: ids and names accepted)


@dataclass(frozen=True, eq=False)
class Creator:
    """How `kefu new` makes a record of the kind from command-line options.

    The options are the model's fields (help and allowed values from the model), minus
    `derived` (filled by `build` itself) and the preset fields of the command, plus `extra`.
    A model field is required on the command line unless the model or `defaulted` has a default.
    """

    build: Callable[[Any, dict[str, Any]], dict[str, Any]]  # (NewContext, values) -> record data
    variants: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # command -> presets
    derived: tuple[str, ...] = ("id",)
    defaulted: tuple[str, ...] = ()
    extra: tuple[Option, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)  # command -> Chinese name
    # (a command's presets) -> model fields that command does not offer (other types' fields)
    hidden: Callable[[Mapping[str, Any]], set[str]] | None = None
    help: str = ""  # what `kefu new <command> --help` says besides "新建一条…"


@dataclass(frozen=True, eq=False)
class Events:
    """How entries are appended to a kind's log (`kefu event`, `kefu close`, `kefu reopen`).

    `refuse(data, action)` says in Chinese why `action` does not fit the record now (its type or
    state), or None; `after(data, action)` gives the top-level fields that change with it
    (status); a closed record gains only `reopen` (then `changes` may change) and `notes`.
    """

    refuse: Callable[[Mapping[str, Any], str], str | None]
    after: Callable[[Mapping[str, Any], str], dict[str, Any]]
    close: str = "closed"
    reopen: str = "reopened"
    changes: tuple[str, ...] = ("status",)  # fields a reopening may change in a closed record
    notes: tuple[str, ...] = ("note",)  # entries a closed record may still gain


@dataclass(frozen=True, eq=False)
class FormFiller:
    """A printed form this kind fills: the form's key in forms/registry.yml and the filler."""

    form: str
    fill: str | Callable[[Any, Any], Any]  # (FillContext, Form) -> Filled, or "module:function"
    label: str  # what the forms page says fills it, e.g. 投诉工单
    when: Mapping[str, str] = field(default_factory=dict)  # top-level values the record needs

    def filler(self) -> Callable[[Any, Any], Any]:
        """The fill function, imported on first use (forms need WeasyPrint, checks do not)."""
        if callable(self.fill):
            return self.fill
        module_name, _, name = self.fill.partition(":")
        function: Callable[[Any, Any], Any] = getattr(importlib.import_module(module_name), name)
        return function


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

    def matches_id(self, record_id: str) -> bool:
        return self.id_pattern is not None and re.fullmatch(self.id_pattern, record_id) is not None

    def label(self, data: Mapping[str, Any], record_id: str) -> str:
        """How people see a record of this kind: its display field, else its id."""
        shown = data.get(self.display) if self.display else None
        return str(shown) if shown else record_id

    def modules(self) -> set[str]:
        """Every module whose code decides this kind's results (for the cache fingerprint)."""
        found: set[str] = set()
        if self.model is not None:
            found |= _model_modules(self.model)
        for item in (*self.checks, self.explain):
            if item is not None:
                found.add(getattr(item, "__module__", "") or "")
        if self.across is not None:
            found |= {getattr(self.across.check, "__module__", ""), *self.across.modules}
        return found - {""}


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
        return self._kinds

    def __getitem__(self, name: str) -> Kind:
        return self._load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def add(self, kind: Kind) -> None:
        self._load()[kind.name] = kind
        _changed()

    def remove(self, name: str) -> None:
        self._load().pop(name, None)
        _changed()


KINDS = _Registry()


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
    """The kind whose place `rel` (posix path relative to the repo root) is in, if any."""
    folder, _, name = rel.rpartition("/")
    if folder == RECORDS:
        return next((k for k in KINDS.values() if k.file and k.file == name), None)
    return _kind_of_folder(folder)


@cache
def _kind_of_folder(folder: str) -> Kind | None:
    parts = folder.split("/")
    if len(parts) < 2 or parts[0] != RECORDS:
        return None
    return next((k for k in KINDS.values() if k.folder and k.folder == parts[1]), None)


def kind_for_id(record_id: str) -> Kind | None:
    """The one-file-per-record kind whose id pattern `record_id` matches, if any."""
    return next((k for k in KINDS.values() if k.folder and k.matches_id(record_id)), None)


def known_places() -> str:
    """Human list of where records may live, for messages."""
    places = [f"{RECORDS}/{k.folder}/" for k in KINDS.values() if k.folder]
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
