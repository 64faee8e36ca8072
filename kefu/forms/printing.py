"""What `kefu form` does: list the forms, print one (blank or from a record), print all blank."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kefu import outputs
from kefu.forms.registry import load_registry
from kefu.forms.render import FormRenderer
from kefu.problems import KefuError
from kefu.workspace import Workspace


def list_text(root: Path) -> str:
    """A plain listing of every form: key, code, title, record kind, purpose."""
    from kefu.forms.fill import filled_by
    from kefu.output.columns import aligned

    forms = load_registry(root).forms
    rows = aligned([[f.key, f.code or "—", f.title, f"[{filled_by(f.key) or '仅空白'}]"]
                    for f in forms])
    indent = " " * (max((len(f.key) for f in forms), default=0) + 2)  # keys are ASCII
    # the purpose on a line of its own, under the code
    return "\n".join(f"{row}\n{indent}{form.purpose}" for row, form in zip(rows, forms,
                                                                           strict=True))


def print_form(
    ws: Workspace,
    key: str,
    record_id: str | None = None,
    output: str | Path | None = None,
    issued: dt.date | None = None,
    with_personal: bool = False,
) -> Path:
    """Write one form as PDF (blank, or filled from `record_id`) and return its path.

    `output` is a file, or a folder (ending in / or existing) for the default name.
    """
    from kefu.forms.fill import fill

    root = ws.root
    registry = load_registry(root)
    form = registry.get(key)
    name = f"{key}-{record_id}.pdf" if record_id else f"{key}.pdf"
    target = outputs.output_file(output or name, name, root, "PDF")
    filled = fill(ws, form, record_id, issued=issued,
                  with_personal=with_personal) if record_id else None
    return outputs.write_output(target, FormRenderer(root).pdf(key, filled), "PDF")


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
    targets = [outputs.output_file(f"{folder}/", f"{key}.pdf", root, "PDF")
               for key in renderer.registry.keys]
    written = []
    for key, target in tqdm(list(zip(renderer.registry.keys, targets, strict=True)),
                            desc="打印空白表单", unit="张",
                            disable=None if progress else True):  # None: only on a terminal
        written.append(outputs.write_output(target, renderer.pdf(key), "PDF"))
    return written
