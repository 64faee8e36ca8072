"""`kefu export`: every record kind as tables, for SQLite (stdlib sqlite3), CSV files or a workbook.

Tables are derived from the record kinds' models, so a new kind is exported without a change
here: one table per kind (named after its folder: tickets, people, dealers, assessments), one
table per list of nested records (ticket_events: `<kind>_<field>`, with `seq`, the position in
the list), nested records flattened into `<field>_<subfield>` columns. References between kinds
become foreign keys, ids primary keys, and every reference and time column gets an index.
Computed tables: sla_rules (records/sla.yml) and ticket_milestones (every deadline of every
ticket with its due time, as `kefu due` computes it). Personal fields (phone, e-mail, address, ID
number, birthday, customer) are left out unless `with_personal`.
Times are ISO 8601 text in Beijing time with the offset (2026-03-15T10:20:00+08:00), so
`substr(received, 1, 7)` is the Beijing month; dates are ISO text; true/false are 1/0.
"""

from .sheets import as_tables, csv_bytes, write_csv, write_xlsx
from .sqlite import sqlite_bytes, write_sqlite
from .tables import Col, Data, collect, table_name

__all__ = ["Col", "Data", "as_tables", "collect", "csv_bytes", "sqlite_bytes",
           "table_name", "write_csv", "write_sqlite", "write_xlsx"]
