"""Click's own words (Usage:, Options, Show this message and exit., its errors) in Chinese.

Click reads every message through gettext; its modules bind `_` (and `ngettext`) to the
standard library's functions when they are imported. kefu gives those modules the Chinese
catalog kefu/locale/zh_CN/LC_MESSAGES/click.po instead, whatever the system's language: the
command speaks only Chinese. `make install` compiles the catalog (pybabel compile); a checkout
without the compiled file compiles it in memory.
"""

from __future__ import annotations

import gettext
import importlib
import io
from functools import cache
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "click"
LANGUAGE = "zh_CN"
# the click modules that translate what they print (click 8.5, pinned)
CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting",
                 "click.parser", "click.termui", "click.types", "click.utils")


@cache
def translations() -> gettext.NullTranslations:
    """The compiled Chinese catalog, else the .po compiled now, else no translation."""
    folder = LOCALE / LANGUAGE / "LC_MESSAGES"
    compiled = folder / f"{DOMAIN}.mo"
    source = folder / f"{DOMAIN}.po"
    if compiled.is_file() and (not source.is_file()
                               or compiled.stat().st_mtime_ns >= source.stat().st_mtime_ns):
        with open(compiled, "rb") as handle:
            return gettext.GNUTranslations(handle)
    if source.is_file():
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with open(source, "rb") as handle:
            catalog = read_po(handle, locale=LANGUAGE, domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    return gettext.NullTranslations()


def install() -> None:
    """Point click's message functions at the Chinese catalog (idempotent)."""
    chinese = translations()
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = chinese.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = chinese.ngettext  # type: ignore[attr-defined]
