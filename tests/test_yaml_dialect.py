"""One YAML dialect in and out (issue 24, wrong results 3): what kefu writes, its reader reads
back as the same value, for every field type of every kind's model."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from kefu.records.kinds import KINDS
from kefu.records.loader import parse
from kefu.records.yamlout import Flow, dump_value

# Text that YAML 1.1 and YAML 1.2 (or yaml-rs) read differently, or not as text at all
TEXTS = ["5E12", "1e999", "0o17", "1e3", "-1e-5", ".5", "+1", "0x1F", "0b101", "1_000", "0123",
         "yes", "no", "on", "off", "y", "true", "False", "null", "Null", "~", "", " ", ".inf",
         "-.Inf", ".NaN", "2026-03-15", "2026-03-15T10:20:00+08:00", "12:30", "1:20:30",
         "a: b", "- x", "#c", "%YAML", "!tag", "@x", "`x", "'q'", '"d"', "x #y", "多行\n文本",
         "末尾空格 ", "ZF-S200 / SN 0012", "=1+1"]
SAMPLES: dict[Any, list[Any]] = {
    str: TEXTS,
    int: [0, -5, 10**12, 2**63],
    float: [0.5, 1e-05, 1e20, 92.0, -0.0],
    bool: [True, False],
    dt.date: [dt.date(2026, 3, 15), dt.date(1971, 2, 3)],
    dt.datetime: [dt.datetime(2026, 3, 15, 10, 20, tzinfo=dt.timezone(dt.timedelta(hours=8))),
                  dt.datetime(2026, 3, 15, 2, 20, 30, tzinfo=dt.UTC)],
}


def _leaves(annotation: Any) -> Iterator[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _leaves(typing.get_args(annotation)[0])
    elif origin in (typing.Union, types.UnionType, list, dict):
        for arg in typing.get_args(annotation):
            yield from _leaves(arg)
    elif origin is typing.Literal:
        yield from ((None, value) for value in typing.get_args(annotation))
    elif annotation is not type(None):
        yield annotation


def _field_values(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, info in model.model_fields.items():
        for leaf in _leaves(info.annotation):
            if isinstance(leaf, tuple):  # a Literal's value
                yield f"{prefix}{name}", leaf[1]
            elif isinstance(leaf, type) and issubclass(leaf, BaseModel):
                yield from _field_values(leaf, f"{prefix}{name}.")
            else:
                kind = next((k for k in (bool, int, float, dt.datetime, dt.date, str)
                             if isinstance(leaf, type) and issubclass(leaf, k)), str)
                if getattr(leaf, "__name__", "") == "AwareDatetime":
                    kind = dt.datetime
                yield from ((f"{prefix}{name}", v) for v in SAMPLES[kind])


MODELS = {kind.name: kind.model for kind in KINDS.values() if kind.model is not None}


def _as_read(value: Any) -> Any:
    """What the reader gives for a written value: dates and times stay ISO text."""
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_written_value_of_every_field_reads_back_the_same(name: str) -> None:
    values = list(_field_values(MODELS[name]))
    assert values
    written: dict[str, Any] = {}
    for index, (path, value) in enumerate(values):
        written[f"{path}#{index}"] = value
        written[f"{path}#{index}/list"] = [value]
        if isinstance(value, str):  # one-line lists hold names and codes (rosters, signatures)
            written[f"{path}#{index}/flow"] = Flow([value])
    text = dump_value(written)
    back = parse(text)
    want = {key: [_as_read(v[0])] if isinstance(v, list) else _as_read(v)
            for key, v in written.items()}
    wrong = {key: (want[key], back.get(key)) for key in want
             if back.get(key) != want[key] or type(back.get(key)) is not type(want[key])}
    assert wrong == {}, text


def test_kefu_new_writes_what_it_reads_back(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "data" / "forms" / "repo", repo)
    done = subprocess.run([sys.executable, "-m", "kefu.cli", "new", "repair", "--title", "0o17",
                           "--owner", "wangfang", "--product", "5E12", "--department", "1e999"],
                          cwd=repo, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KEFU_NOW": "2026-12-01T10:00:00+08:00"})
    assert done.returncode == 0, done.stderr
    data = parse(Path(done.stdout.splitlines()[0]).read_text("utf-8"))
    assert (data["title"], data["product"], data["department"]) == ("0o17", "5E12", "1e999")
