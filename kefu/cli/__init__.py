"""The `kefu` command: a thin click wrapper over the library modules.

Each submodule holds the commands of one library module and lists them in `COMMANDS`.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from typing import Any

import click

from kefu.problems import KefuError

from . import (
    approve,
    deadlines,
    department,
    events,
    forms,
    help,
    i18n,
    intake,
    lookup,
    pr,
    records,
    reports,
    site,
    staff,
)
from .errors import usage_error_text
from .lifetime import KEPT

i18n.install()  # before any help or error is formatted
help.install()


class KefuGroup(click.Group):
    """Turns every error into a Chinese message and an exit code, never a traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("standalone_mode", True) is False:
            return super().main(*args, **kwargs)
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.UsageError as err:
            click.echo(usage_error_text(err), err=True)
            sys.exit(err.exit_code)
        except click.ClickException as err:
            err.show()
            sys.exit(err.exit_code)
        except click.Abort:
            click.echo("已中止。", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KefuError as err:
            from kefu.output import printable

            click.echo(printable(f"错误 [{err.slug}]：{err.message}"), err=True)
            sys.exit(err.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:
            raise  # click's main stops quietly when the reader (`| head`) has left
        except OSError as err:  # the environment, not kefu: a read-only folder, a full disk
            from kefu.files import fault

            found = fault(err, "读写文件")
            click.echo(f"错误 [{found.slug}]：{found.message}", err=True)
            sys.exit(found.exit_code)
        except UnicodeEncodeError as err:
            if "surrogate" not in str(err.reason):  # the terminal cannot show the output
                _say_terminal(err)
                sys.exit(1)
            _say_bad_argument()
            sys.exit(2)
        except UnicodeError:
            _say_bad_argument()
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            sys.exit(130)
        except Exception as err:  # noqa: BLE001 - last line of defence: no traceback for users
            click.echo(f"内部错误 [internal]：{type(err).__name__}: {err}", err=True)
            click.echo("这是 kefu 的缺陷，请把以上信息报告给维护者。", err=True)
            sys.exit(3)


def _say_bad_argument() -> None:
    click.echo("错误 [bad-argument]：命令行参数或文件名里有无法识别的字节"
               "（不是 UTF-8 文字）：请改用 UTF-8 编码的名称。", err=True)


def _say_terminal(err: UnicodeEncodeError) -> None:
    """The terminal's encoding cannot show Chinese: said in Chinese where it can be, and in
    ASCII words as well, never with another exception."""
    message = (f"错误 [terminal-encoding]：终端的字符编码（{err.encoding}）显示不了中文输出："
               "请把终端设为 UTF-8（如 export LANG=C.UTF-8），或用 --format json。\n"
               f"(the terminal's encoding {err.encoding} cannot show this output: "
               "set LANG=C.UTF-8 or use --format json)\n")
    stream = sys.stderr
    data = message.encode(stream.encoding or "ascii", errors="replace")
    with contextlib.suppress(OSError, AttributeError, ValueError):
        stream.flush()
        stream.buffer.write(data)
        stream.buffer.flush()


@click.group(cls=KefuGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kefu")
def main() -> None:
    """客服部工具：校验记录、计算工作日时限、列出超期工作、打印表单、构建手册站点。"""


for _module in (records, events, deadlines, lookup, pr, forms, site, intake, staff, approve,
                reports, department):
    for _command in _module.COMMANDS:
        main.add_command(_command)


def run() -> None:
    """The `kefu` console script: `main`, then, when a command kept what it loaded (`keep`),
    end the process at once: exit handlers run and the output is flushed as on a normal exit,
    but the memory goes back to the system in one piece."""
    try:
        main()
        code: Any = 0
    except SystemExit as done:
        code = done.code
    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if not KEPT or run_handlers is None or threading.active_count() > 1:
        sys.exit(code)
    if code is not None and not isinstance(code, int):
        with contextlib.suppress(OSError, ValueError):
            print(code, file=sys.stderr)
        code = 1
    run_handlers()  # logging, PIL, matplotlib, weakref finalizers (temporary folders)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that left (`| head`)
            stream.flush()
    os._exit(code or 0)
