"""The record-kind seam: a kind declared by the test suite alone is served by every command.

tests/data/kinds/visit.py declares a visitor log (model, one check, one reference, a nested
personal field, a Creator, a form filler); nothing in kefu/ names it.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner
from conftest import ROOT, need, record_repo

from kefu.cli import main
from kefu.records import load, personal_values
from kefu.records.kinds import KINDS, register_kind, unregister_kind

DATA = Path(__file__).parent / "data" / "kinds"
VISIT = "V-20260310-ab12"
BAD = "records/visits/2026/V-20260311-cd34.yml"


def import_kind(path: Path, name: str) -> ModuleType:
    """Import a kind module the way a plug-in is imported (it lands in sys.modules)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    """A repository with the visit kind registered, one valid visit and the project's forms."""
    module_file = tmp_path / "visit_kind.py"
    shutil.copy(DATA / "visit.py", module_file)
    module = import_kind(module_file, "kefu_test_visit_kind")
    register_kind(module.KIND)
    root = record_repo(DATA / "repo", tmp_path / "repo")
    shutil.copytree(ROOT / "forms", root / "forms")
    registry = root / "forms" / "registry.yml"
    registry.write_text(registry.read_text("utf-8") + (DATA / "registry-entry.yml").read_text(
        "utf-8"), "utf-8")
    shutil.copy(DATA / "visit-slip.html", root / "forms" / "visit-slip.html")
    try:
        yield root
    finally:
        unregister_kind("visit")
        sys.modules.pop("kefu_test_visit_kind", None)


def test_validate_checks_model_check_and_reference_all_at_once(repo: Path) -> None:
    assert load(repo, use_cache=False).problems == []
    shutil.copy(DATA / "invalid-visit.yml", repo / BAD)
    result = CliRunner().invoke(main, ["validate", "--root", str(repo), "--format", "json"])
    assert result.exit_code == 1
    found = {(p["slug"], p["path"], p["line"]) for p in json.loads(result.output)["problems"]}
    assert found == {("bad-format", BAD, 9), ("visit-ends-before-start", BAD, 5),
                     ("unknown-person", BAD, 3)}
    assert "是不是 `wangfang`" in result.output


def test_new_offers_the_model_fields_and_writes_a_valid_record(repo: Path) -> None:
    runner = CliRunner()
    helped = runner.invoke(main, ["new", "visit", "--help"])
    assert helped.exit_code == 0
    for text in ("--host", "接待人员工编号", "--purpose", "来访事由", "--started", "北京时间"):
        assert text in helped.output
    assert "--visitors" not in helped.output and "--id" not in helped.output
    made = runner.invoke(main, ["new", "visit", "--root", str(repo), "--host", "wangfang",
                                "--purpose", "参观", "--started", "2026-04-02 14:00"])
    assert made.exit_code == 0, made.output
    path = Path(made.output.strip())
    assert path.parent == repo / "records" / "visits" / "2026" and path.name.startswith(
        "V-20260402-")
    assert load(repo, use_cache=False).problems == []
    missing = runner.invoke(main, ["new", "visit", "--root", str(repo), "--purpose", "x"])
    assert missing.exit_code == 2 and "--host" in missing.output


def test_schemas_include_the_kind_with_its_nested_personal_field(repo: Path) -> None:
    result = CliRunner().invoke(main, ["schemas", "--root", str(repo)])
    assert result.exit_code == 0, result.output
    schema = json.loads((repo / "schemas" / "visit.schema.json").read_text("utf-8"))
    visitor = schema["$defs"]["Visitor"]["properties"]
    assert visitor["phone"]["personal"] is True and "personal" not in visitor["name"]
    assert "visit.schema.json" in result.output


def test_privacy_scan_sees_nested_personal_values(repo: Path) -> None:
    values = personal_values(load(repo, use_cache=False))
    assert {"139-1234-5678", "13912345678"} <= values
    assert "钱多多" not in values  # the visitor's name is not flagged personal in this kind


def test_form_is_filled_from_the_record(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    target = repo / "slip.pdf"
    result = CliRunner().invoke(main, ["form", "visit-slip", "--record", VISIT, "-o", str(target)])
    assert result.exit_code == 0, result.output
    tool = shutil.which("pdftotext")
    need(tool is not None, "缺少 pdftotext：请安装 Debian 软件包 poppler-utils")
    assert tool is not None
    text = subprocess.run([tool, str(target), "-"], capture_output=True, check=True).stdout
    flat = "".join(text.decode("utf-8").split())
    assert VISIT in flat and "王芳" in flat and "代理商来访洽谈返修流程" in flat
    assert "2026年03月10日" in flat  # the date the filler chose, not today's
    listed = CliRunner().invoke(main, ["form", "--list"])
    assert "visit-slip" in listed.output and "[来访登记]" in listed.output


def test_show_and_find_know_the_kind_from_its_model(repo: Path) -> None:
    shown = CliRunner().invoke(main, ["show", VISIT, "--root", str(repo), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    fields = {f["label"]: f["text"] for f in data["fields"]}
    assert fields["接待人"] == "王芳（wangfang）" and fields["来访事由"] == "代理商来访洽谈返修流程"
    assert fields["来访人 1"] == "来访人姓名 钱多多"  # its nested phone is personal: left out
    assert "139-1234-5678" not in shown.output and data["hidden"] == ["来访人电话"]
    assert [(s["at"], s["what"]) for s in data["story"]] == [
        ("2026-03-10T09:30:00+08:00", "到访时间"), ("2026-03-10T10:15:00+08:00", "离开时间")]
    assert [link["id"] for link in data["links"]] == ["wangfang"]
    found = CliRunner().invoke(main, ["find", "王芳", "--kind", "visit", "--root", str(repo),
                                      "--format", "json"])
    assert [r["id"] for r in json.loads(found.output)["results"]] == [VISIT]


def test_changing_the_kind_module_invalidates_cached_results(repo: Path) -> None:
    assert load(repo).reparsed == 3  # the visit, the person, sla.yml
    assert load(repo).reparsed == 0
    module_file = Path(sys.modules["kefu_test_visit_kind"].__file__ or "")
    text = module_file.read_text("utf-8")
    module_file.write_text(text.replace('description="来访事由"', 'description="事由"'), "utf-8")
    assert load(repo).reparsed == 3  # the fingerprint changed: all of it
    assert "visit" in KINDS


def test_registry_forgets_the_kind_afterwards() -> None:
    assert "visit" not in KINDS
