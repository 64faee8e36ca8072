"""Process pages link the blank PDFs of the forms they use, and those PDFs are in the built site."""

from __future__ import annotations

import re

from conftest import ROOT, BuiltSite

from kefu.forms.registry import load_registry

PDF_LINK = re.compile(r"generated/forms/([a-z-]+)\.pdf")


def test_every_form_link_names_a_registered_form() -> None:
    keys = set(load_registry(ROOT).keys)
    for page in (ROOT / "docs").rglob("*.md"):
        if "generated" in page.parts:
            continue
        for key in PDF_LINK.findall(page.read_text(encoding="utf-8")):
            assert key in keys, f"{page.relative_to(ROOT)} 链接了未登记的表单 {key}"


def test_process_pages_link_form_pdfs_that_exist(built_site: BuiltSite) -> None:
    linked: set[str] = set()
    for page in sorted((built_site.path / "processes").glob("*.html")):
        if page.name == "index.html":
            continue
        keys = PDF_LINK.findall(page.read_text(encoding="utf-8"))
        assert keys, f"流程页 {page.name} 没有链接它使用的表单"
        linked.update(keys)
    for key in linked:
        pdf = built_site.path / "generated" / "forms" / f"{key}.pdf"
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), f"站点里缺少 {pdf.name}"


def test_forms_page_lists_every_registered_form(built_site: BuiltSite) -> None:
    html = (built_site.path / "generated" / "forms.html").read_text(encoding="utf-8")
    registry = load_registry(ROOT)
    for form in registry.forms:
        assert f'id="{form.key}"' in html
        assert f"forms/{form.key}.pdf" in html
