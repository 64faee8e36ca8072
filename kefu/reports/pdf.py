"""The printed report: the report's Markdown as HTML, laid out by WeasyPrint with the forms' font.

Charts are the same SVG files as on the site, embedded from disk.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from xml.etree.ElementTree import Element

from markdown import Markdown, markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .charts import write_charts
from .render import report_markdown
from .tables import Report

STYLESHEET = Path(__file__).with_name("report.css")
SHORT = 6  # characters: a column whose every cell is this short stays on one line (class short)


def report_html(report: Report, charts: dict[str, str]) -> str:
    body = markdown(report_markdown(report, charts), extensions=["tables", _Short()])
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{report.title}</title></head><body>{body}</body></html>")


def report_pdf(report: Report, root: Path) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from kefu.forms.fonts import find_fonts, with_common

    fonts = with_common(find_fonts(root))
    config = FontConfiguration()
    css = CSS(string=fonts.face_css() + STYLESHEET.read_text(encoding="utf-8"),
              font_config=config)
    with tempfile.TemporaryDirectory(prefix="kefu-report-") as folder:
        paths = write_charts(report.charts(), Path(folder), root)
        html = HTML(string=report_html(report, {k: p.as_uri() for k, p in paths.items()}),
                    base_url=folder)
        pdf: bytes = html.write_pdf(stylesheets=[css], font_config=config)
    return pdf



class _ShortColumns(Treeprocessor):
    """Marks a table's short columns (类型 投诉, 负责人 陈静, 超期未完成) `short`: on A4 the
    automatic layout gave their width to the long ones and broke 投诉 into two lines."""

    def run(self, root: Element) -> None:
        for table in root.iter("table"):
            rows = [list(row) for row in table.iter("tr")]
            for index in range(max((len(row) for row in rows), default=0)):
                cells = [row[index] for row in rows if index < len(row)]
                if all(len("".join(cell.itertext()).strip()) <= SHORT for cell in cells):
                    for cell in cells:
                        cell.set("class", "short")


class _Short(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's own name
        md.treeprocessors.register(_ShortColumns(md), "kefu-short-columns", 5)
