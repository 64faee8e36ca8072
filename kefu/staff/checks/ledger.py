"""Checks of hand-overs, archive loans and the rewards-and-penalties ledger."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kefu.problems import Severity
from kefu.records.kinds import Finding, Placed
from kefu.staff.book import Data, StaffBook
from kefu.staff.terms import (
    APPROVER_LABELS,
)
from kefu.times import SHANGHAI

from .common import check_decider, staff_check


@staff_check()
def handover_checks(book: StaffBook, group: Any) -> list[Placed]:
    assert book.rules is not None
    known_shifts = set(book.rules.shifts) | {k for r in book.rosters.values()
                                             for k in (r.get("shifts") or {})}
    out: list[Placed] = []
    for record in book.lists["handover"]:
        if record["shift"] not in known_shifts:
            out.append(Placed("handover", str(record["id"]), Finding(
                "unknown-shift", ("shift",),
                f"班次 `{record['shift']}` 没有定义：可写 {'、'.join(sorted(known_shifts))}。")))
    return out + book.chain.findings


@staff_check(quiet=True)
def handover_timely(book: StaffBook, group: Any) -> list[Placed]:
    """Tickets a matter names exist; matters open longer than the rules allow (as of today)."""
    assert book.rules is not None
    out: list[Placed] = []
    for record in book.lists["handover"]:
        for index, matter in enumerate(record.get("matters") or ()):
            ticket = matter.get("ticket")
            if ticket and not group.exists("ticket", ticket):
                out.append(Placed("handover", str(record["id"]), Finding(
                    "unknown-ticket", ("matters", index, "ticket"),
                    f"工单 `{ticket}` 不存在于 records/tickets/：请检查编号。")))
    limit = book.rules.handovers.matter_open_days
    for matter in book.chain.open.values():
        days = (book.today - matter.since).days
        if days > limit:
            out.append(Placed("handover", matter.last, Finding(
                "matter-open-long", ("matters", matter.index),
                f"交接事项 {matter.id}「{matter.title}」自 {matter.since.isoformat()} 起已交接 "
                f"{days} 天仍未办结（超过 {limit} 天）：请接班人跟进，必要时报客服主管协调。",
                Severity.WARNING), matter.owner))
    return out


# -- archive loans ----------------------------------------------------------------------------
@staff_check()
def loan_checks(book: StaffBook, group: Any) -> list[Placed]:
    assert book.rules is not None
    need = book.rules.loans.confidential_approver
    out: list[Placed] = []
    for loan in book.lists["loan"]:
        lid = str(loan["id"])
        borrower = _person_named(book, str(loan["borrower"]))
        if loan["category"] == "confidential":
            if loan.get("approved") is None and loan.get("returned") is not None:
                out.append(Placed("loan", lid, Finding(
                    "loan-confidential", ("category",),
                    f"秘密档案未经{APPROVER_LABELS[need]}批准，不准翻阅、复印、带离办公室：这次借阅"
                    f"没有批准记录却已归还。借出前须由{APPROVER_LABELS[need]}批准"
                    f"（kefu approve {lid}）；没有批准的不能借出。")))
            elif loan.get("approved") is not None and loan.get("approver") != need:
                out.append(Placed("loan", lid, Finding(
                    "loan-confidential", ("approver",),
                    f"秘密档案须由{APPROVER_LABELS[need]}批准，这里是"
                    f"{APPROVER_LABELS.get(str(loan.get('approver')), '（未写）')}。")))
        out += check_decider(book, "loan", lid, loan.get("approver"), loan.get("approved_by"),
                             borrower, "approved_by")
    return out


def _person_named(book: StaffBook, name: str) -> str | None:
    return next((pid for pid, data in book.people.items() if data.get("name") == name), None)


@staff_check(quiet=True)
def loan_timely(book: StaffBook, group: Any) -> list[Placed]:
    """Loans past due and not returned (as of today): a warning for the handler."""
    out: list[Placed] = []
    for loan in book.lists["loan"]:
        lid = str(loan["id"])
        lent = loan["category"] != "confidential" or loan.get("approved") is not None
        if lent and loan.get("refused") is None and loan.get("returned") is None \
                and loan["due"] < book.today:
            late = (book.today - loan["due"]).days
            out.append(Placed("loan", lid, Finding(
                "loan-overdue", ("due",),
                f"《{loan['archive']}》应于 {loan['due'].isoformat()} 归还，已超期 {late} 天"
                f"（借阅人 {loan['borrower']}）：请催还；归还后登记（kefu return {lid}）。",
                Severity.WARNING), str(loan["handler"])))
    from .pending import overdue_decisions

    return out + overdue_decisions(book, "loan")


# -- rewards and penalties --------------------------------------------------------------------
@staff_check()
def sanction_checks(book: StaffBook, group: Any) -> list[Placed]:
    assert book.rules is not None
    ledger = book.rules.ledger
    out: list[Placed] = []
    for record in book.lists["sanction"]:
        sid = str(record["id"])
        entry = ledger.get(str(record["rule"]))
        if entry is None:
            out.append(Placed("sanction", sid, Finding(
                "unknown-rule", ("rule",),
                f"奖惩表中没有 `{record['rule']}`：可写 {'、'.join(ledger)}"
                "（records/staff-rules.yml 的 ledger）。")))
        else:
            out += _amounts(sid, record, entry)
        year, week, _ = record["date"].isocalendar()
        for index, appeal in enumerate(record.get("appeals") or ()):
            out += _appeal_decider(book, sid, index, appeal)
            when = appeal["at"].astimezone(SHANGHAI).date()
            if when < record["date"] or when.isocalendar()[:2] != (year, week):
                out.append(Placed("sanction", sid, Finding(
                    "appeal-late", ("appeals", index, "at"),
                    f"申诉须在公布的当周内（{record['date'].isoformat()} 所在的周）提出，这次在 "
                    f"{when.isoformat()}：逾期的申诉不再受理，不能登记。")))
    return out


@staff_check(quiet=True)
def sanction_timely(book: StaffBook, group: Any) -> list[Placed]:
    """The evidence names records that exist (of any kind: they are not the check's inputs)."""
    out: list[Placed] = []
    for record in book.lists["sanction"]:
        for index, evidence in enumerate(record.get("evidence") or ()):
            if not group.kinds_with(evidence):
                out.append(Placed("sanction", str(record["id"]), Finding(
                    "unknown-evidence", ("evidence", index),
                    f"依据 `{evidence}` 不是已有记录的编号："
                    "请写补卡、调班、请假、工单等记录的编号。")))
    from .pending import overdue_decisions

    return out + overdue_decisions(book, "sanction")


def _appeal_decider(book: StaffBook, sid: str, index: int, appeal: Data) -> Iterator[Placed]:
    """Who decided an appeal may review appeals, and it was not her own."""
    from kefu.staff.authority import qualifies

    assert book.rules is not None
    person = appeal.get("decided_by")
    if not person:
        return
    loc = ("appeals", index, "decided_by")
    allowed = book.rules.appeals.deciders
    own = next((a for a in allowed if qualifies(book, str(person), a)), allowed[0])
    yield from check_decider(book, "sanction", sid, own, str(person), str(appeal["by"]), loc)


def _amounts(sid: str, record: Data, entry: Any) -> Iterator[Placed]:
    amount, points = record.get("amount"), record.get("points")
    if entry.type in ("fine", "award"):
        if amount != entry.amount:
            yield Placed("sanction", sid, Finding(
                "sanction-amount", ("amount",) if amount is not None else ("rule",),
                f"「{entry.title}」按奖惩表是 {entry.amount} 元，这里写的是 "
                f"{amount if amount is not None else '（未写）'}：请写 amount: {entry.amount}。"))
    elif amount is not None:
        yield Placed("sanction", sid, Finding(
            "sanction-amount", ("amount",), f"「{entry.title}」没有金额：请删除 amount。"))
    if entry.type == "points" and not points:
        yield Placed("sanction", sid, Finding(
            "sanction-amount", ("rule",), "品牌分加减要写分值 points（加分为正，扣分为负）。"))
    if entry.type != "points" and points is not None:
        yield Placed("sanction", sid, Finding(
            "sanction-amount", ("points",), f"「{entry.title}」不计品牌分：请删除 points。"))
