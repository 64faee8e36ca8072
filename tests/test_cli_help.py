"""Help screens laid out in display cells (kefu.cli.help): Chinese help within an 80-column
terminal, each option's description in one column, no space inside Chinese where a docstring
broke its line, one line per command in the list of commands."""

from __future__ import annotations

import click
from click.testing import CliRunner
from conftest import ROOT, load_script
from wcwidth import width

from kefu.cli import main
from kefu.cli.help import joined, short_help, wrapped


def _help(*path: str) -> str:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="kefu", terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def _paths() -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = load_script(ROOT / "scripts" / "cli_help.py",
                                               "cli_help")._command_paths(main)
    return paths


def test_every_help_line_fits_an_80_column_terminal() -> None:
    too_wide = [(path, line) for path in _paths() for line in _help(*path).splitlines()
                if width(line) > 80 and not line.lstrip().startswith("--")]
    assert too_wide == []  # only an option's own name and choices may be longer


def test_descriptions_start_in_one_column_whatever_the_option_names_hold() -> None:
    screen = _help("new", "leave").splitlines()

    def column(option: str) -> int:
        line = next(x for x in screen if x.lstrip().startswith(option))
        name_end = line.index(option) + len(option)
        rest = line[name_end:]
        return width(line[:name_end]) + len(rest) - len(rest.lstrip())

    # a Chinese metavar (文件夹, 是|否) takes two columns a character, as click did not count
    assert column("--root 文件夹") == column("--by-phone 是|否") == column("--end YYYY-MM-DD")


def test_a_docstrings_line_break_adds_no_space_inside_chinese() -> None:
    text = "".join(line.strip() for line in _help("intake").splitlines())
    assert "或一份请假、出差、调班" in text and "请假、 出差" not in text
    assert joined(["新工单，或一份请假、", "出差、调班"]) == "新工单，或一份请假、出差、调班"
    assert joined(["kefu approve", "L-20261201-ab12"]) == "kefu approve L-20261201-ab12"
    assert joined(["审批人写明", "--reason 理由"]) == "审批人写明 --reason 理由"
    assert joined(["不重用编号；", "给了 --author"]) == "不重用编号；给了 --author"


def test_the_list_of_commands_gives_each_command_one_line() -> None:
    screen = _help()
    listed = screen[screen.index("命令:"):].splitlines()[1:]
    ctx = click.Context(main)
    assert [line.split()[0] for line in listed] == sorted(main.list_commands(ctx))
    assert all(width(line) <= 78 for line in listed)
    assert any(line.endswith("…") for line in listed)  # a long first sentence is cut
    assert "  validate        校验记录文件（不给路径 = 仓库内全部记录）。" in listed


def test_short_help_is_the_first_sentence_cut_in_cells() -> None:
    assert short_help("列出超期工作。按负责人分组。") == "列出超期工作。"
    cut = short_help("一二三四五六七八九十，一二三四五六七八九十", 20)
    assert cut == "一二三四五六七八九…" and width(cut) <= 20
    assert short_help("\b\n原样保留的段落\n\n第二段") == "原样保留的段落"
    assert short_help("") == ""


def test_a_raw_paragraph_is_kept_as_written() -> None:
    text = "第一段说明文字。\n\n\b\n  缩进的一行\n第二行\n\n最后一段。"
    assert wrapped(text, 40, "  ", "  ") == (
        "  第一段说明文字。\n\n    缩进的一行\n  第二行\n\n  最后一段。")
