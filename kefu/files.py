"""Where kefu writes, and how: never into records/, docs/ or .git/, never over a file it did not
make, always through a temporary file and an atomic rename.

Environment faults (read-only folders, a full disk, missing folders) become KefuErrors that name
the path in Chinese.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import tempfile
from pathlib import Path

from kefu.problems import KefuError

PROTECTED = ("records", "docs", ".git")  # of the checkout: outputs never go in there
SITE_MARK = ".kefu-site"  # in a folder `kefu site build` made: it may empty and rebuild it
_REASONS = {
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.EROFS: "文件系统是只读的",
    errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额", errno.ENOENT: "不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹", errno.EISDIR: "是文件夹",
    errno.ELOOP: "符号链接形成了循环", errno.ENAMETOOLONG: "路径太长", errno.EEXIST: "已存在",
}


def reason(err: OSError) -> str:
    """What went wrong, in Chinese."""
    return _REASONS.get(err.errno or 0, err.strerror or "未知错误")


def fault(err: OSError, doing: str) -> KefuError:
    """A KefuError (exit 1) naming the path and the fault, for an OSError met while `doing`."""
    where = err.filename if err.filename is not None else "（未知路径）"
    return KefuError(f"{doing}失败：{where}：{reason(err)}。", "io-error", 1)


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


def output_file(given: str | Path, default_name: str, root: Path | None, magic: bytes,
                what: str) -> Path:
    """Where to write one output file: `given`, or `given/default_name` for a folder.

    A path typed with a trailing / (or an existing folder) is a folder, created when missing.
    KefuError (exit 2) for a protected place, a file kefu did not make, or anything but a
    regular file.
    """
    path = Path(given)
    is_folder = str(given).endswith(("/", os.sep)) or path.is_dir()
    target = (path / default_name) if is_folder else path
    try:
        target = target.parent.resolve(strict=False) / target.name
    except (OSError, RuntimeError) as err:
        raise KefuError(f"输出路径无法使用：{path}：{err}", "unsafe-output", 2) from None
    _guard(target, root, what)
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise KefuError(f"不能写到 {target}：它不是普通文件。", "unsafe-output", 2)
    if target.exists():
        if _tracked(target, root):
            raise KefuError(f"不能覆盖 {target}：它是仓库里登记的文件。", "unsafe-output", 2)
        with open(target, "rb") as handle:
            head = handle.read(len(magic))
        if head != magic:
            raise KefuError(f"不能覆盖 {target}：它不是 kefu 生成的{what}。"
                            "请换一个文件名，或先自行移走该文件。", "unsafe-output", 2)
    if is_folder:
        make_folder(target.parent)
    elif not target.parent.is_dir():
        raise KefuError(f"输出文件夹不存在：{target.parent}。请先创建它，或换一个位置。",
                        "no-such-folder", 2)
    return target


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise fault(err, "创建文件夹") from None


def write_atomic(target: Path, data: bytes) -> Path:
    """Write `data` to a temporary file beside `target`, then rename it over `target`.

    The file gets the mode a plain write would give it: the one it had, or for a new file
    0666 less the umask (mkstemp's own 0600 would hide a report from the rest of the team).
    """
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as err:
        raise fault(err, f"写入 {target}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fchmod(out.fileno(), _mode_for(target))
            os.fsync(out.fileno())
        os.replace(temp, target)
    except OSError as err:
        Path(temp).unlink(missing_ok=True)
        err.filename = err.filename or str(target)
        raise fault(err, f"写入 {target}") from None
    return target


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:  # a new file
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


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
    (target / SITE_MARK).write_text("kefu site build 生成的站点；可整个删除。\n", encoding="utf-8")
