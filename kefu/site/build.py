"""Build the handbook site: generate pages from records and forms, then build strictly."""

from __future__ import annotations

import contextlib
import importlib
import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kefu import files, outputs
from kefu.problems import KefuError
from kefu.workspace import Workspace

# Each generator writes its pages under docs/generated/; "module:function", called as
# f(workspace, out): pages are as of workspace.today, so a build is reproducible for one day.
GENERATORS: tuple[str, ...] = (
    "kefu.forms:write_site_pages",
    "kefu.tracker:write_site_pages",
    "kefu.site_rules:write_site_pages",
    "kefu.site_events:write_site_pages",
    "kefu.staff.pages:write_site_pages",
    "kefu.site.pending:write_site_pages",
    "kefu.ticket_pages:write_site_pages",
    "kefu.site.dealers:write_site_pages",
    "kefu.site.open_work:write_site_pages",
    "kefu.reports.site:write_site_pages",
)

# Browser scripts installed by npm (package-lock.json) and served from the site itself,
# because Material would otherwise fetch them from unpkg.com. Target paths are relative
# to docs/generated/; mkdocs.yml and kefu/site/theme/main.html refer to them.
VENDOR_ASSETS: dict[str, str] = {
    "assets/mermaid.min.js": "node_modules/mermaid/dist/mermaid.min.js",
    "assets/mermaid.LICENSE.txt": "node_modules/mermaid/LICENSE",
    "assets/iframe-worker/shim.js": "node_modules/iframe-worker/shim/index.js",
    "assets/iframe-worker/LICENSE.txt": "node_modules/iframe-worker/LICENSE",
    # OpenCC's Traditional -> Simplified converter, loaded by the search worker
    "assets/opencc/t2cn.js": "node_modules/opencc-js/dist/umd/t2cn.js",
    "assets/opencc/LICENSE.txt": "node_modules/opencc-js/LICENSE",
    "assets/opencc/THIRD_PARTY_LICENSES.txt": "node_modules/opencc-js/THIRD_PARTY_LICENSES.md",
}


def _load(spec: str) -> Callable[[Workspace, Path], None]:
    module_name, func_name = spec.split(":")
    func: Callable[[Workspace, Path], None] = getattr(importlib.import_module(module_name),
                                                      func_name)
    return func


def copy_vendor_assets(root: Path, out: Path) -> None:
    """Copy the npm-installed browser scripts into docs/generated/ (skipping unchanged ones)."""
    from kefu.department.content import node_modules

    modules = node_modules(root)
    for target, source in VENDOR_ASSETS.items():
        src, dst = modules.parent / source, out / target
        if not src.is_file():
            raise KefuError(
                f"缺少 {source}：请先运行 make install（需要 Node.js 与 npm，执行 npm ci）。",
                slug="site-assets",
            )
        if dst.is_file():
            old, new = dst.stat(), src.stat()
            if old.st_size == new.st_size and old.st_mtime_ns >= new.st_mtime_ns:
                continue
        files.write_file(dst, src.read_bytes(), root=root, durable=False)


def generate(ws: Workspace) -> Path:
    """Write every generated page into docs/generated/ and return that folder.

    A symlink anywhere in docs/generated/ (or docs/ itself) is refused before anything is
    written or deleted there: a generator never works through a link committed to the repository.
    """
    out = ws.root / "docs" / "generated"
    files.refuse_links(out, ws.root)
    copy_vendor_assets(ws.root, out)
    for spec in GENERATORS:
        _load(spec)(ws, out)
    return out


class _Collector(logging.Handler):
    """Keeps mkdocs' warnings and errors, so that a failed build can name them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


@contextlib.contextmanager
def collect_warnings() -> Iterator[list[str]]:
    """Collect every warning or error mkdocs and its plugins log inside the block."""
    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


def build(ws: Workspace, site_dir: Path | None = None,
          warnings: list[str] | None = None) -> Path:
    """Generate pages and build the site strictly into `site_dir` (default root/site).

    Every warning is fatal (strict mode); `warnings`, if given, receives them all.
    """
    target = outputs.site_folder(site_dir or ws.root / "site", ws.root)
    generate(ws)
    built = build_pages(ws.root, target, warnings)
    outputs.mark_site(built)
    refuse_leaks(ws, built)
    return built


def refuse_leaks(ws: Workspace, built: Path) -> None:
    """Empty the built site and stop if any personal value of any record made it in."""
    from kefu import privacy
    from kefu.records import personal_values

    found = privacy.leaks(privacy.text_files(built), built, personal_values(ws.load()))
    if not found:
        return
    for child in built.iterdir():
        if child.name != outputs.SITE_MARK:
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    lines = "\n".join(f"- {path}：{privacy.hint(value)}" for path, value in found[:20])
    raise KefuError(f"站点中出现了记录里的个人信息，已清空构建结果，不能发布：\n{lines}\n"
                    "请从手册页面或记录的标题、备注中删去这些内容（个人信息只写在个人信息字段里）。",
                    "personal-data")


def build_pages(
    root: Path,
    site_dir: Path,
    warnings: list[str] | None = None,
    extra_nav: list[Any] | None = None,
) -> Path:
    """The strict mkdocs build alone (pages already generated); `extra_nav` is appended to nav."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    target = site_dir.resolve()
    with contextlib.chdir(root), collect_warnings() as messages:
        try:
            config = load_config(str(root / "mkdocs.yml"), site_dir=str(target))
            if extra_nav:
                config.nav = [*(config.nav or []), *extra_nav]
            mkdocs_build(config)
        except MkDocsException as err:
            found = "\n".join(messages) or str(err)
            raise KefuError(f"站点构建失败：\n{found}", slug="site-build") from err
        finally:
            if warnings is not None:
                warnings.extend(messages)
    return target


def serve(ws: Workspace, dev_addr: str = "127.0.0.1:8000") -> None:
    """Generate pages, then preview the site with live reload until interrupted."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    root = ws.root
    generate(ws)
    # Show mkdocs' own progress ("Serving on …", rebuilds, warnings) as its CLI would.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    with contextlib.chdir(root):
        try:
            mkdocs_serve(str(root / "mkdocs.yml"), dev_addr=dev_addr)
        except MkDocsException as err:
            raise KefuError(f"预览失败：{err}", slug="site-serve") from err
