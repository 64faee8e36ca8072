"""The report charts: static SVG whose Chinese labels are Noto Sans SC glyph outlines."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont

from kefu.forms.fonts import find_fonts
from kefu.reports.charts import figure, fingerprint, svg, write_charts
from kefu.reports.tables import Chart

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"

CHART = Chart("workload", "grouped", "人员工作量（张）", ["陈静", "李强", "王芳"],
              [("本期新接", [5, 1, 1]), ("期末未结", [3, 0, 1])], unit="工单（张）",
              description="陈静 新接 5、未结 3")
TREND = Chart("trend", "trend", "近 12 个月受理量与按时率", ["26/09", "26/10"],
              [("受理量", [2, 7])], unit="工单（张）", rate=[1.0, 0.4], description="趋势")


@pytest.fixture(scope="module")
def glyph_ids() -> dict[str, int]:
    """Character -> glyph index in the project's font."""
    font = TTFont(find_fonts(ROOT).regular, lazy=True)
    order = {name: index for index, name in enumerate(font.getGlyphOrder())}
    return {chr(code): order[name] for code, name in font.getBestCmap().items()}


def _glyphs(document: str) -> dict[str, str]:
    """Glyph definitions in the SVG: id -> outline."""
    tree = ET.fromstring(document)
    return {p.get("id", ""): p.get("d", "") for p in tree.iter(f"{SVG}path") if p.get("id")}


@pytest.mark.parametrize("chart", [CHART, TREND], ids=["bars", "trend"])
def test_labels_are_real_glyphs_of_the_projects_font(chart: Chart,
                                                     glyph_ids: dict[str, int]) -> None:
    document = svg(chart, ROOT)
    glyphs = _glyphs(document)
    used = {h.lstrip("#") for h in re.findall(r'xlink:href="(#[^"]+)"', document)}
    labels = "".join([chart.title, *chart.categories, *(n for n, _ in chart.series)])
    for char in set(labels) - {" "}:
        glyph = f"NotoSansSC-Regular-{glyph_ids[char]:x}"
        bold = f"NotoSansSC-Bold-{glyph_ids[char]:x}"
        found = glyph if glyph in glyphs else bold
        assert found in glyphs, f"{char} 没有画成 Noto Sans SC 的字形"
        assert glyphs[found].strip(), f"{char} 的字形是空的"
        assert found in used
    # the labels are also there as words, for screen readers and search
    tree = ET.fromstring(document)
    assert tree.get("role") == "img"
    assert tree.find(f"{SVG}title").text == chart.title
    assert tree.find(f"{SVG}desc").text == chart.description


def test_no_script_no_outside_host_no_colour() -> None:
    document = svg(CHART, ROOT)
    tree = ET.fromstring(document)
    assert not list(tree.iter(f"{SVG}script")) and "<script" not in document
    assert not list(tree.iter(f"{SVG}text"))  # every letter is an outline: no font needed
    assert not list(tree.iter(f"{SVG}image"))
    refs = [e.get(XLINK) for e in tree.iter() if e.get(XLINK)]
    assert refs and all(r.startswith("#") for r in refs)
    colours = set(re.findall(r"(?:fill|stroke):\s*(#[0-9a-fA-F]{6})", document))
    grey = {c for c in colours if c[1:3] == c[3:5] == c[5:7]}
    assert colours == grey, f"图表应只用黑白灰（靠花纹和数字区分）：{colours - grey}"
    assert document.count("<pattern") >= 2  # hatching tells the two series apart


def test_charts_are_cached_by_their_figures(tmp_path: Path) -> None:
    first = write_charts([CHART], tmp_path, ROOT)["workload"]
    stamp = first.stat().st_mtime_ns
    again = write_charts([CHART], tmp_path, ROOT)["workload"]
    assert again == first and again.stat().st_mtime_ns == stamp
    changed = Chart(CHART.key, CHART.kind, CHART.title, CHART.categories,
                    [("本期新接", [6, 1, 1]), ("期末未结", [3, 0, 1])], CHART.unit)
    assert fingerprint(changed) != fingerprint(CHART)
    assert write_charts([changed], tmp_path, ROOT)["workload"] != first


# -- layout: labels clear of the bars and the line, whole numbers on count axes ---------------
MONTHS = [f"26/{m:02d}" for m in range(1, 13)]
DIPS = Chart("trend", "trend", "近 12 个月受理量与按时率", MONTHS,
             [("受理量", [8, 7, 8, 7, 8, 8, 8, 8, 7, 20, 13, 0])], unit="工单（张）",
             rate=[0.56, 0.82, 1.0, 0.82, 0.78, 1.0, 0.82, 0.57, 0.75, 0.26, 0.44, None])
EMPTY_TREND = Chart("trend", "trend", "近 12 个月受理量与按时率", MONTHS,
                    [("受理量", [0] * 12)], unit="工单（张）", rate=[None] * 12)
EMPTY_BARS = Chart("workload", "grouped", "人员工作量（张）", ["陈静", "李强"],
                   [("本期新接", [0, 0]), ("期末未结", [0, 0])], unit="工单（张）")
FEW = Chart("workload", "grouped", "人员工作量（张）", ["陈静", "李强"],
            [("本期新接", [3, 1]), ("期末未结", [2, 0])], unit="工单（张）")


def _drawn(chart: Chart) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = figure(chart, ROOT)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return fig, canvas.get_renderer()


def test_rate_labels_sit_clear_of_the_bars_and_the_line() -> None:
    import numpy as np

    fig, renderer = _drawn(DIPS)
    rate_ax, count_ax = fig.axes
    labels = [a.get_window_extent(renderer) for a in rate_ax.texts if a.get_text().endswith("%")]
    assert len(labels) == 11  # every month with a rate, none for the month without
    bars = [b.get_window_extent(renderer) for b in count_ax.patches]
    assert not [(lab, bar) for lab in labels for bar in bars if lab.overlaps(bar)]
    line = rate_ax.lines[0]
    points = rate_ax.transData.transform(line.get_xydata())
    # the dashed line between the points, sampled every pixel or so, and the markers
    path = [p0 + (p1 - p0) * f for p0, p1 in zip(points, points[1:], strict=False)
            if not (np.isnan(p0).any() or np.isnan(p1).any())
            for f in np.linspace(0, 1, 200)]
    for box in labels:
        inner = box.shrunk(0.9, 0.8)  # the glyphs, not the empty margin of the text box
        hits = [pt for pt in path if inner.contains(*pt)]
        assert not hits, f"按时率的数字压在折线上：{box}"


@pytest.mark.parametrize("chart", [EMPTY_TREND, EMPTY_BARS, FEW, DIPS],
                         ids=["empty-trend", "empty-bars", "few", "trend"])
def test_count_axes_step_by_whole_numbers(chart: Chart) -> None:
    fig, _ = _drawn(chart)
    counts = fig.axes[-1]  # the bars' axis (the trend's lower panel)
    low, high = counts.get_ylim()
    ticks = [v for v in counts.get_yticks() if low <= v <= high]
    assert len(ticks) >= 2 and all(float(v).is_integer() for v in ticks), ticks
    assert min(b - a for a, b in zip(ticks, ticks[1:], strict=False)) >= 1


def test_a_new_departments_short_trend_keeps_bars_of_the_usual_width() -> None:
    """A trend of the first month or two (kefu.reports.build: from the first ticket's month)
    draws its bars as wide as a twelve-month trend's half, from the left, not one bar across
    the page."""
    short = Chart("trend", "trend", "近 1 个月受理量与按时率", ["26/11"], [("受理量", [18])],
                  unit="工单（张）", rate=[0.0])
    fig, renderer = _drawn(short)
    count_ax = fig.axes[-1]
    (bar,) = [b.get_window_extent(renderer) for b in count_ax.patches]
    axis = count_ax.get_window_extent(renderer)
    assert bar.width < axis.width / 5 and bar.x0 < axis.x0 + axis.width / 5
    fig, renderer = _drawn(DIPS)  # twelve months fill the axis as before
    assert fig.axes[-1].get_xlim() == (-0.5, 11.5)

