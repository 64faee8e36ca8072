"""CLI commands for kefu.staff: roster (a week, its calendar feeds) and staff (a month)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from .types import ROOT_HELP, Day

FORMAT = click.Choice(["text", "json", "markdown"])
TODAY_HELP = "以哪一天为今天（YYYY-MM-DD，默认今天）"


class RosterGroup(click.Group):
    """`kefu roster [WEEK]` shows a week; `kefu roster ics -o DIR` writes the feeds."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group("roster", cls=RosterGroup, subcommand_metavar="[WEEK] | ics -o 文件夹")
def roster_group() -> None:
    """值班表：kefu roster [周] 显示一周（默认本周）的值班，kefu roster ics -o 文件夹 写日历文件。

    周写成 ISO 周（如 2026-W48）或这一周里的某一天（如 2026-11-24）。
    """


@roster_group.command("show")
@click.argument("week", required=False)
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="输出格式")
@click.option("--today", type=Day(), default=None, metavar="DATE", help=TODAY_HELP)
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=ROOT_HELP)
def roster_show(week: str | None, fmt: str, today: dt.date | None, root: Path | None) -> None:
    """按日期和按人员显示一周实际的值班（已应用已批准的调班，标出请假和出差）及其问题。

    退出码：0 没有错误，1 这一周的记录有错误，2 用法错误。
    """
    from kefu.output import render
    from kefu.staff.report import parse_week, roster_report
    from kefu.workspace import Workspace

    ws = Workspace.find(root, today)
    report = roster_report(ws, parse_week(week, ws.today))
    click.echo(render(report, fmt).rstrip("\n"))
    sys.exit(1 if report.errors else 0)


@roster_group.command("ics")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), required=True,
              help="输出文件夹（不存在时创建）：写 team.ics 和每人一个 <员工编号>.ics。"
                   "不会覆盖不是 kefu 生成的文件，也不会写进 records/、docs/、.git/。")
@click.option("--today", type=Day(), default=None, metavar="DATE", help=TODAY_HELP)
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=ROOT_HELP)
def roster_ics(output: Path, today: dt.date | None, root: Path | None) -> None:
    """把值班表写成日历订阅文件（iCalendar，北京时间）：团队一个，每人一个。

    含本周之前 4 周起的全部值班表；已批准的调班、请假和出差都已计入。
    """
    from kefu.staff.book import StaffBook
    from kefu.staff.feeds import write_feeds
    from kefu.workspace import Workspace

    ws = Workspace.find(root, today)
    book, _ = StaffBook.load(ws)
    written = write_feeds(book, output, ws.root, ws.department)
    click.echo(f"已写入 {len(written)} 个日历文件到 {output}")


@click.command("staff")
@click.argument("month", required=False, metavar="[YYYY-MM]")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="输出格式")
@click.option("--today", type=Day(), default=None, metavar="DATE", help=TODAY_HELP)
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=ROOT_HELP)
def staff_command(month: str | None, fmt: str, today: dt.date | None, root: Path | None) -> None:
    """月度值班与考勤汇总（默认本月）：每人值班天数、请假、出差、补卡、调班、交接班，
    以及记录能证明、尚未登记的建议处罚（客服主管同意后用 kefu new sanction 登记）。"""
    from kefu.output import render
    from kefu.staff.summary import month_summary, parse_month
    from kefu.workspace import Workspace

    ws = Workspace.find(root, today)
    click.echo(render(month_summary(ws, parse_month(month, ws.today)), fmt).rstrip("\n"))


COMMANDS: list[click.Command] = [roster_group, staff_command]
