"""README command reference = the real `--help` of every command; every command is in it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, load_script

from kefu.cli import main


def _load_cli_help():  # type: ignore[no-untyped-def]
    return load_script(ROOT / "scripts" / "cli_help.py", "cli_help")


def test_readme_help_section_is_current() -> None:
    cli_help = _load_cli_help()
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert cli_help.updated_readme(text) == text, "运行 scripts/cli_help.py 更新 README"


def test_every_command_is_documented_in_readme() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"### `kefu {name}`" in text


def test_readme_names_only_real_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"^kefu ([a-z][a-z-]+)", text, re.M))
    named |= set(re.findall(r"`kefu ([a-z][a-z-]+)", text))
    assert named, "README 应当举例说明 kefu 命令"
    unknown = sorted(n for n in named if n not in main.commands)
    assert not unknown, f"README 提到了不存在的命令：{unknown}"


def test_stale_readme_is_detected(tmp_path: Path) -> None:
    cli_help = _load_cli_help()
    stale = cli_help.BEGIN + "\n旧内容\n" + cli_help.END
    assert cli_help.updated_readme(stale) != stale


def test_unknown_command_exits_2_without_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kefu.cli", "no-such-command"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr



USAGE_CASES = yaml.safe_load((ROOT / "tests/data/cli/usage_errors.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", USAGE_CASES, ids=lambda c: " ".join(c["args"]))
def test_usage_errors_are_chinese(case: dict[str, list[str]]) -> None:
    result = CliRunner().invoke(main, case["args"], prog_name="kefu")
    assert result.exit_code == 2
    output = result.output
    for text in case["expect"]:
        assert text in output
    assert "Error:" not in output
    assert "Traceback" not in output


def test_closed_pipe_ends_quietly() -> None:
    """`kefu calendar | head -1`: the reader leaves early; no traceback, no internal error."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kefu.cli", "calendar", "2026-10"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the child has started writing: its first write hits a closed pipe
    stderr = proc.stderr.read().decode("utf-8")
    proc.wait(timeout=30)
    assert "Traceback" not in stderr
    assert "internal" not in stderr


REPORTS = ROOT / "tests" / "data" / "reports" / "repo"


def test_a_command_that_keeps_its_load_ends_with_its_code_and_all_its_output(
        tmp_path: Path) -> None:
    """`kefu report` leaves the process without freeing what it loaded (kefu.cli.run): its
    output is still whole, its exit code kept, and a closed reader ends it quietly."""
    repo = shutil.copytree(REPORTS, tmp_path / "repo")
    env = {**os.environ, "KEFU_NOW": "2026-11-20T10:00:00+08:00"}
    command = [sys.executable, "-m", "kefu.cli", "report", "--month", "2026-10"]
    done = subprocess.run([*command, "--format", "json"], cwd=repo, capture_output=True,
                          env=env)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["period"]["title"] == "2026 年 10 月"  # every byte written
    refused = subprocess.run([*command[:-1], "2030-10"], cwd=repo, capture_output=True,
                             text=True, env=env)
    assert refused.returncode == 2 and "[bad-period]" in refused.stderr
    proc = subprocess.Popen(command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    stderr = proc.stderr.read().decode("utf-8")
    proc.wait(timeout=60)
    assert "Traceback" not in stderr and "internal" not in stderr


def test_the_quick_exit_still_runs_the_exit_handlers(tmp_path: Path) -> None:
    """A report with a PDF loads libraries that register exit handlers (logging, PIL,
    matplotlib): `run` calls them before it leaves, as a normal exit would."""
    repo = shutil.copytree(REPORTS, tmp_path / "repo")
    probe = ("import atexit, pathlib, sys\n"
             "atexit.register(lambda: pathlib.Path('handled').write_text('yes'))\n"
             "from kefu.cli import run\n"
             "sys.argv = ['kefu', 'report', '--month', '2026-10', '--pdf', 'r.pdf']\n"
             "run()\n"
             "print('not reached')")
    done = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True,
                          text=True, env={**os.environ, "KEFU_NOW": "2026-11-20T10:00:00+08:00"})
    assert done.returncode == 0, done.stderr
    assert (repo / "r.pdf").is_file() and (repo / "handled").read_text() == "yes"
    assert "not reached" not in done.stdout and "已写入" in done.stderr


ENGLISH = re.compile(r"Usage:|Options:|Commands:|Show this message|Show the version|\[default:|"
                     r"\[required\]|Arguments:")


def test_every_help_screen_is_chinese() -> None:
    """Click's own words come from the Chinese catalog (kefu/locale), for every command."""
    cli_help = _load_cli_help()
    section = cli_help.help_section()
    assert "用法：" in section and "显示本帮助后退出。" in section
    assert not ENGLISH.findall(section), ENGLISH.findall(section)


def test_the_catalog_translates_even_without_the_compiled_file(tmp_path: Path) -> None:
    from kefu.cli import i18n

    compiled = i18n.LOCALE / i18n.LANGUAGE / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"
    moved = tmp_path / "click.mo"
    if compiled.exists():
        compiled.rename(moved)
    try:
        i18n.translations.cache_clear()
        assert i18n.translations().gettext("Usage:") == "用法："
    finally:
        if moved.exists():
            moved.rename(compiled)
        i18n.translations.cache_clear()


# -- bin/kefu: the command without activating the virtual environment --------------------------
SHIM = ROOT / "bin" / "kefu"


def test_the_shim_runs_the_checkouts_kefu_from_any_folder(tmp_path: Path) -> None:
    done = subprocess.run([str(SHIM), "due", "inquiry.reply", "2026-03-02 09:40", "--json"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["due"] == "2026-03-03T17:30:00+08:00"  # the space survived
    elsewhere = subprocess.run([str(SHIM), "--version"], cwd=tmp_path, capture_output=True,
                               text=True, check=False)
    assert elsewhere.returncode == 0 and "kefu" in elsewhere.stdout


def test_the_shim_says_how_to_install_when_there_is_no_venv(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    shutil.copy(SHIM, tmp_path / "bin" / "kefu")
    done = subprocess.run([str(tmp_path / "bin" / "kefu"), "validate"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 2 and "make install" in done.stderr and done.stdout == ""


def test_the_shim_is_committed_executable() -> None:
    mode = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-s", "bin/kefu"],
                          capture_output=True, text=True, check=True).stdout.split()[:1]
    assert mode == ["100755"]
