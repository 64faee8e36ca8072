"""CLI commands for kefu.lookup: `kefu show` (one record whole) and `kefu find` (ranked list)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from .types import ROOT_HELP, Day, LabelChoice

FORMAT = click.Choice(["text", "json"])
PERSONAL_HELP = ("同时显示并查找个人信息（电话、邮箱、地址、证件号、生日、顾客姓名）；"
                 "默认不显示、不查找")
SHOW_PERSONAL_HELP = ("同时显示个人信息（电话、邮箱、地址、证件号、生日、顾客姓名、请假事由）；"
                      "默认隐藏")
TODAY_HELP = "以哪一天为今天（YYYY-MM-DD，默认今天）：时限的情况按这一天算"


class KindChoice(click.ParamType):
    """A kind of record or a ticket type, as LabelChoice reads it; the choices are built on
    first use (they need every record kind imported, which other commands need not pay for)."""

    name = "kind"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "KIND"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        from kefu.lookup.find import kind_choices

        return LabelChoice(kind_choices()).convert(value, param, ctx)


@click.command("show")
@click.argument("record_id", metavar="ID")
@click.option("--with-personal", is_flag=True, help=SHOW_PERSONAL_HELP)
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="输出格式")
@click.option("--today", type=Day(), default=None, metavar="DATE", help=TODAY_HELP)
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=ROOT_HELP)
def show_command(record_id: str, with_personal: bool, fmt: str, today: dt.date | None,
                 root: Path | None) -> None:
    """显示一条记录的全部情况：字段、经过、时限、提醒、关联的记录。

    ID 是任何记录的编号（工单、员工、代理商、值班表的周、请假、调班、出差、补卡、交接班、档案借阅、
    奖惩、绩效评分），也可以写员工姓名或代理商名称。

    列出：各字段（中文名称；个人信息默认隐藏），从早到晚的经过（谁、什么时候、做了什么），
    各项时限及其情况和下一个到期的时限，提醒，它提到的记录（代理商、负责人……）和提到它的记录
    （代理商的工单、员工的工单和请假……，未办结的在前）。

    退出码：0 找到，1 没有这条记录（附相近的编号），2 用法错误。

    例：kefu show T-20261102-yh01；kefu show 远航电子；kefu show 2026-W48
    """
    from kefu.lookup import Desk, show
    from kefu.output import render
    from kefu.workspace import Workspace

    ws = Workspace.find(root, today)
    if with_personal and fmt == "text":
        click.echo("注意：输出包含个人信息，请勿转发或贴到公开的地方。", err=True)
    click.echo(render(show(Desk.open(ws), record_id, with_personal), fmt).rstrip("\n"))


@click.command("find")
@click.argument("text", required=False, default="", metavar="[TEXT]")
@click.option("--kind", "kinds", type=KindChoice(), multiple=True,
              help="只找这种记录（可写多次）：ticket（工单）、dealer（代理商）、person（员工）、"
                   "leave（请假）……，或工单类型 complaint（投诉工单）、repair（返修工单）……")
@click.option("--owner", default=None, metavar="PERSON",
              help="只列这位员工的记录（员工编号或姓名）：工单的负责人、请假或补卡的本人……")
@click.option("--dealer", default=None, metavar="DEALER",
              help="只列这个代理商的工单（编号或名称，如 D-0002 或 远航电子）")
@click.option("--open/--closed", "state", default=None,
              help="只列未办结的工作（未结案的工单、待审批的申请、未归还的档案……）"
                   "或只列已办结的")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="最多列出几条")
@click.option("--with-personal", is_flag=True, help=PERSONAL_HELP)
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="输出格式")
@click.option("--today", type=Day(), default=None, metavar="DATE", help=TODAY_HELP)
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=ROOT_HELP)
def find_command(text: str, kinds: tuple[str, ...], owner: str | None, dealer: str | None,
                 state: bool | None, limit: int, with_personal: bool, fmt: str,
                 today: dt.date | None, root: Path | None) -> None:
    """按编号、标题、代理商（名称或编号）、产品或人名查找记录，未办结的在前。

    排序：编号就是 TEXT 的最前；其次是名称或标题就是 TEXT 的，编号或名称以 TEXT 开头的，
    编号、标题或产品里有 TEXT 的；最后是提到相符的代理商或员工的记录（如代理商的工单）。
    同一档里未办结的在前，新的在前。

    不给 TEXT 时列出符合 --kind、--owner、--dealer、--open 的全部记录。
    顾客姓名、联系人、电话等个人信息默认既不查找也不显示。

    退出码：0 找到，1 没有找到，2 用法错误。

    例：kefu find 远航；kefu find ZF-U8 --open；kefu find --owner 张敏 --open
    """
    from kefu.lookup import Desk, Filters, find
    from kefu.lookup.find import split_kinds
    from kefu.output import render
    from kefu.workspace import Workspace

    if not text.strip() and not (kinds or owner or dealer or state is not None):
        raise click.UsageError("请给出要找的文字，或至少一个条件（--kind、--owner、--dealer、"
                               "--open/--closed）。例：kefu find 远航电子")
    ws = Workspace.find(root, today)
    kind_set, types = split_kinds(kinds)
    filters = Filters(kind_set, types, ws.person(owner, "员工") if owner else None,
                      ws.resolve("dealer", dealer) if dealer else None, state)
    found = find(Desk.open(ws), text, filters, limit, with_personal)
    click.echo(render(found, fmt).rstrip("\n"))
    sys.exit(0 if found.total else 1)


COMMANDS: list[click.Command] = [show_command, find_command]
