"""CLI commands for the supervisor's desk (kefu.staff.pending, kefu.staff.decide): pending,
approve, refuse, and the steps that are no decision: return, appeal."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from .types import ROOT_HELP, Day, When

FORMAT = click.Choice(["text", "json", "markdown"])
AT_HELP = ("时间（默认现在，北京时间）：15:30（今天）、昨天 15:30、2026-03-16 09:30 "
           "或带时区的 ISO 8601")
AS_HELP = ("以什么身份：supervisor（客服主管）、gm-office（总经办）、general-manager（总经理）。"
           "默认是你自己的岗位；登记总经理、总经办签字的决定时写明")


@click.command("pending")
@click.option("--for", "person", default=None, metavar="PERSON",
              help="只列这个人可以处理的（员工编号或姓名）")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="输出格式")
@click.option("--today", type=Day(), default=None, metavar="DATE",
              help="以哪一天为今天（YYYY-MM-DD，默认今天）")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=ROOT_HELP)
def pending_command(person: str | None, fmt: str, today: dt.date | None,
                    root: Path | None) -> None:
    """等待审批的请假、调班、补卡、出差、秘密档案借阅和申诉，以及下周的值班表：最早的在前，
    写明由谁处理、最迟什么时候。

    退出码：0 没有超期的，1 有超期未处理的，2 用法错误。
    """
    from kefu.output import render
    from kefu.staff.book import StaffBook
    from kefu.staff.pending import for_person, report
    from kefu.workspace import Workspace

    ws = Workspace.find(root, today)
    book, _ = StaffBook.load(ws)
    found = report(book, for_person(ws, person))
    click.echo(render(found, fmt).rstrip("\n"))
    sys.exit(1 if found.overdue else 0)


def _decision_options(command: Any) -> Any:
    for option in reversed([
        click.option("--as", "authority", default=None,
                     type=click.Choice(["supervisor", "gm-office", "general-manager"]),
                     help=AS_HELP),
        click.option("--at", type=When(), default=None, metavar="TIME", help=AT_HELP),
        click.option("--format", "fmt", type=FORMAT, default="text", show_default=True,
                     help="输出格式"),
    ]):
        command = option(command)
    return command


@click.command("approve")
@click.argument("record_id", metavar="ID")
@click.option("--note", default=None, help="说明（复核申诉时写复核结论）")
@click.option("--outcome", type=click.Choice(["revoked", "changed"]), default=None,
              help="复核申诉：revoked（撤销处理，默认）或 changed（更正处理）")
@_decision_options
def approve_command(record_id: str, note: str | None, outcome: str | None,
                    authority: str | None, at: dt.datetime | None, fmt: str) -> None:
    """批准：请假、调班、补卡、出差（先部门审核、再总经理审批）、秘密档案借阅；对申诉，
    批准即申诉成立。审批人是运行命令的人（KEFU_USER 或 git config kefu.user）。

    例：kefu approve L-20261201-ab12
    """
    from kefu.output import render
    from kefu.staff.decide import decide
    from kefu.workspace import Workspace

    ws = Workspace.find()
    done = decide(ws, record_id, True, reason=note, authority=authority, at=at,
                  outcome=outcome)
    click.echo(render(done, fmt))


@click.command("refuse")
@click.argument("record_id", metavar="ID")
@click.option("--reason", required=True, help="不批准的理由（会告诉申请人）")
@_decision_options
def refuse_command(record_id: str, reason: str, authority: str | None,
                   at: dt.datetime | None, fmt: str) -> None:
    """不批准（对申诉：维持原处理），必须写明理由。

    例：kefu refuse S-20261203-cd34 --reason "当晚只剩一人值班，请另找同事顶班"
    """
    from kefu.output import render
    from kefu.staff.decide import decide
    from kefu.workspace import Workspace

    ws = Workspace.find()
    done = decide(ws, record_id, False, reason=reason, authority=authority, at=at)
    click.echo(render(done, fmt))


@click.command("return")
@click.argument("record_id", metavar="ID")
@click.option("--on", "day", type=Day(), default=None, metavar="DATE",
              help="出差：实际返回日期（晚于申请的返回日期时登记，补交申请）")
@click.option("--at", type=When(), default=None, metavar="TIME",
              help="归还（或补交申请）的时间，默认现在")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="输出格式")
def return_command(record_id: str, day: dt.date | None, at: dt.datetime | None,
                   fmt: str) -> None:
    """登记档案归还（A-…），或出差超期返回后补交申请（B-… --on 实际返回日期）。

    例：kefu return A-20261102-ab12；kefu return B-20260923-cd34 --on 2026-09-26
    """
    from kefu.output import render
    from kefu.problems import KefuError
    from kefu.staff.decide import record_step
    from kefu.workspace import Workspace

    ws = Workspace.find()
    trip = record_id.strip().startswith("B-")
    if trip and day is None:
        raise KefuError("出差超期返回要写实际返回日期：--on 2026-09-26。", "usage", 2)
    if not trip and day is not None:
        raise KefuError("--on 只用于出差；档案归还的时间用 --at。", "usage", 2)
    done = record_step(ws, record_id, "extended" if trip else "returned", at=at, until=day)
    click.echo(render(done, fmt))


@click.command("appeal")
@click.argument("record_id", metavar="ID")
@click.option("--reason", required=True, help="异议和理由")
@click.option("--at", type=When(), default=None, metavar="TIME", help=AT_HELP)
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="输出格式")
def appeal_command(record_id: str, reason: str, at: dt.datetime | None, fmt: str) -> None:
    """对一条奖惩记录（J-…）提出申诉：公布的当周内，由本人登记。

    例：kefu appeal J-20261123-ab12 --reason "当天在仓库盘点，第二天才知道漏打卡"
    """
    from kefu.output import render
    from kefu.staff.decide import record_step
    from kefu.workspace import Workspace

    ws = Workspace.find()
    click.echo(render(record_step(ws, record_id, "appealed", at=at, reason=reason), fmt))


COMMANDS: list[click.Command] = [pending_command, approve_command, refuse_command,
                                 return_command, appeal_command]
