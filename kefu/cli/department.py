"""CLI commands for kefu.department: init (a new department's repository) and upgrade."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .types import ROOT_HELP


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--company", required=True, help="公司全称，如 某某科技（深圳）有限公司")
@click.option("--short", required=True, help="公司简称，如 某某科技（回复客户时用）")
@click.option("--department", default="客服部", show_default=True, help="部门名称")
@click.option("--demo", is_flag=True, help="附带示例部门的记录（10 名员工、工单、一个季度的值班），"
                                           "用于练习和演示")
@click.option("--source", default=None, metavar="来源",
              help="部门从哪里安装 kefu，写进 requirements.txt：版本号（0.2.0）、git 地址"
                   "（git+https://…/kefu@v0.2.0）或本机文件夹；默认为当前 kefu 的安装来源")
@click.option("--no-git", is_flag=True, help="只写文件，不建 git 仓库、不提交")
def init_command(folder: Path, company: str, short: str, department: str, demo: bool,
                 source: str | None, no_git: bool) -> None:
    """新建一个部门的仓库：手册、表单、规则、配置、GitHub 工作流和 issue 表单，并做第一次提交。

    FOLDER 须是新的或空的文件夹。之后按新仓库的 README.md 添加人员、排值班表、登记工单。
    """
    from kefu.department.init import Options, init

    made = init(folder, Options(company, short, department, demo, source, not no_git))
    click.echo(f"已创建{short}{department}的仓库：{made.root}（{len(made.files)} 个文件"
               + (f"，示例记录 {sum(made.records.values())} 条" if made.records else "")
               + (f"，第一次提交 {made.commit[:10]}" if made.commit else "") + "）")
    click.echo(f"下一步：cd {made.root}，按 README.md 运行 make install，"
               "添加人员、排值班表、登记工单。")


@click.command("upgrade")
@click.option("--check", is_flag=True, help="只列出变化，不写文件；有需要更新的文件时退出码为 1")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=ROOT_HELP)
def upgrade_command(check: bool, root: Path | None) -> None:
    """把本部门的手册副本与安装的 kefu 随附的手册对照。

    上游改过、本部门没改的文件直接更新；两边都改过的只列出，上游的新版本放在 .kefu/upstream/
    供对照；工作流、issue 表单和 Schema 总是更新。
    """
    from kefu.department.upgrade import UPSTREAM, upgrade
    from kefu.workspace import Workspace

    ws = Workspace.find(root)
    result = upgrade(ws.root, write=not check)
    verb = "需要更新" if check else "已更新"
    sections = [
        (f"{verb}（本部门没有改过）", result.updated),
        ("新增" if not check else "将新增", result.added),
        (f"两边都改过：上游的新版本在 {UPSTREAM}/ 下，请对照后手工合并", result.both),
        ("本部门改过、上游没变（保留）", result.kept),
        ("上游已不再随附（保留在本仓库，可自行删除）", result.removed),
        ("上游改过、但本部门已删除（未恢复）", result.gone),
        (f"kefu 自己的文件{verb}", result.tool),
    ]
    shown = False
    for title, rels in sections:
        if rels:
            shown = True
            click.echo(f"{title}：")
            for rel in rels:
                click.echo(f"  {rel}")
    if not shown:
        click.echo("手册、表单、规则文件和工作流都与安装的 kefu 一致。")
    sys.exit(1 if check and result.changed else 0)


COMMANDS: list[click.Command] = [init_command, upgrade_command]
