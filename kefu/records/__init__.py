"""Records kept as YAML files: loading, checking, the cache, new records, generated JSON Schemas.

Public API: `load(root, paths=None) -> LoadResult`, `Record`, `LoadResult`,
`personal_values(result)`; kinds plug in through `kefu.records.kinds.register_kind`.
"""

from .corpus import LoadResult, Record, load
from .kinds import KINDS, Kind, register_kind
from .privacy import personal_values

__all__ = ["KINDS", "Kind", "LoadResult", "Record", "load", "personal_values", "register_kind"]
