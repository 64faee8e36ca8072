"""records/department.yml: what a department customises — its company, its own name, the
site's title and how record pull requests merge. One file, checked like any record.

Pages, replies, forms and the site title read these values (kefu.department.placeholders
fills `{{ company.short }}` and the like); `kefu init` writes the file.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ConfigDict, Field

from kefu.problems import KefuError, Severity
from kefu.records.kinds import Kind
from kefu.records.model import Strict, Text

DEPARTMENT_FILE = "department.yml"


class Company(Strict):
    """公司名称。"""

    name: Text = Field(max_length=100, description="公司全称，如 某某科技（深圳）有限公司")
    short: Text = Field(max_length=30, description="公司简称，如 某某科技（回复客户时用）")


DEFAULT_NAME = "客服部"  # a department without records/department.yml, or before it is read


class Department(Strict):
    """部门配置（records/department.yml）：公司名称、部门名称、站点标题、记录 PR 的合并方式。"""

    model_config = ConfigDict(extra="forbid", title="部门配置")

    company: Company = Field(description="公司全称与简称")
    department: Text = Field(default=DEFAULT_NAME, max_length=30, description="部门名称，如 客服部")
    site_name: Text | None = Field(default=None, max_length=60,
                                   description="站点标题（默认：部门名称 + 手册）")
    automerge: bool = Field(
        default=True,
        description="只新增记录文件、检查全部通过的成员 PR 自动合并；false 则等主管审核后合并")

    @property
    def title(self) -> str:
        """The site's title: `site_name`, else 客服部手册."""
        return self.site_name or f"{self.department}手册"


KIND = Kind("department", "部门配置", Department, file=DEPARTMENT_FILE)


def load_department(root: Path) -> Department | None:
    """records/department.yml of the repository at `root`; None when there is none.

    KefuError (exit 1) naming path:line:col when the file is invalid.
    """
    from kefu.records.check import read_single

    path = root / "records" / DEPARTMENT_FILE
    if not path.is_file():
        return None
    model, problems = read_single(KIND, path, root)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if model is None or errors:
        lines = "\n".join(p.format() for p in errors)
        raise KefuError(f"部门配置文件有误，请先修正：\n{lines}", "department-invalid", 1)
    assert isinstance(model, Department)
    return model
