"""Dealers (代理商档案): company, region and contact; holds personal data of the contact.

A dealer who stops is marked `active: false`; the file stays, since tickets name it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import ConfigDict, Field

from kefu.records.kinds import Creator, Kind
from kefu.records.model import DEALER_ID, EMAIL, ID_NUMBER, PERSONAL, PHONE, Strict, Text


class Dealer(Strict):
    """代理商档案（含个人信息）。"""

    model_config = ConfigDict(extra="forbid", title="代理商")

    id: str = Field(pattern=DEALER_ID, description="代理商编号，如 D-0001")
    company: Text = Field(max_length=100, description="公司名称")
    region: Text = Field(description="所在地区")
    contact: Text = Field(description="联系人姓名（个人信息）", json_schema_extra=PERSONAL)
    contact_role: str | None = Field(
        default=None, max_length=50,
        description="联系人职务，如 总经理、售后主管（不是个人信息：代理商名录页上显示）")
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
    active: bool = Field(default=True, description="是否有效（停止合作写 false，不要删除文件）")


def next_number(ctx: Any) -> str:
    """The next free D-number after the highest one in records/dealers/ (D-0013 after D-0012).

    Dealer numbers are printed on forms and told on the phone, so they count up; two pull
    requests adding a dealer at once get the same number, and the second one's checks say so.
    """
    folder = ctx.root / "records" / "dealers"
    numbers = [int(m.group(1)) for p in (folder.iterdir() if folder.is_dir() else ())
               if (m := re.fullmatch(r"D-([0-9]{4,8})\.yml", p.name))]
    number = max(numbers, default=0) + 1
    while ctx.taken("dealer", f"D-{number:04d}"):
        number += 1
    return f"D-{number:04d}"


def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"id": values.get("id") or next_number(ctx)}
    for name in ("company", "region", "contact", "contact_role", "phone", "email", "address",
                 "id_number", "birthday"):
        if values.get(name) is not None:
            data[name] = values[name]
    data["since"] = values.get("since") or ctx.now.date()
    data["active"] = values.get("active", True)
    return data


KIND = Kind(
    "dealer", "代理商档案", Dealer, folder="dealers", id_pattern=DEALER_ID[1:-1],
    id_format="D- 加 4–8 位大写字母或数字（如 D-0001）", display="company",
    creator=Creator(build=build, derived=(), defaulted=("id", "since", "active"),
                    labels={"dealer": "代理商档案"}),
)
