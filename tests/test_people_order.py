"""People are listed by the pinyin of their names everywhere (kefu.collation.name_key), and
text tables line up by display width (kefu.output.columns).

tests/data/people-order: five people whose names sort differently by code point (刘 周 曾 王 陈)
and by pinyin (陈 刘 王 曾 周, with 曾 read zēng as a surname, not céng), a week's roster in
another order still, two overdue tickets and two overdue loans of 周慧 and 陈静.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from kefu.cli import main
from kefu.collation import name_key
from kefu.output.columns import aligned

DATA = Path(__file__).parent / "data" / "people-order"
BY_PINYIN = ["陈静", "刘洋", "王芳", "曾乐", "周慧"]


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = Path(shutil.copytree(DATA, tmp_path / "repo"))
    monkeypatch.chdir(root)
    monkeypatch.setenv("KEFU_NOW", "2026-03-20T12:00:00+08:00")
    return root


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.stdout


def in_order(text: str, names: list[str]) -> list[str]:
    """The names as they first appear in `text`."""
    return sorted(names, key=text.index)


# -- the sort key -----------------------------------------------------------------------------
def test_names_sort_by_pinyin_not_by_code_point() -> None:
    names = ["周慧", "刘洋", "吴昊", "孙丽", "陈静", "李强", "张敏", "赵磊", "王芳"]
    assert sorted(names)[:4] == ["刘洋", "吴昊", "周慧", "孙丽"]  # what code points give
    assert sorted(names, key=name_key) == [
        "陈静", "李强", "刘洋", "孙丽", "王芳", "吴昊", "张敏", "赵磊", "周慧"]


def test_surnames_read_as_surnames_homophones_by_tone() -> None:
    # 曾 zēng and 单 shàn as surnames (pypinyin alone reads céng and dān)
    assert sorted(["曾乐", "陈静", "单雄", "孙丽", "丁一"], key=name_key) == [
        "陈静", "丁一", "单雄", "孙丽", "曾乐"]
    # same syllable: by tone (黎 lí before 李 lǐ before 利 lì), then by the next character
    assert sorted(["利明", "李明", "黎明", "李强", "李安"], key=name_key) == [
        "黎明", "李安", "李明", "李强", "利明"]


def test_latin_letters_sort_among_the_pinyin() -> None:
    assert sorted(["周慧", "bob", "安娜", "Anna", "白云"], key=name_key) == [
        "安娜", "Anna", "白云", "bob", "周慧"]


# -- every list of people ---------------------------------------------------------------------
def test_staff_month_and_roster_list_people_by_pinyin(repo: Path) -> None:
    people = json.loads(run("staff", "2026-03", "--format", "json"))["people"]
    assert [p["name"] for p in people] == BY_PINYIN
    roster = run("roster", "2026-W12")
    by_person = roster.split("按人员", 1)[1]
    assert in_order(by_person, BY_PINYIN) == BY_PINYIN
    # inside a shift too: Tuesday's day shift has 刘洋、王芳、曾乐 (rows say 王芳, 曾乐, 刘洋)
    assert "白班 08:30–17:30：刘洋、王芳、曾乐" in roster


def test_overdue_owners_with_as_many_late_items_and_notices_by_pinyin(repo: Path) -> None:
    text = run("overdue", "--today", "2026-03-20")
    items, notices = text.split("值班与人事提醒", 1)
    assert in_order(items, ["周慧", "陈静"]) == ["陈静", "周慧"]  # one overdue item each
    assert in_order(notices, ["周慧（zhouhui）", "陈静（chenjing）"]) == [
        "陈静（chenjing）", "周慧（zhouhui）"]


def test_export_lists_people_by_pinyin(repo: Path) -> None:
    assert CliRunner().invoke(main, ["export", "--sqlite", "out.sqlite"]).exit_code == 0
    db = sqlite3.connect(repo / "out.sqlite")
    assert [r[0] for r in db.execute("SELECT name FROM people")] == BY_PINYIN  # rowid order


# -- text tables ------------------------------------------------------------------------------
def test_columns_line_up_by_display_width() -> None:
    rows = [["姓名", "值班天数", "请假"], ["Anna", "3", "调休 1"], ["欧阳娜娜", "12", "0"]]
    lines = aligned(rows, [False, True, False])
    assert lines == ["姓名      值班天数  请假",
                     "Anna             3  调休 1",
                     "欧阳娜娜        12  0"]


def test_kefu_staff_columns_line_up(repo: Path) -> None:
    from wcwidth import width

    text = run("staff", "2026-03").splitlines()
    head = next(i for i, line in enumerate(text) if line.startswith("姓名"))
    table = text[head:head + 1 + len(BY_PINYIN)]
    # every column's right edge (figures are right-aligned) sits at the same terminal column
    ends = [[width(line[:i + 1]) for i, ch in enumerate(line)
             if ch != " " and (i + 1 == len(line) or line[i + 1] == " ")] for line in table]
    assert all(row[-1] == ends[0][-1] for row in ends), table
    assert len({len(row) for row in ends[1:]}) == 1
