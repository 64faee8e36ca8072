"""Issue forms for agents without a checkout: the forms, reading a submitted one, applying it.

- forms: the two issue forms, built from the ticket model (templates for .github/ISSUE_TEMPLATE/)
- body: reading the body GitHub sends for a submitted form
- apply: making the ticket or appending the event, with the reply to post on the issue
"""

from .apply import IntakeResult, NextDeadline, intake
from .body import detect, parse
from .forms import IssueForm, forms, template

__all__ = ["IntakeResult", "IssueForm", "NextDeadline", "detect", "forms", "intake", "parse",
           "template"]
