"""Printable forms: every form renders blank and filled in the project's Noto Sans SC."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import shutil
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DEMO_COMPANY, ROOT, need
from fontTools.ttLib import TTFont

from kefu.cli import main
from kefu.forms import Filled, FormRenderer, load_registry, write_site_pages
from kefu.forms.fill import fill as fill_form
from kefu.forms.fill import fillers_of
from kefu.forms.fonts import ENV_DIR, find_fonts, missing_glyphs
from kefu.forms.render import CHECKED, UNCHECKED
from kefu.problems import KefuError
from kefu.times import SHANGHAI
from kefu.workspace import Workspace

FIXTURE = Path(__file__).parent / "data" / "forms" / "repo"
EMBEDDED = {"NotoSansSC-Regular", "NotoSansSC-Bold"}
ONE_PAGE_LIMIT = 120_000
# One fixture ticket per ticket type that fills forms today.
TICKETS = {
    "complaint": "T-20260312-k7m2",
    "doa": "T-20260316-x9q1",
    "work-request": "T-20260318-w2rq",
    "repair": "T-20260321-r3pa",
}
# One fixture record per staff form.
STAFF = {
    "duty-roster": "2026-W12",
    "leave-application": "L-20260319-ab12",
    "business-trip": "B-20260323-cd34",
    "punch-correction": "P-20260317-ef56",
    "shift-handover": "H-20260317-day",
    "archive-loan": "A-20260316-gh78",
}
HOSTILE = "T-20260320-h0st"
REGISTRY = load_registry(ROOT)
FILLABLE = [f.key for f in REGISTRY.forms if fillers_of(f.key)]


def fill(root: Path, form: object, record_id: str) -> Filled:
    return fill_form(Workspace(root), form, record_id)  # type: ignore[arg-type]


def ticket_for(form_key: str) -> str:
    """The fixture record that fills the form: a ticket of the right type, or a staff record."""
    if form_key in STAFF:
        return STAFF[form_key]
    (filler,) = {ff.when["type"] for _, ff in fillers_of(form_key)}
    return TICKETS[filler]


@pytest.fixture(scope="session")
def renderer(demo: Path) -> FormRenderer:
    return FormRenderer(demo)


@pytest.fixture(scope="session")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture records (loading writes a cache next to them)."""
    target = tmp_path_factory.mktemp("forms-repo") / "repo"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture
def weasy_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Fails the test on any WeasyPrint warning, .notdef (missing glyph) above all."""
    caplog.set_level(logging.WARNING, logger="weasyprint")
    yield caplog
    bad = [r.getMessage() for r in caplog.records
           if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING]
    assert not bad, f"WeasyPrint warned: {bad}"


def embedded_fonts(pdf: bytes) -> set[str]:
    """PostScript names read from the embedded TrueType programs themselves (not the PDF labels)."""
    names = set()
    for match in re.finditer(rb"<<(/Length1 \d+[^>]*)>>\s*stream\r?\n", pdf):
        length = int(re.search(rb"/Length (\d+)", match.group(1)).group(1))  # type: ignore[union-attr]
        program = zlib.decompress(pdf[match.end():match.end() + length])
        names.add(TTFont(io.BytesIO(program))["name"].getDebugName(6))
    return names


def pdf_tool(name: str, *args: str, data: bytes) -> str:
    need(shutil.which(name) is not None,
         f"缺少 {name}：请安装 Debian 软件包 poppler-utils（apt-get install poppler-utils）")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:  # pdffonts cannot read stdin
        handle.write(data)
        handle.flush()
        tail = [] if name == "pdffonts" else ["-"]
        result = subprocess.run([name, *args, handle.name, *tail], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def text_of(pdf: bytes) -> str:
    return pdf_tool("pdftotext", data=pdf)  # reading order: a wrapped cell stays together


def check_pdf(pdf: bytes) -> None:
    """A4 PDF whose only fonts are subsets of the project's NotoSansSC, with the page footer."""
    assert pdf.startswith(b"%PDF-")
    names = embedded_fonts(pdf)
    assert "NotoSansSC-Regular" in names and names <= EMBEDDED, names
    listed = pdf_tool("pdffonts", data=pdf).splitlines()[2:]
    subset = re.compile(r"^[A-Z]{6}\+NotoSansSC(-Bold)?\s")
    assert listed and all(subset.match(line) for line in listed), listed
    pages = text_of(pdf).split("\f")[:-1]
    for number, page in enumerate(pages, 1):
        assert f"第{number}页/共{len(pages)}页" in re.sub(r"\s+", "", page)


@pytest.mark.parametrize("key", REGISTRY.keys)
def test_every_form_renders_blank(renderer: FormRenderer, weasy_log: object, key: str) -> None:
    pdf = renderer.pdf(key)
    check_pdf(pdf)
    text = text_of(pdf)
    flat = re.sub(r"\s+", "", text)
    form = REGISTRY.get(key)
    assert form.title.replace(" ", "") in flat
    assert (form.code or "客服部编号") in flat
    for approver in form.approvers:
        assert approver.replace(" ", "") in flat
    assert "＿＿＿年＿＿月＿＿日" in flat  # fill-in lines, at least on every signature date
    if text.count("\f") == 1:
        assert len(pdf) <= ONE_PAGE_LIMIT


@pytest.mark.parametrize("key", FILLABLE)
def test_every_fillable_form_renders_from_its_record(
    renderer: FormRenderer, repo: Path, weasy_log: object, key: str
) -> None:
    form = REGISTRY.get(key)
    ticket = ticket_for(key)
    pdf = renderer.pdf(key, fill(repo, form, ticket))
    check_pdf(pdf)
    text = text_of(pdf)
    assert ticket in text
    if "level" in {item.key for item in form.fields}:
        assert CHECKED in text  # the complaint's level is ticked


def test_complaint_report_carries_ticket_dealer_dates_and_tracker_deadline(
    renderer: FormRenderer, repo: Path, weasy_log: object
) -> None:
    from kefu import sla
    from kefu.calendar import WorkCalendar
    from kefu.records import load

    ticket_id = TICKETS["complaint"]
    record = next(r for r in load(repo).of_kind("ticket") if r.id == ticket_id)
    rules = sla.load_rules(repo)
    due = next(m.due for m in sla.milestones(record.data, rules, WorkCalendar.load(repo))
               if m.rule == "complaint.normal")
    assert due is not None
    form = REGISTRY.get("complaint-report")
    text = text_of(renderer.pdf(form.key, fill(repo, form, ticket_id)))
    assert ticket_id in text
    assert "深圳市华强存储有限公司" in text and "D-0001" in text
    assert "2026-03-12 10:20" in text  # received
    assert "2026-03-13 16:30" in text  # replied
    assert f"{due.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" in text
    assert "2026-03-16 17:30" in text  # Thu 10:20 + 2 working days, close of business
    assert "按时完成" in text
    # Personal data stays off the paper: dealer phone, e-mail, address and the end customer.
    for secret in ("138-0013-8000", "chen@example.com", "华强北路", "李先生"):
        assert secret not in text


def test_hostile_record_text_prints_literally(renderer: FormRenderer, repo: Path,
                                              weasy_log: object) -> None:
    form = REGISTRY.get("complaint-report")
    filled = fill(repo, form, HOSTILE)
    html = renderer.html(form.key, filled)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html
    text = text_of(renderer.pdf(form.key, filled))
    flat = re.sub(r"\s+", "", text)
    assert "<script>alert('x')</script>{{7*7}}&退货运费" in flat
    assert "{%if1%}模板{%endif%}&amp;A&B" in flat
    assert "<script>alert(1)</script>&" in flat and "{{7*7}}数码（D-0666）" in flat  # dealer
    assert "赵&钱<b>" in flat
    assert "49" not in flat


def test_tick_boxes_and_printed_text_have_glyphs_in_the_font() -> None:
    fonts = find_fonts(ROOT)
    texts = [CHECKED, UNCHECKED, "第页共", *DEMO_COMPANY]
    for form in REGISTRY.forms:
        texts += [form.title, form.subtitle or "", *form.approvers]
        for item in form.fields:
            texts += [item.label, item.note or "", *item.options, *item.columns]
    for path in (fonts.regular, fonts.bold):
        assert missing_glyphs("".join(texts), path) == set()
    assert missing_glyphs("☐☑", fonts.regular) == {"☐", "☑"}  # why ■/□ are used


def pdf_font_names(pdf: bytes) -> set[str]:
    """Font names pdffonts lists, without the subset tag."""
    listed = pdf_tool("pdffonts", data=pdf).splitlines()[2:]
    return {line.split()[0].split("+", 1)[1] for line in listed}


def test_rare_characters_print_from_the_full_font(
    renderer: FormRenderer, weasy_log: object
) -> None:
    """Forms print from a cached common-character copy of NotoSansSC (faster); a character
    beyond it (喆 is not in GB2312) falls back to the complete font, never to a box."""
    assert renderer.fonts.common is not None
    copy = renderer.fonts.common
    assert missing_glyphs("喆", copy[0]) == {"喆"}
    assert missing_glyphs("喆", renderer.fonts.regular) == set()
    assert {TTFont(path)["name"].getDebugName(6) for path in copy} == EMBEDDED
    assert (copy[0].parent / "LICENSE_FONT").read_bytes() == renderer.fonts.license.read_bytes()
    plain = renderer.pdf("complaint-report", Filled(values={"dealer": "张三数码"}))
    assert pdf_font_names(plain) == {"NotoSansSC", "NotoSansSC-Bold"}  # the copy alone
    rare = renderer.pdf("complaint-report", Filled(values={"dealer": "张喆数码"}))
    assert "张喆数码" in text_of(rare)
    assert embedded_fonts(rare) <= EMBEDDED
    assert pdf_font_names(rare) == {"NotoSansSC", "NotoSansSC-Bold", "NotoSansSC-Full"}


def test_blank_only_forms_refuse_records(repo: Path) -> None:
    blank_only = [form for form in REGISTRY.forms if not fillers_of(form.key)]
    assert blank_only
    for form in blank_only:
        with pytest.raises(KefuError) as err:
            fill(repo, form, TICKETS["complaint"])
        assert err.value.exit_code == 2 and "空白" in err.value.message


def test_doa_form_counts_the_ship_deadline_from_the_unit(tmp_path: Path) -> None:
    form, ticket_id = REGISTRY.get("doa-application"), TICKETS["doa"]
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    assert fill(repo, form, ticket_id).values["ship_due"] == "尚未收到不良品：收到后开始计时"
    folder = repo / "records" / "tickets" / "2026" / "03" / ticket_id
    (folder / "20260318-100000-unit-received-ab12.yml").write_text(
        f"record: {ticket_id}\nat: 2026-03-18T10:00:00+08:00\nby: wangfang\n"
        "action: unit-received\n", "utf-8")
    values = fill(repo, form, ticket_id).values
    assert values["ship_due"].startswith("2026-03-27 17:30")  # Wed 3/18 + 7 working days
    assert ["2026-03-18 10:00", "王芳", "收到不良品", ""] in values["events"]


def test_wrong_or_unknown_record_is_a_chinese_error(repo: Path) -> None:
    form = REGISTRY.get("complaint-report")
    with pytest.raises(KefuError) as err:
        fill(repo, form, TICKETS["doa"])
    assert err.value.exit_code == 2 and "type: doa" in err.value.message
    assert "投诉工单" in err.value.message
    with pytest.raises(KefuError) as err:
        fill(repo, form, "T-20990101-zzzz")
    assert err.value.exit_code == 2 and "T-20260312-k7m2" in err.value.message


def test_missing_font_names_make_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DIR, str(tmp_path))
    with pytest.raises(KefuError) as err:
        find_fonts(ROOT)
    assert "make install" in err.value.message and err.value.slug == "font-missing"


def test_cli_prints_lists_and_refuses_unknown_names(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    runner = CliRunner()
    listed = runner.invoke(main, ["form", "--list"])
    assert listed.exit_code == 0 and all(k in listed.output for k in REGISTRY.keys)
    target = tmp_path / "report.pdf"
    done = runner.invoke(main, ["form", "complaint-report", "--record", TICKETS["complaint"],
                                "-o", str(target)])
    assert done.exit_code == 0, done.output
    assert target.read_bytes().startswith(b"%PDF-")
    unknown = runner.invoke(main, ["form", "complaint"])
    assert unknown.exit_code == 2 and "没有名为" in unknown.output
    assert "complaint-report" in unknown.output
    no_record = runner.invoke(main, ["form", "complaint-report", "--record", "T-20990101-zzzz"])
    assert no_record.exit_code == 2 and "找不到工单" in no_record.output
    everything = runner.invoke(main, ["form", "--all", "--blank", "-o", str(tmp_path / "all")])
    assert everything.exit_code == 0, everything.output
    assert sorted(p.stem for p in (tmp_path / "all").glob("*.pdf")) == sorted(REGISTRY.keys)
    assert f"已打印 {len(REGISTRY.keys)} 张空白表单" in everything.output
    # the progress bar is for a terminal: a CI log (no terminal) does not get its redraws
    assert "打印空白表单:" not in everything.stderr


def test_a_record_alone_prints_the_one_form_it_fills_or_names_its_forms(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kefu.forms.fill import forms_for

    runner = CliRunner()
    monkeypatch.chdir(repo)
    leave = runner.invoke(main, ["form", "--record", STAFF["leave-application"], "-o",
                                 str(tmp_path) + "/"])
    assert leave.exit_code == 0, leave.output
    assert (tmp_path / f"leave-application-{STAFF['leave-application']}.pdf").is_file()
    several = [t for t in TICKETS.values() if len(forms_for(Workspace(repo), t)) > 1]
    assert several  # a complaint fills its report and two feedback letters
    for ticket in several:
        named = runner.invoke(main, ["form", "--record", ticket])
        assert named.exit_code == 2
        assert all(f"kefu form {form.key} --record {ticket}" in named.output
                   for form in forms_for(Workspace(repo), ticket))
    unknown = runner.invoke(main, ["form", "--record", "L-20990101-zzzz"])
    assert unknown.exit_code == 2 and "找不到记录「L-20990101-zzzz」" in unknown.output


@pytest.mark.parametrize(("form_key", "row", "who"), [
    ("leave-application", "部门主管（三天内）", "李明"),
    ("punch-correction", "部门主管 / 总经办（审批）", "李明"),
    ("archive-loan", "总经理（秘密档案）", ""),
])
def test_a_recorded_decision_fills_its_approval_row(
        repo: Path, renderer: FormRenderer, form_key: str, row: str, who: str) -> None:
    form = REGISTRY.get(form_key)
    filled = fill(repo, form, STAFF[form_key])
    assert list(filled.signed) == [row]
    opinion, signer, day = filled.signed[row]
    assert opinion == "同意（kefu 登记）" and signer == who and day.startswith("2026年03月")
    text = text_of(renderer.pdf(form_key, filled))
    assert "同意（kefu 登记）" in text and (not who or who in text)


def test_a_refusal_gives_its_reason_and_a_later_decision_wins() -> None:
    from kefu.forms.signoff import signed_rows

    at = dt.datetime(2026, 3, 10, 15, 0, tzinfo=SHANGHAI)
    rows = ("申请人", "部门主管（三天内）", "总经理（三天以上）")
    changes = [{"action": "refused", "approver": "supervisor", "by": "liming", "at": at,
                "reason": "当天人手不足"},
               {"action": "approved", "approver": "general-manager", "by": "zhaoqiang", "at": at},
               {"action": "cancelled", "by": "liming", "at": at}]
    signed = signed_rows(rows, changes, {"liming": "李明", "zhaoqiang": "赵强"}.get)
    day = "2026年03月10日"
    assert signed == {"部门主管（三天内）": ("不同意：当天人手不足（kefu 登记）", "李明", day),
                      "总经理（三天以上）": ("同意（kefu 登记）", "赵强", day)}


def test_site_pages_list_every_form_and_skip_unchanged(tmp_path: Path, demo: Path) -> None:
    write_site_pages(Workspace(demo), tmp_path)
    page = (tmp_path / "forms.md").read_text(encoding="utf-8")
    for form in REGISTRY.forms:
        assert f"(forms/{form.key}.pdf)" in page and f'<a id="{form.key}"></a>{form.title}' in page
        assert (tmp_path / "forms" / f"{form.key}.pdf").stat().st_size > 10_000
        if form.code:
            assert form.code in page
    assert "Open Font License" in (tmp_path / "forms" / "OFL.txt").read_text(encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "forms").glob("*.pdf")}
    (tmp_path / "forms" / "old-form.pdf").write_bytes(b"stale")
    write_site_pages(Workspace(demo), tmp_path)
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "forms").glob("*.pdf")}
    assert after == before  # nothing re-rendered, the stale PDF removed


def test_blank_and_filled_differ_only_where_the_record_writes(renderer: FormRenderer) -> None:
    blank = renderer.html("doa-application")
    filled = renderer.html("doa-application", Filled(values={"quantity": "3"}, serial="X-1"))
    assert "X-1" in filled and "X-1" not in blank
    assert blank.count("＿") > filled.count("＿")  # fill-in lines gave way to values


def test_invalid_ticket_is_named_with_its_problems(repo: Path, tmp_path: Path) -> None:
    broken = tmp_path / "repo"
    shutil.copytree(repo, broken)
    path = broken / "records" / "tickets" / "2026" / "03" / f"{TICKETS['doa']}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("channel: email", "channel: fax"),
                    encoding="utf-8")
    with pytest.raises(KefuError) as err:
        fill(broken, REGISTRY.get("doa-application"), TICKETS["doa"])
    assert err.value.exit_code == 1
    assert f"{TICKETS['doa']}.yml:" in err.value.message and "channel" in err.value.message


def test_registry_is_the_one_source_for_templates_and_fillers() -> None:
    from kefu.forms.registry import forms_dir
    from kefu.records.kinds import KINDS

    folder = forms_dir(ROOT)
    templates = {p.stem for p in folder.glob("*.html") if not p.name.startswith(("_", "base"))}
    assert templates == set(REGISTRY.keys)
    for form in REGISTRY.forms:
        assert '{% extends "base.html" %}' in (folder / form.template).read_text(encoding="utf-8")
        assert form.approvers, form.key
    for kind in KINDS.values():
        for filler in kind.forms:  # every form a kind fills is registered, its filler exists
            assert filler.form in REGISTRY.keys and callable(filler.filler()), filler.form
    assert {f.code for f in REGISTRY.forms if f.code} == {
        "ZFKFBFJ002", "ZFKFBFJ005", "ZFKFBFJ007", "ZFKFBFJ008", "ZFKFBFJ009", "ZFKFBFJ010",
        "ZFKFBFJ011",
    }


def test_registry_says_what_the_seeds_say() -> None:
    # 交接班: the four cases of seed 002 篇2 2.4 in which hand-over is not allowed.
    blocked = REGISTRY.get("shift-handover").field("blocked").options
    for case in ("重大或紧急事件", "重大设备启动或停机", "准备工作未完成", "接班人"):
        assert any(case in option for option in blocked), case
    # 部门工作提交函: the executing department's head confirms (客服部主管 only for work to 客服部).
    assert any(a.startswith("执行部门负责人") for a in REGISTRY.get("work-submission").approvers)
    # DOA and complaint forms name 售后专员, as docs/processes/ do.
    for key in ("doa-application", "dealer-complaint-feedback", "internal-complaint-feedback",
                "complaint-report"):
        form = REGISTRY.get(key)
        texts = [*form.approvers, *(f.label for f in form.fields)]
        assert not any("客服专员" in t for t in texts), key
        assert any("售后专员" in t for t in texts), key


def test_forms_the_seeds_do_not_define_are_marked_as_the_handbooks_own() -> None:
    # Seed 000 ends with blurbs advertising other documents: they are never a source.
    assert not [f.key for f in REGISTRY.forms if "常用表格" in f.source]
    own = {f.key for f in REGISTRY.forms if f.source.startswith("本手册自拟")}
    assert own == {"return-exchange", "service-worksheet"}
    for key in own:
        assert REGISTRY.get(key).purpose.startswith("本手册自拟"), key


def _flat(pdf: bytes) -> str:
    return re.sub(r"\s+", "", text_of(pdf))


def test_duty_roster_prints_the_week_with_leave_marked(
        renderer: FormRenderer, repo: Path, weasy_log: object) -> None:
    flat = _flat(renderer.pdf("duty-roster", fill(repo, REGISTRY.get("duty-roster"), "2026-W12")))
    assert "2026-W12（2026-03-16至2026-03-22）" in flat
    # 王芳: 白 白 白 假 白 休 白 (annual leave on Thursday, rest on Saturday)
    assert "王芳白白白假白休白" in flat and "李明白白白白白白休" in flat


def test_staff_forms_carry_their_records(renderer: FormRenderer, repo: Path,
                                         weasy_log: object) -> None:
    def flat(key: str) -> str:
        return _flat(renderer.pdf(key, fill(repo, REGISTRY.get(key), STAFF[key])))

    leave = flat("leave-application")
    assert f"{CHECKED}年假" in leave and "1天（不含休息日）" in leave
    assert "陪同亲属办理签证" not in leave and "--with-personal" in leave  # a personal field
    form = REGISTRY.get("leave-application")
    told = fill_form(Workspace(repo), form, STAFF["leave-application"], with_personal=True)
    assert "陪同亲属办理签证" in _flat(renderer.pdf("leave-application", told))
    trip = flat("business-trip")
    assert "广州（南粤信息技术）" in trip and "实际返回2026-03-25" in trip
    punch = flat("punch-correction")
    assert "第1次" in punch and f"{CHECKED}上班" in punch and "2026-03-1708:24" in punch
    handover = flat("shift-handover")
    assert "M-20260317-1「代理商催问返修进度」" in handover and "17:32（北京时间）" in handover
    assert f"{CHECKED}无" in handover and "办公室钥匙2、交接本1" in handover
    loan = flat("archive-loan")
    assert "秘密档案，总经理批准" in loan and "准备季度对账" in loan
    assert "王芳（客服" in loan and "李明" in loan
def test_doa_application_prints_the_tickets_fields(repo: Path, tmp_path: Path) -> None:
    form = REGISTRY.get("doa-application")
    filled = fill(repo, form, TICKETS["doa"])
    values = filled.values
    assert values["fault"] == "开箱接入电脑无法识别。" and values["quantity"] == 2
    assert values["purchased"] == dt.date(2026, 3, 10) and values["request"] == "换新品"
    assert values["check"] is None  # the unit has not arrived: nothing ticked
    assert filled.date == dt.date(2026, 3, 16)  # the day received, not the day printed
    copy = tmp_path / "repo"
    shutil.copytree(repo, copy)
    folder = copy / "records" / "tickets" / "2026" / "03" / TICKETS["doa"]
    (folder / "20260318-100000-unit-received-ab12.yml").write_text(
        f"record: {TICKETS['doa']}\nat: 2026-03-18T10:00:00+08:00\nby: wangfang\n"
        "action: unit-received\n", "utf-8")
    assert fill(copy, form, TICKETS["doa"]).values["check"] == "与申请一致"


def test_service_worksheet_is_filled_from_a_repair_ticket(renderer: FormRenderer, repo: Path,
                                                          weasy_log: object) -> None:
    form = REGISTRY.get("service-worksheet")
    filled = fill(repo, form, TICKETS["repair"])
    text = re.sub(r"\s+", "", text_of(renderer.pdf(form.key, filled)))
    assert TICKETS["repair"] in text and "硬盘通电后有咔嗒声" in text
    assert "验收核对：盘体完好" in text and "寄往工厂：顺丰SF1234567890寄厂" in text
    assert "深圳市华强存储有限公司" in text and "138-0013-8000" not in text
    assert "2026年03月21日" in text


def test_nothing_the_dealer_answers_is_pre_ticked(repo: Path) -> None:
    values = fill(repo, REGISTRY.get("dealer-complaint-feedback"), TICKETS["complaint"]).values
    assert values["compensation"] is None  # a normal complaint: the dealer answers on paper


def test_personal_fields_print_only_when_asked(repo: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    runner = CliRunner()
    plain, personal = tmp_path / "plain.pdf", tmp_path / "personal.pdf"
    for target, extra in ((plain, []), (personal, ["--with-personal"])):
        done = runner.invoke(main, ["form", "dealer-complaint-feedback", "--record",
                                    TICKETS["complaint"], "-o", str(target), *extra])
        assert done.exit_code == 0, done.output
    assert "138-0013-8000" not in text_of(plain.read_bytes())
    with_phone = re.sub(r"\s+", "", text_of(personal.read_bytes()))
    assert "联系电话138-0013-8000" in with_phone
    blank = runner.invoke(main, ["form", "dealer-complaint-feedback", "--with-personal"])
    assert blank.exit_code == 2
