"""CLI commands for kefu.records: validate, new, schemas (lazy imports keep start-up fast)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kefu.problems import KefuError


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="输出格式")
@click.option("--no-cache", is_flag=True, help="不使用 .kefu-cache/ 缓存，全部重新检查")
@click.option("--strict", is_flag=True, help="警告也算不通过")
@click.option("--root", type=click.Path(path_type=Path),
              default=None, help="仓库根目录（默认从当前目录向上查找含 records/ 的目录）")
def validate_command(paths: tuple[Path, ...], fmt: str, no_cache: bool, strict: bool,
                     root: Path | None) -> None:
    """校验记录文件（不给路径 = 仓库内全部记录）。退出码：0 通过，1 有错误，2 用法错误。"""
    from kefu.records.report import run_validate

    output, code = run_validate(list(paths) or None, fmt, use_cache=not no_cache, strict=strict,
                                root=root)
    if output:
        click.echo(output)
    sys.exit(code)


@click.command("new", context_settings={"ignore_unknown_options": True,
                                        "allow_extra_args": True})
@click.argument("record_type")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="仓库根目录（默认从当前目录向上查找）")
@click.pass_context
def new_command(ctx: click.Context, record_type: str, root: Path | None) -> None:
    """新建一条工单：kefu new TYPE --字段 值 ...

    例：kefu new complaint --title 硬盘异响 --owner wangfang --dealer D-0001 --level normal
    """
    from kefu.records.new import create, parse_field_args

    fields = parse_field_args(ctx.args)
    path = create(record_type, fields, root)
    click.echo(path)


@click.command("schemas")
@click.option("--check", is_flag=True, help="只检查 schemas/ 是否最新，不写文件")
def schemas_command(check: bool) -> None:
    """由模型重新生成 schemas/<kind>.schema.json。"""
    from kefu.records import find_root
    from kefu.records.schemagen import write_schemas

    changed = write_schemas(find_root(), check=check)
    if check and changed:
        raise KefuError("以下 JSON Schema 已过期，请运行 `kefu schemas`：" + "、".join(changed),
                        "stale-schema", 1)
    for name in changed:
        click.echo(f"已更新 {name}")


COMMANDS: list[click.Command] = [validate_command, new_command, schemas_command]
