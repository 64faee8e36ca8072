"""Deadline rules from records/sla.yml and deadlines across holidays, make-up days and years."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from kefu.calendar import WorkCalendar
from kefu.problems import KefuError
from kefu.sla import deadline, load_rules, milestones, read_sla_file

DATA = Path(__file__).parent / "data" / "sla"
REPO = Path(__file__).parent.parent
CASES = yaml.safe_load((DATA / "cases.yml").read_text(encoding="utf-8"))
CONTRACT_IDS = {
    "complaint.normal": 2,
    "complaint.serious": 7,
    "complaint.critical": None,
    "complaint.dept-feedback": 1,
    "repair.inspect": 2,
    "repair.return": 7,
    "doa.approval": 1,
    "doa.ship": 7,
    "inquiry.reply": 1,
    "callback.new-dealer": 1,
}


def _root_for(case: dict[str, Any], name: str) -> Path:
    if "root" in case and (DATA / case["root"] / "records" / name).exists():
        return DATA / case["root"]
    return REPO


@pytest.mark.parametrize("case", CASES, ids=[f"{c['rule']}@{c['start']}" for c in CASES])
def test_deadline_cases(case: dict[str, Any]) -> None:
    cal = WorkCalendar.load(_root_for(case, "calendar.yml"))
    rules = load_rules(_root_for(case, "sla.yml"))
    result = deadline(case["rule"], dt.datetime.fromisoformat(case["start"]), cal, rules)
    assert result.due.isoformat() == case["due"], case["why"]
    assert result.provisional is case["provisional"], case["why"]


def test_rule_ids_and_terms_are_the_contract() -> None:
    rules = load_rules(REPO)
    assert {rid: r.working_days for rid, r in rules.items()} == CONTRACT_IDS
    assert rules["complaint.critical"].agreed
    assert rules.close_of_business == dt.time(17, 30)
    assert all(r.title and r.seed for r in rules.values())


def test_unknown_and_agreed_rules_are_user_errors() -> None:
    with pytest.raises(KefuError) as err:
        deadline("complaint.urgent", dt.date(2026, 3, 2), REPO)
    assert err.value.exit_code == 2 and "complaint.normal" in err.value.message
    with pytest.raises(KefuError) as err:
        deadline("complaint.critical", dt.date(2026, 3, 2), REPO)
    assert "agreed_due" in err.value.message


@pytest.mark.parametrize(
    "name,slug,line,col",
    [
        (name, *spec)
        for name, spec in yaml.safe_load((DATA / "bad" / "expected.yml").read_text()).items()
    ],
)
def test_bad_sla_files(name: str, slug: str, line: int, col: int) -> None:
    rules, problems = read_sla_file(DATA / "bad" / name)
    assert rules is None
    assert [(p.slug, p.line, p.col) for p in problems] == [(slug, line, col)]


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_milestones_of_a_repair_ticket() -> None:
    ticket = {
        "type": "repair",
        "status": "in-progress",
        "received": _at("2026-09-29T10:00:00+08:00"),
        "events": [
            {"at": _at("2026-09-29T10:00:00+08:00"), "action": "received"},
            {"at": _at("2026-10-08T09:00:00+08:00"), "action": "inspected"},
            {"at": _at("2026-10-09T09:00:00+08:00"), "action": "sent-to-factory"},
        ],
    }
    got = {m.rule: m for m in milestones(ticket, load_rules(REPO), WorkCalendar())}
    assert set(got) == {"repair.inspect", "repair.return"}
    assert got["repair.inspect"].due == _at("2026-10-08T17:30:00+08:00")
    assert got["repair.inspect"].met_at == _at("2026-10-09T09:00:00+08:00")
    assert got["repair.return"].start == _at("2026-10-08T09:00:00+08:00")
    assert got["repair.return"].due == _at("2026-10-16T17:30:00+08:00")  # Sat 10/10 works
    assert got["repair.return"].met_at is None


def test_milestones_of_complaints_by_level() -> None:
    rules, cal = load_rules(REPO), WorkCalendar()
    base = {"type": "complaint", "status": "open", "received": _at("2026-03-02T10:00:00+08:00")}
    assert [m.rule for m in milestones({**base, "level": "serious"}, rules, cal)] == [
        "complaint.serious"
    ]
    critical = milestones(
        {**base, "level": "critical", "agreed_due": _at("2026-04-01T12:00:00+08:00")}, rules, cal
    )
    assert [(m.rule, m.due) for m in critical] == [
        ("complaint.critical", _at("2026-04-01T12:00:00+08:00"))
    ]
    escalated = {
        **base,
        "level": "normal",
        "events": [
            {"at": _at("2026-03-02T11:00:00+08:00"), "action": "escalated"},
            {"at": _at("2026-03-02T15:00:00+08:00"), "action": "replied"},
        ],
    }
    got = {m.rule: m for m in milestones(escalated, rules, cal)}
    assert got["complaint.normal"].met_at == _at("2026-03-02T15:00:00+08:00")
    assert got["complaint.dept-feedback"].due == _at("2026-03-03T17:30:00+08:00")
    assert got["complaint.dept-feedback"].met_at is None
