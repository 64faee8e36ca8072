"""Hostile text in records (tests/data/hostile/repo): a spreadsheet never takes it for a formula
(issue 24, item 3), and personal values typed into free text are masked in every output that is
not --with-personal (item 4)."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kefu.cli import main

DATA = Path(__file__).parent / "data" / "hostile" / "repo"
FORMULAS = ('=HYPERLINK("http://evil.example/","点我")', "+cmd|' /C calc'!A0", "@SUM(A1)",
            "\t=1+1")


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = Path(shutil.copytree(DATA, tmp_path / "repo"))
    monkeypatch.chdir(root)
    monkeypatch.setenv("KEFU_NOW", "2026-10-20T10:00:00+08:00")
    return root


def _run(*args: str) -> str:
    done = CliRunner().invoke(main, list(args))
    assert done.exit_code == 0, done.output
    return done.output


def _cells(path: Path) -> list[tuple[object, str, bool]]:
    """(value, openpyxl data type, quote prefix) of every cell of every sheet."""
    book = load_workbook(path)
    return [(cell.value, cell.data_type, bool(cell.quotePrefix))
            for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


@pytest.mark.parametrize("args", [("export", "--xlsx", "out.xlsx"),
                                  ("report", "--month", "2026-10", "--xlsx", "out.xlsx")],
                         ids=["export", "report"])
def test_workbook_text_is_never_a_formula(repo: Path, args: tuple[str, ...]) -> None:
    _run(*args)
    cells = _cells(repo / "out.xlsx")
    assert [c for c in cells if c[1] == "f"] == []  # no formula cell at all
    risky = [c for c in cells if isinstance(c[0], str) and c[0].startswith(("=", "+", "@", "\t"))]
    assert risky and all(kind == "s" and quoted for _, kind, quoted in risky)
    assert '=HYPERLINK("http://evil.example/","点我")' in {c[0] for c in risky}


def test_csv_text_gets_owasps_quote(repo: Path) -> None:
    _run("export", "--csv", "out/")
    with open(repo / "out" / "tickets.csv", encoding="utf-8-sig", newline="") as handle:
        tickets = list(csv.DictReader(handle))
    with open(repo / "out" / "ticket_events.csv", encoding="utf-8-sig", newline="") as handle:
        events = list(csv.DictReader(handle))
    ticket = tickets[0]
    assert ticket["title"] == "'" + FORMULAS[0]
    assert ticket["product"] == "'" + FORMULAS[1] and ticket["department"] == "'" + FORMULAS[2]
    assert events[1]["note"] == "'" + FORMULAS[3]
    assert events[0]["note"].startswith("'-2+3")
    # no cell of any file starts with a formula character unquoted
    for path in (repo / "out").glob("*.csv"):
        text = path.read_text("utf-8-sig")
        for row in csv.reader(io.StringIO(text)):
            assert not [v for v in row if v[:1] in ("=", "+", "@", "\t", "\r")], (path, row)


def test_sqlite_keeps_the_text_as_written(repo: Path) -> None:
    """A database is not a spreadsheet: the exact text stays (no quote added)."""
    _run("export", "--sqlite", "out.sqlite")
    db = sqlite3.connect(repo / "out.sqlite")
    assert db.execute("SELECT title, product FROM tickets").fetchone() == FORMULAS[:2]
