"""Where kefu writes its outputs (`kefu form -o`, `calendar --ics`, `report --pdf/--xlsx`,
`export`, `roster ics`, `site build -d`): never into records/, docs/ or .git/, never over a file
kefu did not write, always through kefu.files.write_file.

What kefu wrote is proven, not guessed from a file's first bytes: each output folder holds a
small registry, `.kefu-outputs.json`, with the SHA-256 of every file kefu wrote there. An
existing file is replaced only when its content still has the hash kefu recorded; a PDF, a
database or a calendar that only looks like kefu's (or one kefu wrote and someone edited since)
is refused by name.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

from kefu import files
from kefu.problems import KefuError

PROTECTED = ("records", "docs", ".git")  # of the checkout: outputs never go in there
REGISTRY = ".kefu-outputs.json"  # in an output folder: name -> SHA-256 of what kefu wrote
SITE_MARK = ".kefu-site"  # in a folder `kefu site build` made: it may empty and rebuild it
_FORMAT = 1


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _guard(target: Path, root: Path | None, what: str) -> None:
    """Refuse a target in the checkout's protected folders, or the checkout itself."""
    if root is None:
        return
    root = root.resolve()
    for name in PROTECTED:
        if _inside(target, root / name):
            raise KefuError(f"不能把{what}写到 {target}：{name}/ 里只放仓库自己的文件。"
                            "请换一个输出位置（如当前目录或 site/ 之外的新文件夹）。",
                            "unsafe-output", 2)
    if _inside(root, target):
        raise KefuError(f"不能把{what}写到 {target}：那是仓库本身（或它的上级文件夹）。",
                        "unsafe-output", 2)


def _tracked(path: Path, root: Path | None) -> bool:
    if root is None or not _inside(path, root.resolve()):
        return False
    done = subprocess.run(["git", "-C", str(root), "ls-files", "--error-unmatch", "--", str(path)],
                          capture_output=True, check=False)
    return done.returncode == 0


def output_file(given: str | Path, default_name: str, root: Path | None, what: str) -> Path:
    """Where to write one output file: `given`, or `given/default_name` for a folder.

    A path typed with a trailing / (or an existing folder) is a folder, created when missing.
    KefuError (exit 2) for a protected place, a file kefu did not write, or anything but a
    regular file.
    """
    path = Path(given)
    is_folder = str(given).endswith(("/", os.sep)) or path.is_dir()
    target = (path / default_name) if is_folder else path
    try:
        target = target.parent.resolve(strict=False) / target.name
    except (OSError, RuntimeError) as err:
        raise KefuError(f"输出路径无法使用：{path}：{err}", "unsafe-output", 2) from None
    if target.name in (REGISTRY, SITE_MARK):
        raise KefuError(f"不能写到 {target}：这是 kefu 自己的登记文件。", "unsafe-output", 2)
    _guard(target, root, what)
    if is_folder:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise files.fault(err, "创建文件夹", target.parent) from None
    elif not target.parent.is_dir():
        raise KefuError(f"输出文件夹不存在：{target.parent}。请先创建它，或换一个位置。",
                        "no-such-folder", 2)
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise KefuError(f"不能写到 {target}：它不是普通文件（{files.kind_of(target)}）。",
                        "unsafe-output", 2)
    if target.exists():
        if _tracked(target, root):
            raise KefuError(f"不能覆盖 {target}：它是仓库里登记的文件。", "unsafe-output", 2)
        _check_ours(target, _read_registry(target.parent), what)
    return target


def write_output(target: Path, data: bytes, what: str = "文件") -> Path:
    """Write an output checked by `output_file`, and record its hash in the folder's registry.

    The folder is locked meanwhile, and the existing file checked again under the lock.
    """
    with _locked(target.parent):
        known = _read_registry(target.parent)
        if target.exists() or target.is_symlink():
            _check_ours(target, known, what)
        files.write_file(target, data)
        known[target.name] = hashlib.sha256(data).hexdigest()
        _write_registry(target.parent, known)
    return target


def _check_ours(target: Path, known: dict[str, str], what: str) -> None:
    recorded = known.get(target.name)
    if recorded is None or _digest(target) != recorded:
        why = "kefu 没有写过它" if recorded is None else "kefu 写过它，但之后被改动过"
        raise KefuError(f"不能覆盖 {target}：{why}（{target.parent / REGISTRY} 里没有与它内容相符的"
                        f"记录），它不是 kefu 生成的{' ' * what[:1].isascii()}{what}。"
                        "请换一个文件名，或先自行移走该文件。",
                        "unsafe-output", 2)


def _digest(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(handle, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_registry(folder: Path) -> dict[str, str]:
    """name -> SHA-256 of the files kefu wrote in `folder`; KefuError for a registry that is not
    kefu's (kefu never replaces a file it cannot read as its own)."""
    path = folder / REGISTRY
    if not path.exists() and not path.is_symlink():
        return {}
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(handle, "rb") as stream:
            data = json.loads(stream.read(4 << 20))
        found = data["files"] if data.get("format") == _FORMAT else None
        if not isinstance(found, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in found.items()):
            raise ValueError(path)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        raise KefuError(f"{path} 不是 kefu 的输出登记文件（或已损坏）：kefu 不会改动这个文件夹里"
                        "的已有文件。请换一个输出文件夹。", "unsafe-output", 2) from None
    return dict(found)


def _write_registry(folder: Path, known: dict[str, str]) -> None:
    present = {name: digest for name, digest in sorted(known.items())
               if (folder / name).is_file()}
    text = json.dumps({"format": _FORMAT, "about": "kefu 写过的文件及其 SHA-256，kefu 只覆盖与之"
                       "相符的文件；可以删除（删除后 kefu 不再覆盖这些文件）。", "files": present},
                      ensure_ascii=False, indent=1)
    files.write_file(folder / REGISTRY, text + "\n")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder itself, so two runs never lose each other's entries."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as err:
        raise files.fault(err, "打开文件夹", folder) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def site_folder(path: Path, root: Path) -> Path:
    """The folder `kefu site build` may empty and fill: new, empty, or made by kefu before."""
    target = path.resolve()
    _guard(target, root, "站点")
    if target.exists():
        if not target.is_dir():
            raise KefuError(f"站点输出位置 {target} 是文件，不是文件夹。", "unsafe-output", 2)
        empty = not any(target.iterdir())
        if not empty and not (target / SITE_MARK).is_file() and not _old_site(target, root):
            raise KefuError(f"不能把站点构建到 {target}：这个文件夹不是空的，也不是 kefu 构建的站点"
                            f"（没有 {SITE_MARK} 标记），构建会清空它。请换一个新文件夹。",
                            "unsafe-output", 2)
    return target


def _old_site(target: Path, root: Path) -> bool:
    """The default site/ of a checkout, built before site folders were marked."""
    return target == root.resolve() / "site" and (target / "sitemap.xml").is_file()


def mark_site(target: Path) -> None:
    files.write_file(target / SITE_MARK, "kefu site build 生成的站点；可整个删除。\n")
