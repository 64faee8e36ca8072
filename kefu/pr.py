"""`kefu check-pr`: what a pull request may do to the records, checked with git's own objects.

What the branch changed since its fork point with the base, and what each of its commits did:
- changed and added record files must be valid, as committed (not as in the working tree);
- a record closed at the fork point or at the base's current tip (its kind says when) may only
  gain entries at the end of its log (档案一经签发不得擅自更改); everything else stays equal,
  but for its status when the entries gained include its reopening;
- no record file may be deleted (or moved: a move is a deletion plus a new file);
- a new file may not take an id that a record of the base already has under another path;
- records/sla.yml: a rule's term changes only with `effective_from` (a future day) and the old
  term kept under `earlier`, so that earlier tickets keep their deadlines; rules are never
  removed, their events never changed, nor the close of business.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kefu import times
from kefu.problems import KefuError, Problem, Severity
from kefu.records.kinds import RECORDS, kind_of

SLA = f"{RECORDS}/sla.yml"
MAX_COMMITS = 200  # a branch's history checked commit by commit (older ones: the final diff)


@dataclass
class PrResult:
    base: str
    merge_base: str
    changed: list[str] = field(default_factory=list)  # added or modified record files
    deleted: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    commits: int = 0  # commits of the branch checked one by one

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def _is_record(path: str) -> bool:
    return path.startswith(f"{RECORDS}/") and path.endswith((".yml", ".yaml"))


def check_pr(root: Path, base: str, today: dt.date | None = None) -> PrResult:
    """Check what HEAD changed in the records since its fork point with `base`."""
    repo, base_commit, head, fork = _refs(root, base)
    result = PrResult(base, fork.hexsha)
    base_ids = {**_ids_at(repo, fork.hexsha), **_ids_at(repo, base_commit.hexsha)}
    for code, path in _diff(repo, fork.hexsha, head.hexsha):
        if code.startswith("D"):
            result.deleted.append(path)
            result.problems.append(_deleted(path))
            continue
        result.changed.append(path)
        if code.startswith("M"):
            result.problems += _closed_edits(path, _blob(fork, path), _blob(head, path),
                                             _closed(path, fork, base_commit))
        elif code.startswith("A"):
            result.problems += _reused_id(path, _blob(head, path), base_ids)
    result.problems += _history(repo, fork, head, base_commit, result)
    result.problems += _validate(repo, head, [p for p in result.changed if p != SLA])
    if SLA in result.changed:
        result.problems += _validate(repo, head, [SLA])
        result.problems += sla_changes(_blob(fork, SLA), _blob(head, SLA), today or times.today())
    result.problems = sorted(set(result.problems), key=lambda p: (p.path, p.line, p.col, p.slug))
    return result


def _refs(root: Path, base: str) -> tuple[Any, Any, Any, Any]:
    """The repository, the base's tip, HEAD and their fork point; KefuError when unusable."""
    import git

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise KefuError(f"{root} 不是 git 仓库：请在仓库内运行 kefu check-pr。",
                        "not-a-repo", 2) from None
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
    return repo, base_commit, head, bases[0]


def _diff(repo: Any, old: str, new: str) -> list[tuple[str, str]]:
    status = repo.git.diff("--name-status", "-z", "--no-renames", old, new, "--", RECORDS)
    parts = [p for p in status.split("\0") if p]
    return [(code, path) for code, path in zip(parts[::2], parts[1::2], strict=False)
            if _is_record(path)]


def _history(repo: Any, fork: Any, head: Any, tip: Any, result: PrResult) -> list[Problem]:
    """Each commit of the branch on its own: a deletion or a closed record's edit that a later
    commit undid is still refused (it stays in the history that would be merged)."""
    shas = repo.git.rev_list("--no-merges", f"{fork.hexsha}..{head.hexsha}").split()
    result.commits = min(len(shas), MAX_COMMITS)
    problems: list[Problem] = []
    for sha in shas[:MAX_COMMITS]:
        commit = repo.commit(sha)
        parent = commit.parents[0]
        short = sha[:10]
        for code, path in _diff(repo, parent.hexsha, sha):
            if code.startswith("D") and path not in result.deleted and _exists(fork, path):
                problems.append(_deleted(path, f"提交 {short} 删除了它（之后虽又恢复）。"))
            elif code.startswith("M"):
                found = _closed_edits(path, _blob(parent, path), _blob(commit, path),
                                      _closed(path, parent, tip))
                problems += [Problem(p.path, 0, 0, p.slug, f"提交 {short}：{p.message}")
                             for p in found if sha != head.hexsha and not _final(p, result)]
    return problems


def _final(problem: Problem, result: PrResult) -> bool:
    return any(p.path == problem.path and p.slug == problem.slug for p in result.problems)


def _exists(commit: Any, path: str) -> bool:
    try:
        commit.tree / path
    except KeyError:
        return False
    return True


def _blob(commit: Any, path: str) -> bytes:
    data: bytes = (commit.tree / path).data_stream.read()
    return data


def _ids_at(repo: Any, rev: str) -> dict[str, str]:
    """Record id (= file name stem) → path, for every record file at `rev`."""
    return {PurePosixPath(p).stem: p for p in _listing(repo, rev)}


def _listing(repo: Any, rev: str) -> list[str]:
    listing = repo.git.ls_tree("-r", "--name-only", "-z", rev, "--", RECORDS)
    return [p for p in listing.split("\0") if _is_record(p)]


def _deleted(path: str, why: str = "") -> Problem:
    return Problem(
        path, 0, 0, "record-deleted",
        f"不得删除或移动已合入的记录文件（档案一经签发不得擅自更改）。{why}请恢复该文件；"
        "如需作废或更正，请在其事件记录末尾追加一条 note 或 closed 事件。",
    )


def _parse(raw: bytes) -> tuple[dict[str, Any], str] | None:
    from kefu.records.loader import ParseFailure, load_mapping

    try:
        return load_mapping(raw)
    except ParseFailure:
        return None  # the validation step reports why


def _closed(path: str, *commits: Any) -> bool:
    """Whether the record is closed in any of `commits` (where it exists)."""
    kind = kind_of(path)
    if kind is None or kind.closed is None:
        return False
    for commit in commits:
        parsed = _parse(_blob(commit, path)) if _exists(commit, path) else None
        if parsed is not None and kind.closed(parsed[0]):
            return True
    return False


def _closed_edits(path: str, before: bytes, after: bytes, closed: bool) -> list[Problem]:
    """A closed record may only gain entries at the end of its kind's log."""
    from kefu.records.loader import locate

    kind = kind_of(path)
    old, new = _parse(before), _parse(after)
    if kind is None or not closed or old is None:
        return []
    log = kind.log or ""
    if new is None:
        return [Problem(path, 1, 1, "closed-record-edited",
                        f"该{kind.title}在基准分支上已结案，只能在记录末尾追加；"
                        "这次改动使文件无法解析，请恢复原内容后只追加。")]
    (old_data, _), (new_data, text) = old, new
    old_events, new_events = old_data.get(log) or [], new_data.get(log) or []
    free = {log, *_reopened(kind, old_events, new_events)}
    for key in sorted(set(old_data) | set(new_data), key=_order(text)):
        if key not in free and old_data.get(key) != new_data.get(key):
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


def _reopened(kind: Any, old_events: Any, new_events: Any) -> tuple[str, ...]:
    """The fields a closed record may change because the branch appended its reopening."""
    rules = kind.events
    if rules is None or not isinstance(old_events, list) or not isinstance(new_events, list):
        return ()
    added = new_events[len(old_events):]
    if any(isinstance(e, dict) and e.get("action") == rules.reopen for e in added):
        return rules.changes
    return ()


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


def _validate(repo: Any, commit: Any, paths: list[str]) -> list[Problem]:
    """The record files as committed (git objects; the working tree plays no part)."""
    if not paths:
        return []
    from kefu.records.corpus import check_blobs

    return check_blobs(paths, _listing(repo, commit.hexsha), lambda rel: _blob(commit, rel))


def sla_changes(before: bytes, after: bytes, today: dt.date) -> list[Problem]:
    """What a branch did to the deadline rules that would change deadlines already running."""
    from kefu.records.loader import locate

    old, new = _parse(before), _parse(after)
    if old is None or new is None:
        return []  # the validation step reports why
    (old_data, _), (new_data, text) = old, new
    problems = []
    if old_data.get("close_of_business") != new_data.get("close_of_business"):
        problems.append(Problem(SLA, *locate(text, ("close_of_business",)), "sla-rule-changed",
                                "下班时间会改变所有工单（包括已办结的）的截止时间，不能在拉取请求中修改；"
                                "如确需调整，请与主管商定后由维护者处理。"))
    old_rules = old_data.get("rules") or {}
    new_rules = new_data.get("rules") or {}
    if not isinstance(old_rules, dict) or not isinstance(new_rules, dict):
        return problems
    for rid, rule in old_rules.items():
        if rid not in new_rules:
            problems.append(Problem(SLA, *locate(text, ("rules",)), "sla-rule-removed",
                                    f"不能删除时限规则 {rid}：已有工单按它计算截止时间。"
                                    "不再使用的规则请保留。"))
            continue
        reason = _rule_change(rule, new_rules[rid], today)
        if reason:
            problems.append(Problem(SLA, *locate(text, ("rules", rid)), "sla-rule-changed",
                                    f"时限规则 {rid}：{reason}"))
    return problems


def _rule_change(old: Any, new: Any, today: dt.date) -> str:
    """Why the change from `old` to `new` is refused ("" when it keeps running deadlines)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return ""
    for key in ("applies_to", "start", "stop"):
        if old.get(key) != new.get(key):
            return (f"不能修改 `{key}`（已有工单的截止时间会随之改变）：请新增一条规则，"
                    "旧规则保留。")
    if old.get("term") == new.get("term") and old.get("effective_from") == new.get(
            "effective_from") and old.get("earlier") == new.get("earlier"):
        return ""
    how = ("改时限时请写 `effective_from:`（新时限的生效日，须晚于今天），并把原来的 term 移到 "
           "`earlier:` 的第一条（连同它原来的 effective_from），之前的 earlier 保持不变；"
           "这样起算早于生效日的工单仍按原时限。")
    since = _day(new.get("effective_from"))
    earlier = new.get("earlier") or []
    if since is None or since <= today:
        return f"时限改了，但没有晚于今天（{today.isoformat()}）的生效日。{how}"
    first = earlier[0] if isinstance(earlier, list) and earlier else {}
    kept = isinstance(first, dict) and first.get("term") == old.get("term") and first.get(
        "effective_from") == old.get("effective_from") and earlier[1:] == (old.get("earlier") or [])
    return "" if kept else f"原来的时限没有原样保留在 earlier 中。{how}"


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None
