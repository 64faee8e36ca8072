"""Staff (员工档案): one file per person, named by the pinyin id every other record uses.

The posts are the handbook's seven (docs/roles/). A person leaves with `active: false`, never by
deleting the file: her records keep naming her. `github` links her to her GitHub login, which
issue forms, comments and pull requests are matched by (approvals, events logged by others).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from kefu.problems import Severity
from kefu.records.kinds import Across, Creator, Finding, Kind, Placed
from kefu.records.model import EMAIL, PERSON_ID, PERSONAL, PHONE, Labels, Strict, Text

Role = Literal["supervisor", "pre-sales", "after-sales", "aftersales-specialist",
               "service-specialist", "clerk", "reception"]
ROLE_LABELS = {
    "supervisor": "客服主管", "pre-sales": "售前客服", "after-sales": "售后客服",
    "aftersales-specialist": "售后专员", "service-specialist": "客服专员",
    "clerk": "文员/助理", "reception": "前台接待",
}
GITHUB_LOGIN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$"  # no look-ahead in pydantic


class Person(Strict):
    """员工档案。"""

    model_config = ConfigDict(extra="forbid", title="员工")

    id: str = Field(pattern=PERSON_ID, description="员工编号（拼音，小写），如 wangfang")
    name: Text = Field(max_length=50, description="姓名")
    role: Annotated[Role, Labels.of(ROLE_LABELS)] = Field(description="岗位")
    team: Text = Field(description="班组")
    github: str | None = Field(default=None, pattern=GITHUB_LOGIN,
                               description="GitHub 账号（issue 表单、评论审批和 PR 靠它认人）")
    phone: str | None = Field(
        default=None, pattern=PHONE, description="手机（个人信息）", json_schema_extra=PERSONAL
    )
    email: str | None = Field(
        default=None, pattern=EMAIL, description="电子邮箱（个人信息）", json_schema_extra=PERSONAL
    )
    birthday: date | None = Field(
        default=None, description="生日（个人信息）", json_schema_extra=PERSONAL
    )
    active: bool = Field(default=True, description="是否在职（离职写 false，不要删除文件）")


def _seconds(group: Any, key: Callable[[Mapping[str, Any]], str | None]
             ) -> Iterator[tuple[str, Any]]:
    """(the first person's id, a later person record) for each person, in id order, whose
    `key` value an earlier person already has (None: not compared)."""
    seen: dict[str, str] = {}
    for record in sorted(group.of("person"), key=lambda r: r.id):
        value = key(record.data)
        if value is None:
            continue
        first = seen.setdefault(value, record.id)
        if first != record.id:
            yield first, record


def unique_logins(group: Any) -> Iterator[Placed]:
    """No two people share a GitHub login (GitHub ignores case): comments and pull requests
    are matched to people by it, so one login must name one person."""
    def login(data: Mapping[str, Any]) -> str | None:
        value = data.get("github")
        return value.lower() if isinstance(value, str) else None

    for first, record in _seconds(group, login):
        yield Placed("person", record.id, Finding(
            "duplicate-github", ("github",),
            f"GitHub 账号 {record.data['github']} 已经写在 {first} 的档案里：一个账号只能对应一个人"
            "（评论审批和拉取请求靠它认人）。请改正其中一份档案。"))


def unique_names(group: Any) -> Iterator[Placed]:
    """Two active people of one name: every form and command takes a name for a person, and
    a name that is two people's makes them write ids instead (a warning, not an error)."""
    def name(data: Mapping[str, Any]) -> str | None:
        value = data.get("name")
        return value.strip() if isinstance(value, str) and data.get("active", True) else None

    for first, record in _seconds(group, name):
        same = record.data["name"]
        yield Placed("person", record.id, Finding(
            "same-name", ("name",),
            f"{first} 也叫{same}：在命令和表单里写这个名字时无法分辨是谁，只能写员工编号"
            f"（{first} 或 {record.id}）。可以在姓名后加区分，如{same}（售后）。",
            Severity.WARNING))


def people(group: Any) -> Iterator[Placed]:
    yield from unique_logins(group)
    yield from unique_names(group)


def pinyin_id(name: str) -> str:
    """The pinyin of a Chinese name, lower case, as a person id: 王芳 -> wangfang."""
    from pypinyin import lazy_pinyin

    text = "".join(lazy_pinyin(name.strip())).lower()
    return "".join(c for c in text if c.isascii() and (c.isalnum() or c == "-"))


def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    """A new person: the id from `--id`, else the pinyin of her name (wangfang, wangfang2…)."""
    given = values.get("id")
    if given:
        record_id = str(given)
    else:
        stem = pinyin_id(str(values.get("name", ""))) or "staff"
        stem = stem if stem[0].isalpha() else f"p{stem}"
        record_id, number = stem, 1
        while ctx.taken("person", record_id):
            number += 1
            record_id = f"{stem}{number}"
    data: dict[str, Any] = {"id": record_id}
    for name in ("name", "role", "team", "github", "phone", "email", "birthday"):
        if values.get(name) is not None:
            data[name] = values[name]
    data["active"] = values.get("active", True)
    return data


KIND = Kind(
    "person", "员工档案", Person, folder="people", id_pattern=PERSON_ID[1:-1],
    id_format="小写拼音员工编号（如 wangfang）", display="name",
    across=Across(("person",), people),
    creator=Creator(build=build, derived=(), defaulted=("id", "active"),
                    labels={"person": "员工档案"}),
)
