"""Generate `schemas/<kind>.schema.json` from the models (the one source of truth)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kefu import files

from .kinds import KINDS, schema_rel


def schema_of(name: str) -> dict[str, Any] | None:
    """JSON Schema (draft 2020-12) of one kind, or None when its model is not available."""
    kind = KINDS[name]
    model = kind.model
    if model is None:
        return None
    schema = model.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{name}.schema.json", **schema}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_schemas(root: Path, *, check: bool = False) -> list[str]:
    """Write each schema whose text changed (only list them if `check`); return their paths."""
    changed = []
    for name in KINDS:
        schema = schema_of(name)
        if schema is None:
            continue
        rel = schema_rel(KINDS[name])
        target = root / rel
        text = render(schema)
        link = next((p for p in (target, *target.parents) if root in p.parents and p.is_symlink()),
                    None)
        if link is not None:  # never read or write a schema through a link
            raise files.link_error(link, link.relative_to(root).as_posix())
        current = target.read_text("utf-8") if target.exists() else None
        if current != text:
            changed.append(rel)
            if not check:
                files.write_file(target, text, root=root)
    return changed
