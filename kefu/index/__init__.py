"""The one derived store: records folded into a SQLite database every reader queries.

Fossil's model: the record files (and their change files) are the truth; .kefu-cache/index.sqlite
holds what was learnt from them — each file's verdict and data by its git blob id, each record
folded with its changes, the results of the checks across files — and can always be deleted and
rebuilt. It is never committed and never trusted beyond what it can prove: a database of another
schema or code version, another checkout, or one that does not open as SQLite is thrown away and
built again from the files (kefu.index.store). `kefu.records.load()` brings it up to date
(kefu.index.update) and reads it (kefu.index.query).
"""

from .store import Index, open_index

__all__ = ["Index", "open_index"]
