"""The supervisor's desk (issue 21): staff records as a request and one file per decision,
`kefu pending`, `kefu approve` / `refuse` / `return` / `appeal`, who may decide, decisions past
due, leave covered in the roster. On copies of the sample department, as of its day."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kefu.cli import main
from kefu.records import load
from kefu.records.corpus import record

NOW = "2026-11-25T09:00:00+08:00"


@pytest.fixture
def desk(demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(demo_copy)
    monkeypatch.setenv("KEFU_NOW", NOW)
    monkeypatch.setenv("KEFU_USER", "wangfang")
    return demo_copy


def kefu(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def pending(*args: str) -> list[dict[str, Any]]:
    code, out = kefu("pending", "--format", "json", *args)
    assert code in (0, 1), out
    items: list[dict[str, Any]] = json.loads(out)["items"]
    return items


def waiting(kind: str) -> str:
    """The id of the sample's request of `kind` that awaits a decision."""
    return next(i["id"] for i in pending() if i["kind"] == kind)


def changes_of(root: Path, kind: str, record_id: str) -> list[Path]:
    from kefu.records.kinds import KINDS

    folder = root / (KINDS[kind].changes_folder(record_id) or "")
    return sorted(folder.glob("*.yml")) if folder.is_dir() else []


def folded(root: Path, kind: str, record_id: str) -> dict[str, Any]:
    data = record(root, kind, record_id)
    assert data is not None, record_id
    return data


# -- the layout -----------------------------------------------------------------------------------
def test_split_gives_back_every_sample_record(demo: Path) -> None:
    """`kefu migrate` relies on it: a whole record split into its request file and change
    files folds back to exactly that record, for every staff record of the sample."""
    from kefu.calendar import WorkCalendar
    from kefu.demo import quarter, tickets
    from kefu.records.fold import Member, fold
    from kefu.records.kinds import KINDS

    staff = quarter.sample(WorkCalendar.load(demo), [str(t["id"]) for t in tickets.tickets(102)])
    decided = 0
    for kind_name, items in staff.items():
        kind = KINDS[kind_name]
        if kind.changes is None or kind.changes.split is None:
            continue
        assert kind.model is not None
        for data in items:
            whole = kind.model.model_validate(data).model_dump(exclude_none=True)
            own, later = kind.changes.split(copy.deepcopy(whole))
            assert not set(own) & set(kind.changes.state) - {"status"}, own
            members = [Member(f"c{i}", kind.changes.model.model_validate(c).model_dump(
                exclude_none=True)) for i, c in enumerate(later)]
            back = fold(kind, Member("r", kind.model.model_validate(own).model_dump(
                exclude_none=True)), members, lambda _: "")
            assert back.data == whole, (kind_name, whole["id"])
            decided += bool(later)
    assert decided > 40  # the quarter's approvals, returns and appeals are change files


def test_the_request_file_holds_what_the_applicant_wrote(desk: Path) -> None:
    leave = waiting("leave")
    path = next(desk.glob(f"records/leave/*/*/{leave}.yml"))
    text = path.read_text("utf-8")
    assert "status" not in text and "approver" not in text
    assert folded(desk, "leave", leave)["status"] == "pending"  # derived, never written
    code, out = kefu("approve", leave)
    assert code == 0, out
    assert path.read_text("utf-8") == text  # written once
    (change,) = changes_of(desk, "leave", leave)
    assert change.name.startswith("20261125-090000-approved-")
    assert change.read_text("utf-8").split("\n", 1)[1] == (
        f"record: {leave}\nat: 2026-11-25T09:00:00+08:00\nby: wangfang\naction: approved\n"
        "approver: supervisor\n")
    data = folded(desk, "leave", leave)
    assert (data["status"], data["approver"], data["approved_by"]) == (
        "approved", "supervisor", "wangfang")


# -- kefu pending ---------------------------------------------------------------------------------
def test_pending_lists_what_awaits_whom_oldest_first(desk: Path) -> None:
    items = pending()
    assert [i["kind"] for i in items] == ["sanction", "leave", "punch", "trip"]
    assert [i["since"] for i in items] == sorted(i["since"] for i in items)
    by_kind = {i["kind"]: i for i in items}
    assert by_kind["punch"]["due"] == "2026-11-27T00:00:00+08:00"  # 3 days, the missed day too
    assert by_kind["leave"]["due"] == "2026-12-03T00:00:00+08:00"  # before its first day
    assert by_kind["trip"]["step"] == "reviewed" and by_kind["trip"]["who"] == "客服主管（王芳）"
    assert by_kind["sanction"]["due"] is None  # the rules set no term for an appeal
    assert not any(i["overdue"] for i in items)
    assert [i["kind"] for i in pending("--for", "王芳")] == [i["kind"] for i in items]
    assert pending("--for", "zhaolei") == []  # the 补卡 is his own: not his to decide
    code, out = kefu("pending", "--today", "2026-11-26")
    assert code == 0 and "[快到期] 补卡" in out and "[超期]" not in out
    code, out = kefu("pending", "--today", "2026-12-05")
    assert code == 1 and "[超期] 补卡" in out and "[超期] 请假" in out
    assert "2026-11-26 24:00" in out  # the end of the day, as people say it


def test_pending_says_no_personal_value(desk: Path) -> None:
    from kefu.records import personal_values

    code, out = kefu("pending", "--format", "markdown")
    assert code == 0, out
    values = personal_values(load(desk))
    assert values and not [v for v in values if v in out]
    assert "家里装修验收" not in out and "事假" not in out  # the reason, the kind of leave


# -- kefu approve, refuse -------------------------------------------------------------------------
def test_who_may_not_decide_is_told_who_may(desk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    punch = waiting("punch")
    monkeypatch.setenv("KEFU_USER", "zhaolei")  # his own 补卡
    code, out = kefu("approve", punch)
    assert code == 1 and "[own-request]" in out and "客服主管（王芳）" in out
    monkeypatch.setenv("KEFU_USER", "陈静")
    code, out = kefu("approve", punch)
    assert code == 1 and "陈静（chenjing）无权审批" in out
    assert "须由客服主管（王芳）或总经办审批" in out
    monkeypatch.delenv("KEFU_USER")
    code, out = kefu("approve", punch)
    assert code == 2 and "KEFU_USER" in out
    monkeypatch.setenv("KEFU_USER", "nobody-here")
    code, out = kefu("approve", punch)
    assert code != 0 and "nobody-here" in out
    assert changes_of(desk, "punch", punch) == []
    monkeypatch.setenv("KEFU_USER", "wangfang")
    code, out = kefu("refuse", punch)
    assert code == 2 and "--reason" in out
    code, out = kefu("refuse", punch, "--reason", "  ")
    assert code == 2 and "理由" in out
    code, out = kefu("refuse", punch, "--reason", "已超过每月 5 次")
    assert code == 0, out
    data = folded(desk, "punch", punch)
    assert data["status"] == "refused" and data["approved_by"] == "wangfang"
    assert "reason: 已超过每月 5 次" in changes_of(desk, "punch", punch)[0].read_text("utf-8")
    code, out = kefu("approve", punch)
    assert code == 1 and "不等待审批" in out  # decided once


def test_approving_a_leave_with_a_cover_gives_her_the_shifts(desk: Path) -> None:
    """The roster stays valid: no swap per shift, no edit of the roster (issue 21 point 2)."""
    leave = waiting("leave")
    asked = folded(desk, "leave", leave)
    day, person, cover = asked["start"], asked["person"], asked["cover"]
    roster = desk / "records" / "rosters" / "2026" / "2026-W49.yml"
    before = roster.read_bytes()
    code, out = kefu("approve", leave)
    assert code == 0, out
    assert roster.read_bytes() == before and load(desk).errors == []
    code, out = kefu("roster", "2026-W49", "--format", "json")
    assert code == 0, out
    week = json.loads(out)
    that = next(d for d in week["days"] if d["date"] == day.isoformat())
    names = {p["id"]: p["name"] for p in week["people"]}
    on_duty = [n for s in that["shifts"] for n in s["people"]]
    assert names[person] not in on_duty and names[cover] in on_duty
    assert any(leave in line and "顶班" in line for line in week["swaps"])


def test_a_leave_without_cover_on_a_rostered_day_is_not_approved(desk: Path) -> None:
    code, out = kefu("new", "leave", "--person", "liqiang", "--type", "annual", "--start",
                     "2026-12-04")
    assert code == 0, out
    leave = Path(out.strip()).stem
    code, out = kefu("approve", leave)
    assert code == 1 and "[on-leave]" in out and "没有写入任何文件" in out
    assert changes_of(desk, "leave", leave) == []


def test_a_long_leave_is_the_general_managers(desk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = kefu("new", "leave", "--person", "zhangmin", "--type", "annual", "--start",
                     "2026-12-14", "--end", "2026-12-18")
    assert code == 0, out
    leave = Path(out.strip()).stem
    code, out = kefu("approve", leave)
    assert code == 1 and "须由总经理审批" in out and "--as general-manager" in out
    monkeypatch.setenv("KEFU_USER", "zhangmin")
    code, out = kefu("approve", leave, "--as", "general-manager")
    assert code == 1 and "[own-request]" in out
    monkeypatch.setenv("KEFU_USER", "wangfang")  # enters the general manager's signed form
    code, out = kefu("approve", leave, "--as", "general-manager")
    assert code == 0 and "以总经理身份" in out, out
    assert folded(desk, "leave", leave)["approver"] == "general-manager"


def test_a_trip_is_reviewed_then_approved(desk: Path) -> None:
    trip = waiting("trip")
    code, out = kefu("approve", trip)
    assert code == 0 and "已通过部门审核" in out and "等待总经理审批" in out, out
    code, out = kefu("approve", trip)
    assert code == 1 and "--as general-manager" in out
    code, out = kefu("approve", trip, "--as", "general-manager", "--at", "2026-11-25 10:00")
    assert code == 0, out
    data = folded(desk, "trip", trip)
    assert (data["status"], data["reviewed_by"], data["approver"]) == (
        "approved", "wangfang", "general-manager")
    assert data["approved"] == dt.datetime.fromisoformat("2026-11-25T10:00:00+08:00")
    assert trip not in [i["id"] for i in pending()]


def test_an_appeal_is_decided_and_a_late_one_refused(desk: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    sanction = waiting("sanction")
    code, out = kefu("refuse", sanction, "--reason", "已在周例会上提醒过补卡")
    assert code == 0 and "维持原处理" in out, out
    (appeal,) = folded(desk, "sanction", sanction)["appeals"]
    assert (appeal["outcome"], appeal["decided_by"], appeal["note"]) == (
        "upheld", "wangfang", "已在周例会上提醒过补卡")
    monkeypatch.setenv("KEFU_USER", "liuyang")
    code, out = kefu("appeal", sanction, "--reason", "补充：当天在仓库盘点")
    assert code == 0, out
    monkeypatch.setenv("KEFU_NOW", "2026-11-30T09:00:00+08:00")  # the next week
    code, out = kefu("appeal", sanction, "--reason", "再申诉")
    assert code == 1 and "[appeal-late]" in out
    monkeypatch.setenv("KEFU_USER", "wangfang")
    code, out = kefu("approve", sanction, "--outcome", "changed", "--note", "改为口头提醒")
    assert code == 0, out
    outcomes = [a["outcome"] for a in folded(desk, "sanction", sanction)["appeals"]]
    assert outcomes == ["upheld", "changed"]


def test_a_confidential_loan_waits_for_approval_and_returns(
        desk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = kefu("new", "loan", "--archive", "2027 年代理商返利协议", "--category",
                     "confidential", "--purpose", "年度对账", "--borrower", "刘洋", "--handler",
                     "吴昊", "--out", "2026-11-25")
    assert code == 0, out
    loan = Path(out.strip()).stem
    item = next(i for i in pending() if i["id"] == loan)
    assert item["who"] == "总经理" and "2027 年代理商返利协议" not in item["what"]
    monkeypatch.setenv("KEFU_USER", "wuhao")  # the clerk enters the general manager's signature
    code, out = kefu("approve", loan, "--as", "general-manager")
    assert code == 0, out
    code, out = kefu("return", loan, "--at", "2026-11-25 16:00")
    assert code == 0 and "已登记归还" in out, out
    data = folded(desk, "loan", loan)
    assert data["returned"] == dt.date(2026, 11, 25) and data["approved_by"] == "wuhao"
    code, out = kefu("return", loan)
    assert code == 1 and "已于 2026-11-25 归还" in out


def test_decisions_past_due_are_notices_for_the_decider(desk: Path) -> None:
    code, out = kefu("overdue", "--today", "2026-12-05", "--format", "json")
    assert code == 0, out
    notices = [n for n in json.loads(out)["notices"] if n["slug"] == "decision-overdue"]
    assert {n["owner"] for n in notices} == {"wangfang"}
    assert {n["path"].split("/")[1] for n in notices} == {"leave", "punches"}
    assert all("家里装修验收" not in n["message"] for n in notices)


# -- kefu new roster ------------------------------------------------------------------------------
def test_a_roster_made_from_last_week_never_copies_leave(desk: Path) -> None:
    from kefu.records.loader import load_mapping

    def rows(week: str) -> dict[str, list[Any]]:
        data, _ = load_mapping(next(desk.glob(f"records/rosters/*/{week}.yml")).read_bytes())
        return {r["person"]: r["days"] for r in data["staff"]}

    last = rows("2026-W49")
    assert "leave" in last["chenjing"]  # her annual leave, Tuesday and Wednesday
    code, out = kefu("new", "roster", "--week", "2026-W50", "--prepared-by", "wangfang")
    assert code == 0, out
    made = rows("2026-W50")
    assert not any("leave" in days for days in made.values())
    earlier = rows("2026-W48")["chenjing"]
    assert made["chenjing"] == [earlier[d] if cell == "leave" else cell
                                for d, cell in enumerate(last["chenjing"])]


# -- the site -------------------------------------------------------------------------------------
def test_the_pending_page_lists_the_items_without_personal_values(desk: Path,
                                                                  tmp_path: Path) -> None:
    from conftest import ROOT

    from kefu.records import personal_values
    from kefu.site.build import GENERATORS
    from kefu.site.pending import write_site_pages
    from kefu.workspace import Workspace

    assert "kefu.site.pending:write_site_pages" in GENERATORS
    assert "generated/staff/pending.md" in (ROOT / "mkdocs.yml").read_text("utf-8")
    write_site_pages(Workspace(desk), tmp_path)
    page = (tmp_path / "staff" / "pending.md").read_text("utf-8")
    for item in pending():
        assert f'<span class="kefu-id">{item["id"]}</span>' in page
    values = personal_values(load(desk))
    assert not [v for v in values if v in page]
    assert "家里装修验收" not in page and "事假" not in page


def test_a_loan_is_returned_with_kefu_event_too(desk: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    lent = [r for r in load(desk).of_kind("loan") if r.data.get("returned") is None
            and r.data["category"] == "ordinary"]
    loan = lent[0].id
    monkeypatch.setenv("KEFU_USER", "吴昊")
    code, out = kefu("event", loan, "归还", "--at", "2026-11-25 08:30")
    assert code == 0, out
    assert folded(desk, "loan", loan)["returned"] == dt.date(2026, 11, 25)
    code, out = kefu("overdue", "--format", "json")
    assert loan not in out  # no longer past due for its handler
