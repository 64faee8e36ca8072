"""How kefu writes a file: `write_file`, the one function every writer uses.

Every write goes to a temporary file in the target's folder, is flushed to disk and renamed into
place, so a reader sees the old file or the new one, never half of one. A replaced file keeps
its mode; a new one follows the umask. On any fault (a read-only folder, a full disk) the
temporary file is removed, nothing is left behind, and the KefuError names the path in Chinese.

Inside the repository (`root` given), kefu never follows a symlink: every folder on the way is
opened without following one, so a committed `docs/generated -> /elsewhere` or
`records/tickets/2027 -> /anywhere` is refused by name instead of being written through.
Outputs outside the repository (`kefu form -o`, exports) are guarded by kefu.outputs.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from kefu.problems import KefuError

_REASONS = {
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.EROFS: "文件系统是只读的",
    errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额",
    errno.EFBIG: "文件超过了系统允许的大小（磁盘配额或文件大小限制）", errno.ENOENT: "不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹", errno.EISDIR: "是文件夹",
    errno.ELOOP: "符号链接形成了循环", errno.ENAMETOOLONG: "路径太长", errno.EEXIST: "已存在",
    errno.EIO: "读写设备出错",
}
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_NO_HARD_LINKS = (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV)


def reason(err: OSError) -> str:
    """What went wrong, in Chinese."""
    return _REASONS.get(err.errno or 0, err.strerror or "未知错误")


def fault(err: OSError, doing: str, path: Path | str | None = None) -> KefuError:
    """A KefuError (exit 1) naming the path and the fault, for an OSError met while `doing`."""
    where = path if path is not None else err.filename
    if where is None:  # e.g. a library's temporary file: say what, not a made-up path
        return KefuError(f"{doing}失败：{reason(err)}（可能是临时文件夹或输出位置）。",
                         "io-error", 1)
    return KefuError(f"{doing}失败：{where}：{reason(err)}。", "io-error", 1)


def link_error(link: Path, shown: str) -> KefuError:
    """The Chinese refusal for a symlink met inside the repository, naming it and its target."""
    try:
        target = os.readlink(link)
    except OSError:
        target = "?"
    return KefuError(f"{shown} 是符号链接（指向 {target}）：kefu 不会经由仓库里的符号链接读写文件。"
                     f"请删除这个链接，换成真实的文件或文件夹（生成的文件夹删除后重新运行即可）。",
                     "symlink", 1)


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        with contextlib.suppress(ValueError):
            return path.relative_to(root).as_posix()
    return str(path)


@contextlib.contextmanager
def open_folder(folder: Path, root: Path | None = None, *, make: bool = True) -> Iterator[int]:
    """A file descriptor of `folder`; inside the repository `root`, opened one part at a time
    without following any symlink (missing parts made when `make`); outside it (a test's
    folder, an output) as the path says. KefuError for a link or a fault."""
    inside = within(folder, Path(root)) if root is not None else None
    try:
        if inside is None:
            if make:
                Path(folder).mkdir(parents=True, exist_ok=True)
            handle = os.open(folder, _DIR_FLAGS)
        else:
            top = Path(os.path.abspath(inside))
            handle = _walk_down(top, Path(os.path.abspath(folder)).relative_to(top).parts, make)
    except OSError as err:
        raise fault(err, "打开文件夹", _shown(Path(folder), root)) from None
    try:
        yield handle
    finally:
        os.close(handle)


def _walk_down(root: Path, parts: tuple[str, ...], make: bool) -> int:
    handle = os.open(root, _DIR_FLAGS)
    here = root
    try:
        for part in parts:
            here = here / part
            try:
                inner = os.open(part, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=handle)
            except FileNotFoundError:
                if not make:
                    raise
                with contextlib.suppress(FileExistsError):  # made meanwhile by another run
                    os.mkdir(part, dir_fd=handle)
                inner = os.open(part, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=handle)
            except OSError as err:
                if os.path.islink(here):
                    raise link_error(here, here.relative_to(root).as_posix()) from None
                if err.errno == errno.ENOTDIR:
                    raise KefuError(f"{here.relative_to(root).as_posix()} 应是文件夹，"
                                    "却是文件：请移走它。", "not-a-folder", 1) from None
                raise
            os.close(handle)
            handle = inner
    except BaseException:
        os.close(handle)
        raise
    return handle


def write_file(path: Path, data: bytes | str, *, root: Path | None = None,
               exclusive: bool = False, durable: bool = True) -> Path:
    """Write `data` to `path` through a temporary file in its folder and a rename.

    `root`: the file is inside this repository; no symlink on the way is followed, missing
    folders are made. `exclusive`: never replace an existing file (KefuError `exists`).
    `durable`: fsync the file and its folder (off only for pages rebuilt on every run).
    A symlink or anything but a regular file at `path` is refused, never replaced.
    """
    target = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    shown = _shown(target, root)
    with open_folder(target.parent, root) as folder:
        try:
            _write_in(folder, target.name, raw, exclusive, durable, shown)
        except OSError as err:
            raise fault(err, "写入", shown) from None
    return target


def _write_in(folder: int, name: str, data: bytes, exclusive: bool, durable: bool,
              shown: str) -> None:
    try:
        old = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        old = None
    if old is not None:
        if exclusive:
            raise KefuError(f"文件已存在：{shown}，请重试。", "exists", 1)
        if stat.S_ISLNK(old.st_mode):
            raise KefuError(f"不能写入 {shown}：它是符号链接，kefu 不会写到链接指向的地方。"
                            "请删除这个链接后重试。", "symlink", 1)
        if not stat.S_ISREG(old.st_mode):
            raise KefuError(f"不能写入 {shown}：它不是普通文件。", "not-a-file", 1)
    temp = f".{name[:200]}.{secrets.token_hex(4)}.tmp"
    # 0o666 less the umask, as any new file; a replaced file's own mode is set below
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o666, dir_fd=folder)
    try:
        try:
            if old is not None:
                os.fchmod(handle, stat.S_IMODE(old.st_mode))
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
            if durable:
                os.fsync(handle)
        finally:
            os.close(handle)
        if exclusive:
            _link_new(folder, temp, name, shown)
        else:
            os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
        if durable:
            os.fsync(folder)  # the rename itself reaches the disk
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp, dir_fd=folder)


def _link_new(folder: int, temp: str, name: str, shown: str) -> None:
    """Put `temp` at `name` only if nothing is there: a hard link fails on an existing name."""
    try:
        os.link(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
        return
    except FileExistsError:
        raise KefuError(f"文件已存在：{shown}，请重试。", "exists", 1) from None
    except OSError as err:
        if err.errno not in _NO_HARD_LINKS:
            raise
    # a file system without hard links: claim the name, then rename over the claim
    try:
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                         0o600, dir_fd=folder))
    except FileExistsError:
        raise KefuError(f"文件已存在：{shown}，请重试。", "exists", 1) from None
    try:
        os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=folder)
        raise


def within(path: Path, root: Path) -> Path | None:
    """`root` when `path` is inside it (compared as written, not resolved), else None."""
    absolute, top = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    return root if absolute == top or top in absolute.parents else None


def remove(path: Path, root: Path) -> None:
    """Delete the file `path` inside `root` (a stale generated page), following no symlink."""
    shown = _shown(path, root)
    with open_folder(path.parent, root, make=False) as folder:
        try:
            os.unlink(path.name, dir_fd=folder)
        except FileNotFoundError:
            pass
        except OSError as err:
            raise fault(err, "删除", shown) from None


def real_folder(folder: Path, root: Path) -> Path:
    """`folder` inside `root`, made when missing; KefuError if it or a parent is a symlink."""
    with open_folder(folder, root):
        return folder


def refuse_links(folder: Path, root: Path) -> None:
    """KefuError naming the first symlink (or special file) in the tree of `folder`, if any."""
    real_folder(folder, root)
    stack = [folder]
    while stack:
        here = stack.pop()
        with os.scandir(here) as entries:
            for entry in entries:
                full = Path(entry.path)
                if entry.is_symlink():
                    raise link_error(full, _shown(full, root))
                if entry.is_dir(follow_symlinks=False):
                    stack.append(full)
                elif not entry.is_file(follow_symlinks=False):
                    raise KefuError(f"{_shown(full, root)} 不是普通文件（{kind_of(full)}）："
                                    "请删除它。", "not-a-file", 1)


def kind_of(path: Path) -> str:
    """What a path that is not a regular file is, in Chinese (for messages)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "不存在"
    except OSError as err:
        return reason(err)
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        dangling = "，目标不存在" if not os.path.exists(path) else ""
        return f"符号链接（指向 {target}{dangling}）"
    if stat.S_ISDIR(mode):
        return "git 子模块" if os.path.lexists(os.path.join(path, ".git")) else "文件夹"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "普通文件"
