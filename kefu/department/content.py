"""Where the handbook kefu ships lies, and which of its files a department gets.

In a checkout of kefu (this repository, an editable install) the shipped files are the
checkout's own docs/, forms/ and so on: the sample department is the handbook's source. An
installed wheel carries a copy in kefu/_content/ (setup.py puts it there from shipped.txt).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kefu.problems import KefuError

PACKAGE = Path(__file__).resolve().parents[1]
CHECKOUT = PACKAGE.parent
BUNDLED = PACKAGE / "_content"
LIST = Path(__file__).with_name("shipped.txt")


def patterns(text: str | None = None) -> tuple[list[str], list[str]]:
    """The shipped paths and the left-out folders of shipped.txt."""
    keep: list[str] = []
    leave: list[str] = []
    for line in (text if text is not None else LIST.read_text("utf-8")).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        (leave if line.startswith("!") else keep).append(line.lstrip("!"))
    return keep, leave


def source_root() -> Path:
    """The folder holding the shipped handbook: the wheel's copy, else this checkout."""
    if BUNDLED.is_dir():
        return BUNDLED
    if (CHECKOUT / "mkdocs.yml").is_file() and (CHECKOUT / "docs").is_dir():
        return CHECKOUT
    raise KefuError("这份 kefu 安装里没有随附的手册（kefu/_content/）：请从 git 标签或软件包"
                    "重新安装 kefu（pip install 'kefu @ git+…@版本'）。", "no-handbook", 1)


def shipped(root: Path | None = None) -> list[str]:
    """Every shipped file, as sorted posix paths relative to the source root."""
    base = root or source_root()
    keep, leave = patterns()
    found: set[str] = set()
    for entry in keep:
        path = base / entry
        if entry.endswith("/"):
            found.update(p.relative_to(base).as_posix() for p in path.rglob("*")
                         if p.is_file() and not p.is_symlink())
        elif path.is_file():
            found.add(entry)
    return sorted(rel for rel in found
                  if not any(rel.startswith(prefix) for prefix in leave)
                  and "__pycache__" not in rel and not rel.rsplit("/", 1)[-1].startswith("."))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def node_modules(root: Path) -> Path:
    """The node_modules/ a repository's site and forms use: its own, else kefu's checkout's
    (a department made for a test, or kefu run from its source, before `npm ci`)."""
    own = root / "node_modules"
    if own.is_dir() or not (CHECKOUT / "node_modules").is_dir():
        return own
    return CHECKOUT / "node_modules"
