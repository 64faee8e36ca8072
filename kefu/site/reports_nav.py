"""Build step (kefu MkDocs plugin): put the generated month reports under 报表 in the nav.

`kefu site build` writes one page per month into docs/generated/reports/ and lists them in
docs/generated/reports/nav.json ([{"标题": "generated/reports/2026-10.md"}, ...], newest first).
mkdocs.yml holds the section with its index page only; this hook appends the months. The build
fails when the list is missing or malformed: run `kefu site build` (or `make site`), not a bare
`mkdocs build`, so that the pages exist.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

INDEX = "generated/reports/index.md"
LISTING = Path("generated") / "reports" / "nav.json"


def _section(nav: list[Any]) -> list[Any]:
    """The children of the nav section whose first child is the reports index."""
    for entry in nav:
        if isinstance(entry, dict):
            for children in entry.values():
                if isinstance(children, list):
                    if children and children[0] == INDEX:
                        return children
                    found = _section(children)
                    if found:
                        return found
    return []


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    section = _section(config.nav or [])
    if not section:
        raise PluginError(f"reports_nav：mkdocs.yml 的 nav 里没有以 {INDEX} 开头的“报表”分组。")
    listing = Path(config.docs_dir) / LISTING
    try:
        months = json.loads(listing.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise PluginError(f"reports_nav：读不到 {listing}（{err}）：请用 `kefu site build` "
                          "构建站点，它会先生成报表页。") from None
    ok = isinstance(months, list) and all(
        isinstance(m, dict) and len(m) == 1 and all(
            isinstance(k, str) and isinstance(v, str) and v.startswith("generated/reports/")
            for k, v in m.items()) for m in months)
    if not ok:
        raise PluginError(f"reports_nav：{listing} 的格式不对：应为 "
                          '[{"标题": "generated/reports/YYYY-MM.md"}, ...]。')
    del section[1:]
    section.extend(months)
    return config
