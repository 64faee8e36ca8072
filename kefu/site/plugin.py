"""The `kefu` MkDocs plugin: what kefu adds to a department's handbook build.

mkdocs.yml says `plugins: [search, tags, offline, kefu]`; the rest comes with the installed kefu,
so that upgrading kefu upgrades it: the theme overrides (the site's own search worker, local
Mermaid), the reply blanks and their stylesheet, the department's names in the pages
(records/department.yml), and the build's steps and checks, one module per concern (search_index,
local_assets, raw_html, reports_nav, shared_nav), each check failing the build loudly.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from kefu.problems import KefuError

from . import local_assets, raw_html, reports_nav, search_index, shared_nav

THEME = Path(__file__).parent / "theme"
EXTRA_CSS = ("assets/stylesheets/kefu.css",)  # reply blocks wrap; the copy button stays visible
# 【订单号】 blanks become small inputs (the copy asks first while one is empty); a paste into
# the search box searches at once; training pages get 我已读完 tick boxes (localStorage only)
EXTRA_JS = ("assets/javascripts/reply-blanks.js", "assets/javascripts/search-input.js",
            "assets/javascripts/read-checklist.js")


class KefuPlugin(BasePlugin):  # type: ignore[type-arg,unused-ignore]  # no options
    """kefu's additions to a department's MkDocs build."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self._whole: str | None = None  # a lookup page while Material's search reads its top

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        from kefu.department.placeholders import values
        from kefu.kinds.department import load_department

        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        try:
            department = load_department(root)
        except KefuError as err:
            raise PluginError(err.message) from None
        self.values = values(department)
        if config.site_description:  # mkdocs.yml's words about the site, as the pages' are
            config.site_description = self._filled(config.site_description, "mkdocs.yml")
        if department is not None:
            config.site_name = department.title
            config.extra["kefu_department"] = department.department  # the footer's words
        dirs = config.theme.dirs
        # after the department's own custom_dir (its overrides win), before Material's
        dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        config.extra_css.extend(c for c in EXTRA_CSS if c not in config.extra_css)
        for script in EXTRA_JS:
            if script not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(script)
        if not any(isinstance(e, raw_html.RawHtml) for e in config.markdown_extensions):
            config.markdown_extensions.append(raw_html.RawHtml())
        search_index.on_config(config)
        return reports_nav.on_config(config)

    @event_priority(100)  # before the tags plugin and search read the page
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        return self._filled(markdown, f"docs/{page.file.src_uri}")

    def _filled(self, text: str, where: str) -> str:
        """`text` with the department's names in its placeholders (the build fails on a
        placeholder it cannot fill)."""
        from kefu.department.placeholders import fill

        try:
            return fill(text, self.values, where)
        except KefuError as err:
            raise PluginError(err.message) from None

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        return shared_nav.on_env(env)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        return search_index.on_nav(nav, config, files)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        html = raw_html.on_page_content(html, page, files)
        return search_index.on_page_content(html, page, config, files)

    @event_priority(50)  # before Material's search plugin (priority 0) parses the page
    def _search_reads_top(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                          nav: Navigation) -> TemplateContext:
        self._whole = search_index.top_for_search(page)
        return context

    @event_priority(-50)  # after it: the page's template gets the whole page back
    def _page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                      nav: Navigation) -> TemplateContext:
        if self._whole is not None:
            page.content, self._whole = self._whole, None
        search_index.on_page_context(dict(context), page, config, nav)
        return context

    on_page_context = CombinedEvent(_search_reads_top, _page_context)

    # After Material's search plugin (priority 0) wrote the index, before the offline plugin
    # (priority -100) copies it into search_index.js.
    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        search_index.on_post_build(config)
        local_assets.on_post_build(config)
