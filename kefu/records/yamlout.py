"""Writing YAML that kefu's reader reads back as it was written: one dialect in and out.

PyYAML's emitter decides quoting by YAML 1.1's rules, and kefu reads with yaml-rs (YAML 1.2 and
more): written plain, `5E12` came back as 5000000000000.0, `1e999` as inf, `0o17` as 15 and
`0b101` as 5. Here a string is quoted whenever the reader would take its plain form for anything
but that same string; the reader itself is asked, so the two can never disagree again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
import yaml_rs

# A plain scalar that is not read as text starts with one of these (numbers, null, booleans,
# .inf/.nan, empty); every other string needs no question to the reader.
_MAYBE_NOT_TEXT = frozenset("0123456789+-.~nNtTfF")


class Flow(list[Any]):
    """A list written on one line (`days: [day, day, rest]`), as people type short lists."""


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Block style, libyaml's emitter (6x faster: sample data writes 100,000 records)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # a value used twice (received = first event's time) is written twice


def reads_back(value: str) -> bool:
    """Whether kefu's reader takes `value`, written plain, for that same string."""
    if value and value[0] not in _MAYBE_NOT_TEXT:
        return True
    try:
        return bool(yaml_rs.loads(f"v: {value}", parse_datetime=False) == {"v": value})
    except (yaml_rs.YAMLDecodeError, ValueError, TypeError):
        return True  # not plain YAML at all: the emitter quotes it by its own rules


def _timestamp(dumper: yaml.SafeDumper, value: dt.date) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None if reads_back(value) else "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _flow(dumper: yaml.SafeDumper, value: Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


_Dumper.add_representer(Flow, _flow)
_Dumper.add_representer(dt.datetime, _timestamp)
_Dumper.add_representer(dt.date, _timestamp)
_Dumper.add_representer(str, _text)


def dump_value(value: Any) -> str:
    """YAML text of a value in the records' style (block style, timestamps as ISO text) that
    kefu.records.loader reads back as the same value."""
    text: str = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                          default_flow_style=False, width=10_000)
    return text
