"""A department of its own: `kefu init`, its README followed as written, `kefu upgrade`, and the
wheel that carries the handbook to a department that installs kefu as a package."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from kefu.department import content
from kefu.department.init import BASELINE, Options, init, requirement
from kefu.department.upgrade import UPSTREAM, upgrade
from kefu.problems import KefuError

KEFU = Path(sys.executable).with_name("kefu")
# Pages that say 客服部 whatever the department is called: a source document's title or words
SOURCE_TITLES = {"about/index.html", "rules/rewards-penalties.html",
                 "replies/repair-warranty/repair-freight.html", "generated/forms.html",
                 "generated/deadlines.html"}


def run(cwd: Path, *args: str, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(KEFU), *args], cwd=cwd, capture_output=True, text=True,
                          check=False, env={**os.environ, **(env or {})}, timeout=600)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A department just made by `kefu init`, with its first commit and no record."""
    root = tmp_path_factory.mktemp("init") / "部门"
    init(root, Options("丙辰电子（苏州）有限公司", "丙辰电子", "售后服务部", source=str(ROOT)))
    return root


def test_init_writes_the_handbook_the_configuration_and_a_first_commit(fresh: Path) -> None:
    for rel in ("README.md", "Makefile", "requirements.txt", ".gitignore", "mkdocs.yml",
                "package.json", "docs/index.md", "forms/registry.yml", "records/sla.yml",
                "records/staff-rules.yml", "records/department.yml", "schemas/ticket.schema.json",
                ".github/workflows/records.yml", ".github/workflows/daily.yml",
                ".github/ISSUE_TEMPLATE/new-ticket.yml", BASELINE):
        assert (fresh / rel).is_file(), rel
    assert not (fresh / "records" / "tickets").exists()  # no sample record without --demo
    assert not (fresh / ".github" / "workflows" / "tests.yml").exists()  # kefu's own tests
    config = yaml.safe_load((fresh / "records/department.yml").read_text("utf-8"))
    assert config["company"] == {"name": "丙辰电子（苏州）有限公司", "short": "丙辰电子"}
    assert config["department"] == "售后服务部" and config["automerge"] is True
    assert (fresh / "requirements.txt").read_text("utf-8").splitlines()[-1] == \
        f"kefu @ {ROOT.as_uri()}"
    log = subprocess.run(["git", "-C", str(fresh), "log", "--format=%s", "--name-only"],
                         capture_output=True, text=True, check=True).stdout
    assert log.startswith("kefu init：丙辰电子售后服务部") and "records/department.yml" in log
    assert subprocess.run(["git", "-C", str(fresh), "status", "--porcelain"], capture_output=True,
                          text=True, check=True).stdout == ""
    readme = (fresh / "README.md").read_text("utf-8")
    assert readme.startswith("# 丙辰电子售后服务部") and "{{" not in readme.replace(
        "{{ company.short }}", "")
    baseline = json.loads((fresh / BASELINE).read_text("utf-8"))["files"]
    assert set(baseline) == set(content.shipped())


def test_a_fresh_department_passes_its_own_checks_with_zero_records(fresh: Path,
                                                                    tmp_path: Path) -> None:
    work = Path(shutil.copytree(fresh, tmp_path / "dept", symlinks=True))
    done = run(work, "validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert run(work, "schemas", "--check").returncode == 0
    assert run(work, "check-pr", "--base", "HEAD").returncode == 0
    site = run(work, "site", "build")
    assert site.returncode == 0, site.stdout + site.stderr
    index = (work / "site" / "index.html").read_text("utf-8")
    assert "<title>售后服务部手册</title>" in index
    assert "售后服务部手册由售后服务部维护" in index  # the footer names the department too
    assert (work / "site" / "assets" / "javascripts" / "kefu-search.js").is_file()


def test_pages_calendars_and_letters_kefu_makes_carry_the_departments_own_name(
        fresh: Path, tmp_path: Path) -> None:
    """售后服务部, not 客服部: the generated pages' descriptions, the calendars' names and the
    letter a work request prints, as records/department.yml names the department."""
    from kefu import site_rules
    from kefu.forms.fill import fill
    from kefu.forms.registry import load_registry
    from kefu.reports.site import index_page
    from kefu.staff.book import StaffBook
    from kefu.staff.feeds import feeds
    from kefu.workspace import Workspace

    root = tmp_path / "部门"
    shutil.copytree(fresh, root, symlinks=True)
    ws = Workspace(root)
    assert ws.department == "售后服务部"
    out = root / "docs" / "generated"
    out.mkdir(parents=True, exist_ok=True)
    site_rules.write_site_pages(ws, out)

    def about(page: str) -> str:
        return str(yaml.safe_load(page.split("---")[1])["description"])

    assert about((out / "deadlines.md").read_text(encoding="utf-8")).startswith("售后服务部每条")
    assert about(index_page([], ws.department)).startswith("售后服务部月度报表总览")
    assert "X-WR-CALNAME:售后服务部工作日历" in (out / "holidays.ics").read_text(encoding="utf-8")
    book, _ = StaffBook.load(ws)
    team = feeds(book, [], ws.department)["team.ics"].decode()
    assert "X-WR-CALNAME:售后服务部值班表" in team
    env = {"KEFU_NOW": "2026-11-30T18:00:00+08:00"}
    made = run(root, "new", "person", "--id", "linhui", "--name", "林慧", "--role", "supervisor",
               "--team", "主管组", env=env)
    assert made.returncode == 0, made.stderr
    made = run(root, "new", "work-request", "--title", "请财务部核对返修运费", "--owner", "linhui",
               "--department", "财务部", "--received", "2026-11-30 10:00", env=env)
    assert made.returncode == 0, made.stderr
    ticket = Path(made.stdout.strip().splitlines()[-1]).stem
    form = load_registry(root).get("work-submission")
    assert form is not None
    letter = fill(Workspace(root), form, ticket).values
    assert (letter["from_dept"], letter["to_dept"]) == ("售后服务部", "财务部")


def test_init_refuses_a_folder_that_is_not_empty_and_bad_names(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(KefuError) as err:
        init(tmp_path / "old", Options("甲公司", "甲"))
    assert err.value.exit_code == 2 and "不是空文件夹" in err.value.message
    assert (tmp_path / "old" / "notes.txt").read_text("utf-8") == "mine"
    with pytest.raises(KefuError, match="换行"):
        init(tmp_path / "new", Options("甲公司\n乙", "甲"))
    assert not (tmp_path / "new").exists()


def test_requirement_line_from_a_version_a_url_or_a_folder(tmp_path: Path) -> None:
    assert requirement("0.2.0") == "kefu==0.2.0"
    assert requirement("git+https://example.com/acme/kefu@v0.2.0") == \
        "kefu @ git+https://example.com/acme/kefu@v0.2.0"
    assert requirement(str(tmp_path)) == f"kefu @ {tmp_path.as_uri()}"
    with pytest.raises(KefuError, match="既不是版本号"):
        requirement(str(tmp_path / "nowhere"))


def test_demo_department_has_the_sample_records_and_validates(demo: Path) -> None:
    assert len(list((demo / "records" / "people").glob("*.yml"))) == 10
    assert len(list((demo / "records" / "tickets").rglob("T-*.yml"))) == 102
    done = run(demo, "validate", env={"KEFU_NOW": "2026-11-25T09:00:00+08:00"})
    assert done.returncode == 0, done.stdout + done.stderr


# -- the department README, followed as written ----------------------------------------------
SETUP = ("make install", "source .venv/bin/activate")  # the test's environment has kefu already


def readme_commands(text: str) -> list[str]:
    """Every command line of the README's ```sh blocks, in order, but the installation."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if command and command not in SETUP and not command.startswith("#"):
                lines.append(command)
    return lines


def test_the_department_readme_takes_a_new_department_to_a_validated_first_week(
        fresh: Path, tmp_path: Path) -> None:
    work = Path(shutil.copytree(fresh, tmp_path / "dept", symlinks=True))
    commands = readme_commands((work / "README.md").read_text("utf-8"))
    assert sum(c.startswith("kefu new person") for c in commands) == 10
    env = {**os.environ, "PATH": f"{KEFU.parent}{os.pathsep}{os.environ['PATH']}",
           "GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "t@example.com"}
    env.pop("KEFU_USER", None)
    for command in commands:
        if command == "make upgrade":
            continue  # upgrading needs a newer kefu: tested below
        done = subprocess.run(shlex.split(command), cwd=work, capture_output=True, text=True,
                              check=False, env=env, timeout=600)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr
    records = work / "records"
    assert len(list((records / "people").glob("*.yml"))) == 10
    assert len(list((records / "tickets").rglob("T-*.yml"))) == 3
    assert len(list((records / "rosters").rglob("*.yml"))) == 1
    roster = run(work, "roster", "下周")
    assert roster.returncode == 0 and "没有问题" in roster.stdout, roster.stdout
    assert (work / "site" / "index.html").is_file()
    assert subprocess.run(["git", "-C", str(work), "log", "--oneline"], capture_output=True,
                          text=True, check=True).stdout.count("\n") == 2
    # a second 王芳 joins: written, with a warning that her name no longer names one person
    second = run(work, "new", "person", "--name", "王芳", "--role", "售前客服", "--team", "网店组")
    assert second.returncode == 0 and second.stdout.strip().endswith("wangfang2.yml")
    assert "[same-name]" in second.stderr and "wangfang 或 wangfang2" in second.stderr
    which = run(work, "new", "inquiry", "--title", "咨询", "--owner", "王芳",
                "--channel", "hotline")
    assert which.returncode != 0 and "wangfang2" in which.stderr


# a supervisor, who keeps every channel, and one specialist for the dealers: the first roster
# had them lunch together, and the dealers' channel was left alone
ROLES = ("supervisor", "after-sales", "after-sales", "pre-sales", "pre-sales",
         "aftersales-specialist", "service-specialist", "service-specialist", "clerk", "reception")


def test_the_first_roster_planned_for_a_new_department_passes_its_own_checks(
        fresh: Path, tmp_path: Path) -> None:
    work = Path(shutil.copytree(fresh, tmp_path / "dept", symlinks=True))
    for number, role in enumerate(ROLES):
        done = run(work, "new", "person", "--id", f"p{number}", "--name", f"员工{number}",
                   "--role", role, "--team", "客服组")
        assert done.returncode == 0, done.stderr
    env = {"KEFU_NOW": "2026-12-02T09:00:00+08:00"}
    made = run(work, "new", "roster", "--prepared-by", "p0", "--week", "下周", env=env)
    assert made.returncode == 0, made.stderr
    shown = run(work, "roster", "下周", env=env)
    assert shown.returncode == 0 and "没有问题" in shown.stdout, shown.stdout


# -- kefu upgrade -------------------------------------------------------------------------------
def test_upgrade_updates_untouched_files_and_leaves_edited_ones_to_the_department(
        fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = Path(shutil.copytree(fresh, tmp_path / "dept", symlinks=True))
    upstream = tmp_path / "upstream"
    for rel in content.shipped():
        (upstream / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(content.source_root() / rel, upstream / rel)
    (upstream / "docs/rules/index.md").write_text("# 制度（新版）\n", "utf-8")  # upstream only
    (upstream / "docs/processes/index.md").write_text("# 流程（新版）\n", "utf-8")  # both
    (work / "docs/processes/index.md").write_text("# 流程（本部门改写）\n", "utf-8")
    (work / "docs/roles/index.md").write_text("# 岗位（本部门改写）\n", "utf-8")  # dept only
    (upstream / "docs/guide/new-page.md").write_text("# 新页面\n", "utf-8")
    monkeypatch.setattr(content, "source_root", lambda: upstream)
    monkeypatch.setattr("kefu.department.upgrade.source_root", lambda: upstream)

    found = upgrade(work, write=False)
    assert (found.updated, found.both, found.kept, found.added) == (
        ["docs/rules/index.md"], ["docs/processes/index.md"], ["docs/roles/index.md"],
        ["docs/guide/new-page.md"])
    assert (work / "docs/rules/index.md").read_text("utf-8") != "# 制度（新版）\n"  # --check
    upgrade(work)
    assert (work / "docs/rules/index.md").read_text("utf-8") == "# 制度（新版）\n"
    assert (work / "docs/processes/index.md").read_text("utf-8") == "# 流程（本部门改写）\n"
    assert (work / UPSTREAM / "docs/processes/index.md").read_text("utf-8") == "# 流程（新版）\n"
    assert (work / "docs/guide/new-page.md").is_file()
    again = upgrade(work, write=False)  # the department's answer stands from now on
    assert not again.changed and again.kept == ["docs/processes/index.md", "docs/roles/index.md"]


def test_upgrade_rewrites_kefus_own_files(fresh: Path, tmp_path: Path) -> None:
    work = Path(shutil.copytree(fresh, tmp_path / "dept", symlinks=True))
    (work / ".github/workflows/daily.yml").write_text("# stale\n", "utf-8")
    (work / "schemas/ticket.schema.json").write_text("{}", "utf-8")
    assert run(work, "upgrade", "--check").returncode == 1
    done = run(work, "upgrade")
    assert done.returncode == 0 and ".github/workflows/daily.yml" in done.stdout
    assert run(work, "upgrade", "--check").returncode == 0
    assert run(work, "schemas", "--check").returncode == 0


# -- the package carries the handbook ---------------------------------------------------------
BUILD_WHEEL = """
import sys
from setuptools import build_meta
print(build_meta.build_wheel(sys.argv[1]))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """kefu built as pip builds it for a department (`kefu @ git+…` or a folder)."""
    project = tmp_path_factory.mktemp("project") / "kefu"
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True,
                             check=True).stdout.decode().split("\0")
    for rel in filter(None, tracked):
        if rel.startswith("records/") and rel not in (f"records/{n}" for n in (
                "sla.yml", "calendar.yml", "staff-rules.yml", "kpi.yml")):
            continue  # what a build needs does not include the sample department
        if (ROOT / rel).is_file():
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / rel, project / rel)
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-c", BUILD_WHEEL, str(out)], cwd=project,
                          capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return out / done.stdout.strip().splitlines()[-1]


def test_the_wheel_carries_the_handbook_the_theme_and_the_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in content.shipped():
        assert f"kefu/_content/{rel}" in names, rel
    assert not any(n.startswith("kefu/_content/records/tickets") for n in names)
    for rel in ("kefu/site/theme/assets/javascripts/kefu-search.js",
                "kefu/site/theme/assets/javascripts/reply-blanks.js",
                "kefu/site/theme/assets/stylesheets/kefu.css", "kefu/site/theme/main.html",
                "kefu/department/template/Makefile", "kefu/department/template/gitignore",
                "kefu/department/template/README.md", "kefu/department/shipped.txt"):
        assert rel in names, rel
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "kefu = kefu.site.plugin:KefuPlugin" in zipfile.ZipFile(wheel).read(entry).decode()


def test_a_department_on_the_installed_wheel_builds_its_site(wheel: Path, tmp_path: Path) -> None:
    """kefu from the wheel alone (not this checkout) makes and builds a department."""
    target = tmp_path / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, timeout=600)
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("import kefu.department.content as c, sys; print(c.source_root())")
    where = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True, cwd=tmp_path).stdout.strip()
    assert where == str(target / "kefu" / "_content")
    dept = tmp_path / "dept"
    cli = [sys.executable, "-m", "kefu.cli"]
    made = subprocess.run([*cli, "init", str(dept), "--company", "丁科技有限公司", "--short",
                           "丁科技", "--department", "售后服务部", "--source", "0.1.0"], env=env,
                          capture_output=True, text=True, check=False, timeout=600, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    (dept / "node_modules").symlink_to(ROOT / "node_modules")  # what `npm ci` installs there
    built = subprocess.run([*cli, "site", "build"], cwd=dept, env=env, capture_output=True,
                           text=True, check=False, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (dept / "site" / "assets" / "javascripts" / "kefu-search.js").is_file()
    assert "欢迎来到售后服务部" in (dept / "site" / "index.html").read_text(encoding="utf-8")
    missing = (dept / "site" / "404.html").read_text(encoding="utf-8")  # mkdocs.yml's words
    assert '<meta name="description" content="售后服务部的制度' in missing
    # the handbook names the department as records/department.yml does; 客服部 is left only in
    # the titles of and quotes from the source documents
    said = {p.relative_to(dept / "site").as_posix() for p in (dept / "site").rglob("*.html")
            if "客服部" in p.read_text(encoding="utf-8")}
    assert said <= SOURCE_TITLES, sorted(said - SOURCE_TITLES)
