"""Registry of record kinds: where each kind's files live, its model, its id and its references.

New kinds (rosters, leave, hand-overs, archive loans) plug in with one entry in the tuple below,
e.g. `Kind("roster", "值班表", "kefu.rosters:Roster", folder="rosters",
references=((("shifts", "*", "person"), "person"),))`: the loader, `kefu validate` (schema,
file name = id, folder, references, duplicate ids), `kefu schemas` and the privacy scan
(`personal: true` fields) follow. Models are named by "module:attribute" and imported lazily, so
a kind whose model lives in another module (sla.yml, calendar.yml) costs nothing until used and
is only parsed, not schema-checked, while that model does not exist.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel

RECORDS = "records"
SCHEMAS = "schemas"


@dataclass(frozen=True)
class Kind:
    """One kind of record file."""

    name: str  # "ticket"; also the schema file name schemas/<name>.schema.json
    title: str  # Chinese name used in messages
    model: str | None  # "module:Class" of the pydantic model, imported lazily
    folder: str = ""  # records/<folder>/ holds one file per record ("" for a single file)
    file: str = ""  # records/<file> for a single-file kind such as sla.yml
    by_month: bool = False  # files live in <folder>/YYYY/MM/ by the date in the id
    id_date: re.Pattern[str] | None = None  # extracts YYYYMMDD from the id
    # (field path, target kind); "*" in a path means each item of a list
    references: tuple[tuple[tuple[str, ...], str], ...] = ()
    cacheable: bool = True  # results may be cached (model lives in kefu.records)

    def load_model(self) -> type[BaseModel] | None:
        return _import_model(self.model) if self.model else None

    def expected_rel(self, record_id: str) -> str | None:
        """Where a record with this id belongs, relative to the repository root."""
        if self.file:
            return f"{RECORDS}/{self.file}"
        if self.by_month and self.id_date:
            match = self.id_date.search(record_id)
            if not match:
                return None
            day = match.group(1)
            return f"{RECORDS}/{self.folder}/{day[:4]}/{day[4:6]}/{record_id}.yml"
        return f"{RECORDS}/{self.folder}/{record_id}.yml"


@cache
def _import_model(ref: str) -> type[BaseModel] | None:
    module_name, _, attr = ref.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    model = getattr(module, attr, None)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def kind_of(rel: str) -> Kind | None:
    """The kind whose place `rel` (posix path relative to the repo root) is in, if any."""
    folder, _, name = rel.rpartition("/")
    if folder == RECORDS:
        return next((k for k in KINDS.values() if k.file and k.file == name), None)
    return _kind_of_folder(folder)


@cache
def _kind_of_folder(folder: str) -> Kind | None:
    parts = folder.split("/")
    if len(parts) < 2 or parts[0] != RECORDS:
        return None
    return next((k for k in KINDS.values() if k.folder and k.folder == parts[1]), None)


_M = "kefu.records.models"
KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> None:
    """Add (or replace) a record kind."""
    KINDS[kind.name] = kind
    _kind_of_folder.cache_clear()


for _kind in (
    Kind("ticket", "工单", f"{_M}:Ticket", folder="tickets", by_month=True,
         id_date=re.compile(r"^T-([0-9]{8})-"),
         references=((("owner",), "person"), (("events", "*", "by"), "person"),
                     (("dealer",), "dealer"))),
    Kind("person", "员工档案", f"{_M}:Person", folder="people"),
    Kind("dealer", "代理商档案", f"{_M}:Dealer", folder="dealers"),
    # Owned by the deadlines helper: validated with their model when it exists, never an error here.
    Kind("sla", "时限规则", "kefu.sla:SlaFile", file="sla.yml", cacheable=False),
    Kind("calendar", "公司日历", "kefu.calendar:CalendarFile", file="calendar.yml",
         cacheable=False),
):
    register_kind(_kind)


def known_places() -> str:
    """Human list of where records may live, for messages."""
    places = [f"{RECORDS}/{k.folder}/" for k in KINDS.values() if k.folder]
    places += [f"{RECORDS}/{k.file}" for k in KINDS.values() if k.file]
    return "、".join(places)


def schema_rel(kind: Kind) -> str:
    return f"{SCHEMAS}/{kind.name}.schema.json"
