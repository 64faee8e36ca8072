"""Build step (kefu MkDocs plugin): the site navigation drawn once per folder for the pages
that are not in it.

Material draws the whole navigation into every page. A page outside the nav (a ticket's page,
a dealer's) has nothing active in it, so its navigation is the same HTML as that of every other
such page in its folder (the links are relative to the folder): drawn for the first, reused for
the rest. A page in the nav is always drawn, since its own entry is the active one. The theme's
`site_nav` block (kefu/site/theme/main.html) wraps Material's nav in `kefu_nav_once`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from jinja2 import Environment
from markupsafe import Markup


class NavOnce:
    """The `kefu_nav_once(page, nav)` call block of one build."""

    def __init__(self) -> None:
        self.drawn: dict[str, Markup] = {}
        self.listed: tuple[Any, set[int]] | None = None  # the nav and its pages' ids

    def __call__(self, page: Any, nav: Any, caller: Callable[[], str]) -> Markup:
        if page is None or nav is None or self._in_nav(page, nav):
            return Markup(caller())
        folder = posixpath.dirname(page.file.dest_uri)
        drawn = self.drawn.get(folder)
        if drawn is None:
            drawn = self.drawn[folder] = Markup(caller())
        return drawn

    def _in_nav(self, page: Any, nav: Any) -> bool:
        if self.listed is None or self.listed[0] is not nav:
            self.listed = (nav, {id(p) for p in nav.pages})
        return id(page) in self.listed[1]


def on_env(env: Environment) -> Environment:
    """A fresh `kefu_nav_once` for each build (`mkdocs serve` builds again after a change)."""
    env.globals["kefu_nav_once"] = NavOnce()
    return env
