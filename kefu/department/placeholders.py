"""`{{ company.short }}` and its kind in handbook pages and forms, filled from
records/department.yml. An unknown name is an error, never left on a page for a customer."""

from __future__ import annotations

import re
from collections.abc import Mapping

from kefu.kinds.department import Department
from kefu.problems import KefuError

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")
NAMES: dict[str, str] = {
    "company.name": "公司全称",
    "company.short": "公司简称",
    "department.name": "部门名称",
    "site.name": "站点标题",
}


def values(config: Department | None) -> dict[str, str]:
    """Placeholder name -> text; empty without a department configuration."""
    if config is None:
        return {}
    return {"company.name": config.company.name, "company.short": config.company.short,
            "department.name": config.department, "site.name": config.title}


def fill(text: str, known: Mapping[str, str], where: str) -> str:
    """`text` with every placeholder replaced; KefuError naming `where`, the line and the name."""
    if "{{" not in text:
        return text
    problems: list[str] = []

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in known:
            return known[name]
        line = text.count("\n", 0, match.start()) + 1
        if name in NAMES:
            problems.append(f"{where}:{line}: 用到了{NAMES[name]} `{{{{ {name} }}}}`，"
                            "但仓库没有部门配置 records/department.yml：请用 kefu init 创建，"
                            "或照 README 写好公司全称和简称。")
        else:
            allowed = "、".join(f"{{{{ {n} }}}}（{label}）" for n, label in NAMES.items())
            problems.append(f"{where}:{line}: 不认识的占位符 `{match.group(0)}`：可用 {allowed}。")
        return match.group(0)

    filled = PLACEHOLDER.sub(one, text)
    if problems:
        raise KefuError("\n".join(problems), "placeholder", 1)
    return filled
