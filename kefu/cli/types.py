"""Click parameter types that read values the way people type them, with Chinese errors."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from typing import Any

import click

from kefu import times
from kefu.problems import KefuError

ROOT_HELP = "仓库根目录（默认从当前目录向上查找含 records/ 的目录）"  # every command's --root


class BadValue(click.BadParameter):
    """A bad option or argument value, with the slug of what was wrong (bad-date, bad-choice)."""

    def __init__(self, message: str, slug: str, param: click.Parameter | None,
                 ctx: click.Context | None) -> None:
        super().__init__(message, ctx=ctx, param=param)
        self.slug = slug


class LabelChoice(click.ParamType):
    """One of a fixed set of codes; the Chinese label is accepted too (寄回 -> returned)."""

    name = "choice"

    def __init__(self, labels: Mapping[str, str]) -> None:
        self.labels = dict(labels)
        self.by_label = {label: code for code, label in self.labels.items()}

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(self.labels) + "]"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        text = str(value).strip()
        if text in self.labels:
            return text
        if text in self.by_label:
            return self.by_label[text]
        close = difflib.get_close_matches(text, [*self.labels, *self.by_label], n=1, cutoff=0.5)
        hint = ""
        if close:
            code = self.by_label.get(close[0], close[0])
            hint = f"是不是 {code}（{self.labels[code]}）？"
        allowed = "、".join(f"{code}（{label}）" for code, label in self.labels.items())
        raise BadValue(f"{text!r} 不是可选值。{hint}可选：{allowed}。", "bad-choice", param, ctx)


class YesNo(click.ParamType):
    """Yes or no, as people type it: 是/否 (or yes/no, true/false, 1/0)."""

    name = "yes-no"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "是|否"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> bool:
        from kefu.records.new import NO, YES  # kefu new's words (imported when one is read)

        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in YES | NO | {"y", "n"}:  # and the y and n click's BOOL read here before
            return text in YES or text == "y"
        raise BadValue(f"{str(value)!r} 不是可选值：写 是 或 否。", "bad-choice", param, ctx)


class When(click.ParamType):
    """A time: ISO 8601 with offset, `YYYY-MM-DD HH:MM`, or a time of today or of the two days
    before (15:30, 昨天 15:30, 前天 9:00), read as Beijing time."""

    name = "time"

    def __init__(self, date_only_ok: bool = False) -> None:
        self.date_only_ok = date_only_ok

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "TIME"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> dt.datetime | dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return times.parse_when(str(value), date_only_ok=self.date_only_ok,
                                    today=times.today())
        except KefuError as err:
            raise BadValue(err.message, err.slug, param, ctx) from None


class Day(click.ParamType):
    """A date: YYYY-MM-DD."""

    name = "date"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return times.parse_day(str(value))
        except KefuError as err:
            raise BadValue(err.message, err.slug, param, ctx) from None
