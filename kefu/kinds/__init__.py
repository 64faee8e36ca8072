"""The record kinds of the department, one module each; every module defines `KIND`.

A new kind is a new module listed here (see CONTRIBUTING.md, 新增一种记录).
"""

BUILTIN: tuple[str, ...] = (
    "kefu.kinds.ticket",
    "kefu.kinds.person",
    "kefu.kinds.dealer",
    "kefu.kinds.department",
    "kefu.sla.rules",
    "kefu.calendar.file",
    "kefu.kinds.staff_rules",
    "kefu.kinds.roster",
    "kefu.kinds.swap",
    "kefu.kinds.leave",
    "kefu.kinds.trip",
    "kefu.kinds.punch",
    "kefu.kinds.handover",
    "kefu.kinds.loan",
    "kefu.kinds.sanction",
    "kefu.kinds.assessment",
    "kefu.kinds.kpi",
)
