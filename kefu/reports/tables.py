"""What a report is made of: sections of typed tables, notes and charts.

Every writer (text, JSON, Markdown, the site page, the PDF, the workbook) reads the same `Report`,
so a figure has one source. Cells hold real values (int, float, date, datetime, str, None);
the column's `kind` says how to show them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kefu.kinds.department import DEFAULT_NAME

from .period import Period

# Column kinds: how a cell is shown; the workbook and JSON keep the value itself.
TEXT, INT, PCT, DAYS, SCORE, DATE, TIME, TICKET = (
    "text", "int", "pct", "days", "score", "date", "datetime", "ticket")


class Given(float):
    """A score given by hand where the records also yield one (a KPI part): the given score is
    the value (JSON and the workbook keep it as a number), the records' figure is shown beside
    it (`80.0（记录算得 66.7）`; None: the records yield none that month)."""

    computed: float | None

    def __new__(cls, score: float, computed: float | None) -> Given:
        made = super().__new__(cls, score)
        made.computed = computed
        return made

    def __getnewargs__(self) -> tuple[float, float | None]:  # type: ignore[override]
        return float(self), self.computed


@dataclass(frozen=True)
class Column:
    key: str  # JSON key and SQL-like name (English)
    label: str  # Chinese header
    kind: str = TEXT


@dataclass
class Table:
    key: str
    title: str
    columns: Sequence[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""  # how the figures are counted, shown under the table
    empty: str = "（无）"  # what to say when there is no row

    def as_dicts(self) -> list[dict[str, Any]]:
        keys = [c.key for c in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Chart:
    """The data of one chart; kefu.reports.charts draws it."""

    key: str  # file name stem, unique within a report
    kind: str  # "trend", "bars" or "grouped"
    title: str
    categories: Sequence[str]
    series: Sequence[tuple[str, Sequence[float | None]]]  # (label, one value per category)
    unit: str = ""  # axis label
    rate: Sequence[float | None] = ()  # trend: on-time rate (0..1) per category
    description: str = ""  # alternative text: what the chart shows, in words


@dataclass
class Section:
    key: str
    title: str
    notes: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Report:
    """A period's report as of a moment (the period's end, or now for the current period)."""

    period: Period
    as_of: dt.datetime
    sections: list[Section] = field(default_factory=list)
    provisional: bool = False  # a deadline in a year without an official holiday calendar
    skipped_files: int = 0  # invalid record files left out
    department: str = DEFAULT_NAME  # the department's name in records/department.yml

    @property
    def title(self) -> str:
        """客服部报表：2026 年 11 月, with the department's own name."""
        return f"{self.department}报表：{self.period.title}"

    @property
    def complete(self) -> bool:
        """The period is over: the figures will not change (unless records are edited)."""
        return self.as_of >= self.period.end

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def table(self, key: str) -> Table:
        return next(t for s in self.sections for t in s.tables if t.key == key)

    def charts(self) -> list[Chart]:
        return [c for s in self.sections for c in s.charts]
