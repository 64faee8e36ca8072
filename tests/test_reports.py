"""`kefu report`: every figure of one month against hand-computed values, other periods, outputs.

The data set is tests/data/reports/repo (how each figure comes about: the comment at the top of
tests/data/reports/expected-2026-10.yml).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import need

from kefu.cli import main
from kefu.problems import KefuError
from kefu.records import load, personal_values
from kefu.reports.build import build_report, trend_months
from kefu.reports.period import date_range, parse_month, parse_week
from kefu.reports.render import cell, report_markdown
from kefu.reports.tables import Report
from kefu.times import SHANGHAI
from kefu.workspace import Workspace

DATA = Path(__file__).parent / "data" / "reports"
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DATA / "repo", tmp_path / "repo"))


def report(root: Path, period: Any, now: dt.datetime = NOW) -> Report:
    return build_report(Workspace(root), period, now)


def shown(rep: Report, key: str) -> list[list[str]]:
    table = rep.table(key)
    return [[cell(v, c) for v, c in zip(row, table.columns, strict=True)] for row in table.rows]


TWELVE = ["2025-11", "2025-12", *(f"2026-{m:02}" for m in range(1, 11))]


@pytest.mark.parametrize(("first", "months"), [
    (None, ["2026-10"]),  # no ticket yet: the period's month alone
    (dt.datetime(2026, 12, 1, tzinfo=SHANGHAI), ["2026-10"]),  # the first came after it
    (dt.datetime(2026, 10, 31, 23, 59, tzinfo=SHANGHAI), ["2026-10"]),
    (dt.datetime(2026, 9, 30, 23, 59, tzinfo=SHANGHAI), ["2026-09", "2026-10"]),
    (dt.datetime(2025, 11, 1, tzinfo=SHANGHAI), TWELVE),
    (dt.datetime(2020, 1, 1, tzinfo=SHANGHAI), TWELVE),  # never more than twelve
])
def test_trend_starts_at_the_first_tickets_month(first: dt.datetime | None,
                                                 months: list[str]) -> None:
    assert [f"{m.first:%Y-%m}" for m in trend_months(parse_month("2026-10"), first)] == months


def test_every_figure_of_october(repo: Path) -> None:
    expected = yaml.safe_load((DATA / "expected-2026-10.yml").read_text(encoding="utf-8"))
    rep = report(repo, parse_month("2026-10"))
    tables = {t.key for s in rep.sections for t in s.tables}
    assert tables == set(expected), "报表的表格与手算的表格不一致"
    for key, rows in expected.items():
        assert shown(rep, key) == [[str(v) for v in row] for row in rows], key
    summary = rep.section("summary").notes[1]
    assert summary == ("本期受理 7 张工单，结案 4 张，期末未结 4 张；到期时限 10 项，"
                       "按时完成 4 项、逾期完成 4 项、超期未完成 1 项，按时率 40.0%。")
    assert rep.complete and not rep.provisional


def test_the_month_page_shows_every_figure(repo: Path) -> None:
    """The site's page and `--format markdown` carry each hand-computed cell, row by row."""
    expected = yaml.safe_load((DATA / "expected-2026-10.yml").read_text(encoding="utf-8"))
    page = report_markdown(report(repo, parse_month("2026-10")))
    rows = [line for line in page.splitlines() if line.startswith("| ")]
    for key, table in expected.items():
        for row in table:
            cells = [str(v) for v in row]
            assert any(_cells(line) == cells for line in rows), (key, cells)


def _cells(line: str) -> list[str]:
    parts = line.strip().strip("|").split(" | ")
    return [p.strip().replace("\\", "").replace('<span class="kefu-id">', "")
            .replace("</span>", "") for p in parts]


def test_a_late_deadline_stays_visible(repo: Path) -> None:
    """ccc3 was answered on 2 November: past due at the month's end, late ever after."""
    october = parse_month("2026-10")
    at_end = report(repo, october, dt.datetime(2026, 11, 1, 0, 0, tzinfo=SHANGHAI))
    later = report(repo, october)
    state = {r[0]: r[-1] for r in shown(at_end, "deadlines_missed")}
    assert state["T-20261029-ccc3"] == "超期未完成"
    state = {r[0]: r[-1] for r in shown(later, "deadlines_missed")}
    assert state["T-20261029-ccc3"] == "逾期完成"


def test_a_month_with_no_tickets(repo: Path) -> None:
    rep = report(repo, parse_month("2026-08"))
    assert shown(rep, "flow")[-1] == ["合计", "0", "0", "0"]
    assert shown(rep, "deadlines_rule") == [["合计", "", "0", "0", "0", "0", "0", "0", "—"]]
    assert rep.table("deadlines_missed").rows == [] and rep.table("handling_type").rows == []
    assert "按时率 —（本期没有已到期的时限）" in rep.section("summary").notes[1]
    page = report_markdown(rep)
    assert "本期到期的时限都按时完成了。" in page and "本期没有结案的工单。" in page
    assert [c.key for c in rep.charts()] == ["trend"]  # no handling-time or workload bars


def test_a_week_a_range_and_the_current_month(repo: Path) -> None:
    week = report(repo, parse_week("2026-W42"))  # 12–18 October
    assert week.period.title == "2026 年第 42 周（10 月 12 日至 10 月 18 日）"
    assert shown(week, "intake_type")[:2] == [["投诉", "1"], ["返修", "1"]]
    assert shown(week, "deadlines_rule")[-1][2:5] == ["3", "0", "2"]  # bbb2, iii9, fff6
    assert week.section("kpi").notes == ["KPI 按自然月考核：请用 --month 查看。"]
    span = report(repo, date_range(dt.date(2026, 9, 28), dt.date(2026, 10, 9)))
    assert shown(span, "flow")[-1][1] == "2"  # aaa1 (30 September) and ggg7 (9 October)
    running = report(repo, parse_month("2026-11"))
    assert not running.complete and "（本期尚未结束）" in running.section("summary").notes[0]


def test_bad_periods_are_refused(repo: Path) -> None:
    for bad in ("2026-13", "2026/10", "十月"):
        with pytest.raises(KefuError, match="YYYY-MM") as err:
            parse_month(bad)
        assert err.value.slug == "bad-period"
    with pytest.raises(KefuError, match="2026-W44"):
        parse_week("2026-W60")
    with pytest.raises(KefuError, match="对调"):
        date_range(dt.date(2026, 10, 9), dt.date(2026, 10, 1))
    with pytest.raises(KefuError, match="还没有开始"):
        report(repo, parse_month("2026-12"))


def test_kpi_weights_come_from_the_configuration(repo: Path) -> None:
    kpi = repo / "records" / "kpi.yml"
    kpi.write_text(kpi.read_text(encoding="utf-8").replace("weight: 40", "weight: 30"),
                   encoding="utf-8")
    with pytest.raises(KefuError) as err:
        report(repo, parse_month("2026-10"))
    assert err.value.slug == "kpi-invalid"
    assert "records/kpi.yml:" in err.value.message and "相加等于 100" in err.value.message
    text = kpi.read_text(encoding="utf-8").replace("weight: 30", "weight: 35")
    efficiency = "weight: {}\n    seed: 绩效考核：订单"
    text = text.replace(efficiency.format(20), efficiency.format(25))
    kpi.write_text(text, encoding="utf-8")
    row = next(r for r in shown(report(repo, parse_month("2026-10")), "kpi") if r[0] == "陈静")
    # (35×90 + 25×33.3 + 20×100 + 10×80 + 10×70) / 100
    assert row[-2] == "74.8"
    kpi.unlink()
    notes = report(repo, parse_month("2026-10")).section("kpi").notes
    assert notes == ["没有 records/kpi.yml（绩效考核规则），无法计算 KPI。"]


def test_staff_section_reads_kefu_staff(repo: Path, demo: Path) -> None:
    notes = report(repo, parse_month("2026-10")).section("staff").notes
    assert notes == ["暂无数据：值班与人事规则文件无效或缺失（records/staff-rules.yml 不存在）"]
    week = report(repo, parse_week("2026-W42")).section("staff").notes
    assert week == ["值班与考勤按自然月汇总：请用 --month 查看。"]
    # the sample department has rosters, leave and 补卡: the month's figures of `kefu staff`
    from kefu.staff.summary import month_summary

    ws = Workspace(demo)
    november = build_report(ws, parse_month("2026-11"), dt.datetime(2026, 11, 25, 10, 0,
                                                                     tzinfo=SHANGHAI))
    staff = month_summary(ws, dt.date(2026, 11, 1))
    rows = {r[0]: r for r in november.table("staff").rows}
    assert rows and set(rows) == {p.name for p in staff.people}
    for person in staff.people:
        assert rows[person.name][1] == person.duty_days
    proposals = november.table("staff_proposals").rows
    assert len(proposals) == len(staff.proposals)
    assert all(row[-1] == (p.accepted or "待决定") for row, p in zip(proposals, staff.proposals,
                                                                   strict=True))


def test_an_invalid_ticket_is_left_out_and_counted(repo: Path) -> None:
    bad = repo / "records" / "tickets" / "2026" / "10" / "T-20261030-zzz0.yml"
    bad.write_text("id: T-20261030-zzz0\ntype: complaint\n", encoding="utf-8")
    rep = report(repo, parse_month("2026-10"))
    assert rep.skipped_files == 1 and shown(rep, "flow")[-1][1] == "7"


# -- the command --------------------------------------------------------------------------------
@pytest.fixture()
def cli(repo: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(repo)
    monkeypatch.setenv("KEFU_NOW", "2026-11-20T10:00:00+08:00")
    return CliRunner()


def test_a_report_of_another_checkout_with_root(cli: CliRunner, repo: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside the repository, --root names it (as for validate and the other commands)."""
    monkeypatch.chdir(repo.parent)
    done = cli.invoke(main, ["report", "--month", "2026-10", "--format", "json",
                             "--root", str(repo)])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["period"]["key"] == "2026-10"
    lost = cli.invoke(main, ["report", "--month", "2026-10"])
    assert lost.exit_code == 2 and "[not-a-checkout]" in lost.output and "--root" in lost.output


def test_cli_formats(cli: CliRunner) -> None:
    import json

    done = cli.invoke(main, ["report", "--month", "2026-10", "--format", "json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["period"]["key"] == "2026-10" and data["complete"] is True
    tables = {t["key"]: t for s in data["sections"] for t in s["tables"]}
    assert tables["deadlines_rule"]["rows"][-1]["rate"] == 0.4
    assert tables["deadlines_missed"]["rows"][0]["due"] == "2026-10-10T17:30:00+08:00"
    text = cli.invoke(main, ["report", "--month", "2026-10"]).stdout
    assert "【按时限规则】" in text and "40.0%" in text
    assert cli.invoke(main, ["report", "--week", "2026-W42", "--format", "markdown"]).stdout \
        .startswith("# 客服部报表：2026 年第 42 周")
    both = cli.invoke(main, ["report", "--month", "2026-10", "--week", "2026-W42"])
    assert both.exit_code == 2 and "只能选一种时段" in both.output
    bad = cli.invoke(main, ["report", "--month", "2026-13"])
    assert bad.exit_code == 2 and "[bad-period]" in bad.output and "Traceback" not in bad.output


def _tool(name: str) -> str:
    found = shutil.which(name)
    need(found is not None, f"缺少 {name}：请安装 Debian 软件包 poppler-utils")
    assert found is not None
    return found


def test_pdf_has_the_chinese_text_in_the_projects_font(
        cli: CliRunner, repo: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        done = cli.invoke(main, ["report", "--month", "2026-10", "--pdf", "october.pdf"])
    assert done.exit_code == 0, done.output
    assert not [r for r in caplog.records if "notdef" in r.getMessage()]
    pdf = repo / "october.pdf"
    fonts = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    names = {line.split()[0].split("+")[-1] for line in fonts}
    assert names and names <= {"NotoSansSC", "NotoSansSC-Bold", "NotoSansSC-Full"}, names
    text = subprocess.run([_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    for words in ("客服部报表：2026 年 10 月", "按时限规则", "逾期完成", "陈静", "T-20261029-ccc3",
                  "顾客要求赔偿数据损失", "77.7"):
        assert words in text, words
    secrets = personal_values(load(repo, use_cache=False))
    assert {"邵岚卿", "138-0000-9101"} <= secrets
    assert not [s for s in secrets if s in text]
    # a file kefu did not make is not overwritten
    (repo / "notes.pdf").write_text("meeting notes", encoding="utf-8")
    refused = cli.invoke(main, ["report", "--month", "2026-10", "--pdf", "notes.pdf"])
    assert refused.exit_code == 2 and "不是 kefu 生成的" in refused.output
    assert (repo / "notes.pdf").read_text(encoding="utf-8") == "meeting notes"
    inside = cli.invoke(main, ["report", "--month", "2026-10", "--pdf", "records/x.pdf"])
    assert inside.exit_code == 2 and "[unsafe-output]" in inside.output


def test_the_report_bears_the_departments_name_and_files_get_default_names(
        cli: CliRunner, repo: Path) -> None:
    (repo / "records" / "department.yml").write_text(
        "company:\n  name: 青禾电子（杭州）有限公司\n  short: 青禾电子\ndepartment: 客户服务部\n",
        encoding="utf-8")
    text = cli.invoke(main, ["report", "--month", "2026-10"])
    assert text.exit_code == 0, text.output
    assert text.output.startswith("客户服务部报表：2026 年 10 月"), text.output
    files = cli.invoke(main, ["report", "--month", "2026-10", "--pdf", "--xlsx"])
    assert files.exit_code == 0, files.output
    assert files.stdout == ""  # the files only: the text report is asked for by --format
    assert (repo / "report-2026-10.pdf").read_bytes().startswith(b"%PDF-")
    from openpyxl import load_workbook

    book = load_workbook(repo / "report-2026-10.xlsx")
    assert book.properties.title == "客户服务部报表：2026 年 10 月"


def test_xlsx_holds_numbers_and_times(cli: CliRunner, repo: Path) -> None:
    from openpyxl import load_workbook

    done = cli.invoke(main, ["report", "--month", "2026-10", "--xlsx", "october.xlsx"])
    assert done.exit_code == 0, done.output
    book = load_workbook(repo / "october.xlsx")
    sheet = book["按时限规则"]
    assert [c.value for c in sheet[1]][:3] == ["时限规则", "时限", "到期"]
    total = [c for c in sheet[10]]
    assert total[0].value == "合计" and total[2].value == 10 and total[-1].value == 0.4
    assert total[-1].number_format == "0.0%"
    missed = book["逾期完成、超期未完成与结案未记录完成的时限"]
    due = missed["F2"].value
    assert isinstance(due, dt.datetime) and due == dt.datetime(2026, 10, 10, 17, 30)
    assert missed["H6"].value == 16  # eee5: working days past due, a number
    assert book.properties.creator == "kefu"
    again = cli.invoke(main, ["report", "--month", "2026-10", "--xlsx", "october.xlsx"])
    assert again.exit_code == 0  # its own file may be replaced


def test_the_report_needs_no_outside_font_or_script(repo: Path) -> None:
    """The PDF's HTML loads charts from files only (no host, no script)."""
    from kefu.reports.pdf import report_html

    html = report_html(report(repo, parse_month("2026-10")), {"trend": "file:///x/trend.svg"})
    assert "<script" not in html and "http" not in html
    assert '<img class="kefu-chart" src="file:///x/trend.svg"' in html


def test_short_columns_of_the_printed_report_stay_on_one_line(repo: Path) -> None:
    """类型 投诉, 负责人 张敏 keep one line on A4; a title may wrap (kefu/reports/report.css)."""
    import re

    from kefu.reports.pdf import SHORT, report_html

    html = report_html(report(repo, parse_month("2026-10")), {})
    assert '<th class="short">类型</th>' in html and '<td class="short">投诉</td>' in html
    titles = re.findall(r"<th( class=\"short\")?>标题</th>", html)
    assert titles and not any(titles)  # a long column is left to wrap
    assert all(len(re.sub(r"<[^>]+>", "", cell)) <= SHORT
               for cell in re.findall(r'<t[dh] class="short">(.*?)</t[dh]>', html))
    assert ".short { white-space: nowrap; }" in (
        Path(__file__).parents[1] / "kefu" / "reports" / "report.css").read_text("utf-8")


def test_the_json_report_is_the_same_from_the_files_and_from_a_warm_index(
        cli: CliRunner, repo: Path) -> None:
    import sqlite3

    from kefu.index.store import CACHE_DIR, INDEX_FILE

    def run() -> str:
        done = cli.invoke(main, ["report", "--month", "2026-10", "--format", "json"])
        assert done.exit_code == 0, done.output
        return done.output

    cold = run()  # no index yet: every file checked, every deadline computed
    with sqlite3.connect(repo / CACHE_DIR / INDEX_FILE) as db:
        kept = db.execute("SELECT count(*) FROM milestones").fetchone()[0]
    assert kept > 0, "报表应当把时限存入索引"
    assert run() == cold  # warm: records and deadlines from the index
    shutil.rmtree(repo / CACHE_DIR)
    assert cli.invoke(main, ["validate"]).exit_code == 0  # an index without deadlines yet
    assert run() == cold
    assert json.loads(cold)["period"]


@pytest.mark.parametrize(("period", "now"), [
    (parse_month("2026-10"), NOW), (parse_month("2026-11"), NOW), (parse_month("2026-09"), NOW),
    (parse_week("2026-W44"), NOW),
    (parse_month("2026-10"), dt.datetime(2026, 10, 20, 12, 0, tzinfo=SHANGHAI)),  # cut tickets
    # received after the week, in its month: some by the moment, some not yet
    (parse_week("2026-W41"), dt.datetime(2026, 10, 14, 12, 0, tzinfo=SHANGHAI)),
    # tickets open since before the month, quiet in it: counted open at its end, unread
    (parse_month("2026-12"), dt.datetime(2026, 12, 15, 10, 0, tzinfo=SHANGHAI)),
])
def test_a_report_is_the_same_however_its_tickets_were_loaded(
        repo: Path, period: Any, now: dt.datetime) -> None:
    """Every ticket viewed whole (records without an index), typed from the index, and as JSON
    gives them (the command) give the same report, figure for figure, though the last two count
    the quiet tickets and those received after the period in SQL, unread."""
    from kefu.index.milestones import deadlines
    from kefu.output import render
    from kefu.reports.build import TREND_MONTHS, load_for
    from kefu.reports.period import month_period, previous_months
    from kefu.reports.view import scope, sift, typed_ticket, unread

    ws = Workspace(repo)
    whole = ws.load()
    whole.generation = None  # as records made without an index: every ticket viewed
    files = render(build_report(ws, period, now, whole), "json")
    typed = render(build_report(ws, period, now, ws.load()), "json")
    loaded = load_for(ws)  # the command's: tickets held back, those the period needs fetched
    assert "ticket" in loaded.raw and "ticket" in loaded.held and not loaded.of_kind("ticket")
    held = render(build_report(ws, period, now, loaded), "json")
    every = ws.load(raw={"ticket"})  # every ticket as JSON gives it (the site's load)
    raw = render(build_report(ws, period, now, every), "json")
    assert typed == files and raw == files and held == files
    tickets = [(r.id, r.data) for r in every.of_kind("ticket")]
    trend = previous_months(month_period(period.last), TREND_MONTHS)
    of = deadlines(ws, every).of
    with every.index() as ix:
        viewed = sift(ix, tickets, period, now, trend, of, typed_ticket).viewed
    if period.key == "2026-11":  # October's closed tickets: counted without being viewed
        assert len(viewed) < len(tickets)
    if period.key == "2026-12":
        with every.index() as ix:
            counted = unread(ix, scope(period, now, trend))
        assert counted.still_open, "十二月应当有自十二月以前就未结、本月没有动静的工单"
        assert json.loads(held)["sections"][0]["notes"][1].count("期末未结 0 张") == 0


def _october_on_time(rep: Report) -> Any:
    return next(row for row in rep.table("trend").rows if row[0] == "2026-10")[3]


def test_the_kept_deadlines_follow_edits_to_tickets_and_rules(repo: Path) -> None:
    """November's trend counts October's closed tickets off the deadlines kept in the index;
    a changed event, or changed rules, is never answered from what was kept."""
    november = parse_month("2026-11")

    def kept() -> Report:
        return report(repo, november)

    def whole() -> Report:
        ws = Workspace(repo)  # the rules as they are now
        loaded = ws.load()
        loaded.generation = None
        return build_report(ws, november, NOW, loaded)

    before = kept()
    assert kept().table("trend").rows == before.table("trend").rows
    folder = repo / "records/tickets/2026/10/T-20261009-ggg7"  # due 10-10, called 10-12
    late = folder / "20261012-100000-called-back-5hsb.yml"
    (folder / "20261010-100000-called-back-5hsb.yml").write_text(late.read_text("utf-8").replace(
        "2026-10-12T10:00:00+08:00", "2026-10-10T10:00:00+08:00"), "utf-8")
    late.unlink()
    after = kept()
    assert _october_on_time(after) == _october_on_time(before) + 1
    assert after.table("trend").rows == whole().table("trend").rows
    sla = repo / "records/sla.yml"
    sla.write_text(sla.read_text("utf-8").replace('close_of_business: "17:30"',
                                                  'close_of_business: "09:00"'), "utf-8")
    changed = kept()
    assert changed.table("trend").rows == whole().table("trend").rows
    assert changed.table("trend").rows != after.table("trend").rows, \
        "时限规则改变后，十月的按时情况应当重新计算"
