"""Limits on every YAML path: records, sla.yml, calendar.yml. Each reproducer runs as a command
in a subprocess with a timeout, so a regression fails here instead of stalling CI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, record_repo

CASES = Path(__file__).parent / "data" / "records"
TICKET = "records/tickets/2026/03/T-20260315-k7m2.yml"


def nested_aliases(levels: int = 10, width: int = 9) -> str:
    """levels of `width` aliases each: 9^10 nodes once expanded."""
    lines = ["a0: &a0 [x]"]
    for level in range(1, levels + 1):
        refs = ", ".join(f"*a{level - 1}" for _ in range(width))
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = record_repo(CASES / "valid" / "minimal", tmp_path / "repo")
    shutil.copy(ROOT / "records" / "calendar.yml", root / "records" / "calendar.yml")
    return root


def kefu(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kefu.cli", *args], cwd=repo,
                          capture_output=True, text=True, timeout=20)


def test_a_duplicate_key_beside_nested_aliases_is_reported_at_once(repo: Path) -> None:
    ticket = repo / TICKET
    text = ticket.read_text("utf-8").replace("owner: wangfang", "owner: wangfang\nowner: x")
    ticket.write_text(text + "extra: \n" + "".join("  " + ln + "\n" for ln in
                                                   nested_aliases().splitlines()), "utf-8")
    done = kefu(repo, "validate", "--no-cache")
    assert done.returncode == 1 and "[duplicate-key]" in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("command", [["due", "inquiry.reply", "2026-03-02"],
                                     ["calendar", "2026-10"], ["overdue"], ["validate"]])
def test_an_alias_bomb_in_calendar_yml_is_refused_by_every_command(
        repo: Path, command: list[str]) -> None:
    (repo / "records" / "calendar.yml").write_text(nested_aliases(), "utf-8")
    done = kefu(repo, *command)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "records/calendar.yml" in done.stdout + done.stderr
    assert "alias" in (done.stdout + done.stderr) or "别名" in (done.stdout + done.stderr)


def test_a_huge_sla_yml_is_refused_before_it_is_read(repo: Path) -> None:
    rules = repo / "records" / "sla.yml"
    rules.write_text(rules.read_text("utf-8") + "#" + "x" * (50 * 1024 * 1024) + "\n", "utf-8")
    done = kefu(repo, "due", "inquiry.reply", "2026-03-02")
    assert done.returncode == 1 and "[file-too-large]" in done.stderr, done.stderr


def test_a_python_tag_in_calendar_yml_is_refused_not_constructed(repo: Path) -> None:
    (repo / "records" / "calendar.yml").write_text(
        "holidays:\n  - !!python/object/apply:os.system ['touch pwned']\n", "utf-8")
    for command in (["calendar", "2026-10"], ["validate"]):
        done = kefu(repo, *command)
        assert done.returncode == 1 and "[yaml-tag]" in done.stdout + done.stderr
    assert not (repo / "pwned").exists()


def test_a_huge_value_is_not_echoed_whole(repo: Path) -> None:
    ticket = repo / TICKET
    big = "[" + ", ".join(["[1]"] * 20_000) + "]"
    ticket.write_text(ticket.read_text("utf-8").replace("product: ", f"product: {big}\nx: "),
                      "utf-8")
    done = kefu(repo, "validate", "--no-cache")
    assert done.returncode == 1
    assert max(len(line) for line in done.stdout.splitlines()) < 600


def test_a_bad_record_does_not_stop_the_others(repo: Path) -> None:
    """A year typo in one ticket: overdue and the tracker name it and go on."""
    old = repo / "records" / "tickets" / "1850" / "01" / "T-18500101-ab12.yml"
    old.parent.mkdir(parents=True)
    shutil.copy(CASES / "invalid" / "year-typo" / "records/tickets/1850/01/T-18500101-ab12.yml",
                old)
    done = kefu(repo, "overdue", "--today", "2026-03-20")
    assert done.returncode == 0 and "1 个记录文件有错误" in done.stderr, done.stderr
