"""Static SVG charts of a report, drawn by Matplotlib with the project's font.

Every label is drawn as glyph outlines of Noto Sans SC (`svg.fonttype: path`), the font the forms
use: the chart looks the same in any browser, from file://, and inside the PDF, with no font to
load, no script and nothing from another host. Readable without colour: black and white only,
bars told apart by hatching and a legend, every bar and point labelled with its value. The SVG
carries a <title> and a <desc> with the figures in words.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from .tables import Chart

HATCHES = ("///", "...", "xx", "\\\\\\", "oo")
FILLS = ("white", "#d9d9d9", "white", "#d9d9d9", "white")
STYLE_VERSION = "1"  # bump when the drawing changes: cached SVGs are keyed by it


@cache
def _setup(root: Path) -> str:
    """Register the project's font with Matplotlib once; its family name."""
    import matplotlib

    matplotlib.use("svg")
    from matplotlib import font_manager

    from kefu.forms.fonts import find_fonts

    fonts = find_fonts(root)
    for path in (fonts.regular, fonts.bold):
        font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(fonts.regular)).get_name()
    matplotlib.rcParams.update({
        "font.family": family, "svg.fonttype": "path", "svg.hashsalt": "kefu",
        "axes.unicode_minus": False, "hatch.linewidth": 0.6, "font.size": 9,
        "axes.spines.top": False, "axes.spines.right": False,
    })
    return family


def svg(chart: Chart, root: Path) -> str:
    """The chart as an SVG document."""
    _setup(root)
    from matplotlib.figure import Figure

    wide = max(len(chart.categories), 1)
    fig = Figure(figsize=(min(9.0, max(5.5, 0.7 * wide + 2.5)), 3.4), layout="constrained")
    ax = fig.subplots()
    if chart.kind == "trend":
        _trend(ax, chart)
    else:
        _bars(ax, chart)
    ax.set_title(chart.title, fontsize=11, fontweight="bold")
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": "kefu",
                                              "Title": chart.title})
    return _describe(out.getvalue(), chart)


def _trend(ax: Any, chart: Chart) -> None:
    values = [v or 0 for v in chart.series[0][1]]
    x = range(len(chart.categories))
    bars = ax.bar(x, values, color="white", edgecolor="black", hatch=HATCHES[0], linewidth=0.8,
                  label=chart.series[0][0])
    ax.bar_label(bars, labels=[f"{v:g}" for v in values], padding=2, fontsize=8)
    ax.set_xticks(list(x), chart.categories)
    ax.set_ylabel(chart.unit)
    ax.set_ylim(0, max(values + [1]) * 1.25)
    rate_ax = ax.twinx()
    points = [(i, r * 100) for i, r in enumerate(chart.rate) if r is not None]
    if points:
        xs, ys = zip(*points, strict=True)
        rate_ax.plot(xs, ys, color="black", marker="o", markerfacecolor="black", linewidth=1.4,
                     linestyle="--", label="按时率（%）")
        for px, py in points:
            rate_ax.annotate(f"{py:.0f}%", (px, py), textcoords="offset points", xytext=(0, 6),
                             ha="center", fontsize=8, fontweight="bold")
    rate_ax.set_ylim(0, 115)
    rate_ax.set_ylabel("按时率（%）")
    rate_ax.spines["right"].set_visible(True)
    handles = [bars, *rate_ax.get_lines()]
    ax.legend(handles, [h.get_label() for h in handles], loc="upper left", frameon=False,
              fontsize=8, ncols=2)


def _bars(ax: Any, chart: Chart) -> None:
    count = len(chart.series)
    width = 0.8 / count
    for index, (name, values) in enumerate(chart.series):
        shown = [v or 0 for v in values]
        offsets = [i + (index - (count - 1) / 2) * width for i in range(len(chart.categories))]
        bars = ax.bar(offsets, shown, width, color=FILLS[index % 5], edgecolor="black",
                      hatch=HATCHES[index % 5], linewidth=0.8, label=name)
        ax.bar_label(bars, labels=[f"{v:g}" if v is not None else "—" for v in values],
                     padding=2, fontsize=8)
    ax.set_xticks(range(len(chart.categories)), chart.categories)
    top = max([v or 0 for _, values in chart.series for v in values] + [1])
    ax.set_ylim(0, top * 1.25)
    ax.set_ylabel(chart.unit)
    ax.legend(loc="upper right", frameon=False, fontsize=8, ncols=count)


def _describe(document: str, chart: Chart) -> str:
    """Give the SVG a role, a <title> and a <desc> (what a screen reader or a search reads)."""
    head = (f'<title>{escape(chart.title)}</title>\n'
            f'<desc>{escape(chart.description or chart.title)}</desc>\n')
    document = re.sub(r"<svg ", '<svg role="img" ', document, count=1)
    return re.sub(r"(<svg [^>]*>)", lambda m: m.group(1) + "\n" + head, document, count=1)


def fingerprint(chart: Chart) -> str:
    """A short hash of everything that decides the drawing: the file name of a cached SVG."""
    data = json.dumps([STYLE_VERSION, chart.kind, chart.title, list(chart.categories),
                       [[n, list(v)] for n, v in chart.series], chart.unit, list(chart.rate),
                       chart.description], ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def write_charts(charts: list[Chart], folder: Path, root: Path) -> dict[str, Path]:
    """Each chart as folder/<key>-<hash>.svg (drawn only when not there yet); key -> path."""
    from kefu import files

    files.real_folder(folder, root)  # the site's pages, or a temporary folder for the PDF
    found = {}
    for chart in charts:
        path = folder / f"{chart.key}-{fingerprint(chart)}.svg"
        if not path.is_file():
            files.write_file(path, svg(chart, root), root=root, durable=False)
        found[chart.key] = path
    return found
