"""Where lookups get their records: one `Workspace.load()`, held as the lookups ask for it.

Every question `kefu show`, `kefu find` and the site's dealer and open-work pages ask of the
records goes through `Desk`: a record by id, the records of a kind, a record's name, the records
naming a record, the personal values to mask, the warnings about a record. It is the one place
to switch from loading every file to queries on an index.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any

from kefu.problems import Problem
from kefu.records import KINDS, LoadResult, Record, personal_values
from kefu.workspace import Workspace

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Mention:
    """A record naming another one: `record` holds its id at field path `loc`."""

    record: Record
    loc: Loc


@dataclass
class Desk:
    """The records of a workspace as of its `today`, for looking things up."""

    ws: Workspace
    loaded: LoadResult
    _mentions: dict[str, list[Mention]] = field(default_factory=dict, repr=False)
    _titles: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, ws: Workspace) -> Desk:
        return cls(ws, ws.load())

    @cached_property
    def records(self) -> list[Record]:
        """Every valid record of a kind kept one file per record (not sla.yml and the other
        rules files: they are settings, not records to look up)."""
        return [r for r in self.loaded.records if KINDS[r.kind].folder]

    @cached_property
    def by_id(self) -> dict[str, list[Record]]:
        found: dict[str, list[Record]] = {}
        for record in self.records:
            found.setdefault(record.id, []).append(record)
        return found

    def changes(self, record: Record) -> list[dict[str, Any]]:
        """The record's change files as written (corrections are folded into its fields, so
        only these still say who corrected what, and when); none without an index."""
        from kefu.index import query

        with self.loaded.index() as ix:
            return query.changes(ix, record.kind, record.id) if ix is not None else []

    def get(self, record_id: str) -> list[Record]:
        """The records with this id (one, or several of different kinds, or none)."""
        return list(self.by_id.get(record_id, ()))

    def of_kind(self, kind: str) -> list[Record]:
        return self.loaded.of_kind(kind)

    @cached_property
    def names(self) -> dict[str, dict[str, str]]:
        """Kind -> id -> how people name the record (a person's name, a dealer's company)."""
        out: dict[str, dict[str, str]] = {}
        for name, kind in KINDS.items():
            if kind.display:
                out[name] = {r.id: kind.label(r.data, r.id) for r in self.of_kind(name)}
        return out

    def name(self, kind: str, record_id: Any) -> str:
        """The name of a person or dealer, or the id itself when unknown."""
        return self.names.get(kind, {}).get(str(record_id), str(record_id)) if record_id else ""

    @cached_property
    def personal(self) -> set[str]:
        """Every personal value on record: masked wherever a lookup shows free text."""
        return personal_values(self.loaded)

    @property
    def shifts(self) -> dict[str, str]:
        """Shift key -> its title in records/staff-rules.yml (day -> 白班)."""
        return self.titles("shifts")

    def titles(self, section: str) -> dict[str, str]:
        """Key -> title of a section of records/staff-rules.yml (shifts, channels, ledger)."""
        found = self._titles.get(section)
        if found is None:
            rules = next(iter(self.of_kind("staff-rules")), None)
            table = rules.data.get(section) if rules is not None else None
            found = self._titles[section] = {
                str(k): str(v.get("title", k)) for k, v in (table or {}).items()
                if isinstance(v, Mapping)}
        return found

    def mentions(self, record_id: str) -> list[Mention]:
        """Every place another record names `record_id` (a field holding exactly that id)."""
        found = self._mentions.get(record_id)
        if found is None:
            found = self._mentions[record_id] = [
                Mention(record, loc) for record in self.records if record.id != record_id
                for loc in holding(record.data, record_id)]
        return list(found)

    def warnings(self, record: Record) -> list[Problem]:
        """The kinds' warnings about `record` for a person to act on (a loan past due, a
        hand-over matter open too long), not the notes on how its file is written."""
        rel = PurePosixPath(record.file).relative_to(PurePosixPath(self.ws.root.as_posix()))
        return [n.problem for n in self.loaded.notices
                if n.problem.path == rel.as_posix() or PurePosixPath(n.problem.path).stem
                == record.id]


def strings(node: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """(field path, text) of every text value in a record's data, however deep."""
    if isinstance(node, str):
        yield loc, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, (*loc, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, (*loc, index))


def holding(node: Any, text: str, loc: Loc = ()) -> list[Loc]:
    """The field paths in `node` whose value is exactly `text`. Runs over every record for one
    `kefu show`: plain recursion, no generator, a path built only on the way to a container."""
    found: list[Loc] = []
    items = node.items() if node.__class__ is dict else enumerate(node) \
        if node.__class__ is list else ()
    for key, value in items:
        kind = value.__class__
        if kind is str:
            if value == text:
                found.append((*loc, key))
        elif kind is dict or kind is list:
            found += holding(value, text, (*loc, key))
    return found
