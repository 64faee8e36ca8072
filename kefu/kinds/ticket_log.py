"""Rules of a ticket's log that its model cannot say (issue 24, "wrong results" 5).

Kept beside kefu/kinds/ticket.py and listed in its checks; each reads fields with getattr, so a
half-valid ticket is still checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kefu.chars import visible
from kefu.records.kinds import Finding

FIRST = "received"
REOPENED = "reopened"


def log_rules(ticket: Any) -> Iterator[Finding]:
    """`received` is the first event only; a reopening says why (visibly); an agreed due date
    is not before the ticket was received."""
    events = getattr(ticket, "events", None) or ()
    for index, event in enumerate(events):
        if event is None:
            continue
        if event.action == FIRST and index > 0:
            yield Finding("received-again", ("events", index, "action"),
                          "受理（received）只能是第一条事件，新建工单时已经记下：请删除这一条，"
                          "或改成实际发生的事件（如 note 备注）。")
        if event.action == REOPENED and not visible(event.note):
            yield Finding("reopen-without-reason", ("events", index, "note"),
                          "重新打开（reopened）必须在 `note` 里写明原因"
                          "（例如代理商就同一问题再次反映），只有空格或不可见字符不算。")
    received, agreed = getattr(ticket, "received", None), getattr(ticket, "agreed_due", None)
    if received is not None and agreed is not None and agreed < received:
        yield Finding("agreed-before-received", ("agreed_due",),
                      "约定完成时间 `agreed_due` 早于收到时间 `received`：约定只能在收到之后，"
                      "请核对日期。")
