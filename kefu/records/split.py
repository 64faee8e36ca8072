"""Writing a whole record as files: the record file and, for a kind with changes, one file per
change in the folder beside it (what `kefu migrate` and the sample department write)."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Mapping
from typing import Any

from .check import SCHEMA_LINE
from .kinds import ALPHABET_TOKEN, KINDS, change_id, schema_rel
from .yamlout import dump_value


def token(*parts: str) -> str:
    """4 characters from `parts`: the same files every time for the same record."""
    digest = hashlib.blake2b("\0".join(parts).encode(), digest_size=8).digest()
    number = int.from_bytes(digest, "big")
    out = ""
    for _ in range(4):
        number, rest = divmod(number, len(ALPHABET_TOKEN))
        out += ALPHABET_TOKEN[rest]
    return out


def files_of(kind_name: str, data: dict[str, Any]) -> dict[str, str]:
    """rel -> text of the files holding `data`, a whole record of `kind_name`."""
    kind = KINDS[kind_name]
    rel = kind.expected_rel(str(data.get("id", ""))) or ""
    if kind.changes is None or kind.changes.split is None:
        return {rel: render_record(kind_name, data, rel)}
    record, changes = kind.changes.split(data)
    out = {rel: render_record(kind_name, record, rel)}
    change_kind = f"{kind_name}-change"
    for index, change in enumerate(changes):
        cid = change_id(change["at"], change["action"],
                        token(str(data["id"]), str(index), str(change["action"])))
        change_rel = kind.change_rel(str(data["id"]), cid) or ""
        out[change_rel] = render_record(change_kind, change, change_rel)
    return out


def render_record(kind: str, data: Mapping[str, Any], rel: str) -> str:
    """YAML text of a record, with the $schema line first; text that needs quotes is quoted."""
    schema = posixpath.relpath(schema_rel(KINDS[kind]), posixpath.dirname(rel))
    return f"{SCHEMA_LINE}{schema}\n{dump_value(dict(data))}"
