"""The PDF font: Noto Sans SC static Regular + Bold TTFs installed from npm by `make install`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kefu.problems import KefuError

PACKAGE = Path("node_modules") / "@expo-google-fonts" / "noto-sans-sc"
REGULAR = Path("400Regular") / "NotoSansSC_400Regular.ttf"
BOLD = Path("700Bold") / "NotoSansSC_700Bold.ttf"
LICENSE = Path("LICENSE_FONT")
FAMILY = "NotoSansSC"
"""CSS family name; WeasyPrint embeds the subsets as XXXXXX+NotoSansSC(-Bold)."""
ENV_DIR = "KEFU_FONT_DIR"
"""Optional override: a folder laid out like the npm package (400Regular/, 700Bold/, licence)."""


@dataclass(frozen=True)
class FontFiles:
    """Absolute paths of the two weights and the licence."""

    regular: Path
    bold: Path
    license: Path

    def face_css(self) -> str:
        """@font-face rules with absolute file URLs, so the CSS works from any base URL."""
        return "".join(
            f'@font-face {{ font-family: "{FAMILY}"; src: url("{path.as_uri()}"); '
            f"font-weight: {weight}; font-style: normal; }}\n"
            for path, weight in ((self.regular, 400), (self.bold, 700))
        )

    def stamp(self) -> str:
        """Size and mtime of each file: changes when `make install` brings another version."""
        parts = []
        for path in (self.regular, self.bold):
            stat = path.stat()
            parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
        return ";".join(parts)


def _candidates(root: Path) -> Iterator[Path]:
    override = os.environ.get(ENV_DIR)
    if override:  # an explicit choice is the only candidate: a wrong one must not pass silently
        yield Path(override)
        return
    # The records root may be a sub-folder (tests, a checkout inside another); the
    # package's own checkout is the last resort.
    for folder in (root.resolve(), *root.resolve().parents):
        yield folder / PACKAGE
    yield Path(__file__).resolve().parents[2] / PACKAGE


def find_fonts(root: Path) -> FontFiles:
    """The installed font files, or a KefuError that says to run `make install`."""
    for folder in _candidates(root):
        files = FontFiles(folder / REGULAR, folder / BOLD, folder / LICENSE)
        if files.regular.is_file() and files.bold.is_file() and files.license.is_file():
            return files
    raise KefuError(
        f"找不到表单字体 Noto Sans SC（应在 {PACKAGE / REGULAR} 和 {PACKAGE / BOLD}）。"
        "请在仓库根目录运行 `make install`（通过 npm 安装字体）后重试。",
        slug="font-missing",
    )


@cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(text: str, font: Path) -> set[str]:
    """Characters of `text` (other than whitespace) that `font` has no glyph for."""
    cmap = _cmap(font)
    return {ch for ch in text if not ch.isspace() and ord(ch) not in cmap}
