"""Staff records (kefu.staff): edge cases of the rosters, the commands, calendar feeds, the
monthly summary and the site pages. Small repositories under tests/data/staff/; the sample
department's quarter (records/) for the figures."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import icalendar
import pytest
import yaml
from click.testing import CliRunner
from conftest import record_repo

from kefu.cli import main
from kefu.records import load
from kefu.staff.book import StaffBook
from kefu.staff.feeds import feeds
from kefu.staff.report import parse_week
from kefu.staff.summary import summarize
from kefu.staff.terms import week_days, week_of
from kefu.workspace import Workspace

DATA = Path(__file__).parent / "data" / "staff"
SAMPLE_NOW = "2026-11-25T09:00:00+08:00"


def repo_of(case: str, tmp_path: Path) -> Path:
    return record_repo(DATA / case, tmp_path / case)


def write_whole(root: Path, kind: str, data: dict[str, object]) -> Path:
    """A staff record as one mapping (approval included), written as kefu writes it: the
    request file and a file per later step (kefu.records.split)."""
    from kefu.records.loader import load_mapping
    from kefu.records.paths import revive
    from kefu.records.split import files_of

    typed = revive(kind, load_mapping(json.dumps(data, ensure_ascii=False).encode())[0])
    texts = files_of(kind, typed)
    for rel, text in texts.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return root / next(iter(texts))


def errors(root: Path) -> list[tuple[str, str, str]]:
    """(slug, file, message) of every error, in order."""
    return [(p.slug, p.path, p.message) for p in load(root, use_cache=False).errors]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


# -- edge cases -------------------------------------------------------------------------------
def test_an_evening_shift_ends_at_midnight(tmp_path: Path) -> None:
    assert errors(repo_of("week", tmp_path)) == []  # 17:30-24:00 covers the channels to 24:00
    early = errors(repo_of("midnight", tmp_path))  # the week's own evening ends at 23:00
    assert {slug for slug, _, _ in early} == {"coverage-gap"}
    assert len(early) == 14  # 7 days x (chat, hotline); not the dealer channel, closed by then
    assert all("23:00–24:00" in message for _, _, message in early)


def test_iso_week_53_crosses_the_year(tmp_path: Path) -> None:
    root = repo_of("week53", tmp_path)
    assert errors(root) == []  # nobody serves dealers on New Year's Day: closed that day
    assert week_of(dt.date(2027, 1, 3)) == "2026-W53" == parse_week("2027-01-01", dt.date.today())
    assert week_days("2026-W53")[0] == dt.date(2026, 12, 28)
    assert (root / "records/rosters/2026/2026-W53.yml").is_file()
    code, out = invoke("roster", "2026-W53", "--root", str(root), "--format", "json")
    assert code == 0, out
    days = json.loads(out)["days"]
    assert [d["date"] for d in (days[0], days[-1])] == ["2026-12-28", "2027-01-03"]
    new_year = days[4]
    assert new_year["calendar"] == "元旦，暂定" and not new_year["workday"]
    # the dealer channel is required on Thursday Dec 31: let wangfang rest then instead of on
    # New Year's Day, and only liqiang (resting on Thursday) would serve dealers
    roster = root / "records/rosters/2026/2026-W53.yml"
    roster.write_text(roster.read_text("utf-8").replace(
        "[day, day, day, day, rest, day, day]", "[day, day, day, rest, day, day, day]"), "utf-8")
    found = errors(root)
    assert [(s, m[:14]) for s, _, m in found] == [("coverage-gap", "2026-12-31（周四）")]
    assert "代理商服务" in found[0][2]


def test_the_dealer_channel_follows_the_holidays_and_make_up_days(tmp_path: Path) -> None:
    # 2026-W41: Oct 5-7 are National Day, Saturday Oct 10 a make-up workday, Sunday Oct 11 off
    found = errors(repo_of("holiday-week", tmp_path))
    assert len(found) == 1
    slug, path, message = found[0]
    assert (slug, path) == ("coverage-gap", "records/rosters/2026/2026-W41.yml")
    assert message.startswith("2026-10-10（周六） 08:30–17:30 代理商服务")


def test_a_swap_that_creates_a_gap_is_reported_on_the_swap(tmp_path: Path) -> None:
    found = errors(repo_of("swap-gap", tmp_path))
    swap = "records/swaps/2026/03/S-20260318-cd34.yml"
    assert {(slug, path) for slug, path, _ in found} == {("coverage-gap", swap),
                                                         ("on-leave", swap)}
    assert all(message.startswith("这次调班之后") for slug, _, message in found
               if slug == "coverage-gap")


def test_leave_across_a_weekend_and_a_holiday_counts_duty_days(tmp_path: Path) -> None:
    root = repo_of("leave-span", tmp_path)
    book, _ = StaffBook.load(Workspace(root, dt.date(2026, 9, 10)))
    # Sep 30 - Oct 9: liqiang has no roster row, so the work calendar counts (Sep 30, Oct 8-9);
    # liuyang's rosters count every day but his rest day (Sunday Oct 4)
    assert book.leave_days("liqiang", dt.date(2026, 9, 30), dt.date(2026, 10, 9)) == 3
    assert book.leave_days("liuyang", dt.date(2026, 9, 30), dt.date(2026, 10, 9)) == 9
    # reported on the approval (a file in the leave's folder), where it was decided
    ((slug, path, _),) = errors(root)
    assert slug == "leave-authority"
    assert path.startswith("records/leave/2026/09/L-20260930-cd34/") and "-approved-" in path


def test_staff_records_without_their_rules_file_say_so(tmp_path: Path) -> None:
    root = repo_of("week", tmp_path)
    (root / "records" / "staff-rules.yml").unlink()
    found = load(root, use_cache=False).errors
    assert [(p.slug, p.path, p.line) for p in found] == [
        ("missing-file", "records/staff-rules.yml", 0)]
    code, out = invoke("roster", "2026-W12", "--root", str(root))
    assert code == 1 and "staff-rules.yml" in out and "Traceback" not in out


# -- kefu roster ------------------------------------------------------------------------------
def test_roster_shows_the_effective_week_by_day_and_by_person(tmp_path: Path) -> None:
    root = repo_of("swap-gap", tmp_path)
    code, out = invoke("roster", "2026-W12", "--root", str(root))
    assert code == 1  # the week has errors
    assert "2026-03-18 周三（工作日）" in out and "请假/出差：刘洋（请假）" in out
    assert "晚班 17:30–24:00：（无人）" in out  # given to liuyang, who is away that day
    assert re.search(r"刘洋\s+白\s+白\s+假", out)  # by person: leave marked on Wednesday
    assert "S-20260318-cd34：2026-03-18 晚班 陈静 → 刘洋（顶班）" in out
    assert "[coverage-gap]" in out and "[on-leave]" in out
    code, out = invoke("roster", "2026-03-18", "--root", str(root), "--format", "markdown")
    assert code == 1 and "| 日期 | 白班 | 晚班 | 请假/出差 |" in out


def test_roster_refuses_bad_and_missing_weeks(tmp_path: Path) -> None:
    root = repo_of("week", tmp_path)
    code, out = invoke("roster", "2026-W99", "--root", str(root))
    assert code == 2 and "bad-week" in out
    code, out = invoke("roster", "2026-W13", "--root", str(root))
    assert code == 1 and "kefu new roster --week 2026-W13" in out
    code, out = invoke("roster", "2026-W12", "--root", str(root))
    assert code == 0 and "没有问题。" in out


# -- calendar feeds ---------------------------------------------------------------------------
def _events(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_feeds_have_stable_uids_and_follow_swaps(tmp_path: Path) -> None:
    root = repo_of("week", tmp_path)
    ws = Workspace(root, dt.date(2026, 3, 16))
    before = feeds(StaffBook.load(ws)[0], ["2026-W12"], ws.department)
    # same records, same bytes
    assert before == feeds(StaffBook.load(ws)[0], ["2026-W12"], ws.department)
    assert set(before) == {"team.ics", "wangfang.ics", "liqiang.ics", "liuyang.ics",
                           "chenjing.ics", "zhouhui.ics"}
    text = before["team.ics"].decode()
    assert "TZID:Asia/Shanghai" in text and "BEGIN:VTIMEZONE" in text
    evening = _events(before["chenjing.ics"])["20260318-evening-chenjing@kefu-roster"]
    assert evening.decoded("dtend") == dt.datetime(2026, 3, 19, 0, 0,
                                                   tzinfo=evening.decoded("dtend").tzinfo)
    assert evening.decoded("dtstart").utcoffset() == dt.timedelta(hours=8)
    write_whole(root, "swap", {
        "id": "S-20260318-ab12", "type": "cover", "date": "2026-03-18", "shift": "evening",
        "giver": "chenjing", "taker": "liqiang", "requested": "2026-03-13T10:00:00+08:00",
        "status": "approved", "approver": "supervisor", "approved_by": "wangfang",
        "decided": "2026-03-14T09:00:00+08:00"})
    after = feeds(StaffBook.load(ws)[0], ["2026-W12"], ws.department)
    assert "20260318-evening-chenjing@kefu-roster" not in _events(after["chenjing.ics"])
    assert "20260318-evening-liqiang@kefu-roster" in _events(after["liqiang.ics"])
    team_before = _events(before["team.ics"])["20260318-evening@kefu-roster"]
    team_after = _events(after["team.ics"])["20260318-evening@kefu-roster"]  # same UID: updated
    assert str(team_before["summary"]) == "晚班：陈静、周慧"
    assert str(team_after["summary"]) == "晚班：李强、周慧"
    assert int(team_after["sequence"]) == 1 > int(team_before["sequence"])


def test_roster_ics_writes_the_feeds_safely(tmp_path: Path) -> None:
    root = repo_of("week", tmp_path)
    target = tmp_path / "feeds"
    code, out = invoke("roster", "ics", "-o", str(target), "--root", str(root),
                       "--today", "2026-03-18")
    assert code == 0, out
    assert (target / "team.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert len(list(target.glob("*.ics"))) == 6
    code, out = invoke("roster", "ics", "-o", str(root / "records"), "--root", str(root))
    assert code == 2 and "unsafe-output" in out
    (target / "team.ics").write_text("我的笔记", "utf-8")  # not kefu's: never overwritten
    code, out = invoke("roster", "ics", "-o", str(target), "--root", str(root),
                       "--today", "2026-03-18")
    assert code == 2 and "不是 kefu 生成的" in out
    assert (target / "team.ics").read_text("utf-8") == "我的笔记"


# -- kefu staff -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample(demo: Path) -> StaffBook:
    import os

    os.environ["KEFU_NOW"] = SAMPLE_NOW
    try:
        book, _ = StaffBook.load(Workspace(demo, dt.date(2026, 11, 25)))
    finally:
        del os.environ["KEFU_NOW"]
    return book


def test_monthly_summary_counts_and_proposes(sample: StaffBook) -> None:
    october = summarize(sample, dt.date(2026, 10, 1))
    people = {p.id: p for p in october.people}
    assert people["zhouhui"].punches == 6 and people["zhangmin"].leave_days == {"marriage": 5}
    assert people["zhaolei"].absent_days == 1
    assert sum(p.swaps_given for p in october.people) == sum(p.swaps_taken for p in
                                                             october.people) > 0
    # every day on duty counted once, shifts by key
    assert all(p.duty_days <= sum(p.shifts.values()) for p in october.people)
    rules = {(p.person, p.rule) for p in october.proposals}
    assert {("zhaolei", "absence"), ("zhouhui", "punch-not-filed")} <= rules
    sixth = next(p for p in october.proposals if p.rule == "punch-not-filed")
    assert sixth.accepted is not None and sixth.amount == 10  # the supervisor recorded it
    open_ones = {p.rule for p in october.open_proposals}
    assert "punch-not-filed" not in open_ones and "absence" in open_ones
    absence = next(p for p in october.proposals if p.rule == "absence")
    assert absence.command("wangfang").startswith(
        f"kefu new sanction --person zhaolei --rule absence --amount 30 --evidence "
        f"{absence.evidence[0]}")


def test_staff_command_formats(monkeypatch: pytest.MonkeyPatch, demo: Path) -> None:
    monkeypatch.setenv("KEFU_NOW", SAMPLE_NOW)
    monkeypatch.chdir(demo)
    code, out = invoke("staff", "2026-11", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["month"] == "2026-11" and data["shifts"] == {"day": "白班", "evening": "晚班"}
    late = [p for p in data["proposals"] if p["person"] == "liuyang"]
    assert late and late[0]["rule"] == "punch-not-filed" and "才申请补卡" in late[0]["reason"]
    code, out = invoke("staff", "2026-10")
    assert code == 0 and "建议处罚" in out and "kefu new sanction --person zhaolei" in out
    code, out = invoke("staff", "2026-13")
    assert code == 2 and "YYYY-MM" in out


def test_a_covered_swap_is_not_the_fine_for_leaving_the_post(tmp_path: Path) -> None:
    # seed 000 fines 20 yuan only for 私自离岗未做好调班: a swap approved late, or made without
    # approval, still had a colleague on the shift; the late 补卡 beside them is still proposed
    root = record_repo(DATA / "swap-fines", tmp_path / "repo")
    book, _ = StaffBook.load(Workspace(root, dt.date(2026, 3, 25)))
    march = summarize(book, dt.date(2026, 3, 1))
    assert [(p.person, p.rule, p.amount) for p in march.proposals] == [
        ("liuyang", "punch-not-filed", 10)]
    assert book.rules is not None
    assert book.rules.ledger[book.rules.swaps.penalty].title == "私自离岗未做好调班"


def test_one_day_ahead_is_one_calendar_day(tmp_path: Path) -> None:
    # 一般事假需提前一天申请: Monday's leave filed on Sunday is in time, Friday's filed that
    # morning is not (a working-day count would have wanted Monday's by the Friday before)
    found = errors(record_repo(DATA / "swap-fines", tmp_path / "repo"))
    late = [(path, message) for slug, path, message in found if slug == "leave-late"]
    assert [path for path, _ in late] == ["records/leave/2026/03/L-20260320-day0.yml"]
    assert "至少提前 1 天（2026-03-19 当天或之前）" in late[0][1]
    # how to put it right is said in commands, not in fields of a file no one edits any more
    assert "kefu new leave … --by-phone 是" in late[0][1] and "kefu new absence" in late[0][1]
    assert "status:" not in late[0][1] and "by_phone:" not in late[0][1]


def test_a_swap_still_pending_after_its_shift_is_a_warning(tmp_path: Path) -> None:
    # a cover agreed by phone before the shift is filed afterwards, then approved with --at
    case = Path(__file__).parent / "data" / "records" / "invalid" / "staff-swap-unapproved"
    found = [p for p in load(record_repo(case, tmp_path / "repo"), use_cache=False).problems
             if p.path == "records/swaps/2026/03/S-20260319-cd34.yml"
             and p.slug == "swap-unapproved"]
    assert [p.severity.value for p in found] == ["warning"]
    assert "kefu approve S-20260319-cd34 --at 同意时间" in found[0].message


def test_an_approval_after_the_shift_began_says_how_to_date_a_phone_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = Path(__file__).parent / "data" / "records" / "invalid" / "staff-swap-unapproved"
    root = record_repo(case, tmp_path / "repo")
    monkeypatch.chdir(root)
    monkeypatch.setenv("KEFU_USER", "wangfang")
    monkeypatch.setenv("KEFU_NOW", "2026-03-20T12:00:00+08:00")  # the day after its shift
    code, out = invoke("approve", "S-20260319-cd34")
    assert code == 1 and "[swap-after-the-fact]" in out
    assert "登记批准时用 --at 写明同意的时间（kefu approve S-20260319-cd34 --at 同意时间）" in out


def test_a_day_off_agreed_by_phone_is_filed_and_approved_after_it_began(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # liqiang is on Wednesday's day shift of a week under way; he phoned at 07:30 (事假, a
    # family matter), the supervisor agreed, the written leave comes that evening
    # (docs/rules/leave-trips.md): late for 事假's day of notice, filed by phone
    root = repo_of("week", tmp_path)
    monkeypatch.setenv("KEFU_NOW", "2026-03-18T18:00:00+08:00")
    code, out = invoke("new", "leave", "--person", "liqiang", "--type", "personal", "--start",
                       "2026-03-18", "--by-phone", "是", "--root", str(root))
    assert code == 0, out  # pending: its approval, still to come, says when the call was
    leave = Path(out.strip().splitlines()[0]).stem
    monkeypatch.chdir(root)
    monkeypatch.setenv("KEFU_USER", "wangfang")
    code, out = invoke("approve", leave, "--at", "2026-03-18 07:40")
    assert code == 0, out
    problems = load(root, use_cache=False).problems
    on_leave = [p for p in problems if p.slug == "on-leave"]
    assert [p.severity.value for p in on_leave] == ["warning"]  # the roster could not change
    assert not [p for p in problems if p.severity.value == "error"]


def test_a_late_punch_is_refused_by_command_not_approved(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo_of("week", tmp_path)
    monkeypatch.setenv("KEFU_NOW", "2026-03-23T10:00:00+08:00")
    monkeypatch.setenv("KEFU_USER", "wangfang")
    base = ["--root", str(root)]
    code, out = invoke("new", "punch", "--person", "liuyang", "--missed", "2026-03-18",
                       "--which", "in", *base)  # five days later: past the three days
    assert code == 0, out
    punch = Path(out.strip().splitlines()[0]).stem
    monkeypatch.chdir(root)  # approve and refuse work in the checkout they are run in
    code, out = invoke("approve", punch)
    assert code == 1 and "[punch-late]" in out
    assert f"不要登记批准，改用 kefu refuse {punch} --reason 逾期申请" in out
    assert "status:" not in out
    code, out = invoke("refuse", punch, "--reason", "逾期申请")
    assert code == 0, out


@pytest.mark.parametrize(("typed", "code", "by_phone"), [
    ("是", 0, True), ("否", 0, None), ("yes", 0, True), ("也许", 2, None)])
def test_a_yes_or_no_option_is_typed_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                typed: str, code: int,
                                                by_phone: bool | None) -> None:
    root = repo_of("week", tmp_path)
    monkeypatch.setenv("KEFU_NOW", "2026-03-19T10:00:00+08:00")
    done, out = invoke("new", "leave", "--person", "liqiang", "--type", "sick", "--start",
                       "2026-03-19", "--by-phone", typed, "--root", str(root))
    assert done == code, out
    if code:
        assert "写 是 或 否" in out
        return
    text = Path(out.strip().splitlines()[0]).read_text("utf-8")
    assert ("by_phone: true" in text) is bool(by_phone)


# -- kefu new ---------------------------------------------------------------------------------
def test_new_records_of_every_staff_kind_are_valid(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo_of("week", tmp_path)
    monkeypatch.setenv("KEFU_NOW", "2026-03-19T10:00:00+08:00")
    base = ["--root", str(root)]
    made = {}
    for kind, args in {
        "roster": ["--week", "2026-W13", "--prepared-by", "wangfang"],
        "swap": ["--date", "2026-03-21", "--shift", "evening", "--giver", "zhouhui",
                 "--taker", "liuyang"],
        "leave": ["--person", "liqiang", "--type", "annual", "--start", "2026-03-30"],
        "trip": ["--person", "liqiang", "--destination", "成都", "--purpose", "走访代理商",
                 "--start", "2026-04-06"],
        "punch": ["--person", "liuyang", "--missed", "2026-03-18", "--which", "in"],
        "handover": ["--date", "2026-03-19", "--shift", "day", "--outgoing", "liuyang",
                     "--incoming", "chenjing"],
        "loan": ["--archive", "热线来电登记（3 月）", "--category", "ordinary", "--purpose", "统计",
                 "--borrower", "刘洋", "--handler", "wangfang"],
        "sanction": ["--person", "liuyang", "--rule", "rude-service", "--amount", "5",
                     "--reason", "服务态度被投诉属实", "--recorded-by", "wangfang"],
    }.items():
        code, out = invoke("new", kind, *args, *base)
        assert code == 0, (kind, out)
        made[kind] = Path(out.strip())
    assert made["roster"] == root / "records/rosters/2026/2026-W13.yml"
    assert "days: [rest, day, day, day, day, day, day]" in made["roster"].read_text("utf-8")
    assert made["handover"].name == "H-20260319-day.yml"
    assert load(root, use_cache=False).errors == []
    assert "status" not in made["leave"].read_text("utf-8")  # pending: decided later
    code, out = invoke("new", "leave", "--person", "liqiang", "--type", "婚假", "--start",
                       "2026-03-30", "--status", "approved", *base)
    assert code == 2 and "--status" in out  # a decision is `kefu approve`, not part of a request


def _covered_monday(tmp_path: Path) -> Path:
    """The week case with liuyang's approved leave on Monday of 2026-W13, liqiang covering."""
    root = repo_of("week", tmp_path)
    write_whole(root, "leave", {
        "id": "L-20260323-ab12", "person": "liuyang", "type": "annual", "start": "2026-03-23",
        "end": "2026-03-23", "cover": "liqiang", "applied": "2026-03-16T09:00:00+08:00",
        "status": "approved", "approver": "supervisor", "approved_by": "wangfang",
        "decided": "2026-03-16T10:00:00+08:00"})
    return root


def test_next_weeks_roster_keeps_a_rest_day_for_whoever_covers_a_leave(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # liqiang rests on Mondays (2026-W12); he covers liuyang's approved leave on Monday of
    # W13: the copied week gives him another rest day instead of refusing itself (no-rest-day)
    root = _covered_monday(tmp_path)
    monkeypatch.setenv("KEFU_NOW", "2026-03-19T10:00:00+08:00")
    code, out = invoke("new", "roster", "--week", "2026-W13", "--prepared-by", "wangfang",
                       "--root", str(root))
    assert code == 0, out
    rows = {r["person"]: r["days"] for r in yaml.safe_load(
        Path(out.strip().splitlines()[0]).read_text("utf-8"))["staff"]}
    assert rows["liqiang"][0] == "rest"  # his Monday stays free for the cover
    assert rows["liqiang"][1:].count("rest") == 1  # and one more day is his rest
    assert rows["liuyang"] == ["day", "day", "rest", "day", "day", "day", "day"]  # copied
    assert load(root, use_cache=False).errors == []


def test_a_broken_row_of_last_weeks_roster_is_refused_not_a_crash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _covered_monday(tmp_path)
    last = root / "records" / "rosters" / "2026" / "2026-W12.yml"
    last.write_text(last.read_text("utf-8") + "  - person: zhouhui\n    days: 天天上班\n", "utf-8")
    monkeypatch.setenv("KEFU_NOW", "2026-03-19T10:00:00+08:00")
    result = CliRunner().invoke(main, ["new", "roster", "--week", "2026-W13", "--prepared-by",
                                       "wangfang", "--root", str(root)])
    assert result.exit_code == 1, result.output  # refused with the roster's problem, no crash
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and not (
        root / "records" / "rosters" / "2026" / "2026-W13.yml").exists()


def test_a_shift_is_named_by_its_key_or_its_title(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo_of("week", tmp_path)
    monkeypatch.setenv("KEFU_NOW", "2026-03-19T10:00:00+08:00")
    base = ["--root", str(root)]
    code, out = invoke("new", "swap", "--date", "2026-03-21", "--shift", "晚班", "--giver",
                       "zhouhui", "--taker", "liuyang", *base)
    assert code == 0, out
    assert "shift: evening\n" in Path(out.strip().splitlines()[0]).read_text("utf-8")
    code, out = invoke("new", "handover", "--date", "2026-03-19", "--shift", "白班",
                       "--outgoing", "liuyang", "--incoming", "chenjing", *base)
    assert code == 0, out
    assert Path(out.strip().splitlines()[0]).name == "H-20260319-day.yml"
    code, out = invoke("new", "handover", "--date", "2026-03-19", "--shift", "早班",
                       "--outgoing", "liuyang", "--incoming", "chenjing", *base)
    assert code == 1 and "早班" in out  # no such shift: refused, nothing written


@pytest.mark.parametrize(("typed", "rule", "said"), [
    ("rude-service", "rude-service", ""),
    ("因服务态度被顾客投诉", "rude-service", ""),  # the entry's title
    ("服务态度", "rude-service", ""),  # a part of one title only
    ("迟到", None, "奖惩表中没有「迟到」这一条"),
    ("业绩第一", None, "「业绩第一」对应奖惩表中不止一条：award-first（当月业绩第一名）"),
])
def test_a_sanctions_rule_is_named_by_its_key_or_its_title(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typed: str, rule: str | None,
        said: str) -> None:
    root = repo_of("week", tmp_path)
    monkeypatch.setenv("KEFU_NOW", "2026-03-19T10:00:00+08:00")
    code, out = invoke("new", "sanction", "--person", "liuyang", "--rule", typed,
                       "--amount", "5", "--reason", "服务态度被投诉属实",
                       "--recorded-by", "wangfang", "--root", str(root))
    if rule is None:
        assert code == 2 and "[unknown-rule]" in out and said in out, out
        assert not (root / "records" / "sanctions").exists()
        return
    assert code == 0, out
    assert f"rule: {rule}\n" in Path(out.strip().splitlines()[0]).read_text("utf-8")


# -- site pages -------------------------------------------------------------------------------
def test_site_pages_name_people_but_no_personal_field(tmp_path: Path, demo: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from kefu.records import personal_values
    from kefu.staff.pages import write_site_pages

    monkeypatch.setenv("KEFU_NOW", SAMPLE_NOW)
    write_site_pages(Workspace(demo, dt.date(2026, 11, 25)), tmp_path)
    pages = {name: (tmp_path / "staff" / name).read_text("utf-8")
             for name in ("roster.md", "away.md", "handovers.md", "loans.md")}
    assert "## 本周：2026-W48（2026-11-23 至 2026-11-29）" in pages["roster.md"]
    assert "## 下周：2026-W49" in pages["roster.md"]
    assert "[全体值班](calendars/team.ics)" in pages["roster.md"]
    assert (tmp_path / "staff" / "calendars" / "zhouhui.ics").is_file()
    assert "| 赵磊 | 出差 | 2026-11-26 | 2026-11-27 |" in pages["away.md"]
    assert "| 陈静 | 请假 | 2026-12-01 | 2026-12-02 |" in pages["away.md"]
    assert "年假" not in pages["away.md"]  # the kind of leave is not shown, nor the reason
    assert "`M-20261124-9`" in pages["handovers.md"]
    assert "**超期 5 天**" in pages["loans.md"]
    secrets = personal_values(load(demo, use_cache=False))
    assert {"家中有事", "本人婚礼"} <= secrets
    leaked = [(name, s) for name, text in pages.items() for s in secrets if s in text]
    assert leaked == []


def test_loans_page_hides_the_name_of_a_confidential_archive(tmp_path: Path) -> None:
    from kefu.staff.pages import loans_page

    root = repo_of("week", tmp_path)
    write_whole(root, "loan", {
        "id": "A-20260316-ab12", "archive": "年度返利协议", "category": "confidential",
        "purpose": "对账", "borrower": "刘洋", "handler": "wangfang", "out": "2026-03-16",
        "due": "2026-03-18", "approver": "general-manager",
        "approved": "2026-03-16T09:00:00+08:00"})
    book, _ = StaffBook.load(Workspace(root, dt.date(2026, 3, 20)))
    page = loans_page(book, 0)
    assert "（秘密档案，名称不公开）" in page and "年度返利协议" not in page
    assert "**超期 2 天**" in page


def test_pages_of_a_repository_without_staff_records_still_build(tmp_path: Path) -> None:
    from kefu.staff.pages import write_site_pages

    root = record_repo(Path(__file__).parent / "data" / "records" / "valid" / "minimal",
                       tmp_path / "repo")
    write_site_pages(Workspace(root), tmp_path / "out")
    assert "暂时无法生成本页" in (tmp_path / "out" / "staff" / "roster.md").read_text("utf-8")
