"""Field paths of a kind's model: where its timestamps and dates are, and reaching them in data."""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timezone, tzinfo
from typing import Any

from pydantic import AwareDatetime, BaseModel

from .kinds import KINDS, Kind
from .messages import inner_model

_ZONES: dict[Any, tzinfo] = {}


def plain(data: dict[str, Any], kind: Kind) -> dict[str, Any]:
    """Swap pydantic's per-value TzInfo for one shared `datetime.timezone` per offset.

    Shared standard zones pickle once per batch instead of once per value, which is most of
    the cost of sending 100,000 records between processes and into the cache.
    """
    for path in _datetime_paths(kind.name):
        for container, key in slots(data, path):
            value = container[key]
            offset = value.utcoffset()
            zone = _ZONES.get(offset)
            if zone is None:
                zone = _ZONES[offset] = timezone(offset)
            container[key] = value.replace(tzinfo=zone)
    return data


@functools.cache
def _datetime_paths(kind_name: str) -> tuple[tuple[str, ...], ...]:
    model = KINDS[kind_name].model
    return tuple(_paths_of(model)) if model else ()


@functools.cache
def typed_paths(kind_name: str) -> tuple[tuple[tuple[str, ...], type[date]], ...]:
    """(path, datetime or date) of every timestamp and date field of the kind."""
    model = KINDS[kind_name].model
    if model is None:
        return ()
    stamps = [(path, datetime) for path in _paths_of(model)]
    days = [(path, date) for path in _paths_of(model, date)]
    return tuple([*stamps, *days])


def _paths_of(model: type[BaseModel], leaf: type = datetime) -> Iterable[tuple[str, ...]]:
    for name, info in model.model_fields.items():
        annotation = info.annotation
        leaves = _leaves(annotation)
        if leaf in leaves or (leaf is datetime and AwareDatetime in leaves):
            yield (name, "*") if list in origins(annotation) else (name,)
        inner = inner_model(annotation)
        if inner is not None:
            star = ("*",) if list in origins(annotation) else ()
            for sub in _paths_of(inner, leaf):
                yield (name, *star, *sub)


def _leaves(annotation: Any) -> set[Any]:
    args = typing.get_args(annotation)
    if not args:
        return {annotation}
    if typing.get_origin(annotation) is typing.Annotated:
        return {args[0]} | _leaves(args[0])
    return set().union(*(_leaves(a) for a in args))


def origins(annotation: Any) -> set[Any]:
    origin = typing.get_origin(annotation)
    found = {origin} if origin else set()
    for arg in typing.get_args(annotation):
        found |= origins(arg)
    return found


def slots(node: Any, path: Sequence[str], of: type = datetime) -> Iterable[tuple[Any, Any]]:
    """(container, key) pairs holding a value of type `of` at `path` ("*" = every list item)."""
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(node, list):
            for item in node:
                yield from slots(item, rest, of)
    elif isinstance(node, dict) and head in node:
        if rest:
            yield from slots(node[head], rest, of)
        elif isinstance(node[head], of):
            yield node, head


def revive(kind: str | None, data: Any) -> dict[str, Any]:
    """A copy of `data` with dates and times back from their ISO text, at the paths the kind's
    model has them (the cached item itself stays as read, to compare and write back)."""
    if type(data) is not dict or kind is None:
        raise TypeError("data")
    out: dict[str, Any] = _reviver(kind)(data)
    return out


class _Node:
    """Where typed values sit below one point of a kind's data."""

    __slots__ = ("fields", "items", "leaf")

    def __init__(self) -> None:
        self.fields: dict[str, _Node] = {}  # below a dict: by key
        self.items: _Node | None = None  # below a list: every item
        self.leaf: tuple[type[date], ...] = ()  # text here becomes these, in order


@functools.cache
def _reviver(kind: str) -> Callable[[Any], Any]:
    """One function reviving a record of `kind`, built once from the model's typed paths: each
    container on the way is copied once (a warm run revives every record: the hot path)."""
    root = _Node()
    for path, of in typed_paths(kind):
        node = root
        for head in path:
            if head == "*":
                node.items = node = node.items or _Node()
            else:
                node = node.fields.setdefault(head, _Node())
        node.leaf += (of,)
    return _compile(root)


def _compile(spec: _Node) -> Callable[[Any], Any]:
    items = _compile(spec.items) if spec.items is not None else None
    fields = tuple((key, _compile(below)) for key, below in spec.fields.items())
    leaf = spec.leaf

    def revive(node: Any) -> Any:
        if items is not None and type(node) is list:
            node = [items(item) for item in node]
        if fields and type(node) is dict:
            node = dict(node)
            for key, below in fields:
                if key in node:
                    node[key] = below(node[key])
        for of in leaf:
            node = of.fromisoformat(node)  # TypeError for anything but text: entry refused
        return node

    return revive
