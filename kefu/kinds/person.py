"""Staff (员工档案): one file per person, named by the pinyin id every other record uses."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from kefu.records.kinds import Kind
from kefu.records.model import EMAIL, PERSON_ID, PERSONAL, PHONE, Labels, Strict, Text

Role = Literal["supervisor", "agent", "pre-sales", "after-sales", "technician", "clerk"]
ROLE_LABELS = {
    "supervisor": "客服主管", "agent": "客服", "pre-sales": "售前客服", "after-sales": "售后客服",
    "technician": "技术员", "clerk": "文员/助理",
}


class Person(Strict):
    """员工档案。"""

    model_config = ConfigDict(extra="forbid", title="员工")

    id: str = Field(pattern=PERSON_ID, description="员工编号（拼音，小写），如 wangfang")
    name: Text = Field(max_length=50, description="姓名")
    role: Annotated[Role, Labels.of(ROLE_LABELS)] = Field(description="岗位")
    team: Text = Field(description="班组")
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


KIND = Kind(
    "person", "员工档案", Person, folder="people", id_pattern=PERSON_ID[1:-1],
    id_format="小写拼音员工编号（如 wangfang）", display="name",
)
