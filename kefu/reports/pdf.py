"""The printed report: the report's Markdown as HTML, laid out by WeasyPrint with the forms' font.

Charts are the same SVG files as on the site, embedded from disk.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .charts import write_charts
from .render import report_markdown
from .tables import Report

STYLESHEET = Path(__file__).with_name("report.css")


def report_html(report: Report, charts: dict[str, str]) -> str:
    import markdown

    body = markdown.markdown(report_markdown(report, charts), extensions=["tables"])
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
