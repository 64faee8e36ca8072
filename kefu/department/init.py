"""`kefu init`: a new department's repository, ready in one command.

It copies the handbook kefu ships (docs/, forms/, mkdocs.yml, the rules files), writes the
department's configuration, JSON Schemas, GitHub workflows and issue forms, a Chinese README,
a Makefile and requirements.txt pinning where kefu is installed from, and makes the first
commit. `.kefu/shipped.json` remembers what was copied, so that `kefu upgrade` can tell which
shipped pages changed upstream and which the department edited.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from kefu import files
from kefu.problems import KefuError

from .content import digest, shipped, source_root

TEMPLATE = Path(__file__).with_name("template")
BASELINE = ".kefu/shipped.json"
# template file -> where it goes in the department's repository
WRITTEN = {"README.md": "README.md", "Makefile": "Makefile",
           "requirements.txt": "requirements.txt", "gitignore": ".gitignore"}
AUTHOR = ("kefu init", "kefu-init@localhost")  # when git knows no user


@dataclass(frozen=True)
class Options:
    """What `kefu init` is told about the department."""

    company: str
    short: str
    department: str = "客服部"
    demo: bool = False
    source: str | None = None  # where the department installs kefu from (see requirement)
    git: bool = True


@dataclass
class Made:
    """What `init` wrote: the repository, its files and, with --demo, the records by kind."""

    root: Path
    files: list[str] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)
    commit: str | None = None


def init(target: Path, options: Options) -> Made:
    """Create the department's repository at `target` (a new or empty folder)."""
    _check_names(options)
    root = _empty_folder(target)
    source = source_root()
    made = Made(root)
    for rel in shipped(source):
        _put(root, rel, (source / rel).read_bytes(), made)
    baseline = {rel: digest((root / rel).read_bytes()) for rel in made.files}
    _put(root, "records/department.yml", _config(options).encode("utf-8"), made)
    from kefu.records.schemagen import write_schemas

    made.files += write_schemas(root)
    from .github import github_files

    for rel, text in github_files().items():
        _put(root, rel, text.encode("utf-8"), made)
    values = {"company": options.company, "short": options.short,
              "department": options.department, "requirement": requirement(options.source),
              "demo": options.demo}
    for name, rel in WRITTEN.items():
        _put(root, rel, render(name, values).encode("utf-8"), made)
    _put(root, BASELINE, _baseline(baseline).encode("utf-8"), made)
    if options.demo:
        from kefu.demo import write_demo

        made.records = write_demo(root)
    if options.git:
        made.commit = _first_commit(root, options)
    return made


def _check_names(options: Options) -> None:
    for label, value in (("--company（公司全称）", options.company),
                         ("--short（公司简称）", options.short),
                         ("--department（部门名称）", options.department)):
        if not value.strip() or any(ord(c) < 32 or c in "\x7f\u2028\u2029" for c in value):
            raise KefuError(f"{label} 不能为空，也不能含换行或控制字符：{value!r}。", "usage", 2)
        if "{" in value or "}" in value:
            raise KefuError(f"{label} 不能含花括号：{value}。", "usage", 2)


def _empty_folder(target: Path) -> Path:
    root = target.resolve()
    if root.is_symlink() or (root.exists() and not root.is_dir()):
        raise KefuError(f"{target} 已存在且不是文件夹：请换一个新的文件夹名。", "exists", 2)
    if root.is_dir() and any(root.iterdir()):
        raise KefuError(f"{target} 不是空文件夹：kefu init 只在新的或空的文件夹里创建部门仓库，"
                        "不会覆盖已有的文件。", "exists", 2)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _put(root: Path, rel: str, data: bytes, made: Made) -> None:
    target = root / rel
    files.write_file(target, data, root=root)
    made.files.append(rel)


def _config(options: Options) -> str:
    from kefu.kinds.department import Company, Department

    Department(company=Company(name=options.company, short=options.short),
               department=options.department)  # refuses what validate would
    return render("department.yml", {"company": options.company, "short": options.short,
                                     "department": options.department})


def render(name: str, values: dict[str, object]) -> str:
    """A template of kefu/department/template/ filled with `values` (no HTML escaping)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["quoted"] = lambda text: json.dumps(str(text), ensure_ascii=False)  # YAML too
    return env.get_template(name).render(**values)


def requirement(source: str | None) -> str:
    """The requirements.txt line for kefu: from `--source`, else from how kefu is installed.

    `--source` is a version (0.2.0), a git URL (git+https://…@v0.2.0) or a local folder;
    without it, the URL and commit pip recorded for this kefu (PEP 610), else its version.
    """
    if source:
        if re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", source):
            return f"kefu=={source}"
        if "://" in source or source.startswith("git+"):
            return f"kefu @ {source}"
        path = Path(source).expanduser()
        if not path.is_dir():
            raise KefuError(f"--source {source}：既不是版本号、git 地址，也不是存在的文件夹。",
                            "usage", 2)
        return f"kefu @ {path.resolve().as_uri()}"
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution("kefu")
    except PackageNotFoundError:
        return "kefu"
    recorded = dist.read_text("direct_url.json")
    if recorded:
        info = json.loads(recorded)
        vcs = info.get("vcs_info")
        if vcs:
            return f"kefu @ {vcs.get('vcs', 'git')}+{info['url']}@{vcs.get('commit_id', '')}"
        return f"kefu @ {info['url']}"
    return f"kefu=={dist.version}"


def _baseline(hashes: dict[str, str]) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        kefu_version = version("kefu")
    except PackageNotFoundError:
        kefu_version = "unknown"
    data = {"kefu": kefu_version, "files": dict(sorted(hashes.items()))}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _first_commit(root: Path, options: Options) -> str:
    """`git init` on branch main, everything added, one commit; its id."""
    def git(*args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              check=False, env=env, timeout=120)
        if done.returncode != 0:
            raise KefuError(f"git {' '.join(args)} 失败：{done.stderr.strip()}", "git", 1)
        return done.stdout.strip()

    git("init", "-q", "-b", "main")
    git("add", "-A")
    env = dict(os.environ)
    if not _git_knows_user(root):
        env.update(GIT_AUTHOR_NAME=AUTHOR[0], GIT_AUTHOR_EMAIL=AUTHOR[1],
                   GIT_COMMITTER_NAME=AUTHOR[0], GIT_COMMITTER_EMAIL=AUTHOR[1])
    what = "（含示例部门的记录）" if options.demo else ""
    git("commit", "-q", "-m", f"kefu init：{options.short}{options.department}{what}",
        env=env)
    return git("rev-parse", "HEAD")


def _git_knows_user(root: Path) -> bool:
    done = subprocess.run(["git", "-C", str(root), "config", "user.email"],
                          capture_output=True, text=True, check=False, timeout=30)
    return bool(done.stdout.strip())


def today() -> dt.date:
    from kefu import times

    return times.today()
