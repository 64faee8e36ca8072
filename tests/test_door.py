"""Every value kefu accepts can be written by every output, or is refused at the door with a
clear message (issue 24: crashes and "wrong results" 5). Each case is the reproducer of the issue
run as a user would, in a copy of a fixture repository."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "data" / "forms" / "repo"
NOW = "2026-12-01T10:00:00+08:00"
CLOSED = "T-20260312-k7m2"
OPEN = "T-20260316-x9q1"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    return root


def kefu(cwd: Path, *args: str, now: str = NOW) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kefu.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "KEFU_NOW": now, "KEFU_USER": "wangfang"})


def no_crash(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr, done.stderr


def refused(done: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    no_crash(done)
    assert done.returncode == code, done.stdout + done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


@pytest.mark.parametrize(("args", "now"), [
    (("staff", "9999-12"), NOW),
    (("report", "--week", "9999-W52"), NOW),
    (("roster", "9999-W01"), NOW),
    (("new", "leave", "--person", "wangfang", "--type", "annual", "--start", "9998-12-01",
      "--end", "9998-12-02"), NOW),
    (("validate",), "9999-12-31T10:00"),
    (("overdue",), "9999-12-31T10:00"),
], ids=["staff", "report-week", "roster", "new-leave", "now-validate", "now-overdue"])
def test_years_far_away_are_refused_not_crashed(repo: Path, args: tuple[str, ...],
                                                now: str) -> None:
    refused(kefu(repo, *args, now=now), 2, "[date-range]", "9999" if "9999" in "".join(
        (*args, now)) else "9998", "年份")


def test_a_far_year_in_a_record_is_an_error(repo: Path) -> None:
    leave = next((repo / "records" / "leave").rglob("*.yml"))
    text = leave.read_text("utf-8")
    leave.write_text(text.replace("end: 2026", "end: 9998"), "utf-8")
    done = kefu(repo, "validate", str(leave.relative_to(repo)))
    assert done.returncode == 1 and "[date-range]" in done.stdout and "9998" in done.stdout


@pytest.mark.parametrize(("args", "word"), [
    (("new", "inquiry", "--title", "标题\x1b[31m红色", "--owner", "wangfang"), "ESC"),
    (("new", "inquiry", "--title", "两行\n标题", "--owner", "wangfang"), "换行"),
    (("event", OPEN, "replied", "--note", "回电\x07"), "U+0007"),
    (("event", CLOSED, "reopened"), "必须在 `note` 里写明原因"),
    (("event", CLOSED, "reopened", "--note", "\u3000\u200b"), "只有空格或不可见字符不算"),
    (("reopen", CLOSED, "--reason", "\u3000\u200b"), "重新打开要写明原因"),
    (("event", OPEN, "received"), "受理（received）只能是第一条事件"),
], ids=["esc-title", "two-line-title", "bell-note", "reopened-no-reason",
        "reopened-invisible", "reopen-invisible", "received-again"])
def test_values_no_output_can_take_are_refused_at_the_door(repo: Path, args: tuple[str, ...],
                                                          word: str) -> None:
    before = {p: p.read_bytes() for p in (repo / "records").rglob("*.yml")}
    done = kefu(repo, *args)
    no_crash(done)
    assert done.returncode in (1, 2) and word in done.stderr, done.stderr
    assert {p: p.read_bytes() for p in (repo / "records").rglob("*.yml")} == before


def test_an_invalid_person_or_dealer_is_left_out_of_every_export_alike(repo: Path,
                                                                        tmp_path: Path) -> None:
    dealer = repo / "records" / "dealers" / "D-0001.yml"
    text = dealer.read_text("utf-8")
    dealer.write_text(text.replace("company:", "company: |\n  两行\n  公司\nx:"), "utf-8")
    done = kefu(repo, "export", "--sqlite", str(tmp_path / "k.sqlite"), "--csv",
                f"{tmp_path / 'csv'}/", "--xlsx", str(tmp_path / "k.xlsx"))
    no_crash(done)
    assert done.returncode == 0, done.stderr
    assert "1 个记录文件有错误，未导出" in done.stderr and "处引用已置空" in done.stderr
    db = sqlite3.connect(tmp_path / "k.sqlite")
    assert db.execute("SELECT count(*) FROM dealers WHERE id = 'D-0001'").fetchone() == (0,)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT count(*) FROM tickets WHERE dealer = 'D-0001'").fetchone() == (0,)
    for table in ("tickets", "dealers"):
        assert "D-0001" not in (tmp_path / "csv" / f"{table}.csv").read_text("utf-8-sig")


def test_intake_reads_no_more_than_its_limit(repo: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kefu.cli", "intake", "/dev/zero",
                           "--format", "json"], cwd=repo, capture_output=True, text=True,
                          timeout=60)
    no_crash(done)
    assert done.returncode == 1 and "表单内容过长" in json.loads(done.stdout)["problems"][0]


def test_a_file_name_with_a_line_break_stays_on_one_line(repo: Path) -> None:
    """No name can start a line of its own, such as a CI log's `::error::` workflow command."""
    folder = repo / "records" / "tickets" / "2026" / "03"
    (folder / "x\n::error file=a::owned.yml").write_text("a: [\n", "utf-8")
    (folder / "y\r::set-env name=X::1.yml").write_text("", "utf-8")
    done = kefu(repo, "validate")
    no_crash(done)
    out = done.stdout + done.stderr
    assert done.returncode == 1
    assert not [line for line in out.splitlines() if line.lstrip("\r").startswith("::")], out
    assert "x\\n::error file=a::owned.yml:1:4: [yaml-syntax]" in out
    assert "y\\r::set-env name=X::1.yml:1:1: [empty-file]" in out
    gone = kefu(repo, "validate", "records/tickets/2026/03/z\n::warning::x.yml")
    assert gone.returncode == 2 and "\n::" not in gone.stderr, gone.stderr


# -- unclear messages (issue 24, "Unclear messages") --------------------------------------------
@pytest.mark.parametrize(("text", "slug", "words"), [
    ('title: "abc\x00def"\n', "control-character", ["NUL", "第 1 行第 12 列"]),
    ('title: "\\q 不是转义"\n', "yaml-syntax", ["不存在的转义", "`\\\\`"]),
    ("title: !%zz x\n", "yaml-tag", ["标签 `!%zz`"]),
    ("id: x\n1: a\nnull: b\ntrue: c\n", "non-text-key", ["字段名 `1` 不是文字"]),
    ("id: x\nsub:\n  null: b\n", "non-text-key", ["字段名 `null` 不是文字"]),
    ("%FOO bar\n---\nid: x\n", "yaml-directive", ["`%FOO bar`"]),
], ids=["nul", "bad-escape", "bad-tag", "number-key", "null-key", "directive"])
def test_yaml_errors_name_the_right_cause_in_chinese(text: str, slug: str,
                                                     words: list[str]) -> None:
    from kefu.records.loader import ParseFailure, load_mapping

    with pytest.raises(ParseFailure) as failure:
        load_mapping(text.encode("utf-8"))
    assert failure.value.issue.slug == slug
    for word in words:
        assert word in failure.value.issue.message, failure.value.issue.message
    assert not any(w in failure.value.issue.message for w in ("unclosed", "escape", "None"))


def test_a_bad_id_says_which_format(repo: Path) -> None:
    ticket = repo / "records" / "tickets" / "2026" / "03" / f"{OPEN}.yml"
    ticket.write_text(ticket.read_text("utf-8").replace(f"id: {OPEN}", "id: T-2026-bad"),
                      "utf-8")
    done = kefu(repo, "validate", str(ticket.relative_to(repo)))
    assert "[bad-format] `id` 的格式不对（`T-2026-bad`）：应为T-收到日期-4 位小写字母或数字" \
        in done.stdout, done.stdout


def test_a_broken_staff_rules_file_is_broken_not_missing(repo: Path) -> None:
    rules = repo / "records" / "staff-rules.yml"
    rules.write_text(rules.read_text("utf-8") + "shifts: [\n", "utf-8")
    done = kefu(repo, "validate")
    assert "records/staff-rules.yml: [staff-rules-invalid]" in done.stdout, done.stdout
    assert "[yaml-syntax]" in done.stdout and "[missing-file]" not in done.stdout


@pytest.mark.parametrize(("args", "root"), [(("overdue",), False), (("validate",), True),
                                            (("report",), True), (("staff",), True)])
def test_outside_a_checkout_only_a_command_with_root_suggests_it(
        tmp_path: Path, args: tuple[str, ...], root: bool) -> None:
    done = kefu(tmp_path, *args)
    refused(done, 2, "[not-a-checkout]", "向上找不到 records/", "用 kefu init 文件夹 新建一个")
    assert ("--root" in done.stderr) == root


def test_a_terminal_that_cannot_show_chinese_is_said_to_be_one(repo: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kefu.cli", "validate"], cwd=repo,
                          capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "latin-1", "KEFU_NOW": NOW})
    err = done.stderr.decode("latin-1")
    assert done.returncode == 1 and "[terminal-encoding]" in err and "LANG=C.UTF-8" in err
    assert "bad-argument" not in err and "Traceback" not in err
