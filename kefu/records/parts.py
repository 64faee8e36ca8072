"""The parts a record kind is declared with: its checks' findings, references, `kefu new`
options, event rules and the printed forms it fills (kefu.records.kinds puts them together)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kefu.problems import Severity


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
    rel: str | None = None  # the file it is in, when not the record's own (one of its changes)


@dataclass(frozen=True, eq=False)
class Across:
    """A check over every valid record of the kinds it `reads` at once.

    `check(group)` gets a kefu.records.across.Group (the records by kind, the repository root,
    today) and yields `Placed` findings; it runs whenever the repository holds a record of the
    kind declaring it, or `kefu validate` is given a file of a kind it reads. Its findings must
    depend on those records only: the index keeps them until one of the files changes.
    `timely(group)` yields the findings that also depend on the day or on other files (a loan
    past due, evidence naming any record); it runs every time, so it must be cheap.
    """

    reads: tuple[str, ...]
    check: Callable[[Any], Iterable[Placed]]
    timely: Callable[[Any], Iterable[Placed]] | None = None
    # modules whose code decides the results besides the check's own (the index's inputs)
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
