"""Deadline rules (`records/sla.yml`) and deadlines in working days.

"Within N working days of T": close of business of the N-th working day after T's calendar day
(a T on a day off counts the same way). 当天 (same day): close of business of T's day, or of the
next working day when T is after close of business or on a day off.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from kefu.calendar import WorkCalendar, at, compose_file
from kefu.problems import KefuError, Problem

SLA_FILE = Path("records") / "sla.yml"
TICKET_TYPES = ("complaint", "repair", "doa", "inquiry", "callback", "work-request")
LEVELS = ("normal", "serious", "critical")
ACTIONS = (
    "received",
    "assigned",
    "escalated",
    "dept-feedback",
    "replied",
    "inspected",
    "sent-to-factory",
    "returned",
    "approved",
    "shipped",
    "called-back",
    "note",
    "closed",
    "reopened",
)
_RULE_ID = re.compile(r"^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$")
_CLOSE = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
AGREED_FIELD = "agreed_due"


@dataclass(frozen=True)
class Rule:
    """One deadline rule of sla.yml."""

    id: str
    title: str
    seed: str
    type: str
    level: str | None
    start: str
    stop: str
    working_days: int | None = None  # "within N working days"
    same_day: bool = False  # 当天
    agreed: bool = False  # due date agreed per ticket (agreed_due)

    def applies(self, ticket: Mapping[str, Any]) -> bool:
        return ticket.get("type") == self.type and (
            self.level is None or ticket.get("level") == self.level
        )

    @property
    def term_text(self) -> str:
        """The term in Chinese: 2 个工作日 / 当天 / 约定期限."""
        if self.agreed:
            return "约定期限（agreed_due）"
        if self.same_day:
            return "当天"
        return f"{self.working_days} 个工作日"

    @property
    def applies_text(self) -> str:
        return self.type + (f"（{self.level}）" if self.level else "")


class Rules(dict[str, Rule]):
    """The whole sla.yml: a dict of rules by id, plus close of business and time zone."""

    def __init__(
        self,
        rules: Mapping[str, Rule],
        close_of_business: dt.time = dt.time(17, 30),
        tz: dt.tzinfo | None = None,
    ) -> None:
        super().__init__(rules)
        self.close_of_business = close_of_business
        self.tz: dt.tzinfo = tz or ZoneInfo("Asia/Shanghai")

    def for_type(self, ticket_type: str) -> list[Rule]:
        return [r for r in self.values() if r.type == ticket_type]


@dataclass(frozen=True)
class Deadline:
    rule: str
    title: str
    start: dt.datetime
    due: dt.datetime
    provisional: bool
    term: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "provisional": self.provisional,
            "term": self.term,
        }


@dataclass(frozen=True)
class Milestone:
    """One deadline of one ticket: met when `met_at` is set."""

    rule: str
    start: dt.datetime
    due: dt.datetime | None  # None: critical complaint without agreed_due
    met_at: dt.datetime | None
    provisional: bool


# -- loading sla.yml ----------------------------------------------------------------------------
def load_rules(root: Path) -> Rules:
    """Read `records/sla.yml`; raise KefuError (with path:line:col lines) if it is invalid."""
    path = root / SLA_FILE
    try:
        stat = path.stat()
    except OSError as err:
        raise KefuError(
            f"找不到时限规则文件 {SLA_FILE}，请从仓库恢复它。", slug="sla-missing", exit_code=2
        ) from err
    rules, problems = _cached_rules(str(path), stat.st_mtime_ns, SLA_FILE.as_posix())
    if problems:
        lines = "\n".join(p.format() for p in problems)
        raise KefuError(f"时限规则文件有误，请先修正：\n{lines}", slug="sla-invalid", exit_code=1)
    assert rules is not None
    return rules


@lru_cache(maxsize=8)
def _cached_rules(path: str, _mtime: int, shown: str) -> tuple[Rules | None, tuple[Problem, ...]]:
    rules, problems = read_sla_file(Path(path), shown)
    return rules, tuple(problems)


def read_sla_file(path: Path, shown: str | None = None) -> tuple[Rules | None, list[Problem]]:
    """Parse and check an sla.yml: returns (rules or None, problems)."""
    shown = shown or path.as_posix()
    node, problem = compose_file(path, shown)
    if problem:
        return None, [problem]
    if not isinstance(node, yaml.MappingNode):
        return None, [
            Problem(
                shown,
                1,
                1,
                "sla-shape",
                "sla.yml 应为映射，含 close_of_business、timezone 和 rules。",
            )
        ]
    problems: list[Problem] = []
    top = _mapping(shown, node, problems)
    close, tz = dt.time(17, 30), "Asia/Shanghai"
    for key, (knode, vnode) in top.items():
        if key == "close_of_business":
            m = _CLOSE.match(str(vnode.value)) if isinstance(vnode, yaml.ScalarNode) else None
            if m:
                close = dt.time(int(m[1]), int(m[2]))
            else:
                problems.append(
                    at(
                        shown,
                        vnode,
                        "bad-time",
                        'close_of_business 应写成带引号的 "HH:MM"，例如 "17:30"。',
                    )
                )
        elif key == "timezone":
            tz = str(vnode.value)
        elif key != "rules":
            problems.append(
                at(
                    shown,
                    knode,
                    "unknown-field",
                    f"未知的键 {key}：只允许 close_of_business、timezone、rules。",
                )
            )
    try:
        zone: dt.tzinfo = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Asia/Shanghai")
        problems.append(
            Problem(shown, 1, 1, "bad-timezone", f"未知的时区 {tz}，请写 Asia/Shanghai。")
        )
    rules: dict[str, Rule] = {}
    if "rules" not in top or not isinstance(top["rules"][1], yaml.MappingNode):
        problems.append(
            Problem(shown, 1, 1, "sla-shape", "缺少 rules: 映射（规则编号 → 规则内容）。")
        )
    else:
        for rid, (knode, vnode) in _mapping(shown, top["rules"][1], problems).items():
            rule = _read_rule(shown, rid, knode, vnode, problems)
            if rule:
                rules[rid] = rule
    return (None if problems else Rules(rules, close, zone)), problems


def _mapping(
    shown: str, node: yaml.MappingNode, problems: list[Problem]
) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for knode, vnode in node.value:
        key = str(knode.value)
        if key in out:
            problems.append(at(shown, knode, "duplicate-key", f"键 {key} 重复出现，请删去一处。"))
        else:
            out[key] = (knode, vnode)
    return out


def _read_rule(
    shown: str, rid: str, knode: yaml.Node, vnode: yaml.Node, problems: list[Problem]
) -> Rule | None:
    if not _RULE_ID.match(rid):
        problems.append(
            at(
                shown,
                knode,
                "bad-rule-id",
                f"规则编号 {rid} 应形如 类型.名称（小写字母、数字、连字符）。",
            )
        )
        return None
    if not isinstance(vnode, yaml.MappingNode):
        problems.append(at(shown, vnode, "sla-shape", f"规则 {rid} 应为映射。"))
        return None
    before = len(problems)
    data = {k: v for k, (_, v) in _mapping(shown, vnode, problems).items()}
    allowed = {"title", "seed", "applies_to", "start", "stop", "term"}
    for key, (kn, _) in _mapping(shown, vnode, []).items():
        if key not in allowed:
            problems.append(
                at(
                    shown,
                    kn,
                    "unknown-field",
                    f"规则 {rid} 含未知的键 {key}；允许：{'、'.join(sorted(allowed))}。",
                )
            )
    for key in sorted(allowed - data.keys()):
        problems.append(at(shown, knode, "missing-field", f"规则 {rid} 缺少 {key}。"))
    if len(problems) > before:
        return None
    applies = _plain(data["applies_to"])
    term = _plain(data["term"])
    ttype = applies.get("type") if isinstance(applies, dict) else None
    level = applies.get("level") if isinstance(applies, dict) else None
    if ttype not in TICKET_TYPES or (level is not None and level not in LEVELS):
        problems.append(
            at(
                shown,
                data["applies_to"],
                "bad-applies-to",
                "applies_to 应为 {type: 工单类型, level: 投诉等级（可选）}；"
                f"类型：{'、'.join(TICKET_TYPES)}；等级：{'、'.join(LEVELS)}。",
            )
        )
    for key in ("start", "stop"):
        if _plain(data[key]) not in ACTIONS:
            problems.append(
                at(shown, data[key], "bad-event", f"{key} 应为事件名之一：{'、'.join(ACTIONS)}。")
            )
    days = term.get("working_days") if isinstance(term, dict) else None
    same = isinstance(term, dict) and term.get("same_day") is True
    agreed = isinstance(term, dict) and term.get("agreed") is True
    kinds = (
        (isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 60) + same + agreed
    )
    if not isinstance(term, dict) or len(term) != 1 or kinds != 1:
        problems.append(
            at(
                shown,
                data["term"],
                "bad-term",
                "term 应为以下之一：{working_days: N}（1–60）、{same_day: true}、{agreed: true}。",
            )
        )
    if len(problems) > before:
        return None
    return Rule(
        rid,
        str(_plain(data["title"])),
        str(_plain(data["seed"])),
        str(ttype),
        None if level is None else str(level),
        str(_plain(data["start"])),
        str(_plain(data["stop"])),
        days if isinstance(days, int) and not same and not agreed else None,
        same,
        agreed,
    )


def _plain(node: yaml.Node) -> Any:
    return yaml.SafeLoader(yaml.serialize(node)).get_single_data() if node is not None else None


# -- deadlines ----------------------------------------------------------------------------------
def _context(
    root_or_calendar: Path | WorkCalendar, rules: Rules | None
) -> tuple[WorkCalendar, Rules]:
    if isinstance(root_or_calendar, WorkCalendar):
        cal = root_or_calendar
        if rules is None:
            if cal.root is None:
                raise KefuError(
                    "需要仓库根目录以读取 records/sla.yml。", slug="sla-missing", exit_code=2
                )
            rules = load_rules(cal.root)
    else:
        cal = WorkCalendar.load(Path(root_or_calendar))
        rules = rules or load_rules(Path(root_or_calendar))
    return cal, rules


def localize(start: dt.datetime | dt.date, tz: dt.tzinfo) -> dt.datetime:
    """An aware datetime in `tz`; a date means its midnight, a naive datetime is local time."""
    if not isinstance(start, dt.datetime):
        return dt.datetime.combine(start, dt.time(0, 0), tzinfo=tz)
    if start.tzinfo is None:
        return start.replace(tzinfo=tz)
    return start.astimezone(tz)


def due_date(
    rule: Rule, start: dt.datetime, cal: WorkCalendar, close: dt.time
) -> tuple[dt.date, bool]:
    """Due day of a working-day or same-day rule for a local start, and if it is provisional."""
    day = start.date()
    if rule.same_day:
        if cal.is_workday(day) and start.time() <= close:
            return day, cal.is_provisional(day)
        nxt, prov = cal.add_workdays(day, 1)
        return nxt, prov or cal.is_provisional(day)
    assert rule.working_days is not None
    return cal.add_workdays(day, rule.working_days)


def deadline(
    rule_id: str,
    start: dt.datetime | dt.date,
    root_or_calendar: Path | WorkCalendar,
    rules: Rules | None = None,
) -> Deadline:
    """The deadline of `rule_id` for an event at `start` (KefuError for unknown or agreed rules)."""
    cal, rules = _context(root_or_calendar, rules)
    if rule_id not in rules:
        raise KefuError(
            f"未知的规则编号 {rule_id}。可用的规则：{'、'.join(rules)}（见 records/sla.yml）。",
            slug="unknown-rule",
            exit_code=2,
        )
    rule = rules[rule_id]
    if rule.agreed:
        raise KefuError(
            f"规则 {rule_id}（{rule.title}）没有固定时限："
            f"截止时间是工单中记录的约定期限 {AGREED_FIELD}。",
            slug="agreed-rule",
            exit_code=2,
        )
    local = localize(start, rules.tz)
    day, provisional = due_date(rule, local, cal, rules.close_of_business)
    due = dt.datetime.combine(day, rules.close_of_business, tzinfo=rules.tz)
    return Deadline(rule.id, rule.title, local, due, provisional, rule.term_text)


def milestones(ticket: Mapping[str, Any], rules: Rules, cal: WorkCalendar) -> list[Milestone]:
    """Every deadline of one ticket (plain dict with aware datetimes), met or not."""
    out: list[Milestone] = []
    events = ticket.get("events") or ()
    for rule in rules.values():
        if not rule.applies(ticket):
            continue
        for start in _starts(rule, ticket, events):
            met = next(
                (
                    e["at"]
                    for e in events
                    if e.get("action") == rule.stop and _ge(e.get("at"), start)
                ),
                None,
            )
            out.append(_milestone(rule, start, met, ticket, rules, cal))
    return out


def _starts(
    rule: Rule, ticket: Mapping[str, Any], events: Iterable[Mapping[str, Any]]
) -> list[dt.datetime]:
    if rule.start == "received":
        received = ticket.get("received")
        if isinstance(received, dt.datetime):
            return [received]
    return [
        e["at"]
        for e in events
        if e.get("action") == rule.start and isinstance(e.get("at"), dt.datetime)
    ]


def _ge(at_: Any, start: dt.datetime) -> bool:
    return isinstance(at_, dt.datetime) and at_ >= start


def _milestone(
    rule: Rule,
    start: dt.datetime,
    met: dt.datetime | None,
    ticket: Mapping[str, Any],
    rules: Rules,
    cal: WorkCalendar,
) -> Milestone:
    if rule.agreed:
        agreed = ticket.get(AGREED_FIELD)
        due = localize(agreed, rules.tz) if isinstance(agreed, dt.date) else None
        if isinstance(agreed, dt.date) and not isinstance(agreed, dt.datetime):
            due = dt.datetime.combine(agreed, rules.close_of_business, tzinfo=rules.tz)
        return Milestone(rule.id, start, due, met, False)
    local = localize(start, rules.tz)
    day, provisional = due_date(rule, local, cal, rules.close_of_business)
    return Milestone(
        rule.id,
        start,
        dt.datetime.combine(day, rules.close_of_business, tzinfo=rules.tz),
        met,
        provisional,
    )
