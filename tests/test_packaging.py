"""The project's own packaging: `make install` builds kefu without a word from setuptools."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

from conftest import ROOT

# What pip does in `make install`: prepare the metadata, then build the editable wheel, with
# every warning turned into an error so that a deprecation fails here, not on a user's screen.
BUILD = """
import sys, warnings
warnings.simplefilter("error")
from setuptools import build_meta
out = sys.argv[1]
build_meta.prepare_metadata_for_build_editable(out)
print(build_meta.build_editable(out))
"""


def _pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_build_backend_is_pinned_and_installed_for_the_tests() -> None:
    requires = _pyproject()["build-system"]["requires"]  # type: ignore[index]
    assert requires == [f"setuptools=={version('setuptools')}"]


def test_license_is_an_spdx_expression_not_a_table() -> None:
    license_ = _pyproject()["project"]["license"]  # type: ignore[index]
    assert isinstance(license_, str) and license_.startswith("LicenseRef-")


def _build(tmp_path: Path, pyproject: str) -> subprocess.CompletedProcess[str]:
    """Build a copy of kefu with `pyproject` as its pyproject.toml, as pip would."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    shutil.copy(ROOT / "README.md", project / "README.md")
    shutil.copytree(ROOT / "kefu", project / "kefu",
                    ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "wheel"
    out.mkdir()
    return subprocess.run([sys.executable, "-c", BUILD, str(out)], cwd=project,
                          capture_output=True, text=True, check=False)


def test_building_kefu_prints_no_warning(tmp_path: Path) -> None:
    run = _build(tmp_path, (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Warning" not in run.stderr, run.stderr[-3000:]
    assert run.stdout.strip().endswith(".whl")


def test_the_warning_check_would_see_the_old_license_table(tmp_path: Path) -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    old = text.replace(f'license = "{_pyproject()["project"]["license"]}"',  # type: ignore[index]
                       'license = { text = "Proprietary" }')
    assert old != text
    run = _build(tmp_path, old)
    assert run.returncode != 0 and "license" in run.stderr
