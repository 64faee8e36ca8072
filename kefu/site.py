"""Build the handbook site: generate pages from records and forms, then run a strict mkdocs build."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from kefu.problems import KefuError

# Each generator writes its pages under docs/generated/; "module:function", called as f(root, out).
GENERATORS: tuple[str, ...] = (
    "kefu.forms:write_site_pages",
    "kefu.report:write_site_pages",
)


def _load(spec: str) -> Callable[[Path, Path], None]:
    module_name, func_name = spec.split(":")
    func: Callable[[Path, Path], None] = getattr(importlib.import_module(module_name), func_name)
    return func


def generate(root: Path) -> Path:
    """Write every generated page into docs/generated/ and return that folder."""
    out = root / "docs" / "generated"
    out.mkdir(parents=True, exist_ok=True)
    for spec in GENERATORS:
        _load(spec)(root, out)
    return out


def build(root: Path, site_dir: Path | None = None) -> Path:
    """Generate pages and build the site strictly into `site_dir` (default root/site)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    generate(root)
    target = site_dir or root / "site"
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(target))
        mkdocs_build(config)
    except MkDocsException as err:
        raise KefuError(f"站点构建失败：{err}", slug="site-build") from err
    return target
