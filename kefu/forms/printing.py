"""What `kefu form` does: list the forms, print one (blank or from a record), print all blank."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kefu.forms.registry import load_registry
from kefu.forms.render import FormRenderer
from kefu.problems import KefuError
from kefu.workspace import Workspace


def list_text(root: Path) -> str:
    """A plain listing of every form: key, code, title, record kind, purpose."""
    from kefu.forms.fill import filled_by

    lines = []
    for form in load_registry(root).forms:
        source = filled_by(form.key) or "仅空白"
        lines.append(f"{form.key:<28} {form.code or '—':<11} {form.title}  [{source}]")
        lines.append(f"{'':<28} {form.purpose}")
    return "\n".join(lines)


def print_form(
    ws: Workspace,
    key: str,
    record_id: str | None = None,
    output: Path | None = None,
    issued: dt.date | None = None,
) -> Path:
    """Write one form as PDF (blank, or filled from `record_id`) and return its path."""
    from kefu.forms.fill import fill

    root = ws.root
    registry = load_registry(root)
    form = registry.get(key)
    filled = fill(ws, form, record_id, issued=issued) if record_id else None
    name = f"{key}-{record_id}.pdf" if record_id else f"{key}.pdf"
    target = output or Path(name)
    if target.is_dir():
        target = target / name
    return FormRenderer(root).write(key, target, filled)


def print_all_blank(root: Path, folder: Path, progress: bool = True) -> list[Path]:
    """Every registered form, blank, into `folder`/<key>.pdf; a progress bar on stderr."""
    from tqdm import tqdm

    if folder.exists() and not folder.is_dir():
        raise KefuError(
            f"{folder} 不是文件夹：--all 需要用 -o 指定输出文件夹。",
            slug="not-a-folder",
            exit_code=2,
        )
    renderer = FormRenderer(root)
    written = []
    for key in tqdm(renderer.registry.keys, desc="打印空白表单", unit="张", disable=not progress):
        written.append(renderer.write(key, folder / f"{key}.pdf"))
    return written
