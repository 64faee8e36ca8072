"""Every kefu write: through a temporary file and a rename, the mode kept or the umask's, nothing
left behind on a fault; no write through a symlink in the repository; an output replaces only a
file kefu can prove it wrote (issues 20, 21 and 24).

Each case runs kefu as a user would (`python -m kefu.cli`) in a copy of a fixture repository.
A full disk is a file size limit (RLIMIT_FSIZE) on the kefu process; a read-only folder is
chmod 555, or, for root (who ignores modes), a read-only bind mount in a private namespace.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "data" / "forms" / "repo"
TICKET = "T-20260312-k7m2"
TICKET_FILE = f"records/tickets/2026/03/{TICKET}.yml"
NOW = "2026-12-01T10:00:00+08:00"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    return root


def kefu(cwd: Path, *args: str, limit: int | None = None, umask: int | None = None,
         ) -> subprocess.CompletedProcess[str]:
    def setup() -> None:
        if limit is not None:  # a "full disk": no file may grow past `limit` bytes
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        if umask is not None:
            os.umask(umask)

    return subprocess.run([sys.executable, "-m", "kefu.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=180, preexec_fn=setup,
                          env={**os.environ, "KEFU_NOW": NOW, "KEFU_USER": "wangfang"})


def listing(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` and its bytes; git's and the records cache's own left out (the
    cache's temporary files are the lead's index work, issue 24 item 6)."""
    return {rel: p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not (rel := p.relative_to(folder).as_posix()).startswith(
                (".git/", ".kefu-cache/"))}


def failed(done: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


# -- faults: a full disk, a read-only folder --------------------------------------------------
FAULTY_WRITES: list[tuple[str, ...]] = [
    ("new", "inquiry", "--title", "满盘测试", "--owner", "wangfang"),
    ("event", TICKET, "note", "--note", "满盘测试" * 20),
    ("calendar", "2026-10", "--ics", "out/"),
    ("export", "--csv", "out/"),
]


@pytest.mark.parametrize("args", FAULTY_WRITES, ids=[a[0] for a in FAULTY_WRITES])
def test_a_full_disk_leaves_nothing_behind_and_says_so(repo: Path, args: tuple[str, ...]) -> None:
    before = listing(repo)
    done = kefu(repo, *args, limit=200)
    failed(done, 1, "[io-error]", "写入失败", "文件超过了系统允许的大小")
    after = listing(repo)
    # no 0-byte record, no .tmp, the ticket unchanged; at most an empty output folder made
    assert {k: v for k, v in after.items() if not k.startswith("out/")} == before
    assert not [p for p in repo.rglob("*.tmp") if ".kefu-cache" not in p.parts]
    assert done.stdout == ""  # no success line printed for a write that did not happen


def _read_only(folder: Path) -> Callable[[list[str]], subprocess.CompletedProcess[str]]:
    """A runner of commands that see `folder` read-only (chmod, or a bind mount for root)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda argv: subprocess.run(argv, cwd=folder.parent, capture_output=True,
                                           text=True, timeout=180,
                                           env={**os.environ, "KEFU_NOW": NOW,
                                                "KEFU_USER": "wangfang"})
    if shutil.which("unshare") is None:
        pytest.skip("root ignores file modes, and unshare is missing: no read-only folder")

    def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
        script = (f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && "
                  + " ".join(f"'{a}'" for a in argv))
        done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                               script], cwd=folder, capture_output=True, text=True, timeout=180,
                              env={**os.environ, "KEFU_NOW": NOW, "KEFU_USER": "wangfang"})
        if "mount:" in done.stderr:
            pytest.skip("no permission to mount here: no read-only folder for root")
        return done

    return run


def test_a_read_only_folder_changes_nothing_and_says_so(repo: Path) -> None:
    folder = repo / "records" / "tickets" / "2026" / "03"
    before = listing(repo)
    run = _read_only(folder)
    done = run([sys.executable, "-m", "kefu.cli", "event", TICKET, "note", "--note", "只读"])
    folder.chmod(0o755)
    failed(done, 1, "[io-error]", "写入失败", TICKET_FILE.removesuffix(".yml") + "/")
    assert "只读" in done.stderr or "没有权限" in done.stderr
    assert listing(repo) == before


# -- modes --------------------------------------------------------------------------------------
def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(repo: Path,
                                                                       tmp_path: Path) -> None:
    ticket = repo / TICKET_FILE
    ticket.chmod(0o640)
    done = kefu(repo, "event", TICKET, "note", "--note", "权限测试", umask=0o077)
    assert done.returncode == 0, done.stderr
    assert ticket.stat().st_mode & 0o777 == 0o640  # not 0600, not the umask's 0600
    done = kefu(repo, "new", "inquiry", "--title", "权限", "--owner", "wangfang", umask=0o022)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.splitlines()[0]).stat().st_mode & 0o777 == 0o644
    out = tmp_path / "out"
    done = kefu(repo, "calendar", "2026-10", "--ics", f"{out}/", umask=0o002)
    assert done.returncode == 0, done.stderr
    assert (out / "2026.ics").stat().st_mode & 0o777 == 0o664
    (out / "2026.ics").chmod(0o600)
    assert kefu(repo, "calendar", "2026-10", "--ics", f"{out}/").returncode == 0
    assert (out / "2026.ics").stat().st_mode & 0o777 == 0o600


# -- outputs: replace only what kefu can prove it wrote ----------------------------------------
def _sqlite_app(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT)")
    db.execute("INSERT INTO orders VALUES (1, '某应用的数据')")
    db.commit()
    db.close()


LOOKALIKES: list[tuple[str, Callable[[Path], None], list[str], str]] = [
    ("contract.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n% a signed contract\n"),
     ["form", "complaint-report", "-o"], "生成的 PDF。"),
    ("app.sqlite", _sqlite_app, ["export", "--sqlite"], "生成的 SQLite 数据库。"),
    ("outlook.ics", lambda p: p.write_bytes(b"BEGIN:VCALENDAR\r\nPRODID:Outlook\r\n"),
     ["calendar", "2026-10", "--ics"], "生成的日历文件。"),
    ("book.xlsx", lambda p: p.write_bytes(b"PK\x03\x04 someone's workbook"),
     ["export", "--xlsx"], "生成的工作簿。"),
]


@pytest.mark.parametrize(("name", "make", "args", "what"), LOOKALIKES,
                         ids=[c[0] for c in LOOKALIKES])
def test_a_file_that_only_looks_like_kefus_is_never_replaced(
        repo: Path, tmp_path: Path, name: str, make: Callable[[Path], None],
        args: list[str], what: str) -> None:
    target = tmp_path / name
    make(target)
    before = target.read_bytes()
    failed(kefu(repo, *args, str(target)), 2, "[unsafe-output]", "不能覆盖", "kefu 没有写过它",
           what)
    assert target.read_bytes() == before


def test_kefus_own_output_is_replaced_until_someone_edits_it(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "2026.ics"
    for _ in range(2):  # written, then replaced: kefu proves it wrote it by its hash
        done = kefu(repo, "calendar", "2026-10", "--ics", str(target))
        assert done.returncode == 0, done.stderr
    registry = json.loads((tmp_path / ".kefu-outputs.json").read_text("utf-8"))
    assert registry["files"] == {"2026.ics": hashlib.sha256(target.read_bytes()).hexdigest()}
    target.write_bytes(target.read_bytes() + b"X-MY-NOTE:mine\r\n")  # edited by a person
    edited = target.read_bytes()
    failed(kefu(repo, "calendar", "2026-10", "--ics", str(target)), 2, "之后被改动过")
    assert target.read_bytes() == edited
    (tmp_path / ".kefu-outputs.json").write_text("not json", "utf-8")
    failed(kefu(repo, "calendar", "2026-10", "--ics", str(tmp_path / "new.ics")), 2,
           "不是 kefu 的输出登记文件")


def test_an_output_is_never_written_through_a_symlink(repo: Path, tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("别动", "utf-8")
    (tmp_path / "link.ics").symlink_to(precious)
    failed(kefu(repo, "calendar", "2026-10", "--ics", str(tmp_path / "link.ics")), 2,
           "不是普通文件", "符号链接")
    assert precious.read_text("utf-8") == "别动"


# -- symlinks inside the repository -------------------------------------------------------------
def test_site_build_refuses_a_symlinked_generated_folder(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "tickets").mkdir(parents=True)
    (elsewhere / "tickets" / "T-20200101-aaaa.md").write_text("别人的文件", "utf-8")
    (repo / "docs").mkdir()
    (repo / "docs" / "generated").symlink_to(elsewhere)
    failed(kefu(repo, "site", "build", "-d", str(tmp_path / "site")), 1, "[symlink]",
           "docs/generated", str(elsewhere))
    assert listing(elsewhere) == {"tickets/T-20200101-aaaa.md": "别人的文件".encode()}


def test_site_build_refuses_a_symlink_inside_the_generated_folder(repo: Path,
                                                                  tmp_path: Path) -> None:
    elsewhere = tmp_path / "calendars"
    elsewhere.mkdir()
    (elsewhere / "team.ics").write_text("别人的日历", "utf-8")
    (repo / "docs" / "generated" / "staff").mkdir(parents=True)
    (repo / "docs" / "generated" / "staff" / "calendars").symlink_to(elsewhere)
    failed(kefu(repo, "site", "build", "-d", str(tmp_path / "site")), 1,
           "docs/generated/staff/calendars 是符号链接")
    assert listing(elsewhere) == {"team.ics": "别人的日历".encode()}


def test_schemas_refuses_a_symlinked_schema(repo: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.json"
    victim.write_text("{}", "utf-8")
    (repo / "schemas").mkdir()
    (repo / "schemas" / "ticket.schema.json").symlink_to(victim)
    failed(kefu(repo, "schemas"), 1, "[symlink]", "schemas/ticket.schema.json", str(victim))
    assert victim.read_text("utf-8") == "{}"


def test_new_never_writes_through_a_symlinked_records_folder(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "anywhere"
    elsewhere.mkdir()
    (repo / "records" / "tickets" / "2026" / "12").symlink_to(elsewhere)  # NOW's month
    failed(kefu(repo, "new", "inquiry", "--title", "链接", "--owner", "wangfang"), 1,
           "[symlink]", "records/tickets/2026/12 是符号链接")
    assert list(elsewhere.iterdir()) == []


def test_validate_names_every_odd_entry_under_records(repo: Path, tmp_path: Path) -> None:
    tickets = repo / "records" / "tickets" / "2026"
    (tmp_path / "outside").mkdir()
    (tickets / "2027").symlink_to(tmp_path / "outside")
    (tickets / "03" / "T-20260301-lnk1.yml").symlink_to(repo / TICKET_FILE)
    (tickets / "03" / "T-20260302-gone.yml").symlink_to(tmp_path / "gone.yml")
    os.mkfifo(tickets / "03" / "T-20260303-fifo.yml")
    sub = tickets / "sub"
    sub.mkdir()
    (sub / ".git").write_text("gitdir: ../../.git/modules/sub\n", "utf-8")
    (sub / "x.yml").write_text("a: [\n", "utf-8")  # another repository's file: never read
    done = kefu(repo, "validate", "--format", "json")
    assert done.returncode == 1, done.stderr
    found = {(p["path"], p["slug"]): p["message"]
             for p in json.loads(done.stdout)["problems"] if p["severity"] == "error"}
    assert set(found) == {
        ("records/tickets/2026/2027", "symlink"),
        ("records/tickets/2026/03/T-20260301-lnk1.yml", "symlink"),
        ("records/tickets/2026/03/T-20260302-gone.yml", "symlink"),
        ("records/tickets/2026/03/T-20260303-fifo.yml", "not-a-file"),
        ("records/tickets/2026/sub", "submodule"),
    }
    assert "目标不存在" in found[("records/tickets/2026/03/T-20260302-gone.yml", "symlink")]
    assert "命名管道" in found[("records/tickets/2026/03/T-20260303-fifo.yml", "not-a-file")]
    assert str(tmp_path / "outside") in found[("records/tickets/2026/2027", "symlink")]
    # given by name, each is said as what it is (not "路径不存在", not an empty file)
    failed(kefu(repo, "validate", "records/tickets/2026/03/T-20260302-gone.yml"), 2,
           "是符号链接", "目标不存在")
    failed(kefu(repo, "validate", "records/tickets/2026/03/T-20260303-fifo.yml"), 2,
           "命名管道（FIFO）")


def test_a_symlinked_records_folder_is_refused(repo: Path, tmp_path: Path) -> None:
    (repo / "records").rename(tmp_path / "real-records")
    (repo / "records").symlink_to(tmp_path / "real-records")
    done = kefu(repo, "validate")
    failed(done, 1)
    assert "records: [symlink]" in done.stdout


@pytest.mark.parametrize("args", [FAULTY_WRITES[0], ("event", "T-20260316-x9q1", "replied")],
                         ids=["new", "event"])
def test_a_broken_rules_file_stops_the_write_instead_of_failing_after_it(
        repo: Path, args: tuple[str, ...]) -> None:
    rules = repo / "records" / "sla.yml"
    rules.write_text(rules.read_text("utf-8") + "rules: [\n", "utf-8")
    before = listing(repo)
    failed(kefu(repo, *args), 1, "[sla-invalid]")
    assert listing(repo) == before  # failure reported, nothing written: a retry is safe
