"""records/staff-rules.yml: every number the staff records are checked by, each with its seed.

Shifts, service hours per channel, rest days, meal length, who approves swaps, leave, trips and
补卡, their terms and limits, how long a hand-over matter may stay open, the appeal window and
the fines-and-awards table. One file, checked like any record; the handbook's rule pages
(docs/rules/) decide between the seeds, this file holds the numbers they adopted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints

from kefu.kinds.person import ROLE_LABELS, Role
from kefu.records.kinds import Finding, Kind
from kefu.records.model import PERSON_ID, Labels, Strict, Text
from kefu.staff.terms import (
    APPROVER_LABELS,
    CLOCK,
    LEAVE_LABELS,
    NOT_SHIFTS,
    REST,
    Approver,
    LeaveType,
    minutes,
)

STAFF_RULES_FILE = "staff-rules.yml"
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,30}$")]
Clock = Annotated[str, Field(pattern=CLOCK, description="时刻 \"HH:MM\"（24:00 表示午夜）")]
ApproverRole = Annotated[Approver, Labels.of(APPROVER_LABELS)]
Leave = Annotated[LeaveType, Labels.of(LEAVE_LABELS)]
LedgerType = Literal["fine", "award", "demerit", "points"]
LEDGER_LABELS = {"fine": "罚款", "award": "奖励", "demerit": "记过", "points": "品牌分"}
DAYS_LABELS = {"every-day": "每天", "workdays": "工作日（按工作日历，含调休上班日）"}


class Lazy(Strict):
    """A staff model: its validator is built when first used, not when kefu starts (a run that
    only checks tickets never pays for the staff kinds' schemas)."""

    model_config = ConfigDict(defer_build=True)


class Seeded(Lazy):
    seed: Text = Field(description="出处：资料条款与 docs/rules/ 中采用的规则")


class Shift(Seeded):
    """一个班次。"""

    title: Text = Field(description="中文名称，如 白班")
    start: Clock
    end: Clock


class Channel(Seeded):
    """一个服务渠道的值守时间和最少在岗人数。"""

    title: Text = Field(description="中文名称，如 服务热线")
    days: Annotated[Literal["every-day", "workdays"], Labels.of(DAYS_LABELS)] = Field(
        description="哪些天值守")
    start: Clock
    end: Clock
    min_agents: int = Field(ge=1, le=50, description="值守时间内每一刻至少在岗的人数")


class RosterRule(Seeded):
    rest_days_per_week: int = Field(ge=0, le=6, description="每人每周至少休息几天（做六休一 = 1）")
    due_weekday: int = Field(ge=1, le=7, description="下周值班表最迟在本周星期几完成（1 = 周一）")
    due_time: Clock = Field(description="当天几点前完成")


class MealRule(Seeded):
    max_minutes: int = Field(ge=5, le=120, description="每次用餐最长分钟数")


class SwapRule(Seeded):
    approvers: list[ApproverRole] = Field(min_length=1, description="谁可以批准调班、顶班")
    penalty: Key = Field(
        description="私自离岗、未做好调班（无人顶班）时的奖惩条目（ledger 中的键）")


class LeaveRule(Seeded):
    notice_days: int = Field(
        ge=0, le=30, description="须提前几天申请（自然日：1 = 最迟在休假前一天提交）")
    notice_types: list[Leave] = Field(description="须提前申请、本人办理的假别")
    proxy_types: list[Leave] = Field(description="可由他人代办的假别")
    supervisor_max_days: int = Field(ge=1, le=30, description="主管（或总经办）可批准的最多天数")
    short_approvers: list[ApproverRole] = Field(min_length=1,
                                                description="不超过上述天数时谁可以批准")
    long_approvers: list[ApproverRole] = Field(min_length=1, description="超过时谁可以批准")
    absence_penalty: Key = Field(description="未经批准缺勤（旷工）时建议的奖惩条目")


class TripRule(Seeded):
    reviewer: ApproverRole = Field(description="部门审核")
    approver: ApproverRole = Field(description="审批")


class PunchRule(Seeded):
    within_days: int = Field(ge=1, le=31, description="漏打卡之日起几日内申请（自然日，含当天）")
    max_per_month: int = Field(ge=1, le=31, description="每人每月最多补卡次数")
    approvers: list[ApproverRole] = Field(min_length=1, description="谁可以批准补卡")
    penalty: Key = Field(description="逾期或超次补卡时建议的奖惩条目")


class HandoverRule(Seeded):
    matter_open_days: int = Field(ge=1, le=60, description="交接事项未结超过几天时提醒")


class LoanRule(Seeded):
    confidential_approver: ApproverRole = Field(description="秘密档案借阅须谁批准")


class AppealRule(Seeded):
    within: Literal["same-week"] = Field(description="申诉期限：same-week = 公布的当周内")
    deciders: list[ApproverRole] = Field(
        default_factory=lambda: ["supervisor"], min_length=1,  # type: ignore[arg-type]
        description="谁复核申诉（部门负责人；针对主管本人的由上级）")


class DeciderRule(Seeded):
    """Who decides as the general manager's office and the general manager."""

    offices: dict[ApproverRole, list[Annotated[str, Field(pattern=PERSON_ID)]]] = Field(
        default_factory=dict,
        description="以总经办（gm-office）、总经理（general-manager）身份审批的人（员工编号）")
    recorders: list[Annotated[Role, Labels.of(ROLE_LABELS)]] = Field(
        default_factory=lambda: ["supervisor"],  # type: ignore[arg-type]
        description="可以凭总经办、总经理签字的申请表登记其决定的岗位（kefu approve --as）")


class LedgerEntry(Seeded):
    """奖惩表的一条。"""

    title: Text = Field(description="事项")
    type: Annotated[LedgerType, Labels.of(LEDGER_LABELS)] = Field(description="类别")
    amount: int | None = Field(default=None, ge=1, le=100_000,
                               description="金额（元）：罚款、奖励必填")


class StaffRules(Lazy):
    """值班与人事规则（records/staff-rules.yml）：值班表、调班、请假出差、补卡、交接班、档案借阅和
    奖惩记录都按这里的数字检查。"""

    model_config = ConfigDict(extra="forbid", title="值班与人事规则", defer_build=True)

    shifts: dict[Key, Shift] = Field(min_length=1, description="班次")
    channels: dict[Key, Channel] = Field(description="服务渠道")
    roster: RosterRule
    meals: MealRule
    swaps: SwapRule
    leave: LeaveRule
    trips: TripRule
    punches: PunchRule
    handovers: HandoverRule
    loans: LoanRule
    appeals: AppealRule
    deciders: DeciderRule | None = Field(
        default=None, description="总经办、总经理由谁审批或登记（不写：只由客服主管登记）")
    ledger: dict[Key, LedgerEntry] = Field(min_length=1, description="奖惩表")

    def shift_span(self, key: str) -> tuple[int, int]:
        shift = self.shifts[key]
        return minutes(shift.start), minutes(shift.end)


def consistent(rules: Any) -> Iterator[Finding]:
    """Times run forwards, `rest` is no shift's name, penalties name entries of the ledger."""
    for section in ("shifts", "channels"):
        for key, item in (getattr(rules, section, None) or {}).items():
            if item is not None and minutes(item.end) <= minutes(item.start):
                yield Finding("bad-time", (section, key, "end"),
                              f"{key} 的结束时刻 {item.end} 不晚于开始时刻 {item.start}："
                              "班次和值守时间都在同一天内，到午夜写 \"24:00\"。")
    for word in NOT_SHIFTS:
        if word in (getattr(rules, "shifts", None) or {}):
            yield Finding("bad-shift", ("shifts", word),
                          f"`{word}` 在值班表中表示{'休息' if word == REST else '请假或出差'}，"
                          "不能用作班次名称：请换一个名称。")
    ledger = getattr(rules, "ledger", None) or {}
    for section, field in (("swaps", "penalty"), ("leave", "absence_penalty"),
                           ("punches", "penalty")):
        key = getattr(getattr(rules, section, None), field, None)
        if key is not None and ledger and key not in ledger:
            yield Finding("unknown-rule", (section, field),
                          f"`{key}` 不在奖惩表 ledger 中：可选 {'、'.join(ledger)}。")
    for key, entry in ledger.items():
        if entry is None:
            continue
        needs = entry.type in ("fine", "award")
        if needs and entry.amount is None:
            yield Finding("missing-amount", ("ledger", key),
                          f"{LEDGER_LABELS[entry.type]}条目 {key} 必须写金额 `amount`（元）。")
        if not needs and entry.amount is not None:
            yield Finding("missing-amount", ("ledger", key, "amount"),
                          f"{LEDGER_LABELS[entry.type]}条目 {key} 没有固定金额：请删除 `amount`。")


def parse_rules(data: Mapping[str, Any]) -> StaffRules:
    """The rules from the data of a valid staff-rules.yml (as `load()` keeps it)."""
    return StaffRules.model_validate(data)


KIND = Kind("staff-rules", "值班与人事规则", StaffRules, file=STAFF_RULES_FILE,
            checks=(consistent,))


def shift_key(root: Path, text: str) -> str:
    """A shift's key from its key or its title (白班 -> day), as records/staff-rules.yml names
    them; `text` as given when it names none (validation then lists the shifts)."""
    from kefu.records.check import read_single

    rules, _ = read_single(KIND, root / "records" / STAFF_RULES_FILE, root)
    return shift_named(getattr(rules, "shifts", None) or {}, text) or text


def shift_named(shifts: Mapping[str, Shift], text: str) -> str | None:
    """The key of the shift among `shifts` that `text` names by key or title, or None."""
    if text in shifts:
        return text
    return next((key for key, shift in shifts.items() if shift.title == text), None)
