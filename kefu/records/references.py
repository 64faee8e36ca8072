"""References between records (a ticket's owner, its dealer) and duplicate ids, across files."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kefu.problems import Problem

from .kinds import KINDS, RECORDS, Kind
from .loader import ParseFailure, locate, parse
from .messages import label
from .result import FileResult, Ref

Loc = tuple[str | int, ...]
ReadText = Callable[[str], str]


def refs_of(kind: Kind, data: dict[str, Any]) -> list[Ref]:
    """Each distinct (kind, id) the record refers to; runs for every file, so kept lean."""
    found: set[Ref] = set()
    for ref in kind.references:
        path, target = ref.path, ref.target
        if len(path) == 1:
            value = data.get(path[0])
            if type(value) is str:
                found.add((target, value))
        elif len(path) == 3 and path[1] == "*":
            items, key = data.get(path[0]), path[2]
            if type(items) is list:
                for item in items:
                    if type(item) is dict and type(value := item.get(key)) is str:
                        found.add((target, value))
        else:
            found.update((target, v) for _, v in walk(data, path, ()) if isinstance(v, str))
    return sorted(found)  # a stable order: the same file gives the same result


def walk(node: Any, path: Sequence[str], loc: Loc) -> Iterable[tuple[Loc, Any]]:
    """(field path, value) of every value at `path` ("*" = each list item) under `node`."""
    if not path:
        yield loc, node
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, rest, (*loc, index))
    elif isinstance(node, dict) and head in node:
        yield from walk(node[head], rest, (*loc, head))


def ref_loc(kind: Kind, data: Any, target: str, value: str) -> Loc:
    """Field path of the first place `data` refers to `value` of kind `target`."""
    for ref in kind.references:
        if ref.target == target:
            for loc, found in walk(data, ref.path, ()):
                if found == value:
                    return loc
    return ()


def cross_check(results: Sequence[FileResult], known: dict[str, dict[str, list[str]]],
                read_text: ReadText) -> list[Problem]:
    """Duplicate ids (naming both files) and references to records that do not exist.

    `known` maps kind -> id -> rels of every record in the repository (also files not re-read).
    """
    problems: list[Problem] = []
    no_ids: dict[str, list[str]] = {}
    for result in results:  # runs for every file: the usual case is kept cheap
        if result.kind is not None and result.id is not None:
            holders = known.get(result.kind, no_ids).get(result.id, [])
            if len(holders) != 1 or holders[0] != result.rel:
                problems.extend(_duplicate(read_text, result, holders))
        for target, value in result.refs:  # sorted by refs_of, and so in the cache
            ids = known.get(target, no_ids)
            if value not in ids:
                problems.append(_unknown(read_text, result, target, value, ids))
    return problems


def _duplicate(read_text: ReadText, result: FileResult, holders: list[str]) -> list[Problem]:
    others = [rel for rel in holders if rel != result.rel]
    if not others:
        return []
    names = "、".join(f"`{rel}`" for rel in others)
    line, col = _pos(read_text, result.rel, ("id",))
    return [Problem(result.rel, line, col, "duplicate-id",
                    f"编号 `{result.id}` 与 {names} 重复：每条记录的编号必须唯一，"
                    "请用 `kefu new` 生成新编号并相应改名。")]


def _unknown(read_text: ReadText, result: FileResult, target: str, value: str,
             ids: dict[str, list[str]]) -> Problem:
    loc = _ref_loc(read_text, result, target, value)
    kind = KINDS[target]
    named = _named(read_text, kind, ids, value)
    close = [named] if named else difflib.get_close_matches(value, list(ids), n=1)
    hint = f"是不是 `{close[0]}`？" if close else ""
    if named:
        hint = f"“{value}”的编号是 `{named}`：这里要写编号，不写名称。"
    folder = f"{RECORDS}/{kind.folder}/"
    return Problem(result.rel, *_pos(read_text, result.rel, loc), f"unknown-{target}",
                   f"`{label(loc)}` 引用的{kind.title} `{value}` 不存在于 {folder}。{hint}"
                   f"请检查拼写，或先新增该{kind.title}。")


MAX_LOOKUP = 5000  # files read to match a name to an id (an error path only)


def _named(read_text: ReadText, kind: Any, ids: dict[str, list[str]], value: str) -> str | None:
    """The id of the record whose display name is `value` (张敏 -> zhangmin), if exactly one."""
    if not kind.display:
        return None
    found = []
    for record_id, rels in list(ids.items())[:MAX_LOOKUP]:
        try:
            data = parse(read_text(rels[0]))
        except (OSError, UnicodeDecodeError, ParseFailure):
            continue
        if isinstance(data, dict) and data.get(kind.display) == value:
            found.append(record_id)
    return found[0] if len(found) == 1 else None


def _ref_loc(read_text: ReadText, result: FileResult, target: str, value: str) -> Loc:
    try:
        data = parse(read_text(result.rel))
    except (OSError, UnicodeDecodeError, ParseFailure):
        return ()
    return ref_loc(KINDS[result.kind or ""], data, target, value)


def _pos(read_text: ReadText, rel: str, loc: tuple[Any, ...]) -> tuple[int, int]:
    try:
        return locate(read_text(rel), loc)
    except (OSError, UnicodeDecodeError):
        return 1, 1
