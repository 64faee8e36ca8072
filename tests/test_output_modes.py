"""Files kefu writes (reports, forms, workbooks, edited records) get the mode a plain write
gives them: the one they had, or 0666 less the umask, never mkstemp's private 0600."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kefu.cli import main
from kefu.files import write_file

DATA = Path(__file__).parent / "data" / "reports" / "repo"


@pytest.fixture()
def umask() -> Iterator[None]:
    """Restore the process's umask after a test that sets it."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_follows_the_umask(tmp_path: Path, umask: None, mask: int,
                                      expected: int) -> None:
    os.umask(mask)
    assert mode(write_file(tmp_path / "报表.pdf", b"%PDF-")) == expected


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask: None) -> None:
    target = tmp_path / "T-20261029-ccc3.yml"
    target.write_bytes(b"id: x\n")
    target.chmod(0o640)
    os.umask(0o022)
    write_file(target, b"id: y\n")
    assert mode(target) == 0o640 and target.read_bytes() == b"id: y\n"


def test_report_pdf_and_workbook_are_readable_by_the_team(tmp_path: Path, umask: None,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(shutil.copytree(DATA, tmp_path / "repo"))
    monkeypatch.chdir(root)
    monkeypatch.setenv("KEFU_NOW", "2026-11-20T10:00:00+08:00")
    os.umask(0o022)
    done = CliRunner().invoke(main, ["report", "--month", "2026-10", "--pdf", "十月.pdf",
                                     "--xlsx", "十月.xlsx"])
    assert done.exit_code == 0, done.output
    assert mode(root / "十月.pdf") == 0o644 and mode(root / "十月.xlsx") == 0o644
