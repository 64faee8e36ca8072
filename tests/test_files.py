"""No output option destroys data; environment faults get a Chinese message, never exit 3.

Each case is a reproducer run as a user would: `python -m kefu.cli` in a copy of the fixture
repository. Read-only folders and a full disk are real mounts in a private mount namespace.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "data" / "forms" / "repo"
TICKET = "T-20260312-k7m2"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    return root


def kefu(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kefu.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def refused(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


@pytest.mark.parametrize("target", ["records", ".git", "docs/x", ".", "records/tickets"])
def test_site_build_never_empties_a_folder_it_did_not_make(repo: Path, target: str) -> None:
    (repo / "docs" / "x").mkdir(parents=True)
    (repo / "docs" / "x" / "keep.md").write_text("保留", "utf-8")
    before = tree_digest(repo)
    refused(kefu(repo, "site", "build", "-d", target), "[unsafe-output]")
    assert tree_digest(repo) == before


def test_site_build_refuses_a_full_folder_outside_the_repository(repo: Path,
                                                                 tmp_path: Path) -> None:
    other = tmp_path / "photos"
    other.mkdir()
    (other / "a.jpg").write_bytes(b"\xff\xd8")
    refused(kefu(repo, "site", "build", "-d", str(other)), "不是空的", ".kefu-site")
    assert (other / "a.jpg").read_bytes() == b"\xff\xd8"


@pytest.mark.parametrize("args", [
    ["form", "complaint-report", "--record", TICKET, "-o", "records/sla.yml"],
    ["form", "complaint-report", "-o", "records/new.pdf"],
    ["calendar", "2026-10", "--ics", "records/sla.yml"],
    ["calendar", "2026-10", "--ics", "docs/holidays.ics"],
])
def test_outputs_never_go_into_the_records(repo: Path, args: list[str]) -> None:
    (repo / "docs").mkdir(exist_ok=True)
    before = tree_digest(repo)
    refused(kefu(repo, *args), "[unsafe-output]", "records/" if "records" in args[-1] else "docs/")
    assert tree_digest(repo) == before


def test_outputs_never_overwrite_a_file_kefu_did_not_make(repo: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("我的笔记", "utf-8")
    refused(kefu(repo, "form", "complaint-report", "-o", str(notes)), "不是 kefu 生成的")
    refused(kefu(repo, "calendar", "2026-10", "--ics", str(notes)), "不是 kefu 生成的")
    assert notes.read_text("utf-8") == "我的笔记"
    tracked = repo / "tracked.pdf"
    tracked.write_bytes(b"%PDF-1.7 owned by the repository")
    subprocess.run(["git", "-C", str(repo), "add", "tracked.pdf"], check=True)
    refused(kefu(repo, "form", "complaint-report", "-o", "tracked.pdf"), "仓库里登记的文件")
    assert tracked.read_bytes() == b"%PDF-1.7 owned by the repository"


def test_outputs_replace_what_kefu_made_and_fill_folders(repo: Path, tmp_path: Path) -> None:
    first = kefu(repo, "form", "complaint-report", "-o", str(tmp_path / "out.pdf"))
    assert first.returncode == 0, first.stderr
    again = kefu(repo, "form", "complaint-report", "-o", str(tmp_path / "out.pdf"))
    assert again.returncode == 0, again.stderr
    folder = kefu(repo, "form", "complaint-report", "-o", f"{tmp_path / 'newdir'}/")
    assert folder.returncode == 0, folder.stderr
    assert (tmp_path / "newdir" / "complaint-report.pdf").read_bytes().startswith(b"%PDF-")
    ics = kefu(repo, "calendar", "2026-10", "--ics", str(tmp_path / "cal") + "/")
    assert ics.returncode == 0 and (tmp_path / "cal" / "2026.ics").is_file()
    assert not list(tmp_path.rglob("*.tmp"))  # no temporary file left behind
    assert {p.name for p in (tmp_path / "newdir").glob(".*")} == {".kefu-outputs.json"}


def test_missing_output_folder_and_special_files(repo: Path, tmp_path: Path) -> None:
    refused(kefu(repo, "calendar", "2026-10", "--ics", str(tmp_path / "no" / "x.ics")),
            "[no-such-folder]", str(tmp_path / "no"))
    refused(kefu(repo, "form", "complaint-report", "-o", "/dev/full"), "不是普通文件")
    assert Path("/dev/full").is_char_device()


def _in_namespace(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `script` in a private mount namespace (its mounts vanish with it)."""
    if shutil.which("unshare") is None:
        pytest.skip("缺少 unshare（util-linux）：无法模拟只读目录和满盘")
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                          cwd=cwd, capture_output=True, text=True, timeout=180)
    if "mount:" in done.stderr and "permission denied" in done.stderr.lower():
        pytest.skip("此环境不允许挂载（需要 CAP_SYS_ADMIN）：无法模拟只读目录和满盘")
    return done


def _kefu_line(*args: str) -> str:
    return shlex.join([sys.executable, "-m", "kefu.cli", *args])


def test_read_only_records_give_a_chinese_message(repo: Path) -> None:
    folder = repo / "records"
    done = _in_namespace(
        f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && "
        + _kefu_line("new", "inquiry", "--title", "只读测试", "--owner", "wangfang"), repo)
    assert done.returncode == 1, done.stderr
    assert "[io-error]" in done.stderr and "只读" in done.stderr and "records" in done.stderr
    assert "Traceback" not in done.stderr


def test_read_only_checkout_builds_nothing_and_says_why(repo: Path, tmp_path: Path) -> None:
    done = _in_namespace(
        f"mount --bind {repo} {repo} && mount -o remount,bind,ro {repo} && "
        + _kefu_line("form", "complaint-report", "--record", TICKET) + "; echo rc=$?", repo)
    assert "rc=1" in done.stdout, done.stderr
    assert "[io-error]" in done.stderr and "只读" in done.stderr
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr


def test_full_disk_gives_a_chinese_message_and_leaves_no_half_file(repo: Path,
                                                                   tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.mkdir()
    done = _in_namespace(
        f"mount -t tmpfs -o size=12k tmpfs {small} && "
        + _kefu_line("form", "complaint-report", "-o", str(small / "x.pdf"))
        + f"; echo rc=$?; ls -a {small}", repo)
    assert "rc=1" in done.stdout, done.stderr
    assert "磁盘已满" in done.stderr and "x.pdf" in done.stderr
    assert "x.pdf" not in done.stdout.split("rc=1", 1)[1]  # nothing half-written left behind


def test_symlink_loop_and_undecodable_arguments(repo: Path) -> None:
    (repo / "records" / "loop").symlink_to(repo / "records" / "loop")
    refused(kefu(repo, "validate", "records/loop"), "符号链接")
    done = subprocess.run([sys.executable, "-m", "kefu.cli", "validate", os.fsdecode(b"\xff.yml")],
                          cwd=repo, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
