"""The one source of truth for every record kind's schema (pydantic v2 models).

JSON Schemas in `schemas/` are generated from these models (`kefu schemas`). Fields holding
personal data carry `personal: true` in their JSON-schema extras; they must never reach the site.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

PERSON_ID = r"^[a-z][a-z0-9-]{1,31}$"
DEALER_ID = r"^D-[0-9A-Z]{4,8}$"
TICKET_ID = r"^T-[0-9]{8}-[0-9a-z]{4}$"
PHONE = r"^(1[3-9][0-9]-?[0-9]{4}-?[0-9]{4}|0[0-9]{2,3}-?[0-9]{7,8}|400-?[0-9]{3}-?[0-9]{4})$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
ID_NUMBER = r"^[0-9]{17}[0-9X]$"

PERSONAL: dict[str, Any] = {"personal": True}

TicketType = Literal["complaint", "repair", "doa", "inquiry", "callback", "work-request"]
Channel = Literal["hotline", "email", "chat", "dealer", "walk-in"]
Status = Literal["open", "in-progress", "waiting", "closed"]
Level = Literal["normal", "serious", "critical"]
Action = Literal[
    "received", "assigned", "escalated", "dept-feedback", "replied", "inspected",
    "sent-to-factory", "returned", "approved", "unit-received", "shipped", "called-back",
    "note", "closed", "reopened",
]
Role = Literal["supervisor", "agent", "pre-sales", "after-sales", "technician", "clerk"]

# Chinese labels for the enum values, used wherever a record is shown (reports, site, forms).
TYPE_LABELS: dict[str, str] = {
    "complaint": "投诉", "repair": "返修", "doa": "DOA 换新", "inquiry": "咨询",
    "callback": "回访", "work-request": "部门工作提交",
}
CHANNEL_LABELS: dict[str, str] = {
    "hotline": "热线电话", "email": "电子邮件", "chat": "在线客服", "dealer": "代理商反馈",
    "walk-in": "来访",
}
STATUS_LABELS: dict[str, str] = {
    "open": "待处理", "in-progress": "处理中", "waiting": "等待中", "closed": "已结案",
}
LEVEL_LABELS: dict[str, str] = {"normal": "一般", "serious": "严重", "critical": "特别严重"}
ACTION_LABELS: dict[str, str] = {
    "received": "受理", "assigned": "分派", "escalated": "提交责任部门",
    "dept-feedback": "部门反馈",
    "replied": "答复", "inspected": "验收核对", "sent-to-factory": "寄往工厂",
    "returned": "寄回代理商", "approved": "审批通过", "unit-received": "收到不良品",
    "shipped": "发货", "called-back": "回访", "note": "备注", "closed": "结案",
    "reopened": "重新打开",
}

PersonId = Annotated[str, Field(pattern=PERSON_ID, description="员工编号（拼音，小写）")]
DealerId = Annotated[str, Field(pattern=DEALER_ID, description="代理商编号，如 D-0001")]


class Strict(BaseModel):
    # Base of every record model: unknown fields are errors, not silently kept.
    # Phone and ID numbers typed without quotes arrive as ints: keep them as text.
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


class Event(Strict):
    """工单事件（只追加，不修改）。"""

    at: AwareDatetime = Field(description="发生时间，ISO 8601 带时区，如 2026-03-15T10:20:00+08:00")
    by: PersonId = Field(description="经办人员工编号")
    action: Action = Field(description="动作")
    note: str | None = Field(default=None, description="备注（自由文本）")


_TICKET_RULES: dict[str, Any] = {
    "allOf": [
        {
            "if": {"properties": {"type": {"const": "complaint"}}, "required": ["type"]},
            "then": {"required": ["level"]},
            "else": {"not": {"required": ["level"]}},
        },
        {
            "if": {"properties": {"level": {"const": "critical"}}, "required": ["level"]},
            "then": {"required": ["agreed_due"]},
        },
    ]
}


class Ticket(Strict):
    """工单：投诉、返修、DOA、咨询、回访、部门工作提交。"""

    model_config = ConfigDict(extra="forbid", title="工单", json_schema_extra=_TICKET_RULES)

    id: str = Field(pattern=TICKET_ID, description="T-收到日期-4位随机码，如 T-20260315-k7m2")
    type: TicketType = Field(description="工单类型")
    title: str = Field(min_length=1, max_length=200, description="标题")
    received: AwareDatetime = Field(description="收到时间，ISO 8601 带时区")
    channel: Channel = Field(description="来源渠道")
    dealer: DealerId | None = Field(default=None, description="代理商编号")
    customer: str | None = Field(
        default=None, description="终端顾客姓名（个人信息）", json_schema_extra=PERSONAL
    )
    product: str | None = Field(default=None, description="产品型号/序列号")
    department: str | None = Field(default=None, description="责任/目标部门")
    owner: PersonId = Field(description="负责人员工编号")
    status: Status = Field(description="状态")
    level: Level | None = Field(default=None, description="投诉等级（仅投诉）")
    agreed_due: AwareDatetime | None = Field(
        default=None, description="约定完成时间（特别严重投诉必填）"
    )
    events: list[Event] = Field(min_length=1, description="事件记录（只追加）")

    @model_validator(mode="after")
    def _rules(self) -> Ticket:
        broken = ticket_rules(self.__dict__)
        if broken:
            raise ValueError(broken[0][0])
        return self


def ticket_rules(data: Mapping[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    """Cross-field rules of a ticket as (slug, field path) pairs; works on raw or validated data."""
    kind, level = data.get("type"), data.get("level")
    broken: list[tuple[str, tuple[str, ...]]] = []
    if kind == "complaint" and level is None:
        broken.append(("missing-level", ("type",)))
    if kind != "complaint" and level is not None:
        broken.append(("level-not-complaint", ("level",)))
    if level == "critical" and data.get("agreed_due") is None:
        broken.append(("critical-needs-agreed-due", ("level",)))
    return broken


class Person(Strict):
    """员工档案。"""

    model_config = ConfigDict(extra="forbid", title="员工")

    id: str = Field(pattern=PERSON_ID, description="员工编号（拼音，小写），如 wangfang")
    name: str = Field(min_length=1, max_length=50, description="姓名")
    role: Role = Field(description="岗位")
    team: str = Field(min_length=1, description="班组")
    phone: str | None = Field(
        default=None, pattern=PHONE, description="手机（个人信息）", json_schema_extra=PERSONAL
    )
    email: str | None = Field(
        default=None, pattern=EMAIL, description="电子邮箱（个人信息）", json_schema_extra=PERSONAL
    )
    birthday: date | None = Field(
        default=None, description="生日（个人信息）", json_schema_extra=PERSONAL
    )
    active: bool = Field(default=True, description="是否在职")


class Dealer(Strict):
    """代理商档案（含个人信息）。"""

    model_config = ConfigDict(extra="forbid", title="代理商")

    id: str = Field(pattern=DEALER_ID, description="代理商编号，如 D-0001")
    company: str = Field(min_length=1, max_length=100, description="公司名称")
    region: str = Field(min_length=1, description="所在地区")
    contact: str = Field(min_length=1, description="联系人姓名")
    phone: str = Field(
        pattern=PHONE, description="联系电话（个人信息）", json_schema_extra=PERSONAL
    )
    email: str | None = Field(
        default=None, pattern=EMAIL, description="电子邮箱（个人信息）", json_schema_extra=PERSONAL
    )
    address: str | None = Field(
        default=None, description="地址（个人信息）", json_schema_extra=PERSONAL
    )
    id_number: str | None = Field(
        default=None, pattern=ID_NUMBER, description="联系人身份证号（个人信息）",
        json_schema_extra=PERSONAL,
    )
    birthday: date | None = Field(
        default=None, description="联系人生日（个人信息）", json_schema_extra=PERSONAL
    )
    since: date | None = Field(default=None, description="成为代理商的日期")
    active: bool = Field(default=True, description="是否有效")
