"""CLI command for kefu.intake: apply a submitted GitHub issue form (run by the workflow)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

FORMAT = click.Choice(["text", "json", "markdown"])


@click.command("intake")
@click.argument("body", default="-", metavar="[FILE]")
@click.option("--form", "form_key", type=click.Choice(["new-ticket", "ticket-event"]),
              default=None, help="哪张表单（默认按内容判断）")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True,
              help="输出格式；json 含要回复在 issue 上的中文说明（comment），markdown 只输出该说明")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="仓库根目录（默认从当前目录向上查找含 records/ 的目录）")
def intake_command(body: str, form_key: str | None, fmt: str, root: Path | None) -> None:
    """把 GitHub issue 表单提交的内容（FILE，默认标准输入）变成新工单或一条工单事件。

    退出码：0 已写入记录，1 表单内容有误（什么也没写，说明里写明怎么改），2 用法错误。
    """
    from kefu.intake import IntakeResult, intake
    from kefu.intake.body import MAX_BODY
    from kefu.output import render
    from kefu.workspace import Workspace

    ws = Workspace.find(root)
    limit = 4 * MAX_BODY  # bytes: MAX_BODY characters of UTF-8 at most
    if body == "-":
        raw = sys.stdin.buffer.read(limit + 1)
    else:
        with open(body, "rb") as stream:  # /dev/zero, a FIFO: read no more than the limit
            raw = stream.read(limit + 1)
    try:
        text = raw.decode("utf-8") if len(raw) <= limit else ""
    except UnicodeDecodeError:
        result = IntakeResult(False, problems=["表单内容不是 UTF-8 文字，无法读取。"])
    else:
        result = intake(ws, text, form_key) if len(raw) <= limit else IntakeResult(
            False, problems=[f"表单内容过长（超过 {limit // 1024} KB）：请只填写表单各栏，"
                             "长的附件请另外保存。"])
    click.echo(render(result, fmt).rstrip("\n"))
    sys.exit(0 if result.ok else 1)


COMMANDS: list[click.Command] = [intake_command]
