"""`write_site_pages(root, out)`: blank PDFs into out/forms/ and the 表单下载 page out/forms.md."""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path

from kefu import files
from kefu.forms.fonts import FontFiles, find_fonts
from kefu.forms.registry import Registry, forms_dir, load_registry
from kefu.forms.render import FormRenderer
from kefu.workspace import Workspace

STAMP = ".stamp"
LICENSE_NAME = "OFL.txt"


def _cell(text: str) -> str:
    """Markdown table cell text: pipes escaped, HTML-significant characters as entities."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
    )


def forms_page(registry: Registry) -> str:
    """The 表单下载 page: every form with code, title, purpose and a link to its blank PDF."""
    lines = [
        "---",
        "title: 表单下载",
        "description: 部门全部纸质表单的空白 PDF（A4）下载：表单编号、名称、用途，"
        "以及哪些表单能从工单记录直接打印。",
        "tags:",
        "  - 表格",
        "  - 表格下载",
        "  - 空白表格",
        "  - 申请表",
        "  - 打印",
        "---",
        "",
        "# 表单下载",
        "",
        "部门所有纸质表单的空白 PDF（A4）。打印后手工填写并逐级签字；"
        "标明“从记录填写”的表单也可用 `kefu form 表单名 --record 记录编号` "
        "从记录直接打印填好的表单。",
        "",
        "| 表单编号 | 表单名称 | 用途 | 从记录填写 | 下载 |",
        "|---|---|---|---|---|",
    ]
    from kefu.forms.fill import filled_by

    for form in registry.forms:
        source = filled_by(form.key) or "仅空白"
        # The anchor lets handbook pages link one form: generated/forms.md#<key>.
        lines.append(
            f'| {form.code or "—"} | <a id="{form.key}"></a>{_cell(form.title)} '
            f"| {_cell(form.purpose)} | {source} | [{form.key}.pdf](forms/{form.key}.pdf) |"
        )
    lines += [
        "",
        "审批环节与签字人按《客服部管理操作手册》各附件及部门制度确定；"
        "表单页脚为“第 x 页 / 共 y 页”。",
        "",
        "表单使用开源字体 Noto Sans SC（SIL Open Font License 1.1，"
        f"许可文本见 [{LICENSE_NAME}](forms/{LICENSE_NAME})）。",
        "",
    ]
    return "\n".join(lines)


def _write_if_changed(path: Path, text: str, root: Path) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        files.write_file(path, text, root=root, durable=False)


def write_site_pages(ws: Workspace, out: Path) -> None:
    """Blank PDFs of every registered form, the licence of their font, and out/forms.md.

    PDFs are rendered again only when a template, the CSS, the registry, the renderer or the font
    changed (a hash in out/forms/.stamp); otherwise only the page is refreshed.
    """
    root = ws.root
    registry = load_registry(root)
    folder = out / "forms"
    files.real_folder(folder, root)
    _write_if_changed(out / "forms.md", forms_page(registry), root)
    stamp_file = folder / STAMP
    fonts = find_fonts(root)
    _write_if_changed(folder / LICENSE_NAME, fonts.license.read_text(encoding="utf-8"), root)
    expected = {f"{key}.pdf" for key in registry.keys}
    for stale in folder.glob("*.pdf"):
        if stale.name not in expected:
            files.remove(stale, root)
    stamp = _stamp(root, fonts)
    if (
        stamp_file.is_file()
        and stamp_file.read_text() == stamp
        and all((folder / name).is_file() for name in expected)
    ):
        return
    renderer = FormRenderer(root)
    for key in registry.keys:
        files.write_file(folder / f"{key}.pdf", renderer.pdf(key), root=root, durable=False)
    files.write_file(stamp_file, stamp, root=root, durable=False)


def _stamp(root: Path, fonts: FontFiles) -> str:
    """Cheap stamp without importing WeasyPrint when nothing changed."""
    digest = hashlib.sha256()
    for path in sorted(forms_dir(root).iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    digest.update(fonts.stamp().encode())
    digest.update(version("weasyprint").encode())
    return digest.hexdigest()
