"""CLI commands for deadlines: due, overdue, calendar (thin wrappers over the library)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from kefu.problems import KefuError


def _root() -> Path:
    from kefu.records import find_root

    return find_root()


def _parse_start(text: str) -> dt.datetime | dt.date:
    try:
        return dt.datetime.fromisoformat(text) if "T" in text or " " in text.strip() else (
            dt.date.fromisoformat(text)
        )
    except ValueError:
        raise KefuError(
            f"无法识别的时间 {text!r}：请写 ISO 8601 形式，"
            "如 2026-03-15 或 2026-03-15T10:20:00+08:00。",
            slug="bad-date", exit_code=2,
        ) from None


def _parse_day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise KefuError(f"无法识别的日期 {text!r}：请写 YYYY-MM-DD，如 2026-03-20。",
                        slug="bad-date", exit_code=2) from None


def _warn_provisional() -> None:
    click.echo(
        "警告：计算涉及尚未公布放假安排的年份，已按法定节假日规则推算，结果为暂定（provisional）。"
        "公布后请在 records/calendar.yml 录入。",
        err=True,
    )


@click.command("due")
@click.argument("rule")
@click.argument("start")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def due_command(rule: str, start: str, as_json: bool) -> None:
    """计算时限：RULE 为 records/sla.yml 中的规则编号，START 为起算时间（ISO 8601）。"""
    from kefu.sla import deadline

    result = deadline(rule, _parse_start(start), _root())
    if result.provisional:
        _warn_provisional()
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    mark = "（暂定）" if result.provisional else ""
    click.echo(f"{result.rule}（{result.title}，{result.term}）")
    click.echo(f"起算：{result.start.strftime('%Y-%m-%d %H:%M')}")
    click.echo(f"截止：{result.due.strftime('%Y-%m-%d %H:%M')}{mark}")


@click.command("overdue")
@click.option("--today", "today", metavar="DATE", help="以哪一天为今天（YYYY-MM-DD，默认今天）")
@click.option("--within", type=click.IntRange(0, 60), default=0, show_default=True,
              help="同时列出 N 个工作日内到期的工作（0 = 只列今天到期）")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="输出格式")
@click.option("--fail", is_flag=True, help="有超期工作时退出码为 1（供 CI 使用）")
def overdue_command(today: str | None, within: int, fmt: str, fail: bool) -> None:
    """列出超期和即将到期的工作，按负责人和工单类型分组。"""
    from kefu.overdue import find_overdue

    report = find_overdue(_root(), _parse_day(today), within)
    if report.problems:
        files = len({p.path for p in report.problems})
        click.echo(f"警告：{files} 个记录文件有错误，未计入；请运行 kefu validate 查看。", err=True)
    if report.provisional:
        _warn_provisional()
    output = {"json": report.to_json, "markdown": report.to_markdown}.get(fmt, report.to_text)()
    click.echo(output.rstrip("\n"))
    if fail and report.overdue:
        sys.exit(1)


@click.command("calendar")
@click.argument("month", required=False, metavar="[YYYY-MM]")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@click.option("--ics", "ics", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="改为把 MONTH 所在年份的节假日和调休上班日写成 iCalendar 文件（可导入日历软件）")
def calendar_command(month: str | None, as_json: bool, ics: Path | None) -> None:
    """列出某月（默认本月）每天是否上班及其依据（国务院安排、公司日历或暂定规则）。"""
    from kefu.calendar import WorkCalendar, describe_source, to_ics

    try:
        first = dt.date.fromisoformat(f"{month}-01") if month else dt.date.today().replace(day=1)
    except ValueError:
        raise KefuError(f"无法识别的月份 {month!r}：请写 YYYY-MM，如 2026-10。",
                        slug="bad-date", exit_code=2) from None
    cal = WorkCalendar.load(_root())
    if ics is not None:
        ics.write_bytes(to_ics(cal, [first.year]))
        click.echo(f"已写入 {ics}（{first.year} 年）")
        return
    days = []
    day = first
    while day.month == first.month:
        days.append(cal.day(day))
        day += dt.timedelta(days=1)
    provisional = cal.is_provisional(first)
    if provisional:
        _warn_provisional()
    if as_json:
        click.echo(json.dumps({
            "month": first.strftime("%Y-%m"), "provisional": provisional,
            "days": [{"date": d.date.isoformat(), "workday": d.workday, "name": d.name,
                      "source": d.source} for d in days],
        }, ensure_ascii=False, indent=2))
        return
    for d in days:
        click.echo(f"{d.date.isoformat()} {d.weekday_name}  {d.state}  "
                   f"{d.name}  （{describe_source(d)}）")


COMMANDS: list[click.Command] = [due_command, overdue_command, calendar_command]
