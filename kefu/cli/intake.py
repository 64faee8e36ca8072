"""CLI command for kefu.intake: apply a submitted GitHub issue form (run by the workflow)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .types import ROOT_HELP

FORMAT = click.Choice(["text", "json", "markdown"])


@click.command("intake")
@click.argument("body", default="-", metavar="[FILE]")
@click.option("--form", "form_key", type=click.Choice(
    ["new-ticket", "ticket-event", "leave-request", "trip-request", "swap-request",
     "punch-request", "loan-request"]),
              default=None, help="哪张表单（默认按内容判断）")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True,
              help="输出格式；json 含要回复在 issue 上的中文说明（comment），markdown 只输出该说明")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=ROOT_HELP)
def intake_command(body: str, form_key: str | None, fmt: str, root: Path | None) -> None:
    """把 GitHub issue 表单提交的内容（FILE，默认标准输入）变成新工单、一条工单事件，或一份请假、
    出差、调班、补卡申请、档案借阅登记。

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


@click.command("decide-comment")
@click.argument("body", default="-", metavar="[FILE]")
@click.option("--record", "record_id", required=True, metavar="ID",
              help="issue 对应的申请记录编号（表单登记时的回复里写着）")
@click.option("--login", required=True, metavar="LOGIN",
              help="评论人的 GitHub 账号（GitHub 核实的）")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True,
              help="输出格式；json 含要回复在 issue 上的中文说明（comment）")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=ROOT_HELP)
def decide_comment_command(body: str, record_id: str, login: str, fmt: str,
                           root: Path | None) -> None:
    """把 issue 下的审批评论（FILE，默认标准输入：`/批准` 或 `/不批准 理由`）登记为审批记录，
    审批人是按 GitHub 账号对上员工档案的评论人（审批工作流调用）。

    退出码：0 已写入审批记录，1 没有写入（回复里说明原因和谁可以审批；不是审批评论时 ignored），
    2 用法错误。
    """
    from kefu.intake.body import MAX_BODY
    from kefu.intake.comment import CommentResult, decide_comment
    from kefu.output import render
    from kefu.workspace import Workspace

    ws = Workspace.find(root)
    stream = sys.stdin.buffer if body == "-" else open(body, "rb")  # noqa: SIM115
    with stream:
        raw = stream.read(4 * MAX_BODY + 1)
    try:
        text = raw.decode("utf-8") if len(raw) <= 4 * MAX_BODY else ""
    except UnicodeDecodeError:
        text = ""
    result = decide_comment(ws, text, login, record_id) if text else CommentResult(
        False, record_id, reply="评论内容无法读取（不是 UTF-8 文字或过长）。")
    click.echo(render(result, fmt).rstrip("\n"))
    sys.exit(0 if result.ok else 1)


COMMANDS: list[click.Command] = [intake_command, decide_comment_command]
