"""`kefu show` and `kefu find` on the small department of tests/data/lookup/ (its README says what
it holds), as of Friday 2026-11-20 10:00. Deadlines and ranks below are worked out by hand from
records/sla.yml and the ranking rules (kefu/lookup/find.py's docstring)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ROOT, record_repo
from wcwidth import wcswidth

from kefu.cli import main

DATA = ROOT / "tests" / "data" / "lookup"
NOW = "2026-11-20T10:00:00+08:00"


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KEFU_NOW", NOW)
    monkeypatch.delenv("KEFU_USER", raising=False)
    return record_repo(DATA, tmp_path / "repo")


def kefu(repo: Path, *args: str) -> tuple[int, str]:
    done = CliRunner().invoke(main, [*args, "--root", str(repo)])
    assert "Traceback" not in done.output and "内部错误" not in done.output, done.output
    return done.exit_code, done.output


def as_json(repo: Path, *args: str) -> Any:
    code, out = kefu(repo, *args, "--format", "json")
    assert code == 0, out
    return json.loads(out)


def section(text: str, title: str) -> list[str]:
    """The indented lines under a heading line of `kefu show`'s text."""
    lines = text.splitlines()
    start = lines.index(title) + 1
    out = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        out.append(line.split())
    return out


# -- kefu show ----------------------------------------------------------------------------------
def test_a_ticket_is_told_whole_its_personal_fields_hidden(repo: Path) -> None:
    code, out = kefu(repo, "show", "T-20261105-aa02")
    assert code == 0
    assert out.splitlines()[0] == "工单 T-20261105-aa02 · 代理商投诉发货错型号 · 处理中"
    fields = {line.split()[0]: line.split(maxsplit=1)[1] for line in out.splitlines()[2:11]}
    assert fields["代理商"] == "星河数码科技有限公司（D-0001）"
    assert fields["负责人"] == "张敏（zhangmin）" and fields["投诉等级"] == "一般"
    assert "苗雨桐" not in out and "个人信息已隐藏：终端顾客姓名" in out
    story = section(out, "经过（从早到晚）")
    assert story == [["2026-11-05", "14:00", "张敏（zhangmin）", "受理"],
                     ["2026-11-06", "09:00", "王芳（wangfang）", "分派", "→", "张敏", "交张敏跟进"]]
    # complaint.normal: received Thu 11-05 -> 2 working days -> Mon 11-09 17:30; late by the
    # working days 11-10 … 11-20 (nine of them) on 11-20
    assert "下一个到期：一般投诉答复，2026-11-09 17:30 截止（已超期 9 个工作日）。" in out
    dealer = ["代理商", "代理商", "D-0001", "星河数码科技有限公司", "合作中"]
    assert dealer in section(out, "关联记录")
    named = section(out, "提到它的交接班记录（1 条）")
    assert named[0][:3] == ["相关工单", "交接班记录", "H-20261106-day"]


def test_a_ticket_in_json_keeps_codes_and_iso_times(repo: Path) -> None:
    shown = as_json(repo, "show", "T-20261105-aa02")
    assert (shown["kind"], shown["open"], shown["hidden"]) == ("ticket", True, ["终端顾客姓名"])
    assert "customer" not in {f["field"] for f in shown["fields"]}
    assert {f["field"]: f["value"] for f in shown["fields"]}["status"] == "in-progress"
    assert [(s["at"], s["by"], s["what"]) for s in shown["story"]] == [
        ("2026-11-05T14:00:00+08:00", "zhangmin", "受理"),
        ("2026-11-06T09:00:00+08:00", "wangfang", "分派 → 张敏")]
    assert shown["next"] == shown["deadlines"][0]
    assert {k: shown["next"][k] for k in ("rule", "due", "state", "days")} == {
        "rule": "complaint.normal", "due": "2026-11-09T17:30:00+08:00", "state": "overdue",
        "days": 9}
    assert [(g["kind"], g["total"], [r["id"] for r in g["records"]]) for g in shown["named_by"]] \
        == [("handover", 1, ["H-20261106-day"])]


def test_personal_fields_and_names_show_only_when_asked(repo: Path) -> None:
    code, out = kefu(repo, "show", "T-20261102-aa01")
    assert "柏云舟" not in out
    assert out.splitlines()[0].startswith("工单 T-20261102-aa01 · 柏**的U盘")
    code, out = kefu(repo, "show", "T-20261102-aa01", "--format", "json")
    assert code == 0 and "柏云舟" not in out and "柏**的U盘读不出来" in out
    code, out = kefu(repo, "show", "T-20261102-aa01", "--with-personal")
    assert code == 0 and "柏云舟的U盘读不出来" in out and "终端顾客姓名" in out
    assert "个人信息已隐藏" not in out
    shown = as_json(repo, "show", "T-20261102-aa01", "--with-personal")
    assert {f["field"]: f["value"] for f in shown["fields"]}["customer"] == "柏云舟"


def test_a_closed_repair_has_its_deadlines_met_and_nothing_due(repo: Path) -> None:
    shown = as_json(repo, "show", "T-20261102-aa01")
    # repair.inspect: 11-02 09:30 + 2 working days = 11-04 17:30, sent to the factory 11-03;
    # repair.return: inspected 11-03 + 7 working days = 11-12 17:30, returned 11-09
    assert [(d["rule"], d["due"], d["done"], d["state"]) for d in shown["deadlines"]] == [
        ("repair.inspect", "2026-11-04T17:30:00+08:00", "2026-11-03T15:00:00+08:00", "on-time"),
        ("repair.return", "2026-11-12T17:30:00+08:00", "2026-11-09T11:00:00+08:00", "on-time")]
    assert shown["next"] is None and shown["open"] is False
    code, out = kefu(repo, "show", "T-20261102-aa01")
    assert "没有未完成的时限。" in out and out.count("按时完成") == 2


def test_a_dealer_lists_its_tickets_open_first_and_no_contact(repo: Path) -> None:
    shown = as_json(repo, "show", "D-0001")
    fields = {f["field"]: f["text"] for f in shown["fields"]}
    assert fields["company"] == "星河数码科技有限公司" and fields["contact_role"] == "总经理"
    assert {"联系人姓名", "联系电话"} <= set(shown["hidden"])
    text = json.dumps(shown, ensure_ascii=False)
    assert "聂远帆" not in text and "139-0000-7001" not in text
    tickets = next(g for g in shown["named_by"] if g["kind"] == "ticket")
    # open ones newest first (bb01 of 11-10, aa02 of 11-05), then the closed bb02
    assert [r["id"] for r in tickets["records"]] == [
        "T-20261110-bb01", "T-20261105-aa02", "T-20261112-bb02"]
    assert {tuple(r["roles"]) for r in tickets["records"]} == {("代理商",)}


def test_a_person_lists_the_records_naming_her(repo: Path) -> None:
    shown = as_json(repo, "show", "zhangmin")
    assert shown["title"] == "张敏" and shown["hidden"] == ["手机"]
    named = {g["kind"]: {r["id"]: r["roles"] for r in g["records"]} for g in shown["named_by"]}
    assert named["ticket"] == {"T-20261105-aa02": ["负责人", "经办人", "分派给谁"],
                               "T-20261102-aa01": ["负责人", "经办人"]}
    assert named["leave"] == {"L-20261123-zm01": ["请假人"]}
    assert named["handover"] == {"H-20261106-day": ["交班人", "已签字的人"]}


def test_staff_records_tell_their_story_and_deadline(repo: Path) -> None:
    leave = as_json(repo, "show", "L-20261123-zm01")
    assert leave["hidden"] == ["事由"] and "孩子" not in json.dumps(leave, ensure_ascii=False)
    assert [(s["at"], s["by"], s["what"]) for s in leave["story"]] == [
        ("2026-11-18T09:00:00+08:00", "zhangmin", "提交请假申请"),
        ("2026-11-18T11:00:00+08:00", "wangfang", "审批：已批准")]
    loan = as_json(repo, "show", "A-20261109-ln01")
    assert loan["state"] == "超期未还" and loan["open"] is True
    assert {k: loan["next"][k] for k in ("due", "state", "days", "unit")} == {
        "due": "2026-11-16", "state": "overdue", "days": 4, "unit": "天"}
    assert any("应于 2026-11-16 归还" in w for w in loan["warnings"])
    sanction = as_json(repo, "show", "J-20261116-sc01")
    # its appeal and the review, from the files beside it, are its story, not a field
    assert [(s["by"], s["what"], s["note"]) for s in sanction["story"]] == [
        ("wangfang", "公布", "周例会"),
        ("zhangminhua", "提出申诉", "九月、十月都是第一，应按连续两个月计"),
        ("wangfang", "申诉复核：维持", "九月为第二名，维持")]
    assert "appeals" not in {f["field"] for f in sanction["fields"]}
    assert {r["id"]: r["roles"] for r in sanction["links"]}["T-20261112-bb02"] == ["依据"]
    assert {f["field"]: f["text"] for f in sanction["fields"]}["rule"] == "当月业绩第一名"


def test_a_record_is_found_by_name_and_a_mistake_gets_did_you_mean(repo: Path) -> None:
    assert as_json(repo, "show", "星河电子商行")["id"] == "D-0002"
    assert as_json(repo, "show", "张敏华")["id"] == "zhangminhua"
    assert as_json(repo, "show", "t-20261105-AA02")["id"] == "T-20261105-aa02"
    code, out = kefu(repo, "show", "T-20261105-aa03")
    assert code == 1 and "[unknown-record]" in out and "是不是 T-20261105-aa02（" in out
    code, out = kefu(repo, "show", "星河")
    assert code == 2 and "[ambiguous]" in out
    assert all(f"{d}（" in out for d in ("D-0001", "D-0002", "D-0010"))


# -- kefu find ----------------------------------------------------------------------------------
def ids(found: dict[str, Any]) -> list[str]:
    return [r["id"] for r in found["results"]]


def test_find_ranks_prefix_then_inside_then_what_names_it(repo: Path) -> None:
    found = as_json(repo, "find", "星河")
    # names starting with 星河 (newest dealer first), then holding it (the open loan before a
    # dealer, which is neither open nor closed), then the 星河 dealers' tickets: open newest
    # first, then closed newest first
    assert ids(found) == ["D-0002", "D-0001", "A-20261109-ln01", "D-0010", "T-20261110-bb01",
                          "T-20261105-aa02", "T-20261112-bb02", "T-20261102-aa01"]
    assert [r["rank"] for r in found["results"]] == [2, 2, 3, 3, 4, 4, 4, 4]
    assert found["results"][4]["matched"] == ["代理商"]


def test_find_puts_the_exact_id_and_the_exact_name_first(repo: Path) -> None:
    found = as_json(repo, "find", "D-0001")
    assert ids(found) == ["D-0001", "T-20261110-bb01", "T-20261105-aa02", "T-20261112-bb02"]
    assert found["results"][0]["rank"] == 0
    found = as_json(repo, "find", "张敏")
    assert ids(found)[:2] == ["zhangmin", "zhangminhua"]
    assert [r["rank"] for r in found["results"][:2]] == [1, 2]
    assert ids(as_json(repo, "find", "aa0")) == ["T-20261105-aa02", "T-20261102-aa01"]
    assert ids(as_json(repo, "find", "zf-u8")) == ["T-20261102-aa01"]


def test_find_filters_by_kind_owner_dealer_and_state(repo: Path) -> None:
    def found(*args: str) -> list[str]:
        return ids(as_json(repo, "find", *args))

    assert found("--kind", "工单", "--owner", "张敏") == ["T-20261105-aa02", "T-20261102-aa01"]
    assert found("--owner", "zhangmin", "--open", "--kind", "ticket") == ["T-20261105-aa02"]
    assert found("--owner", "张敏", "--closed") == ["L-20261123-zm01", "T-20261102-aa01"]
    assert found("--dealer", "星河数码") == ["T-20261110-bb01", "T-20261105-aa02",
                                             "T-20261112-bb02"]
    assert found("星河", "--kind", "投诉") == ["T-20261105-aa02"]
    # open work of every kind: tickets, the loan not returned, the hand-over's open matter
    assert found("--open") == ["T-20261116-cc01", "T-20261110-bb01", "A-20261109-ln01",
                               "H-20261106-day", "T-20261105-aa02"]
    code, out = kefu(repo, "find", "--owner", "王方")
    assert code == 2 and "是不是 wangfang（王芳）？" in out


def test_find_lists_the_first_few_and_counts_all(repo: Path) -> None:
    found = as_json(repo, "find", "星河", "--limit", "2")
    assert (found["total"], ids(found)) == (8, ["D-0002", "D-0001"])
    code, out = kefu(repo, "find", "星河", "--limit", "2")
    assert code == 0 and "找到 8 条" in out and "只列出前 2 条" in out


def test_find_never_matches_or_prints_personal_values(repo: Path) -> None:
    for secret in ("柏云舟", "苗雨桐", "聂远帆", "139-0000-7001", "孩子"):
        code, out = kefu(repo, "find", secret)
        assert code == 1 and "没有找到" in out and "T-" not in out, secret
    code, out = kefu(repo, "find", "aa01")
    assert "柏**的U盘读不出来" in out and "柏云舟" not in out
    found = as_json(repo, "find", "苗雨桐", "--with-personal")
    assert ids(found) == ["T-20261105-aa02"] and found["results"][0]["matched"] == ["终端顾客姓名"]
    assert ids(as_json(repo, "find", "柏云舟", "--with-personal")) == ["T-20261102-aa01"]
    assert ids(as_json(repo, "find", "聂远帆", "--with-personal")) == ["D-0001"]


def test_find_text_lines_up_its_columns(repo: Path) -> None:
    code, out = kefu(repo, "find", "星河")
    lines = out.splitlines()
    table = lines[lines.index("") + 1:]
    table = table[:next((i for i, line in enumerate(table) if not line), len(table))]
    assert table[0].split()[:4] == ["编号", "类型", "名称", "状态"] and len(table) == 9
    titles = ["名称", "星河电子商行", "星河数码科技有限公司", "2025", "远航星河贸易",
              "咨询保修期限", "代理商投诉发货错型号", "咨询发票开具", "柏**的U盘读不出来"]
    starts = {wcswidth(line[:line.index(title)])
              for line, title in zip(table, titles, strict=True)}
    assert len(starts) == 1


def test_find_needs_text_or_a_condition(repo: Path) -> None:
    code, out = kefu(repo, "find")
    assert code == 2 and "--owner" in out


# -- names wherever an id is asked ------------------------------------------------------------
def test_event_and_overdue_take_names(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)  # kefu event and kefu overdue find the repository around them
    done = CliRunner().invoke(main, ["event", "T-20261110-bb01", "答复", "--by", "张敏",
                                     "--at", "2026-11-19 16:00"])
    assert done.exit_code == 0, done.output
    story = as_json(repo, "show", "T-20261110-bb01")["story"]
    assert (story[-1]["by"], story[-1]["what"]) == ("zhangmin", "答复")
    done = CliRunner().invoke(main, ["close", "T-20261110-bb01", "--by", "王方"])
    assert done.exit_code == 2 and "是不是 wangfang（王芳）？" in done.output
    done = CliRunner().invoke(main, ["overdue", "--owner", "王芳", "--format", "json"])
    items = json.loads(done.output)["items"]
    # bb01 is answered now: 王芳's one overdue ticket left is the DOA cc01
    assert [(i["ticket"], i["owner"]) for i in items] == [("T-20261116-cc01", "wangfang")]


def test_no_record_of_the_sample_department_shows_a_personal_value(
        demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every record of `kefu init --demo`, shown and found, in text and JSON: not one personal
    value of any record (customers, contacts, phones, leave reasons…) in any spelling."""
    from kefu.lookup import Desk, find, show
    from kefu.output import render
    from kefu.privacy import Names
    from kefu.records.privacy import spellings
    from kefu.workspace import Workspace

    monkeypatch.setenv("KEFU_NOW", "2026-11-25T10:00:00+08:00")
    desk = Desk.open(Workspace(demo))
    secrets = {s for value in desk.personal for s in spellings(value)}
    assert len(secrets) > 100
    watch = Names(secrets)
    leaked: set[str] = set()
    for record in desk.records:
        shown = show(desk, record.id)
        for fmt in ("text", "json"):
            out = render(shown, fmt)
            leaked |= {f"{record.id}: {out[a:b]}" for a, b in watch.found(out)}
    for name in ("远航", "张敏", "ZF-U8", "投诉"):
        out = render(find(desk, name, limit=500), "json")
        leaked |= {f"find {name}: {out[a:b]}" for a, b in watch.found(out)}
    assert sorted(leaked) == []
