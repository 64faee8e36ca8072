"""The HTML tables kefu writes into generated pages (kefu.output.html_blocks) pass through
Markdown untouched (kefu.site.raw_html), and their links become the site's or fail the build."""

from __future__ import annotations

from types import SimpleNamespace

import markdown
import pytest
from conftest import load_hook
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from kefu.output import html_blocks as hb

raw_html = load_hook("raw_html")
EXTENSIONS = ["tables", "md_in_html", "attr_list", "toc"]


def convert(text: str) -> str:
    return markdown.markdown(text, extensions=[*EXTENSIONS, raw_html.RawHtml()])


def test_a_block_passes_as_written_inside_and_outside_a_markdown_div() -> None:
    """No cell is read as Markdown (emphasis, a pipe, a Markdown link stay text), the marker
    lines are gone, and the Markdown around the block is still Markdown."""
    block = hb.table(["项目", "数"], [[hb.html_text("*不是强调* | [不是链接](x.md)"), "3"]],
                     [False, True])
    page = "\n".join(["# 标题", *block, "## 下一节", "",
                      '<div class="kefu-report" markdown>', "", "**粗体**", *block, "</div>"])
    out = convert(page)
    assert out.count("<td>*不是强调* | [不是链接](x.md)</td>") == 2
    assert out.count('<th style="text-align: right;">数</th>') == 2
    assert "<em>" not in out and "kefu:html" not in out and "<p><table>" not in out
    assert '<h2 id="_2">下一节</h2>' in out and "<strong>粗体</strong>" in out


def test_record_text_cannot_end_a_block_or_open_a_tag() -> None:
    """A note holding the END line or a script is escaped text in its cell: masked as a page
    masks it (a phone number), never markup."""
    note = f"{hb.END}\n<script>alert(1)</script> 13812345678"
    out = convert("\n".join(hb.table(["备注"], [[hb.html_text(note)]])))
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "13812345678" not in out and out.count("<table>") == 1
    assert "&lt;!-- /kefu:html --&gt;" in out


def test_a_start_line_without_its_end_is_left_as_the_page_wrote_it() -> None:
    """kefu always writes the END line: a handbook page quoting the marker alone is Markdown."""
    page = "\n".join(["# 标题", "", hb.START, "", "**仍是 Markdown**"])
    assert convert(page) == markdown.markdown(page, extensions=EXTENSIONS)
    assert "<strong>仍是 Markdown</strong>" in convert(page)


def _files(directory_urls: bool) -> Files:
    names = ["generated/reports/2026-10.md", "generated/tickets/T-20261029-ccc3.md",
             "generated/deadlines.md", "assets/logo.svg"]
    return Files([File(n, "/docs", "/site", directory_urls) for n in names])


@pytest.mark.parametrize(("directory_urls", "href"), [
    (False, "../tickets/T-20261029-ccc3.html#k"),
    (True, "../../tickets/T-20261029-ccc3/#k"),
])
def test_a_link_becomes_the_href_mkdocs_gives_the_same_target(directory_urls: bool,
                                                              href: str) -> None:
    files = _files(directory_urls)
    page = SimpleNamespace(file=files.get_file_from_path("generated/reports/2026-10.md"))
    cell = hb.page_link("../tickets/T-20261029-ccc3.md#k", "T")
    assert raw_html.on_page_content(f"<td>{cell}</td>", page, files) == \
        f'<td><a href="{href}">T</a></td>'


@pytest.mark.parametrize("target", ["../tickets/T-20990101-none.md", "../../assets/logo.svg"])
def test_a_link_to_no_page_of_the_site_fails_the_build_naming_the_page(target: str) -> None:
    files = _files(False)
    page = SimpleNamespace(file=files.get_file_from_path("generated/reports/2026-10.md"))
    with pytest.raises(PluginError, match="generated/reports/2026-10.md"):
        raw_html.on_page_content(hb.page_link(target, "x"), page, files)
