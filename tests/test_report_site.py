"""The site's 报表 section, the ticket pages, the nav hook and `kefu new assessment`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, BuiltSite, load_hook, table_rows
from mkdocs.exceptions import PluginError

from kefu import ticket_pages
from kefu.cli import main
from kefu.records import load, personal_values
from kefu.reports.site import write_site_pages as write_reports
from kefu.ticket_pages import write_site_pages as write_tickets
from kefu.workspace import Workspace

DATA = Path(__file__).parent / "data" / "reports" / "repo"
TODAY = dt.date(2026, 11, 20)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DATA, tmp_path / "repo"))


def test_one_page_per_month_and_the_current_month(repo: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEFU_NOW", "2026-11-20T07:30:00+08:00")  # the daily build
    out = tmp_path / "generated"
    write_reports(Workspace(repo, TODAY), out)
    folder = out / "reports"
    assert sorted(p.name for p in folder.glob("*.md")) == [
        "2026-09.md", "2026-10.md", "2026-11.md", "index.md"]
    nav = json.loads((folder / "nav.json").read_text(encoding="utf-8"))
    assert nav == [{"2026 年 11 月（本月至今）": "generated/reports/2026-11.md"},
                   {"2026 年 10 月": "generated/reports/2026-10.md"},
                   {"2026 年 9 月": "generated/reports/2026-09.md"}]
    october = (folder / "2026-10.md").read_text(encoding="utf-8")
    front, body = october[4:].split("\n---\n\n", 1)
    assert yaml.safe_load(front)["title"] == "报表：2026 年 10 月"
    assert body.startswith("# 2026 年 10 月\n")
    # ticket ids link to their pages, charts are files beside the page
    assert ('<a data-kefu-md="../tickets/T-20261029-ccc3.md">'
            '<span class="kefu-id">T-20261029-ccc3</span></a>') in body
    charts = sorted(p.name.split("-")[0] for p in (folder / "charts").glob("*.svg"))
    assert charts.count("trend") == 3 and "handling" in charts and "workload" in charts
    for name in (folder / "charts").glob("*.svg"):
        assert any(f"charts/{name.name}" in p.read_text(encoding="utf-8")
                   for p in folder.glob("20*.md"))
    # counted up to the build, said as `kefu report` says it, and said to be the build's moment
    assert "统计截至 2026-11-20 07:30（北京时间）" in body
    assert body.split("\n\n")[1] == (
        "本页在构建站点时生成，数字统计到 2026-11-20 07:30（北京时间）；"
        "最新的数字请运行 `kefu report --month 2026-10`。")
    index = (folder / "index.md").read_text(encoding="utf-8")
    assert "| [2026 年 10 月](2026-10.md) | 7 | 4 | 4 | 10 | 4 | 4 | 1 | 40.0% |" in index
    secrets = personal_values(load(repo, use_cache=False))
    pages = "".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.*"))
    assert not [s for s in secrets if s in pages]


def test_the_site_and_the_command_count_to_the_same_moment(repo: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A build and `kefu report` run at the same time say the same; a build for another day
    counts to that day's end."""
    monkeypatch.setenv("KEFU_NOW", "2026-11-20T15:42:00+08:00")
    monkeypatch.chdir(repo)
    out = tmp_path / "generated"
    write_reports(Workspace(repo), out)
    page = (out / "reports" / "2026-11.md").read_text(encoding="utf-8")
    command = CliRunner().invoke(main, ["report", "--format", "markdown"]).stdout

    def moment(text: str) -> str:
        return next(line for line in text.splitlines() if line.startswith("统计时段"))

    assert moment(page) == moment(command)
    assert "统计截至 2026-11-20 15:42（北京时间）（本期尚未结束）" in moment(page)
    write_reports(Workspace(repo, dt.date(2026, 11, 18)), out)
    earlier = (out / "reports" / "2026-11.md").read_text(encoding="utf-8")
    assert "统计截至 2026-11-18 23:59（北京时间）" in moment(earlier)


def test_ticket_page_timeline_deadlines_and_forms(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tickets(Workspace(repo, TODAY), out)
    pages = sorted(p.stem for p in (out / "tickets").glob("*.md"))
    assert len(pages) == 9
    page = (out / "tickets" / "T-20261015-fff6.md").read_text(encoding="utf-8")
    front = yaml.safe_load(page[4:].split("\n---\n", 1)[0])
    # a lookup page of the site's search, looked up by id, dealer (name, number) and product
    assert front["search"]["scope"] == "lookup"
    assert front["search"]["keys"] == [
        "T-20261015-fff6", "星河数码科技有限公司", "D-0001", "ZF-S500 4TB 移动硬盘 / SN ZF00000006"]
    assert front["search"]["summary"] == (  # what the search result shows: title, kind, state
        "顾客要求赔偿数据损失 · 投诉 · 处理中 · 星河数码科技有限公司（D-0001） · "
        "ZF-S500 4TB 移动硬盘 / SN ZF00000006")
    # the dealer by company and number, linked to its page (kefu/site/dealers.py)
    rows = table_rows(page)
    assert ["代理商", '<a data-kefu-md="../dealers/D-0001.md">星河数码科技有限公司（D-0001）</a>'
            ] in rows
    assert '# 工单 <span class="kefu-id">T-20261015-fff6</span>' in page
    assert ["2026-10-15 15:00", "王芳", "提交责任部门", ""] in rows
    assert ['<a data-kefu-md="../deadlines.md#complaint.dept-feedback">责任部门书面反馈</a>',
            "1 个工作日", "2026-10-15 15:00", "2026-10-16 17:30", "2026-10-19 10:00",
            "逾期完成"] in rows
    # the critical complaint's agreed date
    assert ["2026-11-10 17:30", "—", "超期未完成"] in [row[-3:] for row in rows]
    assert "(../forms/complaint-report.pdf)" in page
    assert "`kefu form complaint-report --record T-20261015-fff6`" in page
    assert "滕书远" not in page and "聂远帆" not in page  # customer, dealer contact
    inquiry = (out / "tickets" / "T-20261013-iii9.md").read_text(encoding="utf-8")
    assert "结案未记录完成" in inquiry and "[表单下载](../forms.md)" in inquiry


def test_which_tickets_get_a_page(repo: Path, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond the limit: open tickets and those with an event in the last RECENT_DAYS days."""
    monkeypatch.setattr(ticket_pages, "ALL_PAGES_LIMIT", 3)
    monkeypatch.setattr(ticket_pages, "RECENT_DAYS", 30)  # since 21 October
    out = tmp_path / "generated"
    (out / "tickets").mkdir(parents=True)
    (out / "tickets" / "T-20200101-old0.md").write_text("stale", encoding="utf-8")
    write_tickets(Workspace(repo, TODAY), out)
    assert sorted(p.stem for p in (out / "tickets").glob("*.md")) == [
        "T-20261012-bbb2",  # closed on 21 October
        "T-20261015-fff6", "T-20261020-eee5", "T-20261026-ddd4",  # open
        "T-20261029-ccc3",  # closed on 2 November
    ]


def test_nav_hook_puts_the_months_under_the_section(tmp_path: Path) -> None:
    hook = load_hook("reports_nav")
    docs = tmp_path / "docs"
    listing = docs / "generated" / "reports" / "nav.json"

    def config() -> SimpleNamespace:
        return SimpleNamespace(docs_dir=str(docs), nav=[
            {"首页": "index.md"}, {"报表": ["generated/reports/index.md", {"旧": "x.md"}]}])

    with pytest.raises(PluginError, match="kefu site build"):
        hook.on_config(config())
    listing.parent.mkdir(parents=True)
    listing.write_text('[{"2026 年 10 月": "../../etc/passwd"}]', encoding="utf-8")
    with pytest.raises(PluginError, match="格式不对"):
        hook.on_config(config())
    listing.write_text('[{"2026 年 10 月": "generated/reports/2026-10.md"}]', encoding="utf-8")
    done = hook.on_config(config())
    assert done.nav[1] == {"报表": ["generated/reports/index.md",
                                   {"2026 年 10 月": "generated/reports/2026-10.md"}]}
    with pytest.raises(PluginError, match="报表"):
        hook.on_config(SimpleNamespace(docs_dir=str(docs), nav=[{"首页": "index.md"}]))


def test_built_site_has_reports_and_ticket_pages(built_site: BuiltSite) -> None:
    site = built_site.path / "generated"
    months = sorted(p.name for p in (site / "reports").glob("20*.html"))
    assert months and all((site / "reports" / "charts").glob("*.svg"))
    tracker = (site / "tracker.html").read_text(encoding="utf-8")
    linked = {part.split('"')[0] for part in tracker.split('href="tickets/')[1:]}
    assert linked and all((site / "tickets" / name).is_file() for name in linked)
    assert '<span class="kefu-id">' in tracker and "报表" in tracker
    index = json.loads((built_site.path / "search" / "search_index.json").read_text(
        encoding="utf-8"))
    locations = [d["location"] for d in index["docs"]]
    assert not [p for p in locations if p.startswith("generated/reports/20")]
    assert any(p.startswith("generated/reports/index.html") for p in locations)
    # each ticket page is one lookup document: its top, not its timeline
    tickets = [d for d in index["docs"] if d["location"].startswith("generated/tickets/")]
    assert sorted(d["location"] for d in tickets) == sorted(
        f"generated/tickets/{name}" for name in {p.name for p in (site / "tickets").glob("*.html")})
    assert all(d["scope"] == "lookup" and d["keys"] and d["summary"] for d in tickets)


def test_new_assessment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Path(shutil.copytree(DATA, tmp_path / "repo"))
    monkeypatch.chdir(repo)
    monkeypatch.setenv("KEFU_NOW", "2026-11-20T10:00:00+08:00")
    done = CliRunner().invoke(main, ["new", "assessment", "--month", "2026-10",
                                     "--person", "郑雪", "--assessor", "wangfang",
                                     "--satisfaction", "88", "--teamwork", "90"])
    assert done.exit_code == 0, done.output
    path = repo / "records" / "assessments" / "2026" / "KPI-2026-10-zhengxue.yml"
    assert path.is_file()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["scores"] == {"satisfaction": 88.0, "teamwork": 90.0}
    assert CliRunner().invoke(main, ["validate"]).exit_code == 0


def test_project_kpi_file_is_valid_and_cites_the_seed() -> None:
    from kefu.reports.kpi import load_rules

    rules = load_rules(ROOT)
    assert rules is not None and rules.listed
    parts = rules.parts
    assert [(p.title, p.weight) for p in parts] == [
        ("客户满意度", 40), ("订单处理效率", 20), ("售后处理能力", 20), ("团队协作精神", 10),
        ("个人成长与学习", 10)]
    assert all(p.seed.startswith("绩效考核：") and f"{p.weight}%" in p.seed for p in parts)
