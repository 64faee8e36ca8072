"""records/calendar.yml: the company's own days off and extra workdays, checked like a record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kefu.problems import Problem
from kefu.records.kinds import Finding, Kind


class CalendarFile(BaseModel):
    """公司日历：覆盖国务院放假安排的公司休息日和上班日（records/calendar.yml）。"""

    model_config = ConfigDict(extra="forbid", title="公司日历")

    holidays: list[dt.date] = Field(
        default_factory=list, description="公司休息日（YYYY-MM-DD），例如年终盘点停工"
    )
    workdays: list[dt.date] = Field(
        default_factory=list, description="公司上班日（YYYY-MM-DD），例如周末加班"
    )

    @field_validator("holidays", "workdays", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


def each_day_once(calendar: Any) -> Iterator[Finding]:
    """A date is listed once, and never both as a day off and as a workday."""
    seen: dict[str, dict[dt.date, int]] = {}
    for key in ("holidays", "workdays"):
        days = seen.setdefault(key, {})
        for index, day in enumerate(getattr(calendar, key, None) or ()):
            if day in days:
                yield Finding("duplicate-date", (key, index),
                              f"{day.isoformat()} 在 {key} 中重复出现，请删去一处。")
            days.setdefault(day, index)
    for day, index in seen.get("workdays", {}).items():
        if day in seen.get("holidays", {}):
            yield Finding("calendar-conflict", ("workdays", index),
                          f"{day.isoformat()} 同时列在 holidays 和 workdays 中，请只保留一处。")


_HINT = {
    "unknown-field": "只允许 holidays:（休息日）和 workdays:（上班日）两个列表。",
    "wrong-type": "应为日期列表，例如：\n  holidays:\n    - 2026-12-31",
    "bad-date": "应写成 YYYY-MM-DD 形式、确实存在的日期，例如 2026-12-31。",
}


def explain(loc: tuple[Any, ...], etype: str) -> tuple[str, str]:
    if etype == "extra_forbidden":
        slug = "unknown-field"
    elif etype == "list_type" or len(loc) <= 1:
        slug = "wrong-type"
    else:
        slug = "bad-date"
    return slug, _HINT[slug]


KIND = Kind("calendar", "公司日历", CalendarFile, file="calendar.yml",
            checks=(each_day_once,), explain=explain)


def read_calendar_file(path: Path, root: Path | None = None
                       ) -> tuple[set[dt.date], set[dt.date], list[Problem]]:
    """Parse and check a calendar.yml: (holidays, workdays, problems)."""
    from kefu.records.check import read_single

    model, problems = read_single(KIND, path, root)
    if model is None or any(p.severity == "error" for p in problems):
        return set(), set(), problems
    assert isinstance(model, CalendarFile)
    return set(model.holidays), set(model.workdays), problems
