"""Build step (kefu MkDocs plugin): the HTML tables kefu writes into its generated pages
(kefu.output.html_blocks) pass through Markdown untouched, and their links become the site's.

`RawHtml`, a Markdown extension, keeps each block between a START and an END line aside as
Python-Markdown keeps any raw HTML (its stash), before the block parser or md_in_html read it;
a START without its END (a handbook page quoting the marker) is left as the page wrote it.
`on_page_content` turns each `data-kefu-md` link into the href MkDocs gives the same target as a
Markdown link, and fails the build on a target that is not a page of the site.
"""

from __future__ import annotations

import html
import posixpath
import re

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kefu.output.html_blocks import END, LINK_ATTRIBUTE, START

LINK = re.compile(f'{LINK_ATTRIBUTE}="([^"]*)"')
PRIORITY = 25  # after normalize_whitespace (30), before html_block and md_in_html (20)


class _Keep(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None:
                if line == START:
                    block = []
                else:
                    out.append(line)
            elif line == END:
                out += ["", self.md.htmlStash.store("\n".join(block)), ""]
                block = None
            else:
                block.append(line)
        if block is not None:  # not kefu's (it always writes the END): the page as written
            out += [START, *block]
        return out


class RawHtml(Extension):
    """Keeps kefu's HTML blocks aside (one instance serves every page)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802  (Markdown's name)
        md.preprocessors.register(_Keep(md), "kefu_html", PRIORITY)


def on_page_content(text: str, page: Page, files: Files) -> str:
    """The page's kefu links as hrefs to the pages they name."""
    if LINK_ATTRIBUTE not in text:
        return text
    here = posixpath.dirname(page.file.src_uri)

    def href(match: re.Match[str]) -> str:
        target, _, anchor = html.unescape(match.group(1)).partition("#")
        path = posixpath.normpath(posixpath.join(here, target))
        found = files.get_file_from_path(path)
        if found is None or not found.is_documentation_page():
            raise PluginError(f"docs/{page.file.src_uri}：kefu 生成的链接指向不存在的页面 "
                              f"{target}：请报告这个错误。")
        url = found.url_relative_to(page.file) + (f"#{anchor}" if anchor else "")
        return f'href="{html.escape(url)}"'

    return LINK.sub(href, text)
