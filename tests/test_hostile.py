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


# -- personal values in free text (item 4) -----------------------------------------------------
PERSONAL = ("钱多多", "聂远帆", "１３９１２３４５６７８", "139.1234.5678", "139 1234 5678",
            "12345678", "110101199003071234", "qian.duo@example.com")


def _clean(text: str) -> None:
    assert [value for value in PERSONAL if value in text] == [], text


def test_exports_mask_free_text_unless_asked_for_personal_data(repo: Path) -> None:
    _run("export", "--csv", "out/")
    notes = (repo / "out" / "ticket_events.csv").read_text("utf-8-sig")
    _clean(notes)
    _clean((repo / "out" / "tickets.csv").read_text("utf-8-sig"))
    _clean((repo / "out" / "dealers.csv").read_text("utf-8-sig"))  # the contact is personal
    assert "钱**" in notes and "139****5678" in notes and "q***@example.com" in notes
    _run("export", "--sqlite", "all.sqlite", "--with-personal")
    db = sqlite3.connect(repo / "all.sqlite")
    note = db.execute("SELECT note FROM ticket_events WHERE seq = 1 AND record_id = "
                      "'T-20261012-evil'").fetchone()[0]
    assert "１３９１２３４５６７８" in note and "钱多多" in note  # as written, when asked for
    assert db.execute("SELECT contact FROM dealers").fetchone() == ("聂远帆",)


def test_overdue_markdown_for_the_reminder_issue_is_masked(repo: Path) -> None:
    for fmt in ("markdown", "text", "json"):
        out = CliRunner().invoke(main, ["overdue", "--format", fmt]).output
        assert "T-20261014-priv" in out
        _clean(out)
        shown = out.replace("\\*", "*")  # Markdown escapes the stars
        assert "钱**来电 139****5678 催问发票" in shown


def test_site_pages_mask_free_text(repo: Path) -> None:
    from kefu.ticket_pages import write_site_pages
    from kefu.tracker import tracker_page
    from kefu.workspace import Workspace

    ws = Workspace(repo)
    out = repo / "docs" / "generated"
    write_site_pages(ws, out)
    page = (out / "tickets" / "T-20261012-evil.md").read_text("utf-8")
    shown = page.replace("\\*", "*")  # Markdown escapes the stars
    assert "139****5678" in shown and "聂**" in shown
    _clean(page)
    _clean(tracker_page(ws))

