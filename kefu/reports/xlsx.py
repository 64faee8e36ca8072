"""Tables as an Excel workbook (openpyxl): one sheet per table, numbers as numbers, times as times.

Excel has no time zones: times are written as Beijing wall-clock time (the zone is said in the
header). Percentages are fractions with a percent format, so a formula on them works.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from typing import Any

from kefu.times import SHANGHAI

from .tables import DATE, DAYS, INT, PCT, SCORE, TIME, Table

CREATOR = "kefu"
_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, taken: set[str]) -> str:
    base = _BAD.sub("_", title)[:28] or "表"
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:26]}_{n}", n + 1
    taken.add(name)
    return name


def _value(value: Any, kind: str) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(SHANGHAI).replace(tzinfo=None)
    if kind == TIME and isinstance(value, str):
        return value
    return value


FORMATS = {PCT: "0.0%", DAYS: "0.0", SCORE: "0.0", INT: "0", DATE: "yyyy-mm-dd",
           TIME: "yyyy-mm-dd hh:mm"}


def workbook(tables: Iterable[Table], title: str) -> bytes:
    """The tables as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    book.properties.creator = CREATOR
    book.properties.title = title
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title, taken))
        heads = [c.label + ("（北京时间）" if c.kind == TIME else "") for c in table.columns]
        sheet.append(heads)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            fmt = FORMATS.get(column.kind)
            if fmt:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = fmt
            sheet.column_dimensions[letter].width = max(10, min(40, 2 * len(heads[index - 1])))
        sheet.freeze_panes = "A2"
        if table.note:
            sheet.append([])
            sheet.append([f"注：{table.note}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

