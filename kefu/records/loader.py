"""The single YAML-loading module: every record file is parsed here; the parser is chosen here.

yaml-rs (Rust) parses; it refuses duplicate keys, limits alias replay and reports line and column.
Measured here: ~10x faster than PyYAML's CSafeLoader on ticket files. PyYAML is used only on the
error path, to compose the node tree of a file that already failed, to find exact line:col.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml_rs

from . import refusals

MAX_BYTES = 256 * 1024  # a ticket is ~0.5 KB; a quarter MiB is a long event log plus margin
ALIAS_LIMIT = 10_000  # replayed events; records never need aliases, a bomb needs millions
MAX_NODES = 20_000  # values in one file; a ticket has ~40, a year's roster a few thousand
_COUNT_FROM = 16 * 1024  # below this size a file cannot hold MAX_NODES values: not counted

_ALIASES = yaml_rs.AliasLimits(max_total_replayed_events=ALIAS_LIMIT)
_POSITION = re.compile(r"line (\d+), column (\d+)")
_DUPLICATE = re.compile(r"duplicate mapping key: (.*)$")
_NUMBER = re.compile(r"[-+]?[0-9][0-9._eE+-]*")


@dataclass(frozen=True)
class Issue:
    """A problem found while reading one file; the caller adds the path."""

    slug: str
    line: int
    col: int
    message: str


class ParseFailure(Exception):
    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


def decode(raw: bytes, max_bytes: int = MAX_BYTES) -> str:
    """UTF-8 text of `raw`, or ParseFailure naming the first bad byte's line and column."""
    if len(raw) > max_bytes:
        raise ParseFailure(Issue(
            "file-too-large", 1, 1,
            f"文件超过 {max_bytes // 1024} KB 上限。"
            "一条记录不应这么大：请检查是否误粘贴了大段内容，附件请另存而不要写进记录。",
        ))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = "看起来是 GBK/GB18030 编码。"
        except UnicodeDecodeError:
            pass
        raise ParseFailure(Issue(
            "not-utf8", line, col,
            f"文件不是 UTF-8 编码（第 {err.start + 1} 字节无法解码）。{hint}"
            "请用编辑器以 UTF-8 编码重新保存该文件。",
        )) from None
    return text[1:] if text.startswith("\ufeff") else text


def parse(text: str) -> Any:
    """Parse one YAML document; ParseFailure with line/col on any error, never another exception.

    Limits: aliases replay at most ALIAS_LIMIT events, nesting is bounded by the parser, a file
    holds at most MAX_NODES values, and no tag (`!!python/object`, `!custom`) is accepted.
    """
    refused = refusals.before_parse(text)  # a control character, a directive
    if refused is not None:
        raise ParseFailure(Issue(*refused))
    if "!" in text:
        _refuse_tags(text)
    try:
        data = yaml_rs.loads(text, parse_datetime=False, alias_limits=_ALIASES)
    except yaml_rs.YAMLDecodeError as err:
        raise ParseFailure(_explain(str(err), text)) from None
    except (ValueError, TypeError, RecursionError, OverflowError) as err:
        raise ParseFailure(Issue("yaml-syntax", 1, 1, f"无法解析 YAML：{err}")) from None
    if not refusals.text_keys(data):
        raise ParseFailure(Issue(*refusals.non_text_key(compose(text))))
    if len(text) >= _COUNT_FROM and _count_nodes(data, MAX_NODES) > MAX_NODES:
        raise ParseFailure(Issue("too-many-values", 1, 1,
                                 f"文件中的值超过 {MAX_NODES} 个：一条记录不应这么大，"
                                 "请检查是否误粘贴了大段内容。"))
    return data


def _count_nodes(data: Any, limit: int) -> int:
    """How many values `data` holds, counting up to just past `limit`."""
    count, stack = 0, [data]
    while stack and count <= limit:
        node = stack.pop()
        count += 1
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count


def _refuse_tags(text: str) -> None:
    """ParseFailure at the first explicit YAML tag: records are plain data, never typed objects.

    yaml-rs drops unknown local tags silently; PyYAML's event stream names each one (events do
    not expand aliases, so this is safe on an alias bomb).
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(text, Loader=loader):
            tag = getattr(event, "tag", None)  # set only where the file writes a tag
            if tag is not None:
                tag = tag.replace("tag:yaml.org,2002:", "!!")
                mark = event.start_mark
                line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                raise ParseFailure(Issue(
                    "yaml-tag", line, col,
                    f"不支持的 YAML 标签 `{tag}`：记录只能写普通的值，请删除以 ! 开头的标签。"))
    except yaml.YAMLError:
        # PyYAML could not read it (yaml-rs may): look for a tag by its shape instead of letting
        # one through unseen
        shaped = refusals.tag_by_shape(text)
        if shaped is not None:
            raise ParseFailure(Issue(*shaped)) from None


def load_mapping(raw: bytes, max_bytes: int = MAX_BYTES) -> tuple[dict[str, Any], str]:
    """Decode and parse a YAML file whose top level must be a mapping (every file kefu reads)."""
    text = decode(raw, max_bytes)
    data = parse(text)
    if data is None:  # nothing but blanks and comments
        raise ParseFailure(Issue("empty-file", 1, 1, "文件是空的：请填写记录内容，或删除该文件。"))
    if not isinstance(data, dict):
        what = "多个文档（---）或列表" if isinstance(data, list) else "单个值"
        raise ParseFailure(Issue(
            "not-a-mapping", 1, 1,
            f"记录文件的顶层必须是“字段: 值”的映射，这里却是{what}。一个文件只写一条记录。",
        ))
    return data, text


def _explain(message: str, text: str) -> Issue:
    dup = _DUPLICATE.search(message)
    if dup and dup.group(1).strip("'\"") in ("True", "False", "None") or (
            dup and _NUMBER.fullmatch(dup.group(1))):
        return Issue(*refusals.non_text_key(compose(text)))  # `1:` and `true:` are one key
    if dup:
        key = dup.group(1).strip("'\"")
        line, col, first = _duplicate_position(text, key)
        where = f"（第一次出现在第 {first} 行）" if first else ""
        return Issue("duplicate-key", line, col,
                     f"字段 `{key}` 重复出现{where}。同一层级每个字段只能写一次："
                     "请合并或删除重复的一行。")
    if "alias" in message and "limit" in message:
        line = _first_line_matching(text, re.compile(r"(^|[\s\[{,])\*[\w-]"))
        return Issue("alias-bomb", line, 1,
                     "YAML 别名（&锚点/*引用）展开过多，疑似“别名炸弹”。"
                     "记录文件不需要别名：请直接写出内容。")
    pos = _POSITION.search(message)
    line, col = (int(pos.group(1)), int(pos.group(2))) if pos else (1, 1)
    reason = message.strip().splitlines()[-1] if message.strip() else message
    if "tag" in message.lower():
        quoted = re.search(r"'([^']+)'", message)
        if not pos and quoted:  # yaml-rs names the tag but not where it is
            line = _first_line_matching(text, re.compile(re.escape(quoted.group(1))))
        return Issue("yaml-syntax", line, col,
                     f"不支持的 YAML 标签（{reason}）：请删除以 ! 开头的标签。")
    if "escape" in reason:
        return Issue("yaml-syntax", line, col,
                     "YAML 语法错误：双引号里的反斜杠开始了一个不存在的转义（如 `\\q`）："
                     "要写反斜杠本身请写成 `\\\\`，或改用单引号，或去掉引号。")
    if "quoted scalar" in reason:  # the parser stops where the quote should have closed
        line, col = _open_quote(text, line), 1
        return Issue("yaml-syntax", line, col,
                     "YAML 语法错误：这一行的引号没有闭合。请补上配对的引号（\" 或 '），"
                     "或去掉引号。")
    if "tab" in reason and "\t" in text:  # the parser points past the tab, often a line early
        line, col = _first_line_matching(text, re.compile(r"^ *\t")), 1
    hint = next((text_cn for key, text_cn in _REASONS if key in reason), "")
    return Issue("yaml-syntax", line, col,
                 f"YAML 语法错误：{hint or reason}。请检查这一行及上一行的缩进、"
                 "冒号（冒号后要有空格）、引号和括号是否成对；列表项以“- ”开头。")


# yaml-rs reasons (English) -> what a person editing the file needs to hear
_REASONS = (
    ("mapping values are not allowed",
     "这里不能再出现“键: 值”（多半是缩进多了，或值里有冒号却没加引号）"),
    ("illegal placement of ':'", "冒号位置不对（常见于方括号或引号没有闭合）"),
    ("tabs disallowed", "不能用 Tab 缩进，请改用空格"),
    ("found a tab", "不能用 Tab 缩进，请改用空格"),
    ("did not find expected key", "缩进不一致，找不到下一个字段"),
    ("did not find expected '-'", "列表项和字段混在同一层，缩进不一致"),
    ("multiline quoted scalar", "引号没有闭合"),
    ("unclosed bracket", "括号没有闭合"),
    ("simple key expect ':'", "这一行缺少冒号（应为“字段: 值”）"),
    ("unexpected character", "出现了 YAML 不允许放在开头的字符（如 @ 或 `），请给值加引号"),
    ("recursion limit", "嵌套层数过多"),
)


def _open_quote(text: str, line: int) -> int:
    """The last line at or before `line` where a quote opens and does not close."""
    lines = text.splitlines()
    for number in range(min(line, len(lines)), 0, -1):
        plain = lines[number - 1].split(" #", 1)[0].replace("''", "").replace('\\"', "")
        if plain.count('"') % 2 == 1 or plain.count("'") % 2 == 1:
            return number
    return line


def _first_line_matching(text: str, pattern: re.Pattern[str]) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.search(line):
            return number
    return 1


def compose(text: str) -> Any:
    """PyYAML node tree (with marks) of an already-suspicious file; None when it cannot."""
    import yaml  # lazy: only the error path needs it

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.compose(text, Loader=loader_cls)
    except Exception:  # noqa: BLE001 - PyYAML may disagree with yaml-rs; position is best effort
        return None


def _duplicate_position(text: str, key: str) -> tuple[int, int, int]:
    import yaml

    root = compose(text)
    stack = [root] if root is not None else []
    seen_nodes: set[int] = set()  # an alias is the same node again: visit it once, not per use
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for knode, vnode in node.value:
                name = str(knode.value)
                if name in seen and name == key:
                    return knode.start_mark.line + 1, knode.start_mark.column + 1, seen[name]
                seen.setdefault(name, knode.start_mark.line + 1)
                stack.append(vnode)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    # fall back to a line scan: the second line that starts with the key
    pattern = re.compile(rf"^(\s*)(-\s+)*['\"]?{re.escape(key)}['\"]?\s*:")
    hits = [(n, m.end(1) + 1) for n, ln in enumerate(text.splitlines(), 1)
            if (m := pattern.match(ln))]
    if len(hits) >= 2:
        return hits[1][0], hits[1][1], hits[0][0]
    return 1, 1, 0


def locate(text: str, loc: Sequence[str | int]) -> tuple[int, int]:
    """Line and column (1-based) of a field path such as ("events", 2, "by") in `text`.

    Walks the composed node tree; stops at the deepest part that exists (a missing field
    points at its parent), and falls back to the first line when the text cannot be composed.
    """
    return locate_node(compose(text), loc)


def locate_node(node: Any, loc: Sequence[Any], key: bool = True) -> tuple[int, int]:
    """Line and column of the deepest existing part of `loc` in a composed PyYAML node tree.

    A mapping entry points at its key, or at its value when that is a scalar and `key` is unset.
    """
    import yaml

    if node is None:
        return 1, 1
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for knode, vnode in node.value:
                if str(knode.value) == str(part):
                    line, col = knode.start_mark.line + 1, knode.start_mark.column + 1
                    node = vnode
                    if not key and not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
                        line, col = node.start_mark.line + 1, node.start_mark.column + 1
                    break
            else:
                return line, col
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and 0 <= part < len(node.value):
            node = node.value[part]
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        else:
            return line, col
    return line, col
