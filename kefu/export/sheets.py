"""The export as CSV files and as a workbook."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kefu import outputs
from kefu.reports import tables as rt
from kefu.reports.xlsx import FORMULA_START
from kefu.workspace import Workspace

from .tables import Data, collect


def csv_bytes(table: Data) -> bytes:
    """UTF-8 with a byte-order mark (Excel opens it as Chinese text), header row first.

    Text that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage
    return) gets a leading single quote, as OWASP's rule for CSV injection says; numbers are
    numbers and stay as they are.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in table.columns])
    texts = [i for i, c in enumerate(table.columns) if c.sql == "TEXT"]
    for row in table.rows:
        if any(type(row[i]) is str and row[i].startswith(FORMULA_START) for i in texts):
            row = [f"'{v}" if type(v) is str and v.startswith(FORMULA_START) else v for v in row]
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_tables(tables: Iterable[Data]) -> list[rt.Table]:
    """The export as report tables (for the workbook): times back to datetimes."""
    out = []
    for t in tables:
        columns = [rt.Column(c.name, c.name, c.kind) for c in t.columns]
        rows = [[_typed(v, c.kind) for v, c in zip(row, t.columns, strict=True)] for row in t.rows]
        out.append(rt.Table(t.name, t.name, columns, rows))
    return out


def _typed(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == rt.TIME:
        return dt.datetime.fromisoformat(value)
    if kind == rt.DATE:
        return dt.date.fromisoformat(value)
    return value


def write_csv(ws: Workspace, folder: str | Path, with_personal: bool = False,
              notes: list[str] | None = None) -> list[Path]:
    tables = collect(ws, with_personal, notes)
    written = []
    for table in tables:
        data = csv_bytes(table)
        path = outputs.output_file(f"{folder}/", f"{table.name}.csv", ws.root, "CSV 文件")
        written.append(outputs.write_output(path, data, "CSV 文件"))
    return written


def write_xlsx(ws: Workspace, target: str | Path, with_personal: bool = False,
               notes: list[str] | None = None) -> Path:
    from kefu.reports.xlsx import workbook

    path = outputs.output_file(target, "kefu.xlsx", ws.root, "工作簿")
    tables = as_tables(collect(ws, with_personal, notes))
    return outputs.write_output(path, workbook(tables, "kefu 记录导出"), "工作簿")
