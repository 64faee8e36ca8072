"""What the loader refuses besides syntax errors, said in Chinese with line and column:
control characters, YAML directives, tags PyYAML cannot read, keys that are not text.

Each function gives (slug, line, column, message) or None; kefu.records.loader makes the Issue.
"""

from __future__ import annotations

import re
from typing import Any

from kefu.chars import char_name

Refusal = tuple[str, int, int, str]

# Characters YAML does not allow in a file (besides tab, line feed and carriage return)
_CONTROL = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]")
_DIRECTIVE = re.compile(r"^%[^\r\n]*", re.M)
# `!tag` or `!!tag` where a value or an item starts (not inside quotes or plain text)
_TAG_SHAPE = re.compile(r"""^(?:\s*-)*\s*(?:[^\s#'"][^:#]*:\s+)?(?:[\[{,]\s*)?(!{1,2}[^\s,\]}]*)""")


def before_parse(text: str) -> Refusal | None:
    """A raw control character (a NUL reads as an unclosed quote to the parser), or a YAML
    directive (`%YAML 1.2`, `%TAG`, `%FOO`): a record never needs one, and one changes how tags
    and the rest of the file are read."""
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        col = control.start() - (text.rfind("\n", 0, control.start()) + 1) + 1
        return ("control-character", line, col,
                f"文件里有控制字符 {char_name(control.group())}（第 {line} 行第 {col} 列）："
                "YAML 文件不能含有它，多半是二进制内容或复制时带进来的，请删除它。")
    found = _DIRECTIVE.search(text) if "%" in text else None
    if found is not None:
        return ("yaml-directive", text.count("\n", 0, found.start()) + 1, 1,
                f"不支持 YAML 指令 `{found.group().strip()[:40]}`（以 % 开头的一行）："
                "记录文件不需要它，请删除这一行。")
    return None


def tag_by_shape(text: str) -> Refusal | None:
    """A tag found by its shape, for a file PyYAML cannot read (yaml-rs may, and drops tags)."""
    for number, row in enumerate(text.splitlines(), 1):
        found = _TAG_SHAPE.search(row)
        if found:
            return ("yaml-tag", number, found.start(1) + 1,
                    f"不支持的 YAML 标签 `{found.group(1)}`：记录只能写普通的值，"
                    "请删除以 ! 开头的标签。")
    return None


def text_keys(data: Any) -> bool:
    """Whether every mapping key, at any depth, is text (a field's name)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            if not all(type(key) is str for key in node):
                return False
            stack.extend(value for value in node.values() if type(value) in (dict, list))
        elif type(node) is list:
            stack.extend(value for value in node if type(value) in (dict, list))
    return True


def non_text_key(root: Any) -> Refusal:
    """Where, in a composed PyYAML node tree, the first key read as a number, true/false or
    null (not text) is."""
    import yaml

    line, col, shown = 1, 1, "?"
    stack = [root]
    while stack:
        node = stack.pop(0)
        if isinstance(node, yaml.MappingNode):
            bad = [k for k, _ in node.value if k.tag != "tag:yaml.org,2002:str"]
            if bad:
                line, col = bad[0].start_mark.line + 1, bad[0].start_mark.column + 1
                shown = str(bad[0].value) if isinstance(bad[0], yaml.ScalarNode) else "[…]"
                break
            stack.extend(v for _, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return ("non-text-key", line, col,
            f"字段名 `{shown or '（空）'}` 不是文字：YAML 把它读成了数字、真假值或空值。"
            "字段名只能是文字：请改成正确的字段名，或给它加引号。")
