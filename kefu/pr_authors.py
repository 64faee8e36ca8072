"""`kefu check-pr --author LOGIN`: a decision, and who an event says did it, cannot be forged.

A pull request may add a decision (an approval, a refusal, a trip's review, an appeal's
outcome: kefu.kinds.staff_changes.DECIDING) only when its `by` is the pull request's author,
known by the GitHub login on her person record as the base branch has it (a pull request cannot
vouch for itself by editing that record). Any other change file (a ticket's event, a loan's
return, an appeal) and a new ticket's first event must name the author too, unless the author is
the supervisor, who logs what colleagues tell her. Pull requests opened by a GitHub App (a login
ending in `[bot]`) come from this repository's own workflows, which check the person
themselves (the issue's author, the commenter: kefu decide-comment); records that `kefu migrate`
reshaped keep the deciders they always had.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kefu.problems import Problem
from kefu.records.kinds import KINDS, RECORDS, kind_of

BOT_SUFFIX = "[bot]"


def people_at(commit: Any) -> dict[str, dict[str, Any]]:
    """person id -> data of every valid person file at `commit`."""
    from kefu.records.check import check_file

    folder = f"{RECORDS}/{KINDS['person'].folder}"
    try:
        tree = commit.tree / folder
    except KeyError:
        return {}
    found = {}
    for blob in tree.blobs:
        data = check_file(blob.path, blob.data_stream.read()).data
        if data is not None and isinstance(data.get("id"), str):
            found[data["id"]] = data
    return found


def person_of(people: dict[str, dict[str, Any]], login: str) -> str | None:
    """The active person whose GitHub login is `login` (GitHub ignores case)."""
    wanted = login.strip().lower()
    return next((pid for pid, data in people.items() if str(data.get("github", "")).lower()
                 == wanted and data.get("active", True) is not False), None)


def author_problems(base: Any, head: Any, added: Iterable[str], author: str) -> list[Problem]:
    """What the files `added` by the pull request say someone did that its author may not."""
    from kefu.kinds.staff_changes import DECIDING
    from kefu.records.loader import ParseFailure, load_mapping, locate

    if author.endswith(BOT_SUFFIX):
        return []
    people = people_at(base)
    me = person_of(people, author)
    supervisor = me is not None and people[me].get("role") == "supervisor"
    out: list[Problem] = []
    for rel in added:
        kind = kind_of(rel)
        if kind is None or not (kind.changes_of or kind.name == "ticket"):
            continue
        try:
            data, text = load_mapping((head.tree / rel).data_stream.read(), kind.max_bytes)
        except (KeyError, ParseFailure):
            continue  # validate reports it
        claims: list[tuple[tuple[str | int, ...], Any, bool]]
        if kind.changes_of:
            deciding = kind.changes_of != "ticket" and data.get("action") in DECIDING
            claims = [(("by",), data.get("by"), deciding)]
        else:  # a new ticket: its own events (the first, received)
            claims = [(("events", i, "by"), event.get("by"), False)
                      for i, event in enumerate(data.get("events") or ())
                      if isinstance(event, dict)]
        for loc, by, deciding in claims:
            if (me is not None and by == me) or (supervisor and not deciding):
                continue
            where = locate(text, loc)
            out.append(Problem(rel, *where, *_refusal(author, me, by, deciding)))
    return out


def _refusal(author: str, me: str | None, by: Any, deciding: bool) -> tuple[str, str]:
    who = f"GitHub 账号 {author}" + (f"（员工 {me}）" if me else "（不在任何员工档案里）")
    if deciding:
        return ("decision-not-by-author",
                f"这条审批写的审批人是 {by or '（未写）'}，拉取请求却由{who}提交：审批只能由审批人"
                "本人提交（kefu approve，或在 issue 下评论 /批准）。请让审批人自己登记。")
    return ("event-not-by-author",
            f"这条记录写的经办人是 {by or '（未写）'}，拉取请求却由{who}提交：经办人只能写"
            "提交人自己（客服主管可以代同事登记）。请改正 by，或请经办人自己提交。")
