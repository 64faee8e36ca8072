"""Looking records up at the desk: `kefu show ID` tells one record whole, `kefu find TEXT` lists
the records matching a few words, and the site's dealer directory and open-work pages are built
from the same views.

- desk: the records a lookup reads (one load; the place to switch to an index)
- facts, story, terms, state: a record's fields, its story, its deadlines, its state and name
- show: one record; find: the matching records, ranked
"""

from .desk import Desk
from .find import DEFAULT_LIMIT, Filters, Found, find
from .show import Shown, show

__all__ = ["DEFAULT_LIMIT", "Desk", "Filters", "Found", "Shown", "find", "show"]
