"""What an issue form is made of (the ticket forms, kefu.intake.forms, and the staff request
forms, kefu.intake.staff, are both built of these)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

TEMPLATES = PurePosixPath(".github/ISSUE_TEMPLATE")
# Headings a field had in earlier versions of the forms: an issue opened before an upgrade and
# edited after it still reads.
EARLIER_LABELS: dict[str, tuple[str, ...]] = {"dealer": ("代理商编号",)}
NO_PERSONAL = ("**任何一栏都不要写个人信息**（电话、手机号、身份证号、电子邮箱、地址、顾客姓名）："
               "仓库里的每个人都能看到本页，写进记录的内容会永久留在 git 历史里。"
               "表单里出现电话号码、身份证号或邮箱时，系统会在记录里打码并提醒你删去原文。\n\n")
# Where a form's record goes: records.yml and intake.yml read the department's `automerge` switch.
LANDING = ("检查通过后登记进仓库（部门开启自动合并时几分钟内生效，"
           "否则开一个拉取请求 PR 等客服主管审核合并）")
PLACEHOLDERS = {"datetime": "2026-03-15 09:40", "date": "2026-03-01"}
YES_NO = {"no": "否", "yes": "是"}  # a yes-or-no option, as a dropdown (left alone: no)


def choices_of(spec: Any) -> dict[str, str]:
    """The dropdown options of a `kefu new` option (a kefu.records.new.OptionSpec): its codes'
    labels, 否 and 是 for a yes-or-no one; none for a field typed in."""
    return dict(YES_NO) if spec.kind == "bool" else dict(spec.choices or {})


@dataclass(frozen=True)
class Field:
    """One element of an issue form; `label` is the `### ` heading GitHub writes in the body."""

    id: str  # the model field or `kefu new` option it fills
    label: str
    kind: str  # input | textarea | dropdown
    description: str = ""
    required: bool = False
    choices: Mapping[str, str] = field(default_factory=dict)  # code -> Chinese label
    placeholder: str = ""

    @property
    def headings(self) -> tuple[str, ...]:
        """The `### ` headings this field may have in a body (its label, then earlier ones)."""
        return tuple(f"### {label}" for label in (self.label, *EARLIER_LABELS.get(self.id, ())))


@dataclass(frozen=True)
class IssueForm:
    key: str  # new-ticket | ticket-event
    name: str
    about: str
    title: str  # the issue's default title
    intro: str  # Markdown shown above the fields (not sent in the body)
    fields: tuple[Field, ...]

    @property
    def path(self) -> str:
        return str(TEMPLATES / f"{self.key}.yml")

    def field(self, field_id: str) -> Field:
        return next(f for f in self.fields if f.id == field_id)
