"""Problems found in user input, with a slug, a place and a Chinese message, and their reporters."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: `path:line:col: [slug] message`. Line and column are 1-based; 0 = unknown."""

    path: str
    line: int
    col: int
    slug: str
    message: str
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        tag = "" if self.severity is Severity.ERROR else "（警告）"
        return f"{where}: [{self.slug}]{tag} {self.message}"

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def report_text(problems: Iterable[Problem]) -> str:
    return "\n".join(p.format() for p in problems)


def report_json(problems: Iterable[Problem], **extra: object) -> str:
    items = [p.to_dict() for p in problems]
    return json.dumps({"problems": items, **extra}, ensure_ascii=False, indent=2)


class KefuError(Exception):
    """A user-facing failure: the CLI prints `message` (Chinese) and exits with `exit_code`."""

    def __init__(self, message: str, slug: str = "error", exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.slug = slug
        self.exit_code = exit_code
