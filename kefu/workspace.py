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
                    f"（含 records/ 的文件夹）再运行{hint}。还没有部门仓库的，用 "
                    "kefu init 文件夹 新建一个。", "not-a-checkout", 2)


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


def _nearest(text: str, choices: list[str]) -> list[str]:
    """The closest of `choices` to `text` (did you mean), only those about as close as the best."""
    scored = sorted(((difflib.SequenceMatcher(None, text, c).ratio(), c) for c in choices),
                    reverse=True)
    best = scored[0][0] if scored else 0.0
    return [c for score, c in scored[:3] if score >= 0.5 and score >= best - 0.1]


class Workspace:
    """The repository at `root` as the commands see it, on the day `today` (Beijing)."""

    def __init__(self, root: Path, today: dt.date | None = None) -> None:
        self.root = Path(root).resolve()
        self.today = today or times.today()
        self._names: dict[str, Mapping[str, str]] = {}

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

    @cached_property
    def department(self) -> str:
        """The department's name (records/department.yml; 客服部 when it has none)."""
        from kefu.kinds.department import DEFAULT_NAME, load_department

        config = load_department(self.root)
        return config.department if config is not None else DEFAULT_NAME

    def load(self, paths: Sequence[Path] | None = None, **options: Any) -> LoadResult:
        """Load and check records (see kefu.records.load), as of `today`."""
        from kefu.records import load

        options.setdefault("today", self.today)
        return load(self.root, paths, **options)

    @cached_property
    def people(self) -> Mapping[str, str]:
        """Person id -> name, for every staff record."""
        return self.names("person")

    def names(self, kind: str) -> Mapping[str, str]:
        """Record id -> how people name it (a person's name, a dealer's company)."""
        from kefu.records.kinds import KINDS

        known = self._names.get(kind)
        if known is None:
            known = self._names[kind] = {r.id: KINDS[kind].label(r.data, r.id)
                                         for r in self._of_kinds(kind)}
        return known

    def name(self, person: str | None) -> str:
        """A person's name, or the id itself when unknown."""
        return self.people.get(person, person) if person else ""

    def person(self, typed: str, what: str = "员工") -> str:
        """A person's id from their id or name (张敏 -> zhangmin); KefuError naming the nearest."""
        return self.resolve("person", typed, what)

    def resolve(self, kind: str, typed: str, what: str | None = None) -> str:
        """A record's id from its id or its name (张敏 -> zhangmin, 星河数码 -> D-0001).

        A name may be shortened while it names one record only; KefuError with the nearest
        ones (did you mean) for a miss, and the list for an ambiguous name.
        """
        from kefu.records.kinds import KINDS

        names = self.names(kind)
        label = what or KINDS[kind].title.removesuffix("档案")
        text = typed.strip()
        if text in names:
            return text
        exact = [rid for rid, name in names.items() if name == text]
        if len(exact) == 1:
            return exact[0]
        if not exact and len(text) >= 2 and kind != "person":  # 星河数码 for its company
            exact = [rid for rid, name in names.items() if text.lower() in name.lower()]
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            listed = "、".join(f"{rid}（{names[rid]}）" for rid in exact[:10])
            raise KefuError(f"`{typed}` 对应不止一个{label}：{listed}。请写编号或完整名称。",
                            "ambiguous", 2)
        close = _nearest(text, [*names, *names.values()])
        hint = ""
        if close:
            found = dict.fromkeys(c if c in names else next(r for r, n in names.items() if n == c)
                                  for c in close)
            hint = "是不是 " + "、".join(f"{rid}（{names[rid]}）" for rid in found) + "？"
        where = f"records/{KINDS[kind].folder}/"
        raise KefuError(f"不认识的{label} `{typed}`：{hint}"
                        f"可以写编号或名称，已登记的见 {where}。",
                        f"unknown-{kind}", 2)

    def me(self) -> str | None:
        """Who works in this checkout: KEFU_USER, else `git config kefu.user` (an id or a name)."""
        who = os.environ.get("KEFU_USER") or _git_config(self.root, "kefu.user")
        return self.person(who, "当前用户（KEFU_USER 或 git config kefu.user）") if who else None

    def _of_kinds(self, *kinds: str) -> list[Record]:
        from kefu.records.corpus import directory
        from kefu.records.kinds import KINDS

        folders = [f"{RECORDS}/{KINDS[k].folder}" for k in kinds]
        existing = [f for f in folders if (self.root / f).is_dir()]
        return directory(self.root, existing, set(kinds)) if existing else []
