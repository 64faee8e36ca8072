"""Deadline rules (records/sla.yml) and deadlines in Chinese working days.

- rules: the sla.yml model, its reading (a record kind) and `Rules`
- deadlines: `deadline()` of one rule and `milestones()` of a ticket
"""

from .deadlines import Deadline, Milestone, deadline, due_date, localize, milestones
from .rules import AGREED_FIELD, KIND, SLA_FILE, Rule, Rules, SlaFile, load_rules, read_sla_file

__all__ = ["AGREED_FIELD", "KIND", "SLA_FILE", "Deadline", "Milestone", "Rule", "Rules",
           "SlaFile", "deadline", "due_date", "load_rules", "localize", "milestones",
           "read_sla_file"]
