"""`kefu validate`: check the records and count what is wrong (kefu.output writes the report)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kefu.problems import Problem

from .corpus import load


@dataclass
class ValidateResult:
    """Every problem found, and the counts the summary line and `--format json` give."""

    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    strict: bool = False

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    @property
    def invalid_files(self) -> int:
        return len({p.path for p in self.problems if p.severity == "error"})

    @property
    def failed(self) -> bool:
        return self.errors > 0 or (self.strict and self.warnings > 0)


def validate(root: Path, paths: Sequence[Path] | None = None, *, use_cache: bool = True,
             strict: bool = False) -> ValidateResult:
    """Check the records under `root` (all, or `paths`); warnings fail too when `strict`."""
    result = load(root, paths, use_cache=use_cache, data=False)
    return ValidateResult(result.problems, result.files, strict)
