"""`kefu check-pr`: what a pull request may do to the records, checked with git's own objects.

Records are written once, so a record pull request adds files. It may edit only the files a
department keeps as settings and lists — people, dealers, the rules files, department.yml, a
roster before its week begins, an assessment — and the rules files only in ways that leave the
past alone (kefu.rules_changes). It never deletes a record file and never edits one written
once (a ticket, an event, a leave request, a hand-over…): a later change is a new file, a
mistake is put right by a correction (kefu correct 编号 --set 字段=值). The one exception is
reshaping without changing anything: `kefu migrate` may rewrite a record and its change files
when the record means the same before and after (its fold is equal, field for field).
Checked for the branch as a whole (its fork point with the base, and the base's tip) and for
each of its commits, merges included and none left out, so that nothing done and undone in
between slips through; files are read as committed, never from the working tree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kefu import times
from kefu.problems import KefuError, Problem, Severity
from kefu.records.kinds import RECORDS, kind_of
from kefu.rules_changes import CALENDAR, SLA, calendar_changes, sla_changes

# kinds whose files a pull request may edit (a department's settings and lists)
EDITABLE = frozenset({"person", "dealer", "department", "sla", "calendar", "staff-rules", "kpi",
                      "roster", "assessment"})
MAX_COMMITS = 5000  # more: refused with a message (squash the branch), never checked in part
SYMLINK = "120000"


@dataclass
class PrResult:
    base: str
    merge_base: str
    changed: list[str] = field(default_factory=list)  # added or modified record files
    deleted: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    commits: int = 0  # commits of the branch checked one by one
    only_added: bool = False  # nothing but new files under records/ (may merge itself)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


@dataclass(frozen=True)
class Entry:
    """One path changed between two commits: git's status letter and the new file's mode."""

    status: str
    path: str
    mode: str


def _is_record(path: str) -> bool:
    return path.startswith(f"{RECORDS}/") and path.endswith((".yml", ".yaml"))


def check_pr(root: Path, base: str, today: dt.date | None = None,
             author: str | None = None) -> PrResult:
    """Check what HEAD changed in the records since its fork point with `base` (and, given the
    pull request's `author`, that what it records as decided or done by someone is hers to add:
    kefu.pr_authors)."""
    today = today or times.today()
    repo, base_commit, head, fork = _refs(root, base)
    result = PrResult(base, fork.hexsha)
    everything = _changes(repo, fork.hexsha, head.hexsha, only_records=False)
    result.only_added = bool(everything) and all(
        e.status == "A" and e.path.startswith(f"{RECORDS}/") for e in everything)
    entries = [e for e in everything if _is_record(e.path)]
    reshaped = _reshaped(entries, fork, head)
    base_ids = {**_ids_at(repo, fork.hexsha), **_ids_at(repo, base_commit.hexsha)}
    for entry in entries:
        path = entry.path
        if entry.mode == SYMLINK:
            result.problems.append(_symlink(path))
        if entry.status == "D":
            result.deleted.append(path)
            if path not in reshaped:
                result.problems.append(_deleted(path))
            continue
        result.changed.append(path)
        if entry.status == "M":
            result.problems += _edited(path, _blob(fork, path), _blob(head, path), today,
                                       path in reshaped)
        elif entry.status == "A":
            result.problems += _reused_id(path, _blob(head, path), base_ids)
    if author is not None:
        from kefu.pr_authors import author_problems

        added = [e.path for e in entries if e.status == "A" and e.path not in reshaped]
        result.problems += author_problems(base_commit, head, added, author)
    result.problems += _history(repo, fork, head, base_commit, result, reshaped, today)
    result.problems += _validate(repo, head, result.changed)
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


def _changes(repo: Any, old: str, new: str, only_records: bool = True) -> list[Entry]:
    """What changed from `old` to `new` (renames as a deletion and an addition)."""
    args = ["--raw", "-z", "--no-renames", "--no-abbrev", old, new]
    raw = repo.git.diff(*args, *(["--", RECORDS] if only_records else []))
    parts = [p for p in raw.split("\0") if p]
    out = []
    for meta, path in zip(parts[::2], parts[1::2], strict=False):
        fields = meta.lstrip(":").split()
        if len(fields) >= 5 and (not only_records or _is_record(path)):
            out.append(Entry(fields[4][:1], path, fields[1]))
    return out


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
    """Record id (= file name stem) → path, for every record file (not a change) at `rev`."""
    out = {}
    for path in _listing(repo, rev):
        kind = kind_of(path)
        if kind is not None and not kind.changes_of:
            out[PurePosixPath(path).stem] = path
    return out


def _listing(repo: Any, rev: str) -> list[str]:
    listing = repo.git.ls_tree("-r", "--name-only", "-z", rev, "--", RECORDS)
    return [p for p in listing.split("\0") if _is_record(p)]


def _edited(path: str, before: bytes, after: bytes, today: dt.date,
            reshaped: bool) -> list[Problem]:
    """Whether the edit of a merged file is one the records allow."""
    if reshaped or before == after:
        return []
    if path == SLA:
        return sla_changes(before, after, today)
    if path == CALENDAR:
        return calendar_changes(before, after, today)
    kind = kind_of(path)
    if kind is not None and kind.name == "roster":
        return _roster_edit(path, today)
    if kind is not None and kind.name in EDITABLE:
        return []
    title = kind.title if kind is not None else "记录"
    return [Problem(path, 1, 1, "record-edited",
                    f"{title}一经登记不再修改（档案一经签发不得擅自更改）：请撤回这个修改。之后的"
                    "变化用 kefu 命令登记（kefu event、kefu close、kefu approve……），每次新增一个"
                    "文件；写错的内容用更正登记（kefu correct 编号 --set 字段=值 --note 原因）。")]


def _roster_edit(path: str, today: dt.date) -> list[Problem]:
    from kefu.staff.terms import week_monday

    monday = week_monday(PurePosixPath(path).stem)
    if monday is None or monday > today:
        return []
    return [Problem(path, 1, 1, "roster-started",
                    f"{PurePosixPath(path).stem} 这一周已经开始（{monday.isoformat()}），值班表不再"
                    "修改：临时的变化请登记调班（kefu new swap）、请假或出差。")]


def _symlink(path: str) -> Problem:
    return Problem(path, 0, 0, "symlink",
                   "记录文件不能是符号链接：kefu 不经由链接读写记录。请提交普通文件。")


def _deleted(path: str, why: str = "") -> Problem:
    return Problem(
        path, 0, 0, "record-deleted",
        f"不得删除或移动已合入的记录文件（档案一经签发不得擅自更改）。{why}请恢复该文件；"
        "员工离职、代理商停止合作写 active: false；作废或更正请新增一条事件或更正。",
    )


def _history(repo: Any, fork: Any, head: Any, tip: Any, result: PrResult,
             reshaped: set[str], today: dt.date) -> list[Problem]:
    """Each commit of the branch, merges included: a deletion or an edit that a later commit
    undid is still refused (it stays in the history that would be merged)."""
    shas = repo.git.rev_list(f"{fork.hexsha}..{head.hexsha}").split()
    result.commits = len(shas)
    if len(shas) > MAX_COMMITS:
        return [Problem(RECORDS, 0, 0, "too-many-commits",
                        f"本分支有 {len(shas)} 个提交，超过逐个检查的上限 {MAX_COMMITS}："
                        "请把它们合并（squash）成少数几个提交后再提交拉取请求。")]
    final = {(p.path, p.slug) for p in result.problems}
    problems: list[Problem] = []
    for sha in shas:
        if sha == head.hexsha:
            continue  # the branch as a whole is HEAD: already checked
        commit = repo.commit(sha)
        short = sha[:10]
        for entry in _changes(repo, fork.hexsha, sha):
            path = entry.path
            if path in reshaped:
                continue
            if entry.mode == SYMLINK and (path, "symlink") not in final:
                problems.append(Problem(path, 0, 0, "symlink", f"提交 {short} 把记录文件换成了"
                                        f"符号链接：{_symlink(path).message}"))
            if entry.status == "D" and path not in result.deleted and _exists(fork, path):
                problems.append(_deleted(path, f"提交 {short} 删除了它（之后虽又恢复）。"))
            elif entry.status == "M":
                content = _blob(commit, path)
                if _exists(tip, path) and content == _blob(tip, path):
                    continue  # the base's own change, brought in by a merge
                for found in _edited(path, _blob(fork, path), content, today, False):
                    if (found.path, found.slug) not in final:
                        message = (f"提交 {short}（之后虽又改回，这个改动仍在要合并的历史里："
                                   f"请从 main 新开分支，只提交新增的文件）：{found.message}")
                        problems.append(Problem(found.path, found.line, found.col, found.slug,
                                                message))
    return problems


def _reused_id(path: str, raw: bytes, base_ids: dict[str, str]) -> list[Problem]:
    from kefu.records.loader import ParseFailure, load_mapping, locate

    kind = kind_of(path)
    if kind is None or kind.changes_of:
        return []
    try:
        data, text = load_mapping(raw)
    except ParseFailure:
        return []
    ids = {PurePosixPath(path).stem}
    if isinstance(data.get("id"), str):
        ids.add(data["id"])
    for record_id in sorted(ids):
        other = base_ids.get(record_id)
        if other is not None and other != path:
            return [Problem(path, *locate(text, ("id",)), "id-reused",
                            f"编号 {record_id} 在基准分支上已被 {other} 使用：新记录必须用新编号"
                            "（用 kefu new 生成）；这条记录的后续变化请用 kefu event 等登记。")]
    return []


def _validate(repo: Any, commit: Any, paths: list[str]) -> list[Problem]:
    """The record files as committed (git objects; the working tree plays no part)."""
    if not paths:
        return []
    from kefu.records.corpus import check_blobs

    return check_blobs(paths, _listing(repo, commit.hexsha), lambda rel: _blob(commit, rel))


# -- reshaping a record without changing it (kefu migrate) ----------------------------------
def _reshaped(entries: list[Entry], fork: Any, head: Any) -> set[str]:
    """The changed paths of records that mean the same before and after (folded, field for
    field): what `kefu migrate` rewrites. Any other change to those paths is not allowed."""
    records: dict[tuple[str, str], set[str]] = {}
    for entry in entries:
        if entry.status not in ("M", "D", "A"):
            continue
        key = _record_of(entry.path)
        if key is not None:
            records.setdefault(key, set()).add(entry.path)
    touched = {key for key, paths in records.items()
               if any(e.status in ("M", "D") for e in entries if e.path in paths)}
    allowed: set[str] = set()
    for key in touched:
        before, after = _meaning(fork, key), _meaning(head, key)
        if before is not None and before == after:
            allowed |= records[key]
    return allowed


def _record_of(path: str) -> tuple[str, str] | None:
    kind = kind_of(path)
    if kind is None or not kind.folder:
        return None
    if kind.changes_of:
        return (kind.changes_of, PurePosixPath(path).parent.name)
    return (kind.name, PurePosixPath(path).stem) if kind.changes is not None else None


def _meaning(commit: Any, key: tuple[str, str]) -> dict[str, Any] | None:
    """The record at `commit` as every command would see it: folded with its changes; a file
    of the one-file layout (state written in it) as written."""
    from kefu.records.check import check_file
    from kefu.records.fold import Member, fold
    from kefu.records.kinds import KINDS

    kind = KINDS[key[0]]
    rel = kind.expected_rel(key[1])
    if rel is None or not _exists(commit, rel):
        return None
    record = check_file(rel, _blob(commit, rel))
    if record.data is None or kind.changes is None:
        return record.data
    if any(name in record.data for name in kind.changes.state):
        return record.data  # the whole record in one file (before kefu migrate)
    folder = kind.changes_folder(key[1]) or ""
    changes = []
    if _exists(commit, folder):
        for blob in (commit.tree / folder).blobs:
            changes.append(Member(blob.path, check_file(blob.path, blob.data_stream.read()).data))
    folded = fold(kind, Member(rel, record.data), changes, lambda _: "")
    return folded.data
