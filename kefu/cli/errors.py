"""Click's usage errors in Chinese: which option or argument, what was wrong, where to get help."""

from __future__ import annotations

import re
from collections.abc import Sequence

import click

from .i18n import translations

# click names its number types in English (IntRange's name is "integer range"); the catalog
# (kefu/locale) says the rest
_NUMBER = re.compile(r"不是有效的数字（(integer|float)( range)?）")


def _detail(text: str) -> str:
    """Click's (translated) detail text, its number type names in Chinese too."""
    return _NUMBER.sub(lambda m: "不是整数" if m.group(1) == "integer" else "不是数字", text)


def _hint(err: click.BadParameter) -> str:
    if err.param_hint is not None:
        hint = err.param_hint
        return " / ".join(hint) if not isinstance(hint, str) else hint
    if err.param is not None:
        return err.param.get_error_hint(err.ctx)
    return ""


def _suggest(possibilities: Sequence[str] | None) -> str:
    """`是不是想用 …？` for click's close matches, or nothing."""
    return f"是不是想用 {'、'.join(sorted(possibilities))}？" if possibilities else ""


def _message(err: click.UsageError) -> str:
    if isinstance(err, click.NoSuchOption):
        return f"没有选项 {err.option_name}。" + _suggest(err.possibilities)
    if isinstance(err, click.exceptions.NoSuchCommand):
        return f"没有命令 {err.command_name!r}。" + _suggest(err.possibilities)
    if isinstance(err, click.MissingParameter):
        kind = {"argument": "参数", "option": "选项"}.get(
            err.param.param_type_name if err.param else "", "参数"
        )
        return f"缺少{kind} {_hint(err)}。"
    if isinstance(err, click.BadParameter):
        hint = _hint(err)
        return f"{hint + ' ' if hint else ''}的值无效：{_detail(err.message)}"
    return _detail(err.message)


def usage_error_text(err: click.UsageError) -> str:
    """The three lines shown for a usage error: usage, `错误 [usage]：…`, where to find help."""
    lines: list[str] = []
    ctx = err.ctx
    if ctx is not None:
        usage = ctx.get_usage()
        prefix = translations().gettext("Usage:")
        lines.append(f"用法：{usage.removeprefix(prefix).strip()}")
    lines.append(f"错误 [{getattr(err, 'slug', 'usage')}]：{_message(err)}")
    if ctx is not None:
        lines.append(f"查看帮助：{ctx.command_path} --help")
    return "\n".join(lines)
