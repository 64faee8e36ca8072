"""Records kept as YAML files: models, loading, validation, new ids, generated JSON Schemas.

Public API (shared contract): `load(root, paths=None) -> LoadResult`, `Record`, `LoadResult`,
`personal_values(result)`; kinds plug in through `kefu.records.kinds.register_kind`.
"""

from .corpus import LoadResult, Record, find_root, load, personal_values
from .kinds import KINDS, Kind, register_kind

__all__ = ["KINDS", "Kind", "LoadResult", "Record", "find_root", "load", "personal_values",
           "register_kind"]
