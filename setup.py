"""Build step setuptools cannot declare in pyproject.toml: a wheel of kefu carries the handbook.

The handbook a department starts from (`kefu init`) is this repository's own docs/, forms/ and
rules files (listed in kefu/department/shipped.txt). A wheel built from a checkout copies them
into kefu/_content/, so that `pip install 'kefu @ git+…@tag'` brings them along. An editable
install (make install) reads them from the checkout instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
LIST = HERE / "kefu" / "department" / "shipped.txt"


def shipped_files() -> list[Path]:
    keep: list[str] = []
    leave: list[str] = []
    for line in LIST.read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            (leave if line.startswith("!") else keep).append(line.lstrip("!"))
    found: list[Path] = []
    for entry in keep:
        path = HERE / entry
        candidates = path.rglob("*") if entry.endswith("/") else [path]
        for item in candidates:
            rel = item.relative_to(HERE).as_posix()
            if item.is_file() and not item.is_symlink() and "__pycache__" not in rel \
                    and not item.name.startswith(".") \
                    and not any(rel.startswith(prefix) for prefix in leave):
                found.append(item)
    return sorted(found)


class BuildWithHandbook(build_py):
    """build_py, plus the shipped handbook copied into kefu/_content/ of a (non-editable) build."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False) or not LIST.is_file():
            return
        target = Path(self.build_lib) / "kefu" / "_content"
        for path in shipped_files():
            out = target / path.relative_to(HERE)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out)


setup(cmdclass={"build_py": BuildWithHandbook})
