"""What checking one file yields (`FileResult`), and a valid record as readers get it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kefu.problems import Problem

# A reference to another record, checked once every file is read: (target kind, id). Where it
# is written is looked up again only for a reference that turns out to be unknown.
Ref = tuple[str, str]
Row = tuple[str | None, str | None, dict[str, Any] | None, list[Problem], list[Ref], bool,
            dict[str, str]]
# kind -> field -> allowed values, e.g. {"ticket": {"status": {"open", "waiting"}}}
Where = Mapping[str, Mapping[str, Collection[str]]]


@dataclass
class FileResult:
    """Everything learnt from one file: picklable, kept in the index."""

    rel: str
    kind: str | None
    id: str | None = None
    data: dict[str, Any] | None = None  # validated data; None if invalid or not asked for
    problems: list[Problem] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    partial: bool = False  # valid, but data was not kept (a check without data)
    facets: dict[str, str] = field(default_factory=dict)  # the kind's facets of a valid record

    def row(self) -> Row:
        """The result as a plain tuple: what crosses process boundaries and fills the cache
        (plain tuples pickle and unpickle several times faster than objects)."""
        return (self.kind, self.id, self.data, self.problems, self.refs, self.partial,
                self.facets)

    @classmethod
    def from_row(cls, rel: str, row: Row) -> FileResult:
        return cls(rel, *row)


class Record:
    """One valid record: timestamps are aware datetimes, dates are dates.

    `path` is built on first use: making 100,000 Path objects up front costs seconds.
    """

    __slots__ = ("kind", "id", "data", "_path", "_where")

    def __init__(self, kind: str, id: str, path: Path, data: dict[str, Any]) -> None:  # noqa: A002
        self.kind, self.id, self.data = kind, id, data
        self._path: Path | None = Path(path)
        self._where = ""

    @classmethod
    def at(cls, kind: str, record_id: str, root: str, rel: str, data: dict[str, Any]) -> Record:
        record = cls.__new__(cls)
        record.kind, record.id, record.data = kind, record_id, data
        record._path, record._where = None, f"{root}/{rel}"
        return record

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = Path(self._where)
        return self._path

    @property
    def file(self) -> str:
        """`str(self.path)`, without building the Path."""
        return self._where if self._path is None else str(self._path)

    def __repr__(self) -> str:
        return f"Record({self.kind!r}, {self.id!r}, {str(self.path)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and (self.kind, self.id, self.path, self.data) == (
            other.kind, other.id, other.path, other.data)

    __hash__ = None  # type: ignore[assignment]  # mutable data, like the dataclass it replaces
