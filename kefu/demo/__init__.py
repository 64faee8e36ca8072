"""The sample department (商品存储产品的客服部, fictional): what `kefu init --demo` writes.

Deterministic: the same records every time, as of late November 2026 (set KEFU_NOW to look at
it as of then). This repository's own records/ is this demo, written by `kefu demo` (see
scripts/gen_sample.py); the test suite makes its own copy with `kefu init --demo` and never
reads the repository's records/.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kefu import files
from kefu.records.split import files_of

# the records folders the demo fills (the rules files beside them are the handbook's)
FOLDERS = ("people", "dealers", "tickets", "rosters", "swaps", "leave", "trips", "punches",
           "handovers", "loans", "sanctions", "assessments")


def write(root: Path, kind: str, records: Iterable[dict[str, Any]]) -> int:
    """Write `records` of `kind` under root/records/ (each in its place); how many.

    Tickets need deadline rules: the shipped records/sla.yml is put beside them if missing.
    """
    root.mkdir(parents=True, exist_ok=True)
    rules = root / "records" / "sla.yml"
    if kind == "ticket" and not rules.exists():
        from kefu.department.content import source_root

        files.write_file(rules, (source_root() / "records" / "sla.yml").read_bytes(), root=root)
    count = 0
    for data in records:
        for rel, text in files_of(kind, data).items():
            files.write_file(root / rel, text, root=root, durable=False)
        count += 1
    return count


def write_demo(root: Path) -> dict[str, int]:
    """The whole sample department under root/records/ (its rules files must be there).

    Replaces the records of the folders it fills; returns how many records of each kind.
    """
    import shutil

    from kefu.calendar import WorkCalendar

    from . import assessments, quarter, tickets

    for folder in FOLDERS:
        shutil.rmtree(root / "records" / folder, ignore_errors=True)
    made = {"person": write(root, "person", tickets.people()),
            "dealer": write(root, "dealer", tickets.dealers())}
    sample = tickets.tickets(102, recent=30)
    made["ticket"] = write(root, "ticket", sample)
    staff = quarter.sample(WorkCalendar.load(root), [str(t["id"]) for t in sample])
    for kind, items in staff.items():
        made[kind] = write(root, kind, items)
    made["assessment"] = write(root, "assessment", assessments.november())
    return made
