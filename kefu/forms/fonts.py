"""The PDF font: Noto Sans SC static Regular + Bold TTFs installed from npm by `make install`."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
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
FULL_FAMILY = "NotoSansSC Full"
"""CSS family of the complete font, the fallback behind the common-character copy (embedded as
XXXXXX+NotoSansSC-Full). It must differ from FAMILY: WeasyPrint merges faces that share a family
and weight into one PDF font, which prints wrong glyphs."""
CHECKOUT = Path(__file__).resolve().parents[2]
"""The checkout kefu runs from (editable install): its fonts are the last resort."""
CACHE_DIR = CHECKOUT / ".cache" / "fonts"
"""Derived fonts (git-ignored), one folder per source version."""


@dataclass(frozen=True)
class FontFiles:
    """Absolute paths of the two weights and the licence."""

    regular: Path
    bold: Path
    license: Path
    common: tuple[Path, Path] | None = None
    """Regular and Bold cut down to COMMON_CHARACTERS (see `with_common`), or None."""

    def face_css(self) -> str:
        """@font-face rules with absolute file URLs, so the CSS works from any base URL.

        With the common-character copy, FAMILY is that copy and FULL_FAMILY the complete font;
        forms.css names both, so a rare character in a record still prints from the full font.
        """
        full = (self.regular, self.bold)
        faces = [(FAMILY, self.common or full)]
        faces.append((FULL_FAMILY, full))
        return "".join(
            f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}"); '
            f"font-weight: {weight}; font-style: normal; }}\n"
            for family, paths in faces
            for path, weight in zip(paths, (400, 700), strict=True)
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
    yield CHECKOUT / PACKAGE


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


def common_characters() -> frozenset[int]:
    """GB2312 (every simplified character in everyday use), Latin-1 and the punctuation,
    box and shape blocks: what forms and records print nearly always."""
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    for start, end in ((0x2000, 0x2070), (0x2100, 0x2200), (0x2460, 0x2500), (0x2500, 0x2600),
                       (0x3000, 0x3040), (0xFF00, 0xFFF0)):
        chars.update(range(start, end))
    return frozenset(chars)


def _derive(source: Path, target: Path, chars: frozenset[int]) -> None:
    """Subset `source` to `chars` (names, layout tables and hinting kept), written atomically."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.name_IDs = ["*"]  # family and PostScript names stay NotoSansSC
    options.name_languages = ["*"]
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    with TTFont(source) as font:
        subsetter.subset(font)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        os.close(handle)
        try:
            font.save(temporary)
            os.chmod(temporary, 0o644)  # mkstemp makes it private; it is a plain shared file
            os.replace(temporary, target)  # parallel processes never read half a file
        finally:
            Path(temporary).unlink(missing_ok=True)


def with_common(files: FontFiles, cache_dir: Path = CACHE_DIR) -> FontFiles:
    """`files` plus a cached copy of both weights cut down to the common characters.

    Why: WeasyPrint reads and subsets the whole font file for every PDF; the 2.5 MB copy
    instead of the 10.5 MB original saves about a fifth of the CPU time per form. Derived
    once (a few seconds, normally by `make install`) and reused; the OFL licence is copied
    next to it. If the cache cannot be written, the full font alone is used.
    """
    digest = hashlib.sha256(files.stamp().encode()).hexdigest()[:16]
    folder = cache_dir / digest
    targets = (folder / files.regular.name, folder / files.bold.name)
    try:
        if not all(path.is_file() for path in targets):
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(files.license, folder / LICENSE.name)
            chars = common_characters()
            for source, target in zip((files.regular, files.bold), targets, strict=True):
                _derive(source, target, chars)
    except OSError:
        return files
    return replace(files, common=targets)
