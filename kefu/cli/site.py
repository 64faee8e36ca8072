"""CLI commands for kefu.site."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .types import Day


@click.group("site")
def site_group() -> None:
    """构建或预览手册站点。"""


@site_group.command("build")
@click.option("-d", "--site-dir", type=click.Path(path_type=Path), help="输出目录（默认 site/）")
@click.option("--today", type=Day(), default=None, metavar="DATE",
              help="生成页面时以哪一天为今天（YYYY-MM-DD，默认北京时间今天）")
def build_command(site_dir: Path | None, today: dt.date | None) -> None:
    """生成页面并严格构建站点。"""
    from kefu import site as site_lib
    from kefu.workspace import Workspace

    target = site_lib.build(Workspace.find(today=today), site_dir)
    click.echo(f"站点已构建：{target}（可直接打开 {target / 'index.html'}）")


@site_group.command("serve")
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="监听地址")
def serve_command(dev_addr: str) -> None:
    """生成页面后本地预览（修改 docs/ 自动刷新）。"""
    from kefu import site as site_lib
    from kefu.workspace import Workspace

    site_lib.serve(Workspace.find(), dev_addr)


COMMANDS: list[click.Command] = [site_group]
