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
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from .tables import Chart

HATCHES = ("///", "...", "xx", "\\\\\\", "oo")
FILLS = ("white", "#d9d9d9", "white", "#d9d9d9", "white")
STYLE_VERSION = "2"  # bump when the drawing changes: cached SVGs are keyed by it


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
    fig = figure(chart, root)
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": "kefu",
                                              "Title": chart.title})
    return _describe(out.getvalue(), chart)


def figure(chart: Chart, root: Path) -> Any:
    """The chart drawn on a Matplotlib Figure (not yet saved)."""
    _setup(root)
    from matplotlib.figure import Figure

    wide = max(len(chart.categories), 1)
    width = min(9.0, max(5.5, 0.7 * wide + 2.5))
    if chart.kind == "trend":
        # two panels over the same months, not two scales on one: the rate's points and
        # labels never sit on the bars
        fig = Figure(figsize=(width, 4.2), layout="constrained")
        rate_ax, count_ax = fig.subplots(2, 1, sharex=True, height_ratios=(1, 1.3))
        _trend(rate_ax, count_ax, chart)
        fig.suptitle(chart.title, fontsize=11, fontweight="bold")
    else:
        fig = Figure(figsize=(width, 3.4), layout="constrained")
        ax = fig.subplots()
        _bars(ax, chart)
        ax.set_title(chart.title, fontsize=11, fontweight="bold")
    return fig


def _counts(ax: Any, top: float) -> None:
    """A count axis: whole numbers only (no 0.2 张 steps), room above the tallest bar's label."""
    from matplotlib.ticker import MaxNLocator

    ax.set_ylim(0, max(top, 1) * 1.25)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=2))


TREND_ROOM = 6  # months a trend's axis holds at least


def _trend(rate_ax: Any, count_ax: Any, chart: Chart) -> None:
    x = list(range(len(chart.categories)))
    rates = [r * 100 if r is not None else float("nan") for r in chart.rate]
    if any(r is not None for r in chart.rate):
        # a month without a deadline due has no rate: a gap in the line, not a zero
        rate_ax.plot(x, rates, color="black", marker="o", markerfacecolor="black",
                     linewidth=1.4, linestyle="--")
        for px, r in zip(x, chart.rate, strict=True):
            if r is not None:
                below = _dip(chart.rate, px)
                rate_ax.annotate(f"{r:.0%}", (px, r * 100), textcoords="offset points",
                                 xytext=(0, -7 if below else 6), ha="center",
                                 va="top" if below else "bottom", fontsize=8, fontweight="bold")
    else:
        rate_ax.text(0.5, 0.5, "（没有到期的时限）", transform=rate_ax.transAxes, ha="center",
                     va="center", fontsize=9, color="#555555")
    rate_ax.set_ylim(0, 125)
    rate_ax.set_yticks([0, 50, 100])
    rate_ax.set_ylabel("按时率（%）")
    rate_ax.set_title("到期时限的按时率", fontsize=9, loc="left")
    rate_ax.grid(axis="y", color="#cccccc", linewidth=0.5)
    rate_ax.tick_params(axis="x", length=0)
    values = [v or 0 for v in chart.series[0][1]]
    bars = count_ax.bar(x, values, color="white", edgecolor="black", hatch=HATCHES[0],
                        linewidth=0.8, label=chart.series[0][0])
    count_ax.bar_label(bars, labels=[f"{v:g}" for v in values], padding=2, fontsize=8)
    count_ax.set_xticks(x, chart.categories)
    # a department's first months: bars of the usual width from the left, room for the next
    count_ax.set_xlim(-0.5, max(len(x), TREND_ROOM) - 0.5)
    count_ax.set_ylabel(chart.unit)
    count_ax.set_title(chart.series[0][0], fontsize=9, loc="left")
    _counts(count_ax, max(values, default=0))


def _dip(rates: Sequence[float | None], at: int) -> bool:
    """Whether the line comes down to point `at` from each side (its label goes under it, off
    the line); not near zero, where there is no room below."""
    here = rates[at]
    sides = [rates[i] for i in (at - 1, at + 1) if 0 <= i < len(rates) and rates[i] is not None]
    return here is not None and here >= 0.15 and bool(sides) and all(
        s is not None and s > here for s in sides)


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
    _counts(ax, max([v or 0 for _, values in chart.series for v in values], default=0))
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
