"""The form registry (forms/registry.yml): every form, its fields, approvers and record kind."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kefu.forms.fonts import CHECKOUT
from kefu.problems import KefuError, Problem

FieldType = Literal["line", "text", "date", "datetime", "choice", "grid", "section"]


def _refuse_duplicates(keys: list[str], message: str) -> None:
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise ValueError(f"{message}：{', '.join(dupes)}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormField(_Strict):
    """One row of a form."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    type: FieldType = "line"
    wide: bool = False
    rows: int = Field(default=1, ge=1, le=40)
    options: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    widths: tuple[int, ...] = ()
    tall: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _check_kind(self) -> FormField:
        if self.type == "choice" and not self.options:
            raise ValueError(f"字段 {self.key}：choice 类型需要 options")
        if self.type == "grid" and not self.columns:
            raise ValueError(f"字段 {self.key}：grid 类型需要 columns")
        if self.widths and len(self.widths) != len(self.columns):
            raise ValueError(f"字段 {self.key}：widths 与 columns 个数不一致")
        return self

    @property
    def full_row(self) -> bool:
        """Whether the field takes a whole table row (label + value across)."""
        return self.wide or self.type in ("text", "grid", "section")


class Form(_Strict):
    """One printable form."""

    key: str = Field(pattern=r"^[a-z][a-z0-9-]{1,40}$")
    code: str | None = Field(default=None, pattern=r"^ZFKFBFJ\d{3}$")
    title: str
    subtitle: str | None = None
    purpose: str
    source: str
    approvers: tuple[str, ...] = Field(min_length=1)
    fields: tuple[FormField, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_keys(self) -> Form:
        _refuse_duplicates([f.key for f in self.fields], f"表单 {self.key}：字段键重复")
        return self

    @property
    def template(self) -> str:
        return f"{self.key}.html"

    def field(self, key: str) -> FormField:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)


class Registry(_Strict):
    """All forms (the letterhead's names come from records/department.yml)."""

    forms: tuple[Form, ...]

    @model_validator(mode="after")
    def _unique_forms(self) -> Registry:
        _refuse_duplicates(self.keys, "表单键重复")
        return self

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.forms]

    def get(self, key: str) -> Form:
        """The form named `key`, or a KefuError (exit 2) that lists the valid names."""
        for form in self.forms:
            if form.key == key:
                return form
        raise KefuError(
            f"没有名为「{key}」的表单。可用的表单：{', '.join(self.keys)}"
            "（`kefu form --list` 查看说明）",
            slug="unknown-form",
            exit_code=2,
        )


PROJECT_FORMS = CHECKOUT / "forms"
"""The forms/ folder of the checkout kefu runs from (editable install, as `make install` does)."""


def forms_dir(root: Path) -> Path:
    """The folder holding the templates, CSS and registry: root/forms, else the project's own.

    A records-only repository (such as the test fixtures) prints with the project's forms.
    """
    local = root / "forms"
    if (local / "registry.yml").is_file() or not (PROJECT_FORMS / "registry.yml").is_file():
        return local
    return PROJECT_FORMS


MAX_BYTES = 1024 * 1024


@cache
def _load_cached(path: Path, mtime_ns: int) -> Registry:
    from kefu.records.check import read_limited
    from kefu.records.loader import ParseFailure, compose, load_mapping, locate_node
    from kefu.records.messages import explain

    shown = path.as_posix()
    try:
        data, text = load_mapping(read_limited(path, MAX_BYTES), MAX_BYTES)
    except ParseFailure as failure:
        issue = failure.issue
        problem = Problem(shown, issue.line, issue.col, issue.slug, issue.message)
        raise KefuError(f"表单登记表有误：\n{problem.format()}", slug="form-registry") from None
    except OSError as err:
        raise KefuError(f"无法读取表单登记表 {shown}：{err.strerror}",
                        slug="form-registry") from None
    try:
        return Registry.model_validate(data)
    except ValidationError as err:
        node = compose(text)
        lines = []
        for error in err.errors(include_url=False):
            loc = tuple(error["loc"])
            slug, message = explain(Registry, loc, error["type"], error)
            if error["type"] == "value_error":
                message = str(error.get("msg", "")).removeprefix("Value error, ")
            place = locate_node(node, loc, key=error["type"] in ("extra_forbidden", "missing"))
            lines.append(Problem(shown, *place, slug, message).format())
        raise KefuError("表单登记表有误：\n" + "\n".join(lines), slug="form-registry") from None


def load_registry(root: Path) -> Registry:
    """Read and validate forms/registry.yml under `root` (cached while the file is unchanged)."""
    path = forms_dir(root) / "registry.yml"
    if not path.is_file():
        raise KefuError(f"找不到表单登记表 {path}；请在仓库根目录下运行。", slug="form-registry")
    return _load_cached(path.resolve(), path.stat().st_mtime_ns)
