"""`kefu export`: every record kind as typed, linked, indexed tables; personal fields on request."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from kefu.cli import main

DATA = Path(__file__).parent / "data" / "reports" / "repo"


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = Path(shutil.copytree(DATA, tmp_path / "repo"))
    monkeypatch.chdir(root)
    monkeypatch.setenv("KEFU_NOW", "2026-11-20T10:00:00+08:00")
    return root


def _export(*args: str) -> None:
    done = CliRunner().invoke(main, ["export", *args])
    assert done.exit_code == 0, done.output


def _columns(db: sqlite3.Connection, table: str) -> dict[str, str]:
    return {row[1]: row[2] for row in db.execute(f'PRAGMA table_info("{table}")')}


def test_sqlite_tables_types_keys_and_indexes(repo: Path) -> None:
    _export("--sqlite", "kefu.sqlite")
    db = sqlite3.connect(repo / "kefu.sqlite")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"tickets", "ticket_events", "ticket_milestones", "people", "dealers",
            "assessments", "sla_rules"} <= tables
    # every kind of the registry, the staff records' too, with no code of their own here
    assert {"rosters", "leave", "punches", "handovers", "sanctions"} <= tables
    assert db.execute("SELECT count(*) FROM tickets").fetchone() == (9,)
    assert db.execute("SELECT count(*) FROM ticket_events").fetchone() == (30,)  # 3+5+5+3+3+3+3+3+2
    tickets = _columns(db, "tickets")
    assert tickets["received"] == "TEXT" and tickets["id"] == "TEXT"
    assert _columns(db, "ticket_events")["seq"] == "INTEGER"
    assert _columns(db, "people")["active"] == "INTEGER"
    assert _columns(db, "assessments")["scores_satisfaction"] == "REAL"
    # foreign keys: declared and satisfied
    fks = {(r[3], r[2]) for r in db.execute("PRAGMA foreign_key_list(tickets)")}
    assert fks == {("owner", "people"), ("dealer", "dealers")}
    events = {(r[3], r[2]) for r in db.execute("PRAGMA foreign_key_list(ticket_events)")}
    assert events == {("record_id", "tickets"), ("by", "people")}
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"tickets_received", "tickets_owner", "ticket_events_at",
            "ticket_milestones_due"} <= indexes
    # times are Beijing time with the offset; milestones carry the computed due time and state
    row = db.execute("SELECT due, met_at, state FROM ticket_milestones WHERE ticket_id = ? AND "
                     "rule = 'inquiry.reply'", ("T-20261029-ccc3",)).fetchone()
    assert row == ("2026-10-30T17:30:00+08:00", "2026-11-02T09:00:00+08:00", "late")
    month = db.execute("SELECT substr(received, 1, 7), count(*) FROM tickets GROUP BY 1 "
                       "ORDER BY 1").fetchall()
    assert month == [("2026-09", 2), ("2026-10", 7)]


def test_personal_fields_only_on_request(repo: Path) -> None:
    _export("--sqlite", "plain.sqlite")
    plain = sqlite3.connect(repo / "plain.sqlite")
    for table, names in (("people", {"phone", "email", "birthday"}),
                         ("dealers", {"phone", "email", "address", "id_number", "birthday"}),
                         ("tickets", {"customer"})):
        assert not names & set(_columns(plain, table)), table
    raw = (repo / "plain.sqlite").read_bytes()
    for secret in ("138-0000-9101", "邵岚卿", "99000019720304992X", "报表路"):
        assert secret.encode() not in raw
    _export("--sqlite", "full.sqlite", "--with-personal")
    full = sqlite3.connect(repo / "full.sqlite")
    assert full.execute("SELECT customer FROM tickets WHERE id = 'T-20261029-ccc3'"
                        ).fetchone() == ("邵岚卿",)
    assert full.execute("SELECT phone FROM people WHERE id = 'wangfang'").fetchone() == (
        "138-0000-9101",)


def test_csv_and_xlsx_hold_the_same_tables(repo: Path) -> None:
    import datetime as dt

    from openpyxl import load_workbook

    _export("--csv", "out/", "--xlsx", "kefu.xlsx")
    with open(repo / "out" / "tickets.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 9 and rows[0]["id"] == "T-20260915-hhh8"
    assert "customer" not in rows[0]
    book = load_workbook(repo / "kefu.xlsx")
    assert {"tickets", "ticket_events", "ticket_milestones"} <= set(book.sheetnames)
    sheet = book["tickets"]
    heads = [c.value for c in sheet[1]]
    received = sheet.cell(row=2, column=heads.index("received（北京时间）") + 1).value
    assert received == dt.datetime(2026, 9, 15, 10, 0)
    scores = book["assessments"]
    heads = [c.value for c in scores[1]]
    assert scores.cell(row=2, column=heads.index("scores_satisfaction") + 1).value == 90


def test_export_never_overwrites_what_kefu_did_not_make(repo: Path) -> None:
    (repo / "mine.sqlite").write_text("my own notes", encoding="utf-8")
    done = CliRunner().invoke(main, ["export", "--sqlite", "mine.sqlite"])
    assert done.exit_code == 2 and "不是 kefu 生成的" in done.output
    assert (repo / "mine.sqlite").read_text(encoding="utf-8") == "my own notes"
    done = CliRunner().invoke(main, ["export", "--sqlite", "records/kefu.sqlite"])
    assert done.exit_code == 2 and "[unsafe-output]" in done.output
    none = CliRunner().invoke(main, ["export"])
    assert none.exit_code == 2 and "--sqlite" in none.output
    _export("--sqlite", "again.sqlite")
    _export("--sqlite", "again.sqlite")  # its own file is replaced


def test_the_readmes_example_queries_run(repo: Path) -> None:
    """README shows two queries on the export: they run and agree with the report."""
    import re

    _export("--sqlite", "kefu.sqlite")
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sql\n(.*?)```", readme, re.S)
    assert block is not None
    statements = [s for s in block.group(1).split(";") if s.strip()]
    assert len(statements) == 2
    db = sqlite3.connect(repo / "kefu.sqlite")
    rates = db.execute(statements[0]).fetchall()
    assert ("2026-10", "陈静", 7, 42.9) in rates  # as `kefu report --month 2026-10` says
    assert db.execute(statements[1]).fetchall() == [("星河数码科技有限公司", 2, 1),
                                                     ("远航电子商行", 1, 0)]


def _contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows in order, and the schema (tables, indexes) by name."""
    db = sqlite3.connect(path)
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    found = {name: db.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
             for name in names}
    found["schema"] = sorted(db.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
    return found


def test_sqlite_is_the_same_from_the_files_and_from_a_warm_index(repo: Path) -> None:
    from kefu.index.store import CACHE_DIR, INDEX_FILE

    _export("--sqlite", "cold.sqlite")  # no index yet: everything read from the files
    assert (repo / CACHE_DIR / INDEX_FILE).is_file()
    _export("--sqlite", "warm.sqlite")
    cold, warm = _contents(repo / "cold.sqlite"), _contents(repo / "warm.sqlite")
    assert len(cold["ticket_milestones"]) >= 10
    assert warm == cold


def test_times_written_in_another_offset_come_out_in_beijing_time(repo: Path) -> None:
    """The index's data is exported as it holds it (ISO text, not revived); a time written
    with another offset is still given in Beijing time, as from the files."""
    (event,) = (repo / "records/tickets/2026/09/T-20260915-hhh8").glob("*-inspected-*.yml")
    text = event.read_text("utf-8")
    moved = text.replace("at: 2026-09-16T09:00:00+08:00", "at: 2026-09-16T01:00:00Z")
    assert moved != text
    event.write_text(moved, "utf-8")
    _export("--sqlite", "cold.sqlite")
    _export("--sqlite", "warm.sqlite")
    cold, warm = _contents(repo / "cold.sqlite"), _contents(repo / "warm.sqlite")
    assert warm == cold
    db = sqlite3.connect(repo / "warm.sqlite")
    times = [at for (at,) in db.execute(
        "SELECT at FROM ticket_events WHERE record_id = 'T-20260915-hhh8' ORDER BY seq")]
    assert times[1] == "2026-09-16T09:00:00+08:00"
    assert all(at.endswith("+08:00") for at in times)
