"""The record kinds of the department, one module each; every module defines `KIND`.

A new kind is a new module listed here (see CONTRIBUTING.md, 新增一种记录).
"""

BUILTIN: tuple[str, ...] = (
    "kefu.kinds.ticket",
    "kefu.kinds.person",
    "kefu.kinds.dealer",
    "kefu.sla.rules",
    "kefu.calendar.file",
    "kefu.kinds.assessment",
    "kefu.reports.kpi",
)
