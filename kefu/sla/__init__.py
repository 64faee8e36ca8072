"""Deadline rules (records/sla.yml) and deadlines in Chinese working days.

- rules: the sla.yml model, its reading (a record kind) and `Rules`
- deadlines: `deadline()` of one rule, `milestones()` of a ticket, `dues()` of the open ones

Names are imported on first use: the record registry imports `kefu.sla.rules` for the sla.yml
kind, and should not pay for the working-day calendar that deadlines need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .deadlines import Deadline, Due, Milestone, deadline, due_date, dues, localize, milestones
    from .rules import (
        AGREED_FIELD,
        KIND,
        SLA_FILE,
        Rule,
        Rules,
        SlaFile,
        load_rules,
        read_sla_file,
    )

_WHERE = {
    **dict.fromkeys(["Deadline", "Due", "Milestone", "deadline", "due_date", "dues", "localize",
                     "milestones"], "deadlines"),
    **dict.fromkeys(["AGREED_FIELD", "KIND", "SLA_FILE", "Rule", "Rules", "SlaFile",
                     "load_rules", "read_sla_file"], "rules"),
}
__all__ = ["AGREED_FIELD", "KIND", "SLA_FILE", "Deadline", "Due", "Milestone", "Rule", "Rules",
           "SlaFile", "deadline", "due_date", "dues", "load_rules", "localize", "milestones",
           "read_sla_file"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'kefu.sla' has no attribute {name!r}")
    return getattr(importlib.import_module(f"kefu.sla.{_WHERE[name]}"), name)
