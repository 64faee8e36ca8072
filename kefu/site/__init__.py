"""The handbook site: generated pages, the strict MkDocs build and the `kefu` MkDocs plugin.

`build` generates the pages of the records (docs/generated/), builds strictly and refuses a
site holding personal data; `plugin.KefuPlugin` is what mkdocs.yml's `kefu` plugin loads.
"""

from .build import GENERATORS, build, build_pages, collect_warnings, copy_vendor_assets, \
    generate, refuse_leaks, serve

__all__ = ["GENERATORS", "build", "build_pages", "collect_warnings", "copy_vendor_assets",
           "generate", "refuse_leaks", "serve"]
