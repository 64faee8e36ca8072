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

from .tables import DATE, DAYS, INT, PCT, SCORE, TEXT, TIME, Table

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
    if isinstance(value, str) and _ILLEGAL.search(value):
        return _ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value


# A text cell starting with one of these is a formula to a spreadsheet (OWASP's CSV injection
# list); openpyxl makes "=..." a formula cell by itself. Every text is a value here.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What an .xlsx cell cannot hold (XML 1.0); validate refuses these at the door, this is the
# last guard so that a workbook is always written.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _as_text(cells: Iterable[Any]) -> None:
    """Text cells of a row kept as text: data type string, and Excel's quote prefix so that
    editing the cell does not turn it into a formula either."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True


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
            values = [_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)]
            sheet.append(values)
            if any(type(v) is str and v.startswith(FORMULA_START) for v in values):
                _as_text(sheet[sheet.max_row])
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
            sheet.append([_value(f"注：{table.note}", TEXT)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

