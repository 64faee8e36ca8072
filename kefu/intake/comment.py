"""A decision by issue comment: `/批准` or `/不批准 理由` under a staff request's issue.

The approval workflow (kefu/department/template/github/workflows/approve.yml) hands over the
comment's text, the commenter's GitHub login as GitHub verified it, and the record the issue
made (from the marker in the bot's reply, kefu.intake.staff.MARKER). The login is matched to a
person by the `github` field of the people records; she decides with her own post or office
only (entering someone else's signed decision is `kefu approve --as`, on the command line), and
anyone else gets a Chinese reply naming who may decide. Nothing is written unless every check
passes, as with `kefu approve`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kefu.chars import visible
from kefu.problems import KefuError

APPROVE, REFUSE = "/批准", "/不批准"
RECORD = re.compile(r"^[LBSPAJ]-[0-9]{8}-[0-9a-z]{4}$")
MAX_REASON = 500


@dataclass
class CommentResult:
    """What a comment became: a decision written (`ok`), or the reply saying why not."""

    ok: bool
    record_id: str = ""
    path: str = ""  # the change file, from the repository root
    action: str = ""
    by: str = ""
    reply: str = ""  # Markdown, posted on the issue
    ignored: bool = False  # not a decision command at all: no reply
    final: bool = False  # decided for good (a trip after its review still awaits approval)


def read_command(text: str) -> tuple[bool, str] | None:
    """(approve?, the rest) of a comment whose first line is `/批准` or `/不批准 …`, else None."""
    body = text.lstrip("\ufeff").replace("\r\n", "\n").strip()
    first, _, more = body.partition("\n")
    first = first.strip()
    for word, approve in ((REFUSE, False), (APPROVE, True)):
        if first == word or first.startswith((word + " ", word + "\u3000", word + "：",
                                              word + ":")):
            rest = first[len(word):].lstrip(" \u3000：:") + ("\n" + more if more else "")
            return approve, rest.strip()
    return None


def decide_comment(ws: Any, text: str, login: str, record_id: str) -> CommentResult:
    """Apply the comment `text` by GitHub user `login` to the request `record_id`."""
    from kefu.pr_authors import person_of
    from kefu.staff.book import StaffBook

    command = read_command(text)
    if command is None:
        return CommentResult(False, ignored=True)
    approve, rest = command
    if not RECORD.match(record_id or ""):
        return CommentResult(False, reply="这个 issue 没有对应的申请记录（请用请假、出差、调班、"
                                          "补卡或档案借阅表单提交），无法审批。")
    book, _ = StaffBook.load(ws)
    person = person_of({pid: dict(data) for pid, data in book.people.items()}, login)
    if person is None:
        return CommentResult(False, record_id, reply=_who_reply(
            ws, record_id, f"GitHub 账号 @{login} 没有登记在任何在职员工的档案里，不能审批。"
                           f"若这是你的账号：在你的员工档案（records/people/你的编号.yml）里加一行 "
                           f"`github: {login}`，合并后再评论一次。"))
    if not approve and not visible(rest):
        return CommentResult(False, record_id, reply="不批准要写明理由：评论 `/不批准 理由`，"
                                                     "例如 `/不批准 当天只剩一人值班`。")
    from kefu.staff.decide import decide

    try:
        done = decide(ws, record_id, approve, reason=rest[:MAX_REASON] or None, by=person)
    except KefuError as err:
        return CommentResult(False, record_id, by=person, reply=f"**未登记**：{err.message}")
    path = done.path.relative_to(ws.root).as_posix()
    reply = f"{done.message}\n\n- 记录文件：`{path}`\n"
    return CommentResult(True, record_id, path, done.action, person, reply,
                         final=not done.next_step)


def _who_reply(ws: Any, record_id: str, why: str) -> str:
    """`why`, and who may decide the request (when it still awaits a decision)."""
    from kefu.staff.authority import awaiting, who_text
    from kefu.staff.book import StaffBook
    from kefu.staff.decide import STEP_WORDS

    try:
        book, result = StaffBook.load(ws)
    except KefuError:
        return why
    for record in result.records:
        if record.id == record_id:
            item = awaiting(book, record.kind, record.data)
            if item is not None:
                return f"{why}{record_id} 须由{who_text(book, item)}{STEP_WORDS[item.step]}。"
    return why
