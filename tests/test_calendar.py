"""Working-day calendar: official 2026 arrangement, statutory rule for 2027, calendar.yml checks."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from kefu.calendar import WorkCalendar, read_calendar_file, statutory_holidays, to_ics
from kefu.problems import KefuError

DATA = Path(__file__).parent / "data" / "calendar"
REPO = Path(__file__).parent.parent


def _load(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def test_every_2026_holiday_and_make_up_workday() -> None:
    official = _load("official-2026.yml")
    cal = WorkCalendar()
    off = {d for days in official["holidays"].values() for d in days}
    for name, days in official["holidays"].items():
        for day in days:
            info = cal.day(day)
            assert not info.workday and info.name == name and not info.provisional, info
    for day in official["workdays"]:
        assert cal.is_workday(day) and day.weekday() >= 5 and cal.day(day).name == "调休上班"
    # Every other day of 2026 follows the week.
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        if day not in off and day not in official["workdays"]:
            assert cal.is_workday(day) == (day.weekday() < 5), day
        day += dt.timedelta(days=1)


def test_2027_statutory_holidays_by_rule_are_provisional() -> None:
    expected = _load("statutory-2027.yml")
    assert sorted(statutory_holidays(2027)) == expected["statutory"]
    cal = WorkCalendar()
    for day in expected["statutory"] + expected["in_lieu"]:
        assert not cal.is_workday(day) and cal.is_provisional(day), day
    assert cal.is_workday(dt.date(2027, 1, 4)) and cal.is_provisional(dt.date(2027, 1, 4))
    assert not cal.is_provisional(dt.date(2026, 12, 31))


def test_spring_festival_starts_on_new_years_eve_in_short_years() -> None:
    # 2030: 腊月 has 29 days, 除夕 is 腊月廿九 = 2030-02-02.
    assert [d for d, n in statutory_holidays(2030).items() if n == "春节"][0] == dt.date(2030, 2, 2)


def test_override_changes_days_and_ends_provisional_year() -> None:
    cal = WorkCalendar.load(DATA.parent / "sla" / "override")
    assert (
        not cal.is_workday(dt.date(2026, 3, 10))
        and cal.day(dt.date(2026, 3, 10)).source == "override"
    )
    assert cal.is_workday(dt.date(2026, 3, 14))
    assert not cal.is_provisional(dt.date(2027, 6, 1))
    assert not cal.is_workday(dt.date(2027, 2, 5))  # statutory days stay off in an overridden year


def test_workdays_between_across_years() -> None:
    cal = WorkCalendar()
    assert cal.workdays_between(dt.date(2026, 2, 13), dt.date(2026, 2, 24)) == 2
    assert cal.workdays_between(dt.date(2026, 12, 30), dt.date(2027, 1, 4)) == 2
    assert cal.workdays_between(dt.date(2026, 3, 2), dt.date(2026, 3, 2)) == 0


def test_repository_calendar_file_is_valid() -> None:
    path = REPO / "records" / "calendar.yml"
    assert read_calendar_file(path, REPO)[2] == []


@pytest.mark.parametrize(
    "name,slug,line,col",
    [
        (name, *spec)
        for name, spec in yaml.safe_load((DATA / "bad" / "expected.yml").read_text()).items()
    ],
)
def test_bad_calendar_files(name: str, slug: str, line: int, col: int) -> None:
    _, _, problems = read_calendar_file(DATA / "bad" / name)
    assert [(p.slug, p.line, p.col) for p in problems] == [(slug, line, col)]
    assert problems[0].path.endswith(name) and problems[0].message


def test_invalid_calendar_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "calendar.yml").write_bytes(
        (DATA / "bad" / "not-a-date.yml").read_bytes()
    )
    with pytest.raises(KefuError) as err:
        WorkCalendar.load(tmp_path)
    assert "records/calendar.yml:3:5: [bad-date]" in err.value.message


def test_ics_export_lists_exceptions_to_the_plain_week() -> None:
    import icalendar

    parsed = icalendar.Calendar.from_ical(to_ics(WorkCalendar(), [2026, 2027], "客服部"))
    events = {e.decoded("dtstart"): str(e.get("summary")) for e in parsed.walk("VEVENT")}
    assert events[dt.date(2026, 2, 14)] == "上班：调休上班"
    assert events[dt.date(2026, 10, 1)] == "休息：国庆节"
    assert dt.date(2026, 10, 3) not in events  # a Saturday off is the plain week
    assert events[dt.date(2027, 2, 9)] == "休息：春节补休（暂定）"


BAD = sorted(yaml.safe_load((DATA / "bad" / "expected.yml").read_text()))


@pytest.mark.parametrize("name", BAD)
def test_validate_and_the_deadline_commands_agree_on_a_bad_calendar_file(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from kefu.cli import main

    repo = tmp_path / "repo"
    (repo / "records").mkdir(parents=True)
    shutil.copy(REPO / "records" / "sla.yml", repo / "records" / "sla.yml")
    (repo / "records" / "calendar.yml").write_bytes((DATA / "bad" / name).read_bytes())
    monkeypatch.chdir(repo)
    runner = CliRunner()
    checked = runner.invoke(main, ["validate", "--format", "json"])
    errors = [p for p in json.loads(checked.stdout)["problems"] if p["severity"] == "error"]
    assert checked.exit_code == 1 and errors
    where = {f"records/calendar.yml:{p['line']}:{p['col']}: [{p['slug']}]" for p in errors}
    for command in (["calendar", "2026-10"], ["due", "inquiry.reply", "2026-03-02"]):
        done = runner.invoke(main, command)
        assert done.exit_code == 1 and all(w in done.stderr for w in where), done.stderr


@pytest.mark.parametrize(("args", "now", "code", "shown"), [
    (["2026-10-10"], "2026-10-09T09:00", 0, "2026-10-10 周六  上班  调休上班  （国务院放假安排）"),
    (["2026-10-05"], "2026-10-09T09:00", 1, "2026-10-05 周一  休息  国庆节  （国务院放假安排）"),
    ([], "2026-11-28T09:00", 1, "2026-11-28 周六  休息  周末  （常规周历）"),
    ([], "2026-11-27T09:00", 0, "2026-11-27 周五  上班  工作日  （常规周历）"),
])
def test_is_workday_answers_by_exit_code(args: list[str], now: str, code: int, shown: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A make-up Saturday works, a holiday Monday does not; no date means today (KEFU_NOW)."""
    from click.testing import CliRunner

    from kefu.cli import main

    monkeypatch.chdir(REPO)
    monkeypatch.setenv("KEFU_NOW", now)
    done = CliRunner().invoke(main, ["calendar", "--is-workday", *args])
    assert (done.exit_code, done.stdout.strip()) == (code, shown)


def test_is_workday_follows_the_company_calendar_and_refuses_bad_dates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from kefu.cli import main

    repo = tmp_path / "repo"
    (repo / "records").mkdir(parents=True)
    shutil.copy(REPO / "records" / "sla.yml", repo / "records" / "sla.yml")
    (repo / "records" / "calendar.yml").write_text(
        "holidays: [2026-12-31]\nworkdays: [2026-12-26]\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    runner = CliRunner()
    closed = runner.invoke(main, ["calendar", "--is-workday", "2026-12-31", "--format", "json"])
    assert closed.exit_code == 1 and json.loads(closed.stdout)["source"] == "override"
    assert runner.invoke(main, ["calendar", "--is-workday", "2026-12-26"]).exit_code == 0
    bad = runner.invoke(main, ["calendar", "--is-workday", "2026-02-30"])
    assert bad.exit_code == 2 and "[bad-date]" in bad.stderr and "2026-02-30" in bad.stderr
