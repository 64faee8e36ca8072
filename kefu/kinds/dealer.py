"""Dealers (代理商档案): company, region and contact; holds personal data of the contact."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field

from kefu.records.kinds import Kind
from kefu.records.model import DEALER_ID, EMAIL, ID_NUMBER, PERSONAL, PHONE, Strict, Text


class Dealer(Strict):
    """代理商档案（含个人信息）。"""

    model_config = ConfigDict(extra="forbid", title="代理商")

    id: str = Field(pattern=DEALER_ID, description="代理商编号，如 D-0001")
    company: Text = Field(max_length=100, description="公司名称")
    region: Text = Field(description="所在地区")
    contact: Text = Field(description="联系人姓名（个人信息）", json_schema_extra=PERSONAL)
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


KIND = Kind(
    "dealer", "代理商档案", Dealer, folder="dealers", id_pattern=DEALER_ID[1:-1],
    id_format="D- 加 4–8 位大写字母或数字（如 D-0001）", display="company",
)
