"""The share of a period's report that quiet tickets give, kept between runs.

A month's report counts every ticket of the last 12 months in its trend but shows only the
tickets that touch the month. The others, "quiet" (received and closed before the period, no
event and no deadline in it), add fixed numbers to the trend: their month of intake and their
deadlines' months and states (on time, late, closed without the event), none of which depends on
the report's moment. So those numbers, and which tickets are not quiet, are kept in the records
cache's `derived` part under the key of every ticket's content with the deadline rules and
calendar (`Deadlines.key`, kefu.sla.summaries) and of this code; a run with the same key and
period reads them instead of looking at 100,000 tickets again. An entry of the wrong shape
counts as missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kefu.records.cache import Cache

from .figures import STATE_LABELS
from .period import Period

NAME = "report-quiet"
KEEP = 16  # periods kept: the site's months and a few more (each read with every report)
_CODE = ("sift.py", "figures.py", "period.py", "quiet.py")  # what decides what quiet tickets add


@dataclass
class Quiet:
    """Which tickets are not quiet (positions in load order), and what the quiet ones add;
    those received after the period add their month of intake (`late`) once the report's
    moment is past the last of them (`late_last`)."""

    loud: list[int] = field(default_factory=list)
    months: Counter[tuple[int, int, str]] = field(default_factory=Counter)  # due month, state
    intake: Counter[tuple[int, int]] = field(default_factory=Counter)  # month received
    late: Counter[tuple[int, int]] = field(default_factory=Counter)  # month received
    late_last: dt.datetime | None = None


class Memo:
    """The kept `Quiet` of each period for one load of the tickets (`key`)."""

    def __init__(self, store: Cache, key: str) -> None:
        here = Path(__file__).parent
        digest = hashlib.blake2b(key.encode(), digest_size=16)
        for name in _CODE:
            digest.update((here / name).read_bytes())
        self.store, self.key = store, digest.hexdigest()

    def get(self, period: Period, tickets: int) -> Quiet | None:
        kept = self.store.derived.get(NAME)
        if type(kept) is not dict or kept.get("key") != self.key:
            return None
        found = kept.get("periods")
        entry = found.get(_period_key(period)) if type(found) is dict else None
        try:
            return _read(entry, tickets)
        except (TypeError, ValueError):
            return None

    def put(self, period: Period, quiet: Quiet) -> None:
        """Keep `quiet` for `period` (the oldest periods make room) and write the cache."""
        kept = self.store.derived.get(NAME)
        periods = dict(kept["periods"]) if type(kept) is dict and kept.get("key") == self.key \
            and type(kept.get("periods")) is dict else {}
        periods.pop(_period_key(period), None)
        while len(periods) >= KEEP:
            periods.pop(next(iter(periods)))
        periods[_period_key(period)] = [
            quiet.loud, [[y, m, state, n] for (y, m, state), n in quiet.months.items()],
            [[y, m, n] for (y, m), n in quiet.intake.items()],
            [[y, m, n] for (y, m), n in quiet.late.items()],
            quiet.late_last.isoformat() if quiet.late_last is not None else None]
        self.store.keep(NAME, {"key": self.key, "periods": periods})
        self.store.write()


def _period_key(period: Period) -> str:
    return f"{period.start.isoformat()}/{period.end.isoformat()}"


def _read(entry: Any, tickets: int) -> Quiet | None:
    """A kept entry read back; None (or TypeError, ValueError) when it is not what was written."""
    if type(entry) is not list or len(entry) != 5:
        return None
    loud, months, intake, late, late_last = entry
    if type(loud) is not list or any(type(i) is not int or not 0 <= i < tickets for i in loud):
        return None
    found = Quiet(loud, late_last=dt.datetime.fromisoformat(late_last)
                  if late_last is not None else None)
    if found.late_last is not None and found.late_last.tzinfo is None:
        return None
    for y, m, state, n in months:
        if type(y) is not int or type(m) is not int or state not in STATE_LABELS \
                or type(n) is not int:
            return None
        found.months[y, m, state] += n
    for counts, rows in ((found.intake, intake), (found.late, late)):
        for y, m, n in rows:
            if type(y) is not int or type(m) is not int or type(n) is not int:
                return None
            counts[y, m] += n
    return found
