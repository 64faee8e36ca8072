"""CLI command check-pr (thin wrapper over kefu.pr)."""

from __future__ import annotations

import sys

import click


@click.command("check-pr")
@click.option("--base", required=True, metavar="REF", help="基准分支，如 origin/main")
@click.option("--author", default=None, metavar="LOGIN",
              help="拉取请求作者的 GitHub 账号：新增的审批只能是她本人的，事件的经办人也只能是她"
                   "（客服主管可代同事登记事件）；工作流传入 PR 的作者")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="输出格式")
def check_pr_command(base: str, author: str | None, fmt: str) -> None:
    """检查本分支相对基准分支改动的记录：格式有效、记录只新增不修改、不删除、不重用编号；
    给了 --author 时，新增的审批只能是作者本人的。"""
    from kefu.output import render
    from kefu.pr import check_pr
    from kefu.workspace import Workspace

    result = check_pr(Workspace.find().root, base, author=author or None)
    click.echo(render(result, fmt))
    sys.exit(1 if result.errors else 0)


COMMANDS: list[click.Command] = [check_pr_command]
