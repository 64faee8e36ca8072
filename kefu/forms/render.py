"""Turn a registered form (blank, or with values from a record) into HTML and a PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2

from kefu.forms.fonts import FontFiles, find_fonts, with_common
from kefu.forms.registry import Form, FormField, Registry, forms_dir, load_registry

CHECKED = "■"
UNCHECKED = "□"
"""Tick boxes: U+25A0 / U+25A1 are in Noto Sans SC (U+2610/U+2611 are not)."""
STYLESHEET = "forms.css"


@dataclass
class Filled:
    """What a record puts on a form: field values and the header's serial number and date."""

    values: dict[str, Any] = field(default_factory=dict)
    serial: str | None = None
    date: date | None = None
    # approver row -> (意见, 签字, 日期) of a decision on record (kefu approve / refuse)
    signed: dict[str, tuple[str, str, str]] = field(default_factory=dict)


def layout(form: Form) -> list[list[FormField]]:
    """Group fields into table rows: a full-row field alone, half-width fields in pairs."""
    rows: list[list[FormField]] = []
    pending: list[FormField] = []
    for item in form.fields:
        if item.full_row:
            if pending:
                rows.append(pending)
                pending = []
            rows.append([item])
            continue
        pending.append(item)
        if len(pending) == 2:
            rows.append(pending)
            pending = []
    if pending:
        rows.append(pending)
    return rows


def segments(form: Form) -> list[tuple[str, list[list[FormField]]]]:
    """Split the rows into field tables and stand-alone grid tables, in order."""
    out: list[tuple[str, list[list[FormField]]]] = []
    for row in layout(form):
        kind = "grid" if row[0].type == "grid" else "fields"
        if kind == "fields" and out and out[-1][0] == "fields":
            out[-1][1].append(row)
        else:
            out.append((kind, [row]))
    return out


def _text(value: Any) -> str:
    """Record values as printed text: dates in Chinese order, datetimes to the minute."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return f"{value.year}年{value.month:02d}月{value.day:02d}日"
    return str(value)


def letterhead(root: Path) -> dict[str, Any]:
    """The names the templates print: `company.name`, `company.short`, `department.name`
    (records/department.yml; blank without one, so a records-only repository still prints)."""
    from kefu.kinds.department import DEFAULT_NAME, load_department

    config = load_department(root)
    if config is None:
        return {"company": {"name": "", "short": ""}, "department": {"name": DEFAULT_NAME}}
    return {"company": {"name": config.company.name, "short": config.company.short},
            "department": {"name": config.department}}


class FormRenderer:
    """Renders forms; holds one Jinja environment, one FontConfiguration and one parsed CSS."""

    def __init__(self, root: Path) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.root = root
        self.folder = forms_dir(root)
        self.registry: Registry = load_registry(root)
        self.letterhead = letterhead(root)
        self.fonts: FontFiles = with_common(find_fonts(root))
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.folder),
            autoescape=True,  # record text is data: <script>, {{ }} and & print literally
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["text"] = _text
        self.env.globals.update(CHECKED=CHECKED, UNCHECKED=UNCHECKED, segments=segments)
        self.font_config = FontConfiguration()
        css_text = self.fonts.face_css() + (self.folder / STYLESHEET).read_text(encoding="utf-8")
        self.css = CSS(string=css_text, base_url=str(self.folder), font_config=self.font_config)

    def html(self, key: str, filled: Filled | None = None) -> str:
        """The form's HTML; blank (fill-in lines) when `filled` is None."""
        form = self.registry.get(key)
        data = filled or Filled()
        template = self.env.get_template(form.template)
        return template.render(
            form=form,
            registry=self.registry,
            **self.letterhead,
            filled=filled is not None,
            values=data.values,
            serial=data.serial,
            issued=data.date,
            signed=data.signed,
        )

    def document(self, key: str, filled: Filled | None = None) -> Any:
        """The laid-out WeasyPrint document (pages known), before PDF output."""
        from weasyprint import HTML

        html = HTML(string=self.html(key, filled), base_url=str(self.folder))
        return html.render(stylesheets=[self.css], font_config=self.font_config)

    def pdf(self, key: str, filled: Filled | None = None) -> bytes:
        """The form as PDF bytes (A4)."""
        pdf: bytes = self.document(key, filled).write_pdf()
        return pdf

    def write(self, key: str, target: Path, filled: Filled | None = None) -> Path:
        """Render to `target` (parent folders are created)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(self.pdf(key, filled))
        return target
