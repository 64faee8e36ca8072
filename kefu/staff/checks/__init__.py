"""The staff kinds' checks across records (each kind's `Across` check calls one function here).

Every function takes the run's Group and returns `Placed` findings. They share one StaffBook
per run (the effective rosters are computed once). The numbers come from
records/staff-rules.yml; without a valid one nothing else is checked (its own problems, or its
absence, are what `kefu validate` reports).
"""

from .absence import leave_checks, punch_checks, punch_positions, trip_checks
from .common import RULES_FILE
from .ledger import (
    handover_checks,
    handover_timely,
    loan_checks,
    loan_timely,
    sanction_checks,
    sanction_timely,
)
from .pending import leave_timely, overdue_decisions, punch_timely, trip_timely
from .roster import roster_checks, roster_timely, swap_checks, swap_timely

__all__ = ["RULES_FILE", "handover_checks", "handover_timely", "leave_checks",
           "leave_timely", "loan_checks", "loan_timely", "overdue_decisions",
           "punch_checks", "punch_positions", "punch_timely", "roster_checks", "roster_timely",
           "sanction_checks", "sanction_timely", "swap_checks", "swap_timely", "trip_checks",
           "trip_timely"]
