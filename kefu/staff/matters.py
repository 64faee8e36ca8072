"""The hand-overs' matters walked in time order: which are still open after the latest hand-over
that lists them, since when, with whom; and what a hand-over dropped or closed twice (findings
the hand-over check reports). Data for the checks, the pages and `kefu overdue` alike."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from kefu.records.kinds import Finding, Placed

if TYPE_CHECKING:
    from kefu.staff.book import StaffBook

Data = Any


class OpenMatter:
    """A matter still open after the latest hand-over that lists it."""

    def __init__(self, matter: Data, since: dt.date, last: str, index: int, owner: str) -> None:
        self.id, self.title = str(matter["id"]), str(matter["title"])
        self.data = matter
        self.since, self.last, self.index, self.owner = since, last, index, owner
        self.handovers = 1


class Chain:
    def __init__(self) -> None:
        self.open: dict[str, OpenMatter] = {}
        self.closed: dict[str, str] = {}  # matter id -> hand-over that closed it
        self.findings: list[Placed] = []


def matter_chain(book: StaffBook) -> Chain:
    """Walk the hand-overs in time order: each must carry every matter still open."""
    chain = Chain()
    done = [h for h in book.lists["handover"] if h.get("status") == "handed-over"]
    done.sort(key=lambda h: (h["at"], str(h["id"])))
    for record in done:
        hid = str(record["id"])
        listed = {str(m["id"]): (i, m) for i, m in enumerate(record.get("matters") or ())}
        for mid in [m for m in chain.open if m not in listed]:
            matter = chain.open.pop(mid)
            chain.findings.append(Placed("handover", hid, Finding(
                "handover-dropped-matter", ("matters",),
                f"事项 {mid}「{matter.title}」在 {matter.last} 时还没有办结，本次交接却没有写："
                "未办结的事项每次交接都要照抄并写明进展；已办结的，写上结果并标 closed: true。")))
        for mid, (index, matter) in listed.items():
            if mid in chain.closed:
                chain.findings.append(Placed("handover", hid, Finding(
                    "matter-closed", ("matters", index, "id"),
                    f"事项 {mid} 已在 {chain.closed[mid]} 办结：新的问题请用新的事项编号。")))
                continue
            if matter.get("closed"):
                chain.open.pop(mid, None)
                chain.closed[mid] = hid
                continue
            previous = chain.open.get(mid)
            since = previous.since if previous else record["date"]
            entry = OpenMatter(matter, since, hid, index, str(record["incoming"]))
            entry.handovers = previous.handovers + 1 if previous else 1
            chain.open[mid] = entry
    return chain
