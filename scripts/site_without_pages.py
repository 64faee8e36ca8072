"""A department's site built as `kefu site build` builds it, without the report and ticket pages:
the other half of `make bench-reports`' like-for-like figure (issue 25: the demo site within
1.3x of its build without those pages).

    python scripts/site_without_pages.py KEFU_SOURCE DEPARTMENT SITE_DIR

Everything else is the same run: every other generator, the handbook, the mkdocs build and the
personal-data check. The report section keeps one empty page (the nav needs its index), and the
build is not strict: the tracker and the open-work pages still link to ticket pages that are
not there, which a strict build refuses.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

LEFT_OUT = ("kefu.ticket_pages:write_site_pages", "kefu.reports.site:write_site_pages")


def main(source: str, department: str, site_dir: str) -> None:
    sys.path.insert(0, source)
    import importlib

    import mkdocs.config

    from kefu.site.reports_nav import INDEX, LISTING
    from kefu.workspace import Workspace

    build = importlib.import_module("kefu.site.build")  # the package's `build` is its function
    ws = Workspace.find(Path(department))
    generated = ws.root / "docs" / "generated"
    for folder in ("tickets", "reports"):  # pages a build with them left behind
        shutil.rmtree(generated / folder, ignore_errors=True)
    (generated / "reports").mkdir(parents=True)
    (ws.root / "docs" / INDEX).write_text("# 报表\n", encoding="utf-8")
    (ws.root / "docs" / LISTING).write_text("[]", encoding="utf-8")
    build.__dict__["GENERATORS"] = tuple(g for g in build.GENERATORS if g not in LEFT_OUT)
    strict = mkdocs.config.load_config

    def loose(*args: Any, **kwargs: Any) -> Any:
        return strict(*args, **{**kwargs, "strict": False})

    mkdocs.config.__dict__["load_config"] = loose
    build.build(ws, Path(site_dir))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
