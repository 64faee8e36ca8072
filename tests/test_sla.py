"""Deadline rules from records/sla.yml and deadlines across holidays, make-up days and years."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from kefu.calendar import WorkCalendar
from kefu.cli import main
from kefu.problems import KefuError
from kefu.sla import deadline, load_rules, milestones, read_sla_file

DATA = Path(__file__).parent / "data" / "sla"
SH = dt.timezone(dt.timedelta(hours=8))
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


def _ticket(kind: str, *events: tuple[str, str]) -> dict[str, Any]:
    """An in-progress ticket of `kind` received at its first event's time."""
    log = [{"at": _at(at), "action": action} for at, action in events]
    return {"type": kind, "status": "in-progress", "received": log[0]["at"], "events": log}


def test_milestones_of_a_repair_ticket() -> None:
    ticket = _ticket(
        "repair",
        ("2026-09-29T10:00:00+08:00", "received"),
        ("2026-10-08T09:00:00+08:00", "inspected"),
        ("2026-10-09T09:00:00+08:00", "sent-to-factory"),
    )
    got = {m.rule: m for m in milestones(ticket, load_rules(REPO), WorkCalendar())}
    assert set(got) == {"repair.inspect", "repair.return"}
    assert got["repair.inspect"].due == _at("2026-10-08T17:30:00+08:00")
    assert got["repair.inspect"].met_at == _at("2026-10-09T09:00:00+08:00")
    assert got["repair.return"].start == _at("2026-10-08T09:00:00+08:00")
    assert got["repair.return"].due == _at("2026-10-16T17:30:00+08:00")  # Sat 10/10 works
    assert got["repair.return"].met_at is None


def test_doa_ship_starts_when_the_unit_arrives() -> None:
    """doa.ship counts from `unit-received` (收到不良品), not from the application."""
    rules, cal = load_rules(REPO), WorkCalendar()
    ticket = _ticket(
        "doa",
        ("2026-04-27T10:00:00+08:00", "received"),
        ("2026-04-27T16:00:00+08:00", "approved"),
    )
    # The unit is still on its way: no doa.ship deadline yet, so nothing can be overdue.
    assert [m.rule for m in milestones(ticket, rules, cal)] == ["doa.approval"]
    ticket["events"].append({"at": _at("2026-04-29T09:00:00+08:00"), "action": "unit-received"})
    got = {m.rule: m for m in milestones(ticket, rules, cal)}
    assert got["doa.ship"].start == _at("2026-04-29T09:00:00+08:00")
    assert got["doa.ship"].due == _at("2026-05-12T17:30:00+08:00")  # Labour Day, Sat 5/9 works
    assert got["doa.ship"].met_at is None
    ticket["events"].append({"at": _at("2026-05-08T11:00:00+08:00"), "action": "shipped"})
    got = {m.rule: m for m in milestones(ticket, rules, cal)}
    assert got["doa.ship"].met_at == _at("2026-05-08T11:00:00+08:00")


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


def test_cli_due_json_and_provisional_warning() -> None:
    result = CliRunner().invoke(main, ["due", "complaint.normal", "2026-12-30T10:00:00+08:00",
                                       "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data == {"rule": "complaint.normal", "title": "一般投诉答复",
                    "start": "2026-12-30T10:00:00+08:00", "due": "2027-01-04T17:30:00+08:00",
                    "provisional": True, "term": "2 个工作日"}
    assert "暂定" in result.stderr


def test_cli_due_text() -> None:
    result = CliRunner().invoke(main, ["due", "doa.approval", "2026-02-13T18:30+08:00"])
    assert result.exit_code == 0 and result.stderr == ""
    assert "截止：2026-02-14 17:30" in result.stdout


@pytest.mark.parametrize("args,slug", [
    (["due", "complaint.urgent", "2026-03-02"], "unknown-rule"),
    (["due", "complaint.normal", "2026-02-30"], "bad-date"),
    (["due", "complaint.normal", "yesterday"], "bad-date"),
    (["due", "complaint.critical", "2026-03-02"], "agreed-rule"),
    (["due", "inquiry.reply", "9999-12-31"], "date-range"),
])
def test_cli_due_errors_are_chinese_with_exit_2(args: list[str], slug: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and f"[{slug}]" in result.stderr
    assert "Traceback" not in result.output


def test_cli_calendar_month() -> None:
    result = CliRunner().invoke(main, ["calendar", "2026-10", "--json"])
    days = {d["date"]: d for d in json.loads(result.stdout)["days"]}
    assert days["2026-10-10"]["workday"] and days["2026-10-10"]["name"] == "调休上班"
    assert not days["2026-10-01"]["workday"] and days["2026-10-01"]["source"] == "official"
    provisional = CliRunner().invoke(main, ["calendar", "2027-02"])
    assert "暂定" in provisional.stderr and "2027-02-05 周五  休息  春节" in provisional.stdout


BAD_SLA = sorted(yaml.safe_load((DATA / "bad" / "expected.yml").read_text()))


@pytest.mark.parametrize("name", BAD_SLA)
def test_validate_and_due_give_the_same_verdict_on_a_bad_sla_file(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One reading of sla.yml: `kefu validate` and `kefu due` name the same place and slug."""
    repo = tmp_path / "repo"
    (repo / "records").mkdir(parents=True)
    (repo / "records" / "sla.yml").write_bytes((DATA / "bad" / name).read_bytes())
    monkeypatch.chdir(repo)
    runner = CliRunner()
    checked = runner.invoke(main, ["validate", "--format", "json"])
    assert checked.exit_code == 1
    (problem,) = [p for p in json.loads(checked.stdout)["problems"] if p["severity"] == "error"]
    due = runner.invoke(main, ["due", "inquiry.reply", "2026-03-02"])
    assert due.exit_code == 1
    where = f"records/sla.yml:{problem['line']}:{problem['col']}: [{problem['slug']}]"
    assert where in due.stderr and problem["message"] in due.stderr


def test_unquoted_close_of_business_is_read_the_same_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`close_of_business: 17:30` unquoted is the time 17:30 for validate and due alike."""
    repo = tmp_path / "repo"
    (repo / "records").mkdir(parents=True)
    text = (REPO / "records" / "sla.yml").read_text("utf-8")
    assert 'close_of_business: "17:30"' in text
    (repo / "records" / "sla.yml").write_text(
        text.replace('close_of_business: "17:30"', "close_of_business: 16:45"), "utf-8")
    monkeypatch.chdir(repo)
    runner = CliRunner()
    assert runner.invoke(main, ["validate"]).exit_code == 0
    due = runner.invoke(main, ["due", "inquiry.reply", "2026-03-02 09:00", "--json"])
    assert json.loads(due.stdout)["due"] == "2026-03-03T16:45:00+08:00"


def test_a_changed_term_applies_from_its_day_and_earlier_starts_keep_the_old_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / "records").mkdir(parents=True)
    text = (REPO / "records" / "sla.yml").read_text("utf-8")
    old = "    term: {working_days: 2}\n  complaint.serious:"
    assert old in text
    (repo / "records" / "sla.yml").write_text(text.replace(old, (
        "    term: {working_days: 4}\n    effective_from: 2026-06-01\n    earlier:\n"
        "      - term: {working_days: 2}\n  complaint.serious:")), "utf-8")
    rules = load_rules(repo)
    cal = WorkCalendar.load(REPO)
    before = deadline("complaint.normal", dt.datetime(2026, 5, 29, 10, tzinfo=SH), cal, rules)
    after = deadline("complaint.normal", dt.datetime(2026, 6, 1, 10, tzinfo=SH), cal, rules)
    assert before.due.date() == dt.date(2026, 6, 2) and before.term == "2 个工作日"  # Fri + 2
    assert after.due.date() == dt.date(2026, 6, 5) and after.term == "4 个工作日"
    ticket = _ticket("complaint", ("2026-05-29T10:00:00+08:00", "received"))
    ticket["level"] = "normal"
    (stone,) = [m for m in milestones(ticket, rules, cal) if m.rule == "complaint.normal"]
    assert stone.due is not None and stone.due.date() == dt.date(2026, 6, 2)
    monkeypatch.chdir(repo)
    printed = CliRunner().invoke(main, ["due", "complaint.normal", "2026-06-01 10:00", "--json"])
    assert json.loads(printed.stdout)["due"] == "2026-06-05T17:30:00+08:00"


def test_a_term_change_without_the_old_term_is_refused(tmp_path: Path) -> None:
    text = (REPO / "records" / "sla.yml").read_text("utf-8")
    bad = tmp_path / "sla.yml"
    bad.write_text(text.replace("    term: {working_days: 2}\n  complaint.serious:",
                                "    term: {working_days: 4}\n    effective_from: 2026-06-01\n"
                                "  complaint.serious:"), "utf-8")
    rules, problems = read_sla_file(bad)
    assert rules is None and [p.slug for p in problems] == ["bad-history"]
