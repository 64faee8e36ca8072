"""`kefu check-pr`: what a pull request may do to the records, checked against its base with git.

The branch is compared with its merge-base with the base ref (what the branch itself changed):
- changed and added record files must be valid (kefu.records.load);
- a record whose base version is closed (its kind says when) may only gain entries at the end
  of its log (档案一经签发不得擅自更改); everything else must stay equal;
- no record file may be deleted (or moved: a move is a deletion plus a new file);
- a new file may not take an id that a record at the base already has under another path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kefu.problems import KefuError, Problem, Severity
from kefu.records.kinds import RECORDS


@dataclass
class PrResult:
    base: str
    merge_base: str
    changed: list[str] = field(default_factory=list)  # added or modified record files
    deleted: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def _is_record(path: str) -> bool:
    return path.startswith(f"{RECORDS}/") and path.endswith((".yml", ".yaml"))


def check_pr(root: Path, base: str) -> PrResult:
    """Check the records changed on HEAD since its merge-base with `base`."""
    import git

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise KefuError(f"{root} 不是 git 仓库：请在仓库内运行 kefu check-pr。",
                        "not-a-repo", 2) from None
    top = Path(repo.working_tree_dir or root)
    try:
        base_commit = repo.commit(base)
        head = repo.head.commit
    except (git.BadName, ValueError, git.GitCommandError):
        raise KefuError(
            f"找不到基准 {base}：请确认分支名；CI 中请用 actions/checkout 的 fetch-depth: 0，"
            "使基准分支的历史可用。", "bad-base", 2,
        ) from None
    try:
        bases = repo.merge_base(base_commit, head)
    except git.GitCommandError:
        bases = []  # e.g. a shallow clone: said below
    if not bases:
        raise KefuError(f"当前分支与 {base} 没有共同祖先，无法比较；若是浅克隆，"
                        "请在 actions/checkout 中设置 fetch-depth: 0。", "no-merge-base", 2)
    fork = bases[0]
    result = PrResult(base, fork.hexsha)
    status = repo.git.diff("--name-status", "-z", "--no-renames", fork.hexsha, head.hexsha,
                           "--", RECORDS)
    parts = [p for p in status.split("\0") if p]
    base_ids = _ids_at(repo, fork.hexsha)
    for code, path in zip(parts[::2], parts[1::2], strict=False):
        if not _is_record(path):
            continue
        if code.startswith("D"):
            result.deleted.append(path)
            result.problems.append(_deleted(path))
            continue
        result.changed.append(path)
        if code.startswith("M"):
            result.problems += _closed_edits(path, _blob(fork, path), _blob(head, path))
        elif code.startswith("A"):
            result.problems += _reused_id(path, _blob(head, path), base_ids)
    result.problems += _validate(top, [p for p in result.changed if (top / p).exists()])
    result.problems.sort(key=lambda p: (p.path, p.line, p.col, p.slug))
    return result


def _blob(commit: Any, path: str) -> bytes:
    data: bytes = (commit.tree / path).data_stream.read()
    return data


def _ids_at(repo: Any, rev: str) -> dict[str, str]:
    """Record id (= file name stem) → path, for every record file at `rev`."""
    listing = repo.git.ls_tree("-r", "--name-only", "-z", rev, "--", RECORDS)
    return {PurePosixPath(p).stem: p for p in listing.split("\0") if _is_record(p)}


def _deleted(path: str) -> Problem:
    return Problem(
        path, 0, 0, "record-deleted",
        "不得删除或移动已合入的记录文件（档案一经签发不得擅自更改）。请恢复该文件；"
        "如需作废或更正，请在其事件记录末尾追加一条 note 或 closed 事件。",
    )


def _parse(raw: bytes) -> tuple[dict[str, Any], str] | None:
    from kefu.records.loader import ParseFailure, load_mapping

    try:
        return load_mapping(raw)
    except ParseFailure:
        return None  # the validation step reports why


def _closed_edits(path: str, before: bytes, after: bytes) -> list[Problem]:
    """A record closed at the base may only gain entries at the end of its kind's log."""
    from kefu.records.kinds import kind_of
    from kefu.records.loader import locate

    kind = kind_of(path)
    old, new = _parse(before), _parse(after)
    if kind is None or kind.closed is None or old is None or not kind.closed(old[0]):
        return []
    log = kind.log or ""
    if new is None:
        return [Problem(path, 1, 1, "closed-record-edited",
                        f"该{kind.title}在基准分支上已结案，只能在记录末尾追加；"
                        "这次改动使文件无法解析，请恢复原内容后只追加。")]
    (old_data, _), (new_data, text) = old, new
    old_events, new_events = old_data.get(log) or [], new_data.get(log) or []
    for key in sorted(set(old_data) | set(new_data), key=_order(text)):
        if key != log and old_data.get(key) != new_data.get(key):
            return [Problem(path, *locate(text, (key,)), "closed-record-edited",
                            f"该{kind.title}在基准分支上已结案，不得修改字段 `{key}`"
                            "（档案一经签发不得擅自更改）：请恢复原值；"
                            f"已结案的记录只能在 `{log}` 末尾追加。")]
    if not isinstance(old_events, list) or not isinstance(new_events, list):
        return []
    for index, event in enumerate(old_events):
        if index >= len(new_events) or new_events[index] != event:
            where = locate(text, (log, index)) if index < len(new_events) else locate(
                text, (log,))
            return [Problem(path, *where, "closed-record-edited",
                            f"该{kind.title}在基准分支上已结案，"
                            f"`{log}` 的第 {index + 1} 条被修改或删除："
                            "已有记录必须保持原样，只能在末尾追加。")]
    return []


def _order(text: str) -> Any:
    def key(name: str) -> tuple[int, str]:
        at = text.find(f"\n{name}:")
        return (at if at >= 0 else len(text), name)

    return key


def _reused_id(path: str, raw: bytes, base_ids: dict[str, str]) -> list[Problem]:
    from kefu.records.loader import locate

    parsed = _parse(raw)
    ids = {PurePosixPath(path).stem}
    if parsed and isinstance(parsed[0].get("id"), str):
        ids.add(parsed[0]["id"])
    for record_id in sorted(ids):
        other = base_ids.get(record_id)
        if other is not None and other != path:
            line, col = locate(parsed[1], ("id",)) if parsed else (1, 1)
            return [Problem(path, line, col, "id-reused",
                            f"编号 {record_id} 在基准分支上已被 {other} 使用：新记录必须用新编号"
                            "（用 kefu new 生成）；如要更新原记录，请直接修改原文件。")]
    return []


def _validate(root: Path, paths: Sequence[str]) -> list[Problem]:
    if not paths:
        return []
    from kefu.records import load

    return load(root, [root / p for p in paths]).problems
