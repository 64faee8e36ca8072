"""Open milestones that are past due or due soon, grouped by owner and ticket type.

A milestone is open while its stop event is missing and the ticket is not closed (a closed
ticket has no open milestones). It is overdue once the calendar day of its due time is past,
and due soon when it falls within the next N working days (0 = today).
Invalid record files are skipped and counted; a ticket file that plainly says `status: closed`
is not even read (most of a large corpus), so its problems are left to `kefu validate`.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kefu.calendar import WorkCalendar
from kefu.problems import Problem
from kefu.records.models import STATUS_LABELS, TYPE_LABELS
from kefu.sla import Rules, load_rules, milestones

TYPE_NAMES = TYPE_LABELS
STATUS_NAMES = STATUS_LABELS
OPEN_STATUSES = frozenset(STATUS_NAMES) - {"closed"}


@dataclass(frozen=True)
class Item:
    """One open milestone that is overdue or due soon."""

    ticket: str
    title: str
    type: str
    owner: str
    owner_name: str
    rule: str
    rule_title: str
    start: dt.datetime
    due: dt.datetime
    overdue: bool
    working_days: int  # late by (overdue) or left (due soon)
    provisional: bool
    path: str

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)  # flat fields: cheaper than asdict's deep copy
        data["start"], data["due"] = self.start.isoformat(), self.due.isoformat()
        data["state"] = "overdue" if self.overdue else "due-soon"
        return data


@dataclass
class OverdueReport:
    today: dt.date
    within: int
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # invalid records, skipped

    @property
    def overdue(self) -> list[Item]:
        return [i for i in self.items if i.overdue]

    @property
    def due_soon(self) -> list[Item]:
        return [i for i in self.items if not i.overdue]

    @property
    def provisional(self) -> bool:
        return any(i.provisional for i in self.items)

    def to_json(self) -> str:
        """One JSON object; each item on its own line (C encoder: indent= would be ~5x slower)."""
        head = json.dumps(
            {
                "today": self.today.isoformat(),
                "within": self.within,
                "overdue": len(self.overdue),
                "due_soon": len(self.due_soon),
                "provisional": self.provisional,
                "skipped_invalid_files": len({p.path for p in self.problems}),
            },
            ensure_ascii=False,
        )
        rows = ",\n  ".join(json.dumps(i.to_dict(), ensure_ascii=False) for i in self.items)
        items = f"[\n  {rows}\n]" if rows else "[]"
        return f'{head[:-1]}, "items": {items}}}'

    def summary(self) -> str:
        soon = "今天" if self.within == 0 else f"{self.within} 个工作日内"
        return (
            f"截至 {self.today.isoformat()}：超期 {len(self.overdue)} 项，"
            f"{soon}到期 {len(self.due_soon)} 项。"
        )

    def to_text(self) -> str:
        lines = [self.summary()]
        for owner, by_type in grouped(self.items):
            lines.append(f"\n{owner}")
            for ttype, items in by_type:
                lines.append(f"  {TYPE_NAMES.get(ttype, ttype)}")
                lines += [f"    {state_text(i)}  {_text_line(i)}" for i in items]
        if self.provisional:
            lines.append(f"\n注：{PROVISIONAL_NOTE}")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        lines = [f"## 超期与即将到期的工作（截至 {self.today.isoformat()}）", "", self.summary()]
        if not self.items:
            lines += ["", "没有超期或即将到期的工作。"]
        for owner, by_type in grouped(self.items):
            lines += ["", f"### {md_text(owner)}"]
            for ttype, items in by_type:
                lines += ["", f"**{TYPE_NAMES.get(ttype, ttype)}**", "", MD_HEADER, MD_RULE]
                lines += [md_row(i) for i in items]
        if self.provisional:
            lines += ["", f"> 注：{PROVISIONAL_NOTE}"]
        return "\n".join(lines) + "\n"


PROVISIONAL_NOTE = (
    "标 * 的截止时间涉及尚未公布放假安排的年份，按法定节假日规则推算，为暂定；"
    "公布后请在 records/calendar.yml 录入。"
)
MD_HEADER = "| 状态 | 工单 | 标题 | 时限 | 截止 |"
MD_RULE = "|---|---|---|---|---|"


def state_text(item: Item) -> str:
    if item.overdue:
        return f"超期 {item.working_days} 个工作日"
    return "今天到期" if item.working_days == 0 else f"还剩 {item.working_days} 个工作日"


def _due_text(item: Item) -> str:
    return item.due.strftime("%Y-%m-%d %H:%M") + ("*" if item.provisional else "")


def _text_line(item: Item) -> str:
    return f"{item.ticket}  {item.rule}（{item.rule_title}）截止 {_due_text(item)}  {item.title}"


def md_row(item: Item) -> str:
    state = ("🔴 " if item.overdue else "🟡 ") + state_text(item)
    cells = [state, f"`{item.ticket}`", md_text(item.title), md_text(item.rule_title),
             _due_text(item)]
    return "| " + " | ".join(cells) + " |"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md_text(text: str) -> str:
    """Record text made inert in Markdown (and in the HTML it becomes): no markup, no pipes."""
    one_line = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def grouped(items: Iterable[Item]) -> list[tuple[str, list[tuple[str, list[Item]]]]]:
    """Items by owner (most overdue items first), then by ticket type; most late first inside."""
    owners: dict[str, dict[str, list[Item]]] = {}
    for item in sorted(items, key=_order):
        label = f"{item.owner_name}（{item.owner}）" if item.owner_name else item.owner
        owners.setdefault(label, {}).setdefault(item.type, []).append(item)
    def weight(entry: tuple[str, dict[str, list[Item]]]) -> tuple[int, str]:
        late = sum(i.overdue for group in entry[1].values() for i in group)
        return (-late, entry[0])

    return [(owner, sorted(types.items(), key=lambda kv: _type_rank(kv[0])))
            for owner, types in sorted(owners.items(), key=weight)]


def _order(item: Item) -> tuple[int, dt.datetime, str]:
    return (0 if item.overdue else 1, item.due, item.ticket)


def _type_rank(ttype: str) -> int:
    names = list(TYPE_NAMES)
    return names.index(ttype) if ttype in names else len(names)


def scan(
    tickets: Iterable[tuple[object, Mapping[str, Any]]],
    people: Mapping[str, str],
    rules: Rules,
    cal: WorkCalendar,
    today: dt.date,
    within: int = 0,
) -> list[Item]:
    """Open milestones of (path, ticket data) pairs, overdue or due by `within` working days.

    Runs once per ticket of the whole corpus: keep the work for a ticket with nothing due tiny.
    """
    horizon = cal.add_workdays(today, within)[0] if within > 0 else today
    items: list[Item] = []
    for path, ticket in tickets:
        if ticket.get("status") == "closed":
            continue
        for stone in milestones(ticket, rules, cal):
            if stone.met_at is not None or stone.due is None:
                continue
            due_day = stone.due.astimezone(rules.tz).date()
            if due_day > horizon:
                continue
            overdue = due_day < today
            days = (max(1, cal.workdays_between(due_day, today)) if overdue
                    else cal.workdays_between(today, due_day))
            owner = str(ticket.get("owner", ""))
            items.append(Item(
                str(ticket.get("id", "")), str(ticket.get("title", "")),
                str(ticket.get("type", "")),
                owner, people.get(owner, ""), stone.rule, rules[stone.rule].title, stone.start,
                stone.due, overdue, days, stone.provisional, str(path),
            ))
    return sorted(items, key=_order)


def today_local(rules: Rules) -> dt.date:
    return dt.datetime.now(rules.tz).date()


def find_overdue(root: Path, today: dt.date | None = None, within: int = 0) -> OverdueReport:
    """Load the records under `root`; list open milestones overdue or due within N working days."""
    from kefu.records import load

    rules = load_rules(root)
    cal = WorkCalendar.load(root)
    # closed tickets have no open milestones: never build them, and skip reading those whose
    # file plainly says `status: closed` (their problems are for `kefu validate` to report)
    result = load(root, where={"ticket": {"status": OPEN_STATUSES}}, skip_filtered=True)
    people = {r.id: str(r.data.get("name", "")) for r in result.of_kind("person")}
    prefix = str(root.resolve()) + "/"
    tickets = ((r.file.removeprefix(prefix), r.data) for r in result.records if r.kind == "ticket")
    day = today or today_local(rules)
    items = scan(tickets, people, rules, cal, day, within)
    return OverdueReport(day, within, items, result.errors)
