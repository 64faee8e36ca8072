"""CLI commands for deadlines: due, overdue, calendar (thin wrappers over the library)."""

from __future__ import annotations

import datetime as dt
import sys

import click

from kefu.problems import KefuError

from .types import Day, When

FORMAT = click.Choice(["text", "json", "markdown"])
TODAY = "today"  # what `--is-workday` means when no date follows it
PROVISIONAL = ("警告：计算涉及尚未公布放假安排的年份，已按法定节假日规则推算，"
               "结果为暂定（provisional）。公布后请在 records/calendar.yml 录入。")


@click.command("due")
@click.argument("rule")
@click.argument("start", type=When(date_only_ok=True))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（同 --format json）")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="输出格式")
def due_command(rule: str, start: dt.datetime | dt.date, as_json: bool, fmt: str) -> None:
    """计算时限：RULE 为 sla.yml 中的规则编号，START 为起算时间（如 2026-03-15 09:40）。"""
    from kefu.output import render
    from kefu.sla import deadline
    from kefu.workspace import Workspace

    ws = Workspace.find()
    result = deadline(rule, start, ws.calendar, ws.rules)
    if result.provisional:
        click.echo(PROVISIONAL, err=True)
    click.echo(render(result, "json" if as_json else fmt))


@click.command("overdue")
@click.option("--today", "today", type=Day(), metavar="DATE",
              help="以哪一天为今天（YYYY-MM-DD，默认今天）")
@click.option("--within", type=click.IntRange(0, 60), default=0, show_default=True,
              help="同时列出 N 个工作日内到期的工作（0 = 只列今天到期）")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="输出格式")
@click.option("--fail", is_flag=True,
              help="有超期工作或值班与人事提醒时退出码为 1（供 CI 使用）")
@click.option("--owner", default=None, metavar="ID",
              help="只列这位负责人的工作（员工编号或姓名，如 zhangmin 或 张敏）")
@click.option("--mine", is_flag=True,
              help="只列我的工作（我 = 环境变量 KEFU_USER 或 git config kefu.user）")
def overdue_command(today: dt.date | None, within: int, fmt: str, fail: bool,
                    owner: str | None, mine: bool) -> None:
    """列出超期和即将到期的工作，按负责人和工单类型分组。"""
    from kefu.output import render
    from kefu.overdue import find_overdue
    from kefu.workspace import Workspace

    ws = Workspace.find(today=today)
    if mine:
        owner = ws.me()
        if owner is None:
            raise KefuError("还不知道“我”是谁：请设置 `git config kefu.user 你的员工编号`"
                            "（或环境变量 KEFU_USER），或改用 --owner。", "no-user", 2)
    report = find_overdue(ws, within, owner=ws.person(owner, "负责人") if owner else None)
    if report.problems:
        files = len({p.path for p in report.problems})
        click.echo(f"警告：{files} 个记录文件有错误，未计入；请运行 kefu validate 查看。", err=True)
    if report.provisional:
        click.echo(PROVISIONAL, err=True)
    click.echo(render(report, fmt).rstrip("\n"))
    if fail and (report.overdue or report.notices):
        sys.exit(1)


@click.command("calendar")
@click.argument("month", required=False, metavar="[YYYY-MM]")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（同 --format json）")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="输出格式")
@click.option("--ics", "ics", type=click.Path(path_type=str), default=None,
              help="改为把 MONTH 所在年份的节假日和调休上班日写成 iCalendar 文件（可导入日历软件）")
@click.option("--is-workday", "workday", is_flag=False, flag_value=TODAY, default=None,
              metavar="[YYYY-MM-DD]",
              help="改为只判断某一天（默认今天）是否上班："
                   "上班退出码 0，休息退出码 1（供 CI 在休息日跳过）")
def calendar_command(month: str | None, as_json: bool, fmt: str, ics: str | None,
                     workday: str | None) -> None:
    """列出某月（默认本月）每天是否上班及其依据（国务院安排、公司日历或暂定规则）。"""
    from kefu.calendar import to_ics
    from kefu.output import render
    from kefu.workspace import Workspace

    ws = Workspace.find()
    if workday is not None:
        from kefu.times import parse_day

        day = ws.today if workday == TODAY else parse_day(workday, "--is-workday 的日期")
        info = ws.calendar.day(day)
        if info.provisional:
            click.echo(PROVISIONAL, err=True)
        click.echo(render(info, "json" if as_json else fmt).rstrip("\n"))
        sys.exit(0 if info.workday else 1)
    try:
        first = dt.date.fromisoformat(f"{month}-01") if month else ws.today.replace(day=1)
    except ValueError:
        raise KefuError(f"无法识别的月份 {month!r}：请写 YYYY-MM，如 2026-10。",
                        slug="bad-date", exit_code=2) from None
    if ics is not None:
        from kefu import outputs

        target = outputs.output_file(ics, f"{first.year}.ics", ws.root, "日历文件")
        outputs.write_output(target, to_ics(ws.calendar, [first.year], ws.department), "日历文件")
        click.echo(f"已写入 {target}（{first.year} 年）")
        return
    days = ws.calendar.month(first)
    if days.provisional:
        click.echo(PROVISIONAL, err=True)
    click.echo(render(days, "json" if as_json else fmt).rstrip("\n"))


COMMANDS: list[click.Command] = [due_command, overdue_command, calendar_command]
