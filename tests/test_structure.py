"""The package's shape: no import circle (imports inside functions count: they only hide one),
no module over 400 lines."""

from __future__ import annotations

import graphlib
from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kefu"
MAX_LINES = 400


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("kefu", exclude_type_checking_imports=True, cache_dir=None)


def circle(graph: grimp.ImportGraph) -> list[str] | None:
    """One import circle among the modules of `graph`, or None."""
    sorter = graphlib.TopologicalSorter(
        {module: graph.find_modules_directly_imported_by(module) for module in graph.modules})
    try:
        sorter.prepare()
    except graphlib.CycleError as err:
        found: list[str] = err.args[1]
        return found
    return None


def test_no_module_imports_itself_back(graph: grimp.ImportGraph) -> None:
    found = circle(graph)
    assert found is None, "导入成环：" + " → ".join(found or [])


def test_the_circle_check_finds_a_circle_hidden_in_a_function(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text("", "utf-8")
    (package / "a.py").write_text("from circled.b import y\n\nx = 1\n", "utf-8")
    (package / "b.py").write_text("def y() -> int:\n    from circled.a import x\n\n"
                                  "    return x\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = circle(grimp.build_graph("circled", cache_dir=None))
    assert found is not None and {"circled.a", "circled.b"} <= set(found)


def test_no_module_is_over_400_lines() -> None:
    long = {path.relative_to(PACKAGE.parent).as_posix(): lines for path in PACKAGE.rglob("*.py")
            if (lines := len(path.read_text("utf-8").splitlines())) > MAX_LINES}
    assert not long, f"超过 {MAX_LINES} 行的模块（请按职责拆分）：{long}"
