"""Deadline rules: records/sla.yml, its model (the schema's source of truth) and `Rules`.

sla.yml is read like any record (kefu.records.check.read_single), so `kefu validate`, `kefu due`
and every other command give the same verdict on the same file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kefu.kinds.ticket import Action, Level, TicketType
from kefu.problems import KefuError, Problem, Severity
from kefu.records.kinds import Kind
from kefu.records.model import Text
from kefu.times import SHANGHAI

SLA_FILE = Path("records") / "sla.yml"
# Ticket types, levels and event names come from the ticket model, the one source of truth.
TICKET_TYPES: tuple[str, ...] = get_args(TicketType)
LEVELS: tuple[str, ...] = get_args(Level)
ACTIONS: tuple[str, ...] = get_args(Action)
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
    effective_from: dt.date | None = None  # the term above applies to starts from this day on
    # earlier terms, newest first: (first day or None, working_days, same_day, agreed)
    earlier: tuple[tuple[dt.date | None, int | None, bool, bool], ...] = ()

    def at(self, day: dt.date) -> Rule:
        """The rule with the term that applied to a start on `day` (earlier tickets keep theirs)."""
        if self.effective_from is None or day >= self.effective_from:
            return self
        for since, working_days, same_day, agreed in self.earlier:
            if since is None or day >= since:
                return replace(self, working_days=working_days, same_day=same_day,
                               agreed=agreed, effective_from=since, earlier=())
        return self

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


class Rules(dict[str, Rule]):
    """The whole sla.yml: a dict of rules by id, plus close of business and time zone."""

    def __init__(
        self, rules: Mapping[str, Rule], close_of_business: dt.time, tz: dt.tzinfo
    ) -> None:
        # No defaults here: SlaFile holds them (17:30, Asia/Shanghai), read_sla_file passes them.
        super().__init__(rules)
        self.close_of_business = close_of_business
        self.tz = tz

    def for_type(self, ticket_type: str) -> tuple[Rule, ...]:
        """Rules of one ticket type, memoized (called once per ticket of the corpus)."""
        cache: dict[str, tuple[Rule, ...]] = self.__dict__.setdefault("_by_type", {})
        found = cache.get(ticket_type)
        if found is None:
            found = cache[ticket_type] = tuple(r for r in self.values() if r.type == ticket_type)
        return found


# -- sla.yml: the model is the schema's source of truth ------------------------------------------
class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AppliesTo(_Closed):
    type: TicketType = Field(description="工单类型")
    level: Level | None = Field(
        default=None, description="投诉等级（仅投诉；不写则适用于所有等级）"
    )


class Term(_Closed):
    """时限：三者选一。"""

    working_days: int | None = Field(default=None, ge=1, le=60, description="N 个工作日内")
    same_day: Literal[True] | None = Field(default=None, description="当天")
    agreed: Literal[True] | None = Field(
        default=None, description="无固定时限，以工单 agreed_due 为准"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Term:
        if sum(v is not None for v in (self.working_days, self.same_day, self.agreed)) != 1:
            raise ValueError("term")
        return self


class EarlierTerm(_Closed):
    """改动前的时限：起算时间早于新时限生效日的工单仍按它计算。"""

    term: Term
    effective_from: dt.date | None = Field(default=None, description="该时限开始适用的日期")


class SlaRule(_Closed):
    title: Text = Field(description="中文名称")
    seed: Text = Field(description="出处（服务手册条款）")
    applies_to: AppliesTo
    start: Action = Field(description="起算事件（received = 工单收到时间）")
    stop: Action = Field(description="完成事件")
    term: Term
    effective_from: dt.date | None = Field(
        default=None, description="当前时限的生效日期：起算时间在此之前的工单按 earlier 中的时限")
    earlier: list[EarlierTerm] = Field(
        default_factory=list, description="改动前的时限，新的在前（改时限时保留旧时限）")

    @model_validator(mode="after")
    def _history(self) -> SlaRule:
        if self.effective_from is not None and not self.earlier:
            raise ValueError("history")
        since = [self.effective_from, *(e.effective_from for e in self.earlier)]
        dated = [d for d in since if d is not None]
        if dated != sorted(dated, reverse=True) or len(set(dated)) != len(dated) or (
                None in since[:-1]):
            raise ValueError("history")
        return self


class SlaFile(_Closed):
    """时限规则（records/sla.yml）：kefu due、kefu overdue 和工单看板的唯一来源。"""

    model_config = ConfigDict(extra="forbid", title="时限规则")

    close_of_business: str = Field(
        default="17:30", pattern=_CLOSE.pattern, description="下班时间 HH:MM"
    )
    timezone: Literal["Asia/Shanghai"] = Field(default="Asia/Shanghai", description="时区")
    rules: dict[Annotated[str, StringConstraints(pattern=_RULE_ID.pattern)], SlaRule] = Field(
        description="规则编号（类型.名称）→ 规则"
    )


_SLA_HINT = {
    "bad-time": '下班时间应写成带引号的 "HH:MM"，例如 "17:30"。',
    "bad-timezone": "时区只支持 Asia/Shanghai。",
    "bad-term": "term 应为以下之一：{working_days: N}（1–60）、{same_day: true}、{agreed: true}。",
    "bad-event": "应为事件名之一：" + "、".join(ACTIONS) + "。",
    "bad-applies-to": "应为 {type: 工单类型, level: 投诉等级（可选）}；类型："
    + "、".join(TICKET_TYPES)
    + "；等级："
    + "、".join(LEVELS)
    + "。",
    "bad-rule-id": "规则编号应形如 类型.名称（小写字母、数字、连字符）。",
    "unknown-field": "未知的键：请对照 records/sla.yml 开头的说明删除或改正。",
    "missing-field": "缺少必填的键：每条规则都要有 title、seed、applies_to、start、stop、term。",
    "wrong-value": "值不符合要求，请对照 records/sla.yml 开头的说明改正。",
    "bad-history": "改时限时写 effective_from（新时限生效日）并在 earlier 中保留旧时限，"
    "日期从新到旧排列，只有最早的一条可以不写 effective_from。",
}


def explain(loc: tuple[Any, ...], etype: str) -> tuple[str, str]:
    """The slug and hint for a schema error in sla.yml (kefu validate and kefu due agree)."""
    names = [str(part) for part in loc]
    if etype == "value_error" and "term" not in names and len(names) == 2:
        slug = "bad-history"
    elif etype == "extra_forbidden" and "term" not in names:
        slug = "unknown-field"
    elif etype == "missing":
        slug = "missing-field"
    elif "[key]" in names:
        slug = "bad-rule-id"
    elif "term" in names:
        slug = "bad-term"
    elif "applies_to" in names:
        slug = "bad-applies-to"
    elif names and names[-1] in ("start", "stop"):
        slug = "bad-event"
    elif names == ["close_of_business"]:
        slug = "bad-time"
    elif names == ["timezone"]:
        slug = "bad-timezone"
    else:
        slug = "wrong-value"
    return slug, _SLA_HINT[slug]


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
    if rules is None:
        lines = "\n".join(p.format() for p in problems)
        raise KefuError(f"时限规则文件有误，请先修正：\n{lines}", slug="sla-invalid", exit_code=1)
    return rules


@lru_cache(maxsize=8)
def _cached_rules(path: str, _mtime: int, shown: str) -> tuple[Rules | None, tuple[Problem, ...]]:
    rules, problems = read_sla_file(Path(path), shown)
    return rules, tuple(problems)


def read_sla_file(path: Path, shown: str | None = None) -> tuple[Rules | None, list[Problem]]:
    """Parse and check an sla.yml: returns (rules or None, problems)."""
    from kefu.records.check import read_single

    model, problems = read_single(KIND, path, None)
    if shown is not None:
        problems = [replace(p, path=shown) for p in problems]
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if model is None or errors:
        return None, errors
    assert isinstance(model, SlaFile)
    hour, minute = model.close_of_business.split(":")
    rules = {
        rid: Rule(
            rid,
            r.title,
            r.seed,
            r.applies_to.type,
            r.applies_to.level,
            r.start,
            r.stop,
            r.term.working_days,
            bool(r.term.same_day),
            bool(r.term.agreed),
            r.effective_from,
            tuple((e.effective_from, e.term.working_days, bool(e.term.same_day),
                   bool(e.term.agreed)) for e in r.earlier),
        )
        for rid, r in model.rules.items()
    }
    return Rules(rules, dt.time(int(hour), int(minute)), SHANGHAI), []


KIND = Kind("sla", "时限规则", SlaFile, file="sla.yml", required=True, explain=explain)
