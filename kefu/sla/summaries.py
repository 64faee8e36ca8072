"""Every ticket's deadlines (`milestones()`), kept in the records cache between runs.

A month's report needs the deadlines of every ticket for its 12-month trend, an export needs them
for its milestones table: on 100,000 tickets computing them is seconds, and they change only when
their inputs do. So they are kept as plain JSON data in the cache's `derived` part (see
kefu.records.cache), by the git blob id of the ticket file they were computed from: per
milestone [rule, start, due, met, provisional]. They answer only
- for the same ticket file (its blob id, which the cache has just checked against the file);
- for the same records/sla.yml and records/calendar.yml (their blob ids) and the same versions of
  the holiday libraries (the key of the whole part);
- for the same code of kefu.sla and kefu.calendar (in the cache's fingerprint, with the ticket
  kind's module).
A summary of the wrong shape or with a value that does not read back (a damaged or edited cache)
is computed again from the record: never a wrong type, never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kefu.calendar import WorkCalendar
from kefu.calendar.workcal import CALENDAR_FILE
from kefu.records import keys, paths
from kefu.records.kinds import KINDS

from .deadlines import Milestone, milestones
from .rules import SLA_FILE, Rules

if TYPE_CHECKING:
    from kefu.records import LoadResult
    from kefu.workspace import Workspace

NAME = "deadlines"  # the part of the cache's `derived`
PACKAGES = ("chinesecalendar", "lunar_python")  # the official arrangement, the lunar holidays
INPUTS = (SLA_FILE.as_posix(), CALENDAR_FILE.as_posix())


class Deadlines:
    """The milestones of the loaded tickets: kept ones read back on first use, the rest computed
    (and kept for the next run)."""

    def __init__(self, rules: Rules, cal: WorkCalendar, result: LoadResult) -> None:
        self.rules, self.cal = rules, cal
        self._raw = "ticket" in result.raw  # data as JSON gives it: typed again to compute
        store: Any = getattr(result, "store", None)  # (the JSON cache is gone: computed)
        prefix = f"{store.root}/" if store is not None else ""
        # a (cacheable) ticket's entry is current after a load, answered by its stat or just
        # parsed and put: its blob id names the content the record's data came from
        key = _key(store.root) if store is not None and KINDS["ticket"].cacheable else ""
        kept = store.derived.get(NAME) if store is not None and key else None
        old = kept.get("tickets") if type(kept) is dict and kept.get("key") == key else None
        if type(old) is not dict:
            old = {}
        self._of: dict[int, tuple[Mapping[str, Any], str]] = {}  # id(data) -> (data, blob id)
        self._done: dict[str, list[Milestone]] = {}
        self._kept = old
        missing: list[tuple[Mapping[str, Any], str]] = []
        order: list[str] = []
        stored = store.stored_hex if key and store is not None else None
        tickets = result.of_kind("ticket")
        for record in tickets:
            blob = stored(record.file.removeprefix(prefix)) if stored is not None else None
            if blob is None:
                continue  # no entry: computed on use
            self._of[id(record.data)] = (record.data, blob)
            order.append(blob)
            if blob not in old:
                missing.append((record.data, blob))
        # every loaded ticket, in load order, by content, with the rules and calendar: the key
        # of what is computed from all of them (kefu.reports.quiet); None when one has no entry
        self.key: str | None = None
        if key and len(order) == len(tickets):
            self.key = hashlib.blake2b("\n".join([key, *order]).encode(),
                                       digest_size=16).hexdigest()
        seen = set(order)
        if store is not None and key and (missing or len(seen) != len(old)):
            fresh: dict[str, Any] = {blob: old[blob] for blob in seen if blob in old}
            for data, blob in missing:  # blob id (hex) -> summary: content-addressed
                if blob not in fresh:
                    stones = self._done[blob] = self._compute(data)
                    fresh[blob] = [_encode(stone) for stone in stones]
            store.keep(NAME, {"key": key, "tickets": fresh})
            store.write()

    def of(self, ticket: Mapping[str, Any]) -> list[Milestone]:
        """The milestones of `ticket`: a loaded record's data (kept), or any other (computed)."""
        found = self._of.get(id(ticket))
        if found is None or found[0] is not ticket:  # e.g. a ticket cut to a report's moment
            return self._compute(ticket)
        blob = found[1]
        done = self._done.get(blob)
        if done is None:
            done = self._decode(self._kept.get(blob))
            if done is None:  # missing, or of the wrong shape: from the record
                done = self._compute(ticket)
            self._done[blob] = done
        return done

    def glance(self, ticket: Mapping[str, Any]) -> list[tuple[dt.datetime | None,
                                                            dt.datetime | None]] | None:
        """(due, met) of each milestone of a loaded ticket, read off its kept summary without
        building the milestones (a month's 12-month trend counts 100,000s of them); None when
        none is kept or it does not read back: ask `of`."""
        found = self._of.get(id(ticket))
        if found is None or found[0] is not ticket:
            return None
        done = self._done.get(found[1])
        if done is not None:
            return [(stone.due, stone.met_at) for stone in done]
        rows = self._read(self._kept.get(found[1]))
        return [(row[2], row[3]) for row in rows] if rows is not None else None

    def _compute(self, ticket: Mapping[str, Any]) -> list[Milestone]:
        if self._raw:
            # TypeError: typed already (data JSON could not carry came from the file)
            with contextlib.suppress(TypeError):
                ticket = paths.revive("ticket", ticket)
        return milestones(ticket, self.rules, self.cal)

    def _decode(self, raw: Any) -> list[Milestone] | None:
        """The kept summary read back, or None when any part of it is not what was written."""
        rows = self._read(raw)
        return [Milestone(*row) for row in rows] if rows is not None else None

    def _read(self, raw: Any) -> list[tuple[str, dt.datetime, dt.datetime | None,
                                            dt.datetime | None, bool]] | None:
        """A kept summary's milestones as (rule, start, due, met, provisional), times typed;
        None when any part of it is not what was written."""
        if type(raw) is not list:
            return None
        read, tz = dt.datetime.fromisoformat, self.rules.tz
        out = []
        try:
            for rule, start, due, met, provisional in raw:
                begun = read(start)
                until = read(due).astimezone(tz) if due is not None else None
                done = read(met) if met is not None else None
                if rule not in self.rules or type(provisional) is not bool \
                        or begun.tzinfo is None or (until is not None and until.tzinfo is None) \
                        or (done is not None and done.tzinfo is None):
                    return None
                out.append((rule, begun, until, done, provisional))
        except (ValueError, TypeError):  # not a list of five, not ISO text
            return None
        return out


def deadlines(ws: Workspace, result: LoadResult) -> Deadlines:
    """The `Deadlines` of one load (made once per load: the site reports many months)."""
    found = result.memo.get(NAME)
    if not isinstance(found, Deadlines):
        found = result.memo[NAME] = Deadlines(ws.rules, ws.calendar, result)
    return found


def _key(root: Path) -> str:
    """The key of what every ticket's deadline depends on besides the ticket: the rules and the
    calendar as they are on disk now (read like `ws.rules` and `ws.calendar` read them, not
    taken from cache entries a partial load may have left behind) and the holiday libraries."""
    digest = hashlib.blake2b(NAME.encode(), digest_size=16)
    for rel in INPUTS:
        try:
            raw = (root / rel).read_bytes()
        except FileNotFoundError:
            digest.update(f"{rel}:-".encode())
            continue
        except OSError:
            return ""
        digest.update(f"{rel}:".encode() + keys.blob_hash(raw))
    return keys.across_key(lambda _: None, [], PACKAGES, digest.hexdigest())


def _encode(stone: Milestone) -> list[Any]:
    return [stone.rule, stone.start.isoformat(),
            stone.due.isoformat() if stone.due is not None else None,
            stone.met_at.isoformat() if stone.met_at is not None else None, stone.provisional]
