"""CLI commands for kefu.records: validate, new, schemas (lazy imports keep start-up fast)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kefu.problems import KefuError, Problem

from .types import ROOT_HELP

FORMAT = click.Choice(["text", "json", "markdown"])


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=FORMAT, default="text", help="输出格式")
@click.option("--no-cache", is_flag=True, help="不使用 .kefu-cache/ 缓存，全部重新检查")
@click.option("--strict", is_flag=True, help="警告也算不通过")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=ROOT_HELP)
def validate_command(paths: tuple[Path, ...], fmt: str, no_cache: bool, strict: bool,
                     root: Path | None) -> None:
    """校验记录文件（不给路径 = 仓库内全部记录）。退出码：0 通过，1 有错误，2 用法错误。"""
    from kefu.output import render
    from kefu.records.validate import validate
    from kefu.workspace import Workspace

    ws = Workspace.find(root)
    result = validate(ws.root, list(paths) or None, use_cache=not no_cache, strict=strict)
    click.echo(render(result, fmt))
    sys.exit(int(result.failed))


class NewGroup(click.Group):
    """`kefu new <command>`: one command per record a kind's Creator can make, from the model."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from kefu.records.new import commands

        return list(commands())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from kefu.records.new import commands

        command = commands().get(cmd_name)
        return _new_command(command) if command is not None else None


def _new_command(command: Any) -> click.Command:
    from kefu.records.new import create, options

    from .types import Day, LabelChoice, When, YesNo

    types: dict[str, Any] = {"datetime": When(), "date": Day(), "bool": YesNo(),
                             "int": click.INT, "text": click.STRING}
    params: list[click.Parameter] = []
    refers = [spec for spec in options(command) if spec.refers is not None]
    for spec in options(command):
        kind = LabelChoice(spec.choices) if spec.choices else types.get(spec.kind, click.STRING)
        params.append(click.Option([f"--{spec.name.replace('_', '-')}", spec.name], type=kind,
                                   required=spec.required, help=spec.help))
    params.append(click.Option(["--root"], type=click.Path(path_type=Path, file_okay=False),
                               default=None, help=ROOT_HELP))

    def run(root: Path | None, **values: Any) -> None:
        from kefu.output import deadline_lines
        from kefu.records.new import deadlines_of
        from kefu.workspace import Workspace

        ws = Workspace.find(root)
        for spec in refers:  # ids or names: 张敏 -> zhangmin, 星河数码 -> D-0001
            if values.get(spec.name):
                values[spec.name] = ws.resolve(spec.refers or "", values[spec.name],
                                               spec.help.split("（")[0])
        if command.kind.deadlines is not None:  # a broken sla.yml stops before writing, not after
            _ = (ws.rules, ws.calendar)
        warned: list[Problem] = []
        path = create(ws.root, command, values, warned=warned)
        click.echo(path)
        for problem in warned:
            click.echo(f"警告：{problem.format()}", err=True)
        for line in deadline_lines(deadlines_of(ws, path)):
            click.echo(line)

    return click.Command(command.name, params=params, callback=run,
                         help=f"新建一条{_spaced(command.label)}，打印新文件的路径。"
                         + (f"\n\n{command.kind.creator.help}" if command.kind.creator.help
                            else ""),
                         short_help=f"新建{command.label}")


def _spaced(label: str) -> str:
    """A space between Chinese text and a Latin word: 一条 DOA 换新工单."""
    return f" {label}" if label[:1].isascii() else label


@click.group("new", cls=NewGroup)
def new_group() -> None:
    """新建一条记录：kefu new 类型 --字段 值 …（kefu new 类型 --help 列出字段和可选值）。

    例：kefu new complaint --title 硬盘异响 --owner wangfang --dealer D-0001 --level normal
    """


@click.command("schemas")
@click.option("--check", is_flag=True, help="只检查 schemas/ 是否最新，不写文件")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=ROOT_HELP)
def schemas_command(check: bool, root: Path | None) -> None:
    """由模型重新生成 schemas/<kind>.schema.json。"""
    from kefu.records.schemagen import write_schemas
    from kefu.workspace import Workspace

    changed = write_schemas(Workspace.find(root).root, check=check)
    if check and changed:
        raise KefuError("以下 JSON Schema 已过期，请运行 `kefu schemas`：" + "、".join(changed),
                        "stale-schema", 1)
    for name in changed:
        click.echo(f"已更新 {name}")


@click.command("migrate")
@click.option("--check", is_flag=True, help="只列出需要转换的记录，不写文件；有则退出码为 1")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=ROOT_HELP)
def migrate_command(check: bool, root: Path | None) -> None:
    """把旧格式的记录一次性转换为当前格式：整个历史写在一个文件里的工单（带 status 和全部事件）、
    审批写在申请文件里的请假、调班、补卡、出差、档案借阅和奖惩申诉，拆成记录文件和“一个变更一个文件”；
    旧的岗位代码改为手册的七个岗位。转换后每条记录的内容不变。"""
    from kefu.records.migrate import migrate
    from kefu.workspace import Workspace

    done = migrate(Workspace.find(root).root, write=not check)
    verb = "需要转换" if check else "已转换"
    click.echo(f"{verb} {len(done.records)} 条记录（新增 {len(done.written)} 个变更文件），"
               f"{len(done.people)} 名员工的岗位代码。")
    for rel in done.refused:
        click.echo(f"无法转换（请先用 kefu validate 修正，或两种格式并存需人工处理）：{rel}",
                   err=True)
    if done.refused or (check and (done.records or done.people)):
        sys.exit(1)


COMMANDS: list[click.Command] = [validate_command, new_group, schemas_command, migrate_command]
