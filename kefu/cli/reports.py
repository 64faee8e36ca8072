"""CLI commands for reports and exports: `kefu report`, `kefu export` (thin wrappers)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .types import ROOT_HELP, Day

FORMAT = click.Choice(["text", "json", "markdown"])


@click.command("report")
@click.option("--month", metavar="YYYY-MM", help="按月统计，如 2026-10")
@click.option("--week", metavar="YYYY-Www", help="按 ISO 周统计（周一至周日），如 2026-W44")
@click.option("--from", "first", type=Day(), metavar="YYYY-MM-DD", help="自定义时段的第一天")
@click.option("--to", "last", type=Day(), metavar="YYYY-MM-DD", help="自定义时段的最后一天（含）")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="输出格式")
@click.option("--pdf", "pdf", type=click.Path(path_type=str), metavar="[FILE]", is_flag=False,
              flag_value="", help="另存为 PDF（A4，含图表），供月总结会打印；"
              "不写文件名时为当前目录下的 report-时段.pdf")
@click.option("--xlsx", "xlsx", type=click.Path(path_type=str), metavar="[FILE]",
              is_flag=False, flag_value="",
              help="另存为 Excel 工作簿（每张表一个工作表，数字与时间为真实数值）；"
              "不写文件名时为 report-时段.xlsx")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=ROOT_HELP)
def report_command(month: str | None, week: str | None, first: dt.date | None,
                   last: dt.date | None, fmt: str, pdf: str | None, xlsx: str | None,
                   root: Path | None) -> None:
    """某一时段的工作报表：受理、结案、时限按时率、办理时长、投诉分析、返修/DOA/热线周统计、人员工作量、KPI。

    不给时段时为本月至今。统计截至该时段结束（进行中的时段截至现在）。
    """
    from kefu import outputs
    from kefu.cli.lifetime import keep
    from kefu.output import render
    from kefu.reports import period as periods
    from kefu.reports.build import build_report, load_for
    from kefu.workspace import Workspace

    given = [name for name, value in (("--month", month), ("--week", week),
                                      ("--from/--to", first or last)) if value]
    if len(given) > 1:
        raise click.UsageError(f"{' 与 '.join(given)} 只能选一种时段。")
    ws = Workspace.find(root)
    if month:
        span = periods.parse_month(month)
    elif week:
        span = periods.parse_week(week)
    elif first or last:
        if not (first and last):
            raise click.UsageError("--from 与 --to 要一起给出。")
        span = periods.date_range(first, last)
    else:
        span = periods.month_period(ws.today)
    loaded = load_for(ws)
    keep(loaded)  # freed by the system when the command ends (kefu.cli.run)
    result = build_report(ws, span, loaded=loaded)
    if result.provisional:
        click.echo("警告：部分截止时间落在尚未公布放假安排的年份，为暂定。", err=True)
    if result.skipped_files:
        click.echo(f"警告：{result.skipped_files} 个记录文件有错误，未计入；"
                   "请运行 kefu validate 查看。", err=True)
    if pdf is not None:
        from kefu.reports.pdf import report_pdf

        name = f"report-{span.key}.pdf"
        target = outputs.output_file(pdf or name, name, ws.root, "PDF")
        outputs.write_output(target, report_pdf(result, ws.root), "PDF")
        click.echo(f"已写入 {target}", err=True)
    if xlsx is not None:
        from kefu.reports.xlsx import workbook

        name = f"report-{span.key}.xlsx"
        target = outputs.output_file(xlsx or name, name, ws.root, "工作簿")
        tables = [t for s in result.sections for t in s.tables]
        outputs.write_output(target, workbook(tables, result.title), "工作簿")
        click.echo(f"已写入 {target}", err=True)
    if (pdf is None and xlsx is None) or fmt != "text":
        click.echo(render(result, fmt).rstrip("\n"))


@click.command("export")
@click.option("--sqlite", "sqlite", type=click.Path(path_type=str), metavar="FILE",
              help="导出为 SQLite 数据库（可用 Datasette、DuckDB 等任何 SQL 工具打开）")
@click.option("--csv", "csv_dir", type=click.Path(path_type=str), metavar="DIR",
              help="导出为 CSV 文件夹（每张表一个 UTF-8 文件）")
@click.option("--xlsx", "xlsx", type=click.Path(path_type=str), metavar="FILE",
              help="导出为 Excel 工作簿（每张表一个工作表）")
@click.option("--with-personal", is_flag=True,
              help="包含个人信息字段（电话、邮箱、地址、证件号、生日、顾客姓名）；默认不导出")
def export_command(sqlite: str | None, csv_dir: str | None, xlsx: str | None,
                   with_personal: bool) -> None:
    """导出全部记录为表：每种记录一张表，事件与时限各一张表（含计算出的截止时间）。"""
    from kefu import export
    from kefu.workspace import Workspace

    if not (sqlite or csv_dir or xlsx):
        raise click.UsageError("请至少给出 --sqlite FILE、--csv DIR 或 --xlsx FILE 之一。")
    ws = Workspace.find()
    if with_personal:
        click.echo("注意：导出文件包含个人信息，请妥善保管，不要提交到仓库或公开分享。", err=True)
    notes: list[str] = []  # records left out, the same for every format
    if sqlite:
        click.echo(f"已写入 {export.write_sqlite(ws, sqlite, with_personal, notes)}")
    if csv_dir:
        written = export.write_csv(ws, csv_dir, with_personal, notes)
        click.echo(f"已写入 {len(written)} 个 CSV 文件到 {written[0].parent}")
    if xlsx:
        click.echo(f"已写入 {export.write_xlsx(ws, xlsx, with_personal, notes)}")
    for note in dict.fromkeys(notes):
        click.echo(f"警告：{note}", err=True)


COMMANDS: list[click.Command] = [report_command, export_command]
