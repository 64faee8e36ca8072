"""One checkout of the department's repository, set up once per command.

`Workspace` finds the root, holds "today" in Beijing, and loads the deadline rules, the work
calendar, the records and the people's names once, for whichever command asks first.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import subprocess
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kefu import times
from kefu.problems import KefuError

if TYPE_CHECKING:
    from kefu.calendar import WorkCalendar
    from kefu.records.corpus import LoadResult, Record
    from kefu.sla import Rules

RECORDS = "records"


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: the working folder) holding records/.

    KefuError (exit 2) outside a checkout: no command guesses where the records are.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / RECORDS).is_dir():
            return folder
    hint = "，或用 --root 指定仓库" if _has_root_option() else ""
    raise KefuError(f"{here} 不在 kefu 仓库里（向上找不到 records/ 文件夹）：请进入仓库目录"
                    f"（含 records/ 的文件夹）再运行{hint}。", "not-a-checkout", 2)


def _has_root_option() -> bool:
    """Whether the running `kefu` command has a --root option (most have none)."""
    import click

    ctx = click.get_current_context(silent=True)
    return ctx is not None and any("--root" in getattr(p, "opts", ()) for p in ctx.command.params)


def _git_config(root: Path, key: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), "config", "--get", key],
                              capture_output=True, text=True, check=False, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


class Workspace:
    """The repository at `root` as the commands see it, on the day `today` (Beijing)."""

    def __init__(self, root: Path, today: dt.date | None = None) -> None:
        self.root = Path(root).resolve()
        self.today = today or times.today()

    @classmethod
    def find(cls, root: Path | None = None, today: dt.date | None = None) -> Workspace:
        """The workspace at `root` if given (it must hold records/), else the one around cwd."""
        if root is not None and not (Path(root) / RECORDS).is_dir():
            raise KefuError(f"{root} 不是 kefu 仓库（没有 records/ 文件夹）。", "not-a-checkout", 2)
        return cls(root if root is not None else find_root(), today)

    @cached_property
    def rules(self) -> Rules:
        from kefu.sla import load_rules

        return load_rules(self.root)

    @cached_property
    def calendar(self) -> WorkCalendar:
        from kefu.calendar import WorkCalendar

        return WorkCalendar.load(self.root)

    def load(self, paths: Sequence[Path] | None = None, **options: Any) -> LoadResult:
        """Load and check records (see kefu.records.load), as of `today`."""
        from kefu.records import load

        options.setdefault("today", self.today)
        return load(self.root, paths, **options)

    @cached_property
    def people(self) -> Mapping[str, str]:
        """Person id -> name, for every staff record."""
        return {r.id: str(r.data.get("name") or r.id) for r in self._of_kinds("person")}

    def name(self, person: str | None) -> str:
        """A person's name, or the id itself when unknown."""
        return self.people.get(person, person) if person else ""

    def person(self, typed: str, what: str = "员工") -> str:
        """A person's id from their id or name (张敏 -> zhangmin); KefuError naming the nearest."""
        text = typed.strip()
        if text in self.people:
            return text
        by_name = [pid for pid, name in self.people.items() if name == text]
        if len(by_name) == 1:
            return by_name[0]
        choices = [*self.people, *self.people.values()]
        close = difflib.get_close_matches(text, choices, n=1, cutoff=0.5)
        hint = ""
        if close:
            pid = close[0] if close[0] in self.people else next(
                p for p, n in self.people.items() if n == close[0])
            hint = f"是不是 {pid}（{self.people[pid]}）？"
        raise KefuError(f"不认识的{what} `{typed}`：{hint}"
                        "员工编号见 records/people/（拼音，小写），也可以写姓名。",
                        "unknown-person", 2)

    def me(self) -> str | None:
        """Who works in this checkout: KEFU_USER, else `git config kefu.user` (an id or a name)."""
        who = os.environ.get("KEFU_USER") or _git_config(self.root, "kefu.user")
        return self.person(who, "当前用户（KEFU_USER 或 git config kefu.user）") if who else None

    def _of_kinds(self, *kinds: str) -> list[Record]:
        from kefu.records.kinds import KINDS

        folders = [self.root / RECORDS / KINDS[k].folder for k in kinds]
        existing = [f for f in folders if f.is_dir()]
        if not existing:
            return []
        result = self.load(existing)
        return [r for r in result.records if r.kind in kinds]
