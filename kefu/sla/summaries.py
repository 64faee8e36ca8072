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
        store = result.store
        prefix = f"{store.root}/" if store is not None else ""
        # a (cacheable) ticket's entry is current after a load, answered by its stat or just
        # parsed and put: its blob id names the content the record's data came from
        key = _key(store.root) if store is not None and KINDS["ticket"].cacheable else ""
        kept = store.derived.get(NAME) if store is not None and key else None
        old = kept.get("tickets") if type(kept) is dict and kept.get("key") == key else None
        if type(old) is not dict:
            old = {}
        fresh: dict[str, Any] = {}  # blob id (hex) -> summary: content-addressed
        self._of: dict[int, tuple[Mapping[str, Any], str]] = {}  # id(data) -> (data, blob id)
        self._done: dict[str, list[Milestone]] = {}
        self._kept = old
        computed = 0
        for record in result.records:
            if record.kind != "ticket":
                continue
            blob = store.stored_hex(record.file.removeprefix(prefix)) \
                if key and store is not None else None
            if blob is None:
                continue  # no entry: computed on use
            self._of[id(record.data)] = (record.data, blob)
            if blob in old:
                fresh[blob] = old[blob]
            elif blob not in fresh:
                stones = self._done[blob] = self._compute(record.data)
                fresh[blob] = [_encode(s) for s in stones]
                computed += 1
        if store is not None and key and (computed or len(fresh) != len(old)):
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

    def _compute(self, ticket: Mapping[str, Any]) -> list[Milestone]:
        if self._raw:
            # TypeError: typed already (data JSON could not carry came from the file)
            with contextlib.suppress(TypeError):
                ticket = paths.revive("ticket", ticket)
        return milestones(ticket, self.rules, self.cal)

    def _decode(self, raw: Any) -> list[Milestone] | None:
        """The kept summary read back, or None when any part of it is not what was written."""
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
                out.append(Milestone(rule, begun, until, done, provisional))
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
