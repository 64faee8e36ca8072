"""What a pull request may change in the rules files without rewriting the past.

- records/sla.yml: a rule's term changes only from a future day (`effective_from`), the old term
  kept under `earlier`; a new rule starts on a future day too; rules are never removed, their
  events never changed, nor the close of business.
- records/calendar.yml: a company day off or extra workday is added or removed only for a day
  still to come: a past one would move the deadlines (and figures) of work already done.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kefu.problems import Problem
from kefu.records.kinds import RECORDS

SLA = f"{RECORDS}/sla.yml"
CALENDAR = f"{RECORDS}/calendar.yml"


def _parse(raw: bytes) -> tuple[dict[str, Any], str] | None:
    from kefu.records.loader import ParseFailure, load_mapping

    try:
        return load_mapping(raw)
    except ParseFailure:
        return None  # the validation step reports why


def sla_changes(before: bytes, after: bytes, today: dt.date) -> list[Problem]:
    """What a branch did to the deadline rules that would change deadlines already running."""
    from kefu.records.loader import locate

    old, new = _parse(before), _parse(after)
    if old is None or new is None:
        return []
    (old_data, _), (new_data, text) = old, new
    problems = []
    if old_data.get("close_of_business") != new_data.get("close_of_business"):
        problems.append(Problem(SLA, *locate(text, ("close_of_business",)), "sla-rule-changed",
                                "下班时间会改变所有工单（包括已办结的）的截止时间，不能在拉取请求中修改；"
                                "如确需调整，请与主管商定后由维护者处理。"))
    old_rules = old_data.get("rules") or {}
    new_rules = new_data.get("rules") or {}
    if not isinstance(old_rules, dict) or not isinstance(new_rules, dict):
        return problems
    for rid, rule in old_rules.items():
        if rid not in new_rules:
            problems.append(Problem(SLA, *locate(text, ("rules",)), "sla-rule-removed",
                                    f"不能删除时限规则 {rid}：已有工单按它计算截止时间。"
                                    "不再使用的规则请保留。"))
            continue
        reason = _rule_change(rule, new_rules[rid], today)
        if reason:
            problems.append(Problem(SLA, *locate(text, ("rules", rid)), "sla-rule-changed",
                                    f"时限规则 {rid}：{reason}"))
    for rid, rule in new_rules.items():
        since = _day(rule.get("effective_from")) if isinstance(rule, dict) else None
        if rid not in old_rules and (since is None or since <= today):
            problems.append(Problem(SLA, *locate(text, ("rules", rid)), "sla-rule-new-past",
                                    f"新时限规则 {rid} 要写 `effective_from:`（晚于今天 "
                                    f"{today.isoformat()} 的生效日）：没有生效日，它会改写已经"
                                    "办完的工单的截止时间和过去的报表。"))
    return problems


def _rule_change(old: Any, new: Any, today: dt.date) -> str:
    """Why the change from `old` to `new` is refused ("" when it keeps running deadlines)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return ""
    for key in ("applies_to", "start", "stop"):
        if old.get(key) != new.get(key):
            return (f"不能修改 `{key}`（已有工单的截止时间会随之改变）：请新增一条规则，"
                    "旧规则保留。")
    if old.get("term") == new.get("term") and old.get("effective_from") == new.get(
            "effective_from") and old.get("earlier") == new.get("earlier"):
        return ""
    how = ("改时限时请写 `effective_from:`（新时限的生效日，须晚于今天），并把原来的 term 移到 "
           "`earlier:` 的第一条（连同它原来的 effective_from），之前的 earlier 保持不变；"
           "这样起算早于生效日的工单仍按原时限。")
    since = _day(new.get("effective_from"))
    earlier = new.get("earlier") or []
    if since is None or since <= today:
        return f"时限改了，但没有晚于今天（{today.isoformat()}）的生效日。{how}"
    first = earlier[0] if isinstance(earlier, list) and earlier else {}
    kept = isinstance(first, dict) and first.get("term") == old.get("term") and first.get(
        "effective_from") == old.get("effective_from") and earlier[1:] == (old.get("earlier") or [])
    return "" if kept else f"原来的时限没有原样保留在 earlier 中。{how}"


def calendar_changes(before: bytes, after: bytes, today: dt.date) -> list[Problem]:
    """Company days off and workdays added or removed for a day already past (or today)."""
    from kefu.records.loader import locate

    old, new = _parse(before), _parse(after)
    if old is None or new is None:
        return []
    (old_data, _), (new_data, text) = old, new
    problems = []
    for key, what in (("holidays", "公司休息日"), ("workdays", "公司上班日")):
        was, now = _days(old_data.get(key)), _days(new_data.get(key))
        for day in sorted(was ^ now):
            if day <= today:
                verb = "加上" if day in now else "去掉"
                problems.append(Problem(
                    CALENDAR, *locate(text, (key,)), "calendar-past-day",
                    f"不能{verb}已经过去的{what} {day.isoformat()}：它会改变已经办完的工作的截止"
                    "时间和过去的报表。只能调整今天之后的日子。"))
    return problems


def _days(values: Any) -> set[dt.date]:
    found = set()
    for value in values if isinstance(values, list) else ():
        day = _day(value)
        if day is not None:
            found.add(day)
    return found


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None
