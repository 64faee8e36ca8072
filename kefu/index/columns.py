"""What the index keeps of a record beside its data, for readers to filter and count on in SQL:
the `records` table's columns, and a ticket's standing on each of its kept deadlines
(kefu.index.milestones), both made from the record as it stands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kefu.kinds.ticket_terms import stands_closed

TEXTS = ("type", "status", "owner", "dealer")


def columns(data: Mapping[str, Any]) -> tuple[Any, ...]:
    """type, status, owner, dealer, then `standing`."""
    return (*(_text(data.get(name)) for name in TEXTS), *standing(data))


def standing(data: Mapping[str, Any]) -> tuple[float | None, float | None, float | None, int]:
    """When it was received, its first and last event (seconds since the epoch), and whether
    it stands closed after them (1) or not (0: never unknown)."""
    events = [e for e in data.get("events") or () if isinstance(e, Mapping)]
    received = epoch(data.get("received"))
    first = epoch(events[0].get("at")) if events else None
    last = epoch(events[-1].get("at")) if events else received
    return received, first, last, int(stands_closed(events))


def epoch(value: Any) -> float | None:
    """A time as seconds since the epoch (typed, or ISO text with its offset), else None."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.timestamp()
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
