"""Personal values in the records (fields flagged `personal: true`, at any depth).

The site build refuses to publish any of them; tests scan the built site for them as well.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .kinds import KINDS, Kind
from .messages import inner_model
from .references import walk

if TYPE_CHECKING:
    from .corpus import LoadResult


def personal_values(result: LoadResult) -> set[str]:
    """Every personal value in the loaded records, however deep the field, in every spelling
    (and those of the kinds the load held back, which the index keeps)."""
    values: set[str] = set(result.held_personal)
    for record in result.records:
        values |= record_values(record.kind, record.data)
    return values


def record_values(kind: str, data: Any) -> set[str]:
    """The personal values of one record of `kind`, in every spelling."""
    values: set[str] = set()
    for path in _kind_paths(kind):
        for _, value in walk(data, path, ()):
            if value is not None:
                values.update(spellings(value))
    return values


@functools.cache
def _kind_paths(name: str) -> tuple[tuple[str, ...], ...]:
    """Per kind, not per record (100,000s)."""
    kind = KINDS.get(name)
    return personal_paths(kind) if kind is not None else ()


def personal_paths(kind: Kind) -> tuple[tuple[str, ...], ...]:
    """Field paths flagged personal in the kind's model, e.g. ("shifts", "*", "phone")."""
    return tuple(_paths(kind.model)) if kind.model is not None else ()


def _paths(model: type[BaseModel],
           seen: frozenset[type] = frozenset()) -> Iterable[tuple[str, ...]]:
    if model in seen:
        return
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get("personal"):
            yield (name,)
            continue
        inner = inner_model(info.annotation)
        if inner is not None:
            star = ("*",) if _is_list(info.annotation) else ()
            for sub in _paths(inner, seen | {model}):
                yield (name, *star, *sub)


def _is_list(annotation: Any) -> bool:
    import typing

    return typing.get_origin(annotation) is list or any(
        _is_list(arg) for arg in typing.get_args(annotation))


def spellings(value: Any) -> set[str]:
    """The value as text, plus the other ways a page could print it."""
    if isinstance(value, datetime | date):
        return {value.isoformat(), f"{value.year}年{value.month}月{value.day}日"}
    if isinstance(value, list | tuple):
        return set().union(*(spellings(v) for v in value)) if value else set()
    text = str(value)
    digits = text.replace("-", "").replace(" ", "")
    return {text, digits} if digits != text and digits.isdigit() else {text}
