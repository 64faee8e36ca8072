"""CLI commands for kefu.forms: `kefu form`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from kefu.workspace import Workspace


@click.command("form")
@click.argument("name", required=False)
@click.option(
    "--record", "record_id", metavar="ID", help="从该记录（如工单 T-20260315-k7m2）填写表单。"
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=str),
    help="输出 PDF 文件；以 / 结尾或与 --all 一起时为输出文件夹。默认当前目录下 <表单名>.pdf。"
    "不会覆盖不是 kefu 生成的文件，也不会写进 records/、docs/、.git/。",
)
@click.option("--all", "all_forms", is_flag=True, help="打印所有登记的表单（需同时给 --blank）。")
@click.option("--blank", is_flag=True, help="打印空白表单（带填写横线）。")
@click.option("--list", "list_forms", is_flag=True, help="列出所有表单及其编号、用途。")
@click.option("--with-personal", is_flag=True,
              help="同时打印电话、顾客姓名等个人信息（只用于纸面；站点上的表单从不含个人信息）。")
def form(
    name: str | None,
    record_id: str | None,
    output: str | None,
    all_forms: bool,
    blank: bool,
    list_forms: bool,
    with_personal: bool,
) -> None:
    """打印表单 PDF：空白或从记录填写（如 kefu form complaint-report --record T-20260315-k7m2）。

    从记录填写时可以不写表单名：记录只能填一张表时就打印那一张，能填几张时列出来。
    """
    from kefu.forms import printing
    from kefu.workspace import Workspace

    ws = Workspace.find()
    root = ws.root
    if list_forms:
        click.echo(printing.list_text(root))
        return
    if record_id and blank:
        raise click.UsageError("--record 与 --blank 不能同时使用。")
    if all_forms:
        if name or record_id or not blank:
            raise click.UsageError("用法：kefu form --all --blank -o 文件夹")
        written = printing.print_all_blank(root, Path(output or "forms-pdf"))
        click.echo(f"已打印 {len(written)} 张空白表单到 {written[0].parent if written else output}")
        return
    if not name and record_id:
        name = _only_form(ws, record_id)
    if not name:
        raise click.UsageError("请给出表单名（kefu form --list 查看全部），或用 --all --blank。")
    if with_personal and not record_id:
        raise click.UsageError("--with-personal 只用于从记录填写（--record）。")
    click.echo(str(printing.print_form(ws, name, record_id, output,
                                       with_personal=with_personal)))


def _only_form(ws: Workspace, record_id: str) -> str:
    """The one form the record fills; a usage error naming them when it fills several or none."""
    from kefu.forms.fill import forms_for

    fitting = forms_for(ws, record_id)
    if len(fitting) == 1:
        return fitting[0].key
    if not fitting:
        raise click.UsageError(f"{record_id} 没有可以填写的表单（kefu form --list 查看全部表单）。")
    named = "；".join(f"kefu form {form.key} --record {record_id}（{form.title}）"
                     for form in fitting)
    raise click.UsageError(f"{record_id} 可以填写 {len(fitting)} 张表单，请给出表单名：{named}")


COMMANDS: list[click.Command] = [form]
