"""Click's usage errors in Chinese: which option or argument, what was wrong, where to get help."""

from __future__ import annotations

import re
from collections.abc import Sequence

import click

# Click's English detail texts (click 8.5, pinned) → Chinese; unmatched text is kept as is.
_DETAILS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?P<v>'.*?') is not one of (?P<c>.+)\.$"), "{v} 不是可选值；可选：{c}。"),
    (re.compile(r"^(?P<v>'.*?') is not (?P<c>'.*?')\.$"), "{v} 不是可选值；只能是 {c}。"),
    (re.compile(r"^(?P<v>'.*?') is not a valid integer( range)?\.$"), "{v} 不是整数。"),
    (re.compile(r"^(?P<v>'.*?') is not a valid float( range)?\.$"), "{v} 不是数字。"),
    (re.compile(r"^(?P<v>.+?) is not in the range (?P<c>.+)\.$"), "{v} 超出范围 {c}。"),
    (re.compile(r"^(?P<v>'.*?') is not a valid boolean.*$"), "{v} 不是是/否值（true/false）。"),
    (re.compile(r"^(?P<v>.*?) (?P<c>'.*?') does not exist\.$"), "路径 {c} 不存在。"),
    (re.compile(r"^(?P<v>.*?) (?P<c>'.*?') is a file\.$"), "{c} 是文件，这里需要目录。"),
    (re.compile(r"^(?P<v>.*?) (?P<c>'.*?') is a directory\.$"), "{c} 是目录，这里需要文件。"),
    (re.compile(r"^Option (?P<v>'.*?') requires an argument\.$"), "选项 {v} 后面需要给一个值。"),
    (re.compile(r"^Got unexpected extra arguments? \((?P<v>.*)\)$"), "多余的参数：{v}。"),
)


def _detail(text: str) -> str:
    for pattern, template in _DETAILS:
        match = pattern.match(text.strip())
        if match:
            return template.format(**match.groupdict())
    return text


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
        lines.append(f"用法：{ctx.get_usage().removeprefix('Usage: ')}")
    lines.append(f"错误 [{getattr(err, 'slug', 'usage')}]：{_message(err)}")
    if ctx is not None:
        lines.append(f"查看帮助：{ctx.command_path} --help")
    return "\n".join(lines)
