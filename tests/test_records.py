"""kefu.records: the load API, the repository's own records, schemas, cache, parallel run, CLI."""

from __future__ import annotations

import json
import shutil
import typing
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import record_repo

from kefu.cli import main
from kefu.kinds import ticket as ticket_kind
from kefu.records import load, personal_values
from kefu.records.kinds import KINDS
from kefu.records.schemagen import write_schemas
from kefu.records.workers import PARALLEL_MIN

ROOT = Path(__file__).resolve().parents[1]
CASES = Path(__file__).parent / "data" / "records"
from kefu.demo import tickets as gen_sample  # noqa: E402
from kefu.demo import write as write_records  # noqa: E402


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the valid minimal case: two people, one dealer, one closed complaint."""
    return record_repo(CASES / "valid" / "minimal", tmp_path / "repo")


SAMPLE_NOW = "2026-11-25T09:00:00+08:00"  # the sample records were written on this day


def test_sample_department_records_are_valid_and_complete(monkeypatch: pytest.MonkeyPatch,
                                                          demo: Path) -> None:
    monkeypatch.setenv("KEFU_NOW", SAMPLE_NOW)
    result = load(demo, use_cache=False)
    # the one warning of the day: an archive loan past due (the sample has one on purpose)
    assert [p.format() for p in result.problems if p.slug != "loan-overdue"] == []
    assert [(n.problem.slug, n.owner) for n in result.notices] == [("loan-overdue", "wuhao")]
    tickets = result.of_kind("ticket")
    assert len(result.of_kind("person")) >= 8 and len(result.of_kind("dealer")) >= 10
    assert len(tickets) >= 80
    combos = {(t.data["type"], t.data["status"]) for t in tickets}
    types = {"complaint", "repair", "doa", "inquiry", "callback", "work-request"}
    assert combos == {(k, s) for k in types for s in ("open", "in-progress", "waiting", "closed")}
    levels = {t.data.get("level") for t in tickets if t.data["type"] == "complaint"}
    assert levels == {"normal", "serious", "critical"}
    assert all(t.data["received"].year == 2026 for t in tickets)


def test_sample_staff_records_make_a_realistic_quarter(monkeypatch: pytest.MonkeyPatch,
                                                        demo: Path) -> None:
    monkeypatch.setenv("KEFU_NOW", SAMPLE_NOW)
    result = load(demo, use_cache=False)
    rosters = result.of_kind("roster")
    assert len(rosters) >= 13  # a quarter of weeks, and next week already planned
    rostered = {row["person"] for r in rosters for row in r.data["staff"]}
    assert len(rostered) >= 8
    cells = {c for r in rosters for row in r.data["staff"] for c in row["days"]}
    assert {"day", "evening", "rest", "leave"} <= cells
    swaps = [r.data for r in result.of_kind("swap")]
    assert {s["type"] for s in swaps} == {"cover", "exchange"}
    assert {s["status"] for s in swaps} >= {"approved", "private"}
    leave = [r.data for r in result.of_kind("leave")]
    assert {"annual", "personal", "sick", "marriage"} <= {x["type"] for x in leave}
    assert {"approved", "refused", "absent"} <= {x["status"] for x in leave}
    assert result.of_kind("trip") and result.of_kind("loan") and result.of_kind("sanction")
    punches = [r.data for r in result.of_kind("punch")]
    assert max(Counter((p["person"], p["missed"].month) for p in punches).values()) == 6
    # hand-overs: matters carried over several shifts before one closes them
    carried = Counter(m["id"] for r in result.of_kind("handover")
                      for m in r.data.get("matters") or ())
    assert max(carried.values()) >= 4 and len(carried) >= 20


def test_every_record_file_starts_with_its_schema_line(demo: Path) -> None:
    for path in (demo / "records").rglob("*.yml"):
        first = path.read_text("utf-8").split("\n", 1)[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.is_file(), path


def test_load_gives_typed_data(repo: Path) -> None:
    result = load(repo, use_cache=False)
    (ticket,) = result.of_kind("ticket")
    assert ticket.id == "T-20260315-k7m2" and ticket.path == repo / ticket.path.relative_to(repo)
    assert isinstance(ticket.data["received"], datetime) and ticket.data["received"].tzinfo
    assert isinstance(ticket.data["events"][0]["at"], datetime)
    (person,) = [p for p in result.of_kind("person") if p.id == "wangfang"]
    assert person.data["birthday"] == date(1986, 2, 8)


def test_load_only_given_paths_still_checks_references(repo: Path) -> None:
    ticket = repo / "records/tickets/2026/03/T-20260315-k7m2.yml"
    ticket.write_text(ticket.read_text("utf-8").replace("owner: wangfang", "owner: nobody"),
                      "utf-8")
    result = load(repo, [ticket], use_cache=False)
    assert [r.kind for r in result.records] == ["ticket"]
    assert [p.slug for p in result.errors] == ["unknown-person"]


def test_personal_values_cover_every_flagged_field(repo: Path) -> None:
    values = personal_values(load(repo, use_cache=False))
    for value in ("138-0000-0001", "13800000001", "wangfang@example.com", "1986-02-08",
                  "99000019710203001X", "上海市示例区示例路 1 号（虚构）", "李先生"):
        assert value in values
    assert "王芳" not in values  # names of staff are not personal data here


def test_personal_flags_in_the_generated_schemas() -> None:
    flagged = {}
    for name in ("person", "dealer", "ticket"):
        schema = json.loads((ROOT / f"schemas/{name}.schema.json").read_text("utf-8"))
        flagged[name] = {k for k, v in schema["properties"].items() if v.get("personal")}
    assert flagged == {"person": {"phone", "email", "birthday"},
                       "dealer": {"contact", "phone", "email", "address", "id_number",
                                  "birthday"},
                       "ticket": {"customer"}}


def test_a_bad_format_says_the_fields_description_with_its_brackets_whole() -> None:
    from kefu.records.check import check_file

    raw = ("id: J-20261130-ab12\nperson: liuyang\ndate: 2026-11-30\nrule: 迟到\nreason: x\n"
           "recorded_by: wangfang\n").encode()
    found = [p.message for p in check_file("records/sanctions/2026/J-20261130-ab12.yml",
                                           raw).problems if p.slug == "bad-format"]
    # the description ends in its own bracket: only the one describe() added is taken off
    assert found == ["`rule` 的格式不对（`迟到`）：应为奖惩表条目：records/staff-rules.yml 的 "
                     "ledger 中的键（登记时也可以写条目名称）。"]


def test_committed_schemas_are_not_stale() -> None:
    assert write_schemas(ROOT, check=True) == [], "请运行 `kefu schemas` 重新生成 JSON Schema"


def test_parallel_run_matches_serial(tmp_path: Path) -> None:
    write_records(tmp_path, "person", gen_sample.people())
    write_records(tmp_path, "dealer", gen_sample.dealers())
    write_records(tmp_path, "ticket", gen_sample.tickets(PARALLEL_MIN + 100, seed=7))
    bad = sorted((tmp_path / "records/tickets").rglob("*.yml"))[5]
    bad.write_text(bad.read_text("utf-8").replace("owner:", "owner: x\nowner:"), "utf-8")
    parallel = load(tmp_path, use_cache=False, jobs=2)
    serial = load(tmp_path, use_cache=False, jobs=1)
    assert parallel.problems == serial.problems and len(parallel.problems) == 1
    assert [r.id for r in parallel.records] == [r.id for r in serial.records]


def test_cli_validate_exit_codes_and_json(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    runner = CliRunner()
    ok = runner.invoke(main, ["validate"])
    assert ok.exit_code == 0 and "校验通过" in ok.output
    missing = runner.invoke(main, ["validate", "no/such/file.yml"])
    assert missing.exit_code == 2 and "路径不存在" in missing.output
    (repo / "records/people/liqiang.yml").write_text("id: liqiang\nname: [\n", "utf-8")
    bad = runner.invoke(main, ["validate", "--format", "json"])
    assert bad.exit_code == 1
    report = json.loads(bad.output)
    assert report["summary"]["valid"] is False
    slugs = {(p["slug"], p["path"]) for p in report["problems"]}
    assert ("yaml-syntax", "records/people/liqiang.yml") in slugs
    # 李强's file is broken, not missing: the records naming him are not reported too
    assert {slug for slug, _ in slugs} == {"yaml-syntax"}


@pytest.mark.parametrize("case", sorted((CASES / "invalid").iterdir()), ids=lambda p: p.name)
def test_cli_never_shows_a_traceback(case: Path, monkeypatch: pytest.MonkeyPatch,
                                     tmp_path: Path) -> None:
    case = record_repo(case, tmp_path / "repo")
    monkeypatch.chdir(case)
    before = {p: p.read_bytes() for p in case.rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["validate", "--no-cache"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert {p: p.read_bytes() for p in case.rglob("*") if p.is_file()} == before


def test_new_writes_a_valid_complaint(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, [
        "new", "complaint", "--title", "硬盘异响", "--owner", "wangfang", "--dealer", "D-0001",
        "--level", "normal", "--received", "2026-11-20T10:00:00+08:00", "--note", "yes: 1"])
    assert result.exit_code == 0, result.output
    path = Path(result.output.splitlines()[0])  # then its deadlines
    assert path.parent == repo / "records/tickets/2026/11"
    assert path.name.startswith("T-20261120-")
    assert load(repo, use_cache=False).errors == []
    (ticket,) = [r for r in load(repo).of_kind("ticket") if r.path == path]
    assert ticket.data["events"] == [{"at": ticket.data["received"], "by": "wangfang",
                                      "action": "received", "note": "yes: 1"}]


@pytest.mark.parametrize("args, text", [
    (["complaint", "--title", "x", "--owner", "wangfang", "--level", "critical"], "agreed_due"),
    (["complaint", "--title", "x", "--owner", "nobody", "--level", "normal"], "nobody"),
    (["repair", "--title", "x", "--owner", "wangfang", "--colour", "red"], "colour"),
    (["refund", "--title", "x"], "refund"),
    (["inquiry", "--title", "x", "--owner", "wangfang", "--received", "2026-02-30"], "无效"),
])
def test_new_refuses_invalid_input(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                   args: list[str], text: str) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["new", *args])
    assert result.exit_code in (1, 2) and text in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in (repo / "records/tickets").glob("*/*/*.yml")) == [
        "T-20260315-k7m2.yml"]
    assert len(list((repo / "records/tickets").rglob("*.yml"))) == 3  # and its 2 events


def test_kinds_plug_in_by_folder() -> None:
    assert {"ticket", "person", "dealer", "sla", "calendar"} <= set(KINDS)
    assert KINDS["ticket"].expected_rel("T-20260315-k7m2") == \
        "records/tickets/2026/03/T-20260315-k7m2.yml"


# invalid case -> (JSON Schema keyword that must refuse it, path of the refused value)
SCHEMA_REJECTS = {
    "unknown-field": ("additionalProperties", ()),
    "unknown-enum": ("anyOf", ("level",)),
    "wrong-type": ("type", ("title",)),
    "missing-field": ("required", ()),
    "critical-without-agreed-due": ("required", ()),
    "level-on-repair": ("not", ()),
    "unknown-event-action": ("enum", ("events", 1, "action")),
}


def _schema_errors(path: Path, kind: str) -> list[tuple[str, tuple[Any, ...]]]:
    """(keyword, path) of every error the generated JSON Schema finds in the file."""
    from jsonschema import Draft202012Validator

    from kefu.records.loader import load_mapping

    schema = json.loads((ROOT / f"schemas/{kind}.schema.json").read_text("utf-8"))
    data, _ = load_mapping(path.read_bytes())
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [(e.validator, tuple(e.absolute_path)) for e in validator.iter_errors(data)]


def test_generated_schemas_accept_every_valid_record(demo: Path) -> None:
    from kefu.records.kinds import kind_of

    roots = [demo, *sorted((CASES / "valid").iterdir())]
    checked = set()
    for root in roots:
        for folder in ("tickets", "people", "dealers"):
            for path in (root / "records" / folder).rglob("*.yml"):
                kind = kind_of(path.relative_to(root).as_posix())
                assert kind is not None
                checked.add(kind.name)
                assert _schema_errors(path, kind.name) == [], path
    assert checked == {"ticket", "ticket-change", "person", "dealer"}


@pytest.mark.parametrize("case", sorted(SCHEMA_REJECTS))
def test_generated_schemas_reject_what_the_models_reject(case: str) -> None:
    """Editors (JSON Schema) and kefu validate refuse the same ticket, at the same field."""
    (path,) = [p for p in (CASES / "invalid" / case / "records/tickets").rglob("*.yml")
               if "T-20260320-ab12" not in p.name or case == "level-on-repair"]
    keyword, where = SCHEMA_REJECTS[case]
    assert (keyword, where) in _schema_errors(path, "ticket")
    assert load(CASES / "invalid" / case, [path], use_cache=False).errors


def test_where_keeps_only_matching_records_but_checks_all(tmp_path: Path) -> None:
    write_records(tmp_path, "person", gen_sample.people())
    write_records(tmp_path, "dealer", gen_sample.dealers())
    write_records(tmp_path, "ticket", gen_sample.tickets(60, seed=5, recent=24))
    closed = next(p for p in sorted((tmp_path / "records/tickets").rglob("*-closed-*.yml")))
    closed.write_text(closed.read_text("utf-8").replace("by:", "by: x\nby:"), "utf-8")
    everything = load(tmp_path)  # fills the cache with data
    where = {"ticket": {"status": {"open", "in-progress", "waiting"}}}
    for _ in range(2):  # from the files, then from the cache
        result = load(tmp_path, where=where, use_cache=_ == 1)
        tickets = result.of_kind("ticket")
        assert tickets and all(t.data["status"] != "closed" for t in tickets)
        assert len(result.of_kind("person")) == 10
        assert [p.slug for p in result.errors] == ["duplicate-key"]
    assert len(tickets) == len([t for t in everything.of_kind("ticket")
                                if t.data["status"] != "closed"])
    with pytest.raises(ValueError):
        load(tmp_path, where={"ticket": {"owner": {"wangfang"}}})


def test_cli_validate_root_option_and_outside_paths(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    case = record_repo(CASES / "invalid" / "person-in-dealers-folder", tmp_path / "case")
    runner = CliRunner()
    inside = runner.invoke(main, ["validate", "--no-cache", "--root", str(case)])
    assert inside.exit_code == 1 and "[wrong-folder]" in inside.output
    assert "records/people/zhaolei.yml" in inside.output
    outside = runner.invoke(main, ["validate", str(case)])
    assert outside.exit_code == 2 and "--root" in outside.output
    assert runner.invoke(main, ["validate", "--root", "/no/such/dir"]).exit_code == 2


def test_cli_schemas_check_passes_on_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["schemas", "--check"])
    assert result.exit_code == 0, result.output


def test_symlinked_record_is_refused_not_followed(repo: Path) -> None:
    secret = repo.parent / "secret.yml"
    secret.write_text("id: wangfang\nname: 外部文件\n", "utf-8")
    (repo / "records/people/zhaolei.yml").symlink_to(secret)
    result = load(repo, use_cache=False)
    assert [(p.slug, p.path) for p in result.errors] == [
        ("symlink", "records/people/zhaolei.yml")]
    assert "符号链接" in result.errors[0].message and str(secret) in result.errors[0].message


@pytest.mark.parametrize(
    ("enum", "labels"),
    [
        (ticket_kind.TicketType, ticket_kind.TYPE_LABELS),
        (ticket_kind.Channel, ticket_kind.CHANNEL_LABELS),
        (ticket_kind.Status, ticket_kind.STATUS_LABELS),
        (ticket_kind.Level, ticket_kind.LEVEL_LABELS),
        (ticket_kind.Action, ticket_kind.ACTION_LABELS),
    ],
)
def test_every_enum_value_has_a_chinese_label(enum: object, labels: dict[str, str]) -> None:
    assert list(labels) == list(typing.get_args(enum))


def test_new_help_lists_fields_and_allowed_values_from_the_model() -> None:
    runner = CliRunner()
    listing = runner.invoke(main, ["new", "--help"])
    assert listing.exit_code == 0
    for command in ("complaint", "repair", "doa", "inquiry", "callback", "work-request"):
        assert command in listing.output
    helped = runner.invoke(main, ["new", "complaint", "--help"], terminal_width=300)
    assert helped.exit_code == 0
    for text in ("--title", "标题", "--level", "normal（一般）", "critical（特别严重）",
                 "--channel", "hotline（热线电话）", "--received", "北京时间", "--note"):
        assert text in helped.output, text
    assert "--events" not in helped.output and "--type" not in helped.output
    # a time is typed as Beijing time: the file's "ISO 8601 with a zone" is not asked of anyone
    assert "收到时间；时间写成 2026-03-15 09:40（北京时间）" in helped.output
    assert "ISO 8601" not in helped.output


def test_events_later_than_tomorrow_are_refused_until_their_time_comes(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = repo / "records/tickets/2026/03/T-20260315-k7m2"
    (folder / "20260320-090000-note-ab12.yml").write_text(
        "record: T-20260315-k7m2\nat: 2026-03-20T09:00:00+08:00\nby: wangfang\naction: note\n",
        "utf-8")
    monkeypatch.setenv("KEFU_NOW", "2026-03-18T08:59:00+08:00")
    early = load(repo)
    assert [(p.slug, p.line) for p in early.errors] == [("future-date", 2)]
    monkeypatch.setenv("KEFU_NOW", "2026-03-19T09:00:00+08:00")  # a day before: allowed now
    assert load(repo).errors == []  # the cached verdict was not taken as read


def test_new_refuses_a_year_typo(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["new", "inquiry", "--title", "x", "--owner", "wangfang",
                                       "--received", "1850-01-01T10:00+08:00"])
    # outside the years any typed date may name: refused as the option's value
    assert result.exit_code == 2 and "1850" in result.output and "年份打错" in result.output
    result = CliRunner().invoke(main, ["new", "inquiry", "--title", "x", "--owner", "wangfang",
                                       "--received", "1999-01-01T10:00+08:00"])
    # a year a date may have, but not a record's timestamp: refused by the record's checks
    assert result.exit_code == 1 and "1999" in result.output and "年份打错" in result.output
    assert len(list((repo / "records/tickets").glob("*/*/*.yml"))) == 1


def test_validate_refuses_to_run_outside_a_checkout(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    outside = runner.invoke(main, ["validate"])
    assert outside.exit_code == 2 and "[not-a-checkout]" in outside.output
    etc = runner.invoke(main, ["validate", "--root", "/etc"])
    assert etc.exit_code == 2 and "不是 kefu 仓库" in etc.output


def test_files_kefu_would_ignore_are_named(repo: Path) -> None:
    folder = repo / "records/tickets/2026/03"
    ticket = folder / "T-20260315-k7m2.yml"
    shutil.copy(ticket, folder / "T-20260316-abcd.YML")
    shutil.copy(ticket, folder / "T-20260315-k7m2.yml~")
    (folder / ".gitkeep").write_text("", "utf-8")
    result = load(repo, use_cache=False)
    ignored = {(p.path.rpartition("/")[2], p.severity.value) for p in result.problems
               if p.slug == "ignored-file"}
    assert ignored == {("T-20260316-abcd.YML", "warning"), ("T-20260315-k7m2.yml~", "warning")}
    assert result.errors == []
    message = next(p.message for p in result.problems if p.path.endswith(".YML"))
    assert "T-20260316-abcd.yml" in message


def test_a_missing_sla_file_is_an_error(repo: Path) -> None:
    (repo / "records/sla.yml").unlink()
    assert [(p.slug, p.path) for p in load(repo, use_cache=False).errors] == [
        ("missing-file", "records/sla.yml")]


@pytest.mark.parametrize(("typed", "expected"), [
    ("寄回代理商", "请写代码 `returned`（寄回代理商）"),
    ("寄回", "是不是 `returned`（寄回代理商）"),
    ("retrned", "是不是 `returned`（寄回代理商）"),
])
def test_a_wrong_value_gets_the_nearest_one_with_its_label(repo: Path, typed: str,
                                                          expected: str) -> None:
    (event,) = (repo / "records/tickets/2026/03/T-20260315-k7m2").glob("*-replied-*.yml")
    event.write_text(event.read_text("utf-8").replace("action: replied", f"action: {typed}"),
                     "utf-8")
    (problem,) = load(repo, use_cache=False).errors
    assert problem.slug == "bad-enum" and expected in problem.message
    assert "closed（结案）" in problem.message


def test_a_name_where_an_id_belongs_is_answered_with_the_id(repo: Path) -> None:
    ticket = repo / "records/tickets/2026/03/T-20260315-k7m2.yml"
    ticket.write_text(ticket.read_text("utf-8").replace("owner: wangfang", "owner: 王芳"), "utf-8")
    messages = {p.slug: p.message for p in load(repo, use_cache=False).errors}
    assert "“王芳”的编号是 `wangfang`" in messages["unknown-person"]
