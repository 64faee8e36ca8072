"""Bad-input and good-input cases as data: tests/data/records/{invalid,valid}/<case>/ are repos."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import record_repo

from kefu.output import render
from kefu.records import load
from kefu.records.validate import validate

DATA = Path(__file__).parent / "data" / "records"
INVALID = sorted(p for p in (DATA / "invalid").iterdir() if p.is_dir())
VALID = sorted(p for p in (DATA / "valid").iterdir() if p.is_dir())


def _errors(case: Path, tmp_path: Path) -> set[tuple[str, str, int]]:
    result = load(record_repo(case, tmp_path / "repo"), use_cache=False)
    return {(p.slug, p.path, p.line) for p in result.errors}


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case_reports_exactly_the_expected_errors(case: Path, tmp_path: Path) -> None:
    expected = yaml.safe_load((case / "expected.yml").read_text("utf-8"))["problems"]
    want = {(e["slug"], e["file"], e["line"]) for e in expected}
    assert _errors(case, tmp_path) == want


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_case_has_no_errors(case: Path, tmp_path: Path) -> None:
    assert _errors(case, tmp_path) == set()


def test_every_required_bad_input_has_a_case() -> None:
    slugs = {e["slug"] for case in INVALID
             for e in yaml.safe_load((case / "expected.yml").read_text("utf-8"))["problems"]}
    required = {"yaml-syntax", "duplicate-key", "unknown-field", "wrong-type", "impossible-date",
                "impossible-time", "bad-enum", "duplicate-id", "unknown-person", "unknown-dealer",
                "not-utf8", "file-too-large", "alias-bomb", "wrong-folder",
                "critical-needs-agreed-due"}
    assert required <= slugs


def test_every_staff_check_has_a_case() -> None:
    """Issue 8's checks: each has an invalid case whose expected.yml names file and line."""
    slugs = {e["slug"] for case in INVALID
             for e in yaml.safe_load((case / "expected.yml").read_text("utf-8"))["problems"]}
    required = {
        "coverage-gap", "no-rest-day", "on-leave", "shift-overlap", "unknown-person",
        "swap-unapproved", "swap-after-the-fact", "swap-approver", "swap-not-rostered",
        "meal-too-long", "meal-gap", "leave-authority", "leave-late", "leave-by-proxy",
        "punch-late", "punch-over-limit", "handover-dropped-matter", "handover-blocked",
        "loan-confidential", "loan-personal-file", "trip-unapproved", "trip-late",
        "approver-not-supervisor", "unknown-shift", "inactive-person", "leave-not-approved",
        "handover-unsigned", "not-beijing-time", "matter-closed", "sanction-amount",
        "unknown-rule", "unknown-evidence", "appeal-late", "staff-rules-invalid", "bad-week",
    }
    assert required <= slugs, sorted(required - slugs)


def test_messages_are_chinese_and_name_place_and_fix(tmp_path: Path) -> None:
    result = validate(record_repo(DATA / "invalid" / "unknown-enum", tmp_path / "r"),
                      use_cache=False)
    output = render(result, "text")
    assert result.failed
    line = output.splitlines()[0]
    assert line.startswith("records/tickets/2026/03/T-20260315-k7m2.yml:12:8: [bad-enum] ")
    # the allowed values, as the fix, each with its Chinese label
    assert "normal（一般）、serious（严重）、critical（特别严重）" in line


def test_no_schema_line_is_only_a_warning(tmp_path: Path) -> None:
    result = load(record_repo(DATA / "valid" / "no-schema-line", tmp_path / "r"),
                  use_cache=False)
    assert [p.slug for p in result.problems] == ["missing-schema-line"]
    assert result.errors == []
