"""Problems found in user input: a slug, a place and a Chinese message (kefu.output prints them)."""

from __future__ import annotations

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
        """One line, whatever the file's name or the message hold (a newline is shown as \\n: no
        name can start a line of its own, such as a CI log's `::` workflow command)."""
        from kefu.chars import one_line

        where = one_line(self.path)
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        tag = "" if self.severity is Severity.ERROR else "（警告）"
        return f"{where}: [{self.slug}]{tag} {one_line(self.message)}"

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


class KefuError(Exception):
    """A user-facing failure: the CLI prints `message` (Chinese) and exits with `exit_code`."""

    def __init__(self, message: str, slug: str = "error", exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.slug = slug
        self.exit_code = exit_code
