"""CLI commands that append to a record's log: event, close, reopen (kefu.records.events)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from .types import When

FORMAT = click.Choice(["text", "json"])
AT_HELP = ("发生时间（默认现在，北京时间）：15:30（今天）、昨天 15:30、前天 9:00、"
           "2026-03-16 09:30 或带时区的 ISO 8601")
BY_HELP = "经办人员工编号或姓名（默认 KEFU_USER 或 git config kefu.user；都没有时请写 --by）"


def _common(command: Any) -> Any:
    for option in reversed([
        click.option("--at", type=When(), default=None, metavar="TIME", help=AT_HELP),
        click.option("--by", default=None, metavar="ID", help=BY_HELP),
        click.option("--format", "fmt", type=FORMAT, default="text", show_default=True,
                     help="输出格式"),
    ]):
        command = option(command)
    return command


def _show(result: Any, fmt: str) -> None:
    from kefu.output import render

    click.echo(render(result, fmt))
    for problem in getattr(result, "warnings", ()):  # written all the same: said after writing
        click.echo(f"警告：{problem.format()}", err=True)


def _by(ws: Any, by: str | None) -> str | None:
    return ws.person(by, "经办人") if by else None


@click.command("event")
@click.argument("record_id", metavar="ID")
@click.argument("action")
@click.option("--note", default=None, help="备注：这一步做了什么、对方说了什么")
@click.option("--to", default=None, metavar="ID",
              help="分派给谁（员工编号或姓名；动作为 分派 时，工单的负责人随之改为此人）")
@_common
def event_command(record_id: str, action: str, note: str | None, to: str | None,
                  at: dt.datetime | None, by: str | None, fmt: str) -> None:
    """给记录登记一条事件：ACTION 写代码或中文（如 returned 或 寄回代理商）。

    事件写成记录旁边文件夹里的一个新文件，已有的文件不动。

    例：kefu event T-20260315-k7m2 答复 --note 已电话告知处理结果
    """
    from kefu.records.events import append_event
    from kefu.workspace import Workspace

    ws = Workspace.find()
    handed = ws.person(to, "分派对象") if to else None
    _show(append_event(ws, record_id, action, note=note, at=at, by=_by(ws, by), to=handed), fmt)


@click.command("correct")
@click.argument("record_id", metavar="ID")
@click.option("--set", "values", multiple=True, required=True, metavar="字段=值",
              help="要更正的字段和新值，可写多个：标题=…、代理商=星河数码、等级=严重、"
                   "约定完成时间=2026-11-30 17:00、台湾返修=是、状态=等待中"
                   "（字段写中文名称或代码）")
@click.option("--note", required=True, help="为什么更正（原来写错了什么，或情况有什么变化）")
@_common
def correct_command(record_id: str, values: tuple[str, ...], note: str, at: dt.datetime | None,
                    by: str | None, fmt: str) -> None:
    """更正工单登记时写错或已经变化的内容：写成工单文件夹里的一个更正文件，原来的文件不动。

    例：kefu correct T-20260315-k7m2 --set 等级=严重 --note 代理商补充了情况，升级为严重投诉
    """
    from kefu.records.corrections import parse_corrections
    from kefu.records.events import append_event
    from kefu.workspace import Workspace

    ws = Workspace.find()
    fields = parse_corrections(ws, record_id, values)
    _show(append_event(ws, record_id, "corrected", note=note, at=at, by=_by(ws, by),
                       correct=fields), fmt)


@click.command("close")
@click.argument("record_id", metavar="ID")
@click.option("--note", default=None, help="结案说明")
@_common
def close_command(record_id: str, note: str | None, at: dt.datetime | None, by: str | None,
                  fmt: str) -> None:
    """结案：登记一条结案事件（工单文件夹里的一个新文件），工单随之为已结案。"""
    from kefu.records.events import close_record
    from kefu.workspace import Workspace

    ws = Workspace.find()
    _show(close_record(ws, record_id, note=note, at=at, by=_by(ws, by)), fmt)


@click.command("reopen")
@click.argument("record_id", metavar="ID")
@click.option("--reason", required=True, help="为什么重新打开（对方又来反映的内容）")
@_common
def reopen_command(record_id: str, reason: str, at: dt.datetime | None, by: str | None,
                   fmt: str) -> None:
    """重新打开已结案的工单：登记一条重新打开事件，工单随之为处理中；答复时限从重新打开时起重新计算。"""
    from kefu.records.events import reopen_record
    from kefu.workspace import Workspace

    ws = Workspace.find()
    _show(reopen_record(ws, record_id, reason, at=at, by=_by(ws, by)), fmt)


COMMANDS: list[click.Command] = [event_command, close_command, reopen_command, correct_command]
