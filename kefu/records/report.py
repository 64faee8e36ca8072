"""`kefu validate`: load the records and render the problems as text or JSON with an exit code."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kefu.problems import KefuError, report_json, report_text

from .corpus import find_root, load


def run_validate(paths: Sequence[Path] | None, fmt: str, *, use_cache: bool = True,
                 strict: bool = False, root: Path | None = None) -> tuple[str, int]:
    """Output and exit code (0 valid, 1 invalid); usage errors raise KefuError (exit 2)."""
    if root is not None and not root.is_dir():
        raise KefuError(f"--root 指定的目录不存在：{root}", "no-such-path", 2)
    root = root or find_root()
    result = load(root, paths, use_cache=use_cache, data=False)
    error_list = result.errors
    errors = len(error_list)
    warnings = len(result.problems) - errors
    failed = errors > 0 or (strict and warnings > 0)
    bad_files = len({p.path for p in error_list})
    if fmt == "json":
        summary = {"files": result.files, "errors": errors, "warnings": warnings,
                   "invalid_files": bad_files, "valid": not failed}
        return report_json(result.problems, summary=summary), int(failed)
    lines = [report_text(result.problems)] if result.problems else []
    verdict = "未通过" if failed else "通过"
    lines.append(f"校验{verdict}：{result.files} 个文件，{errors} 个错误"
                 f"（涉及 {bad_files} 个文件），{warnings} 个警告。")
    return "\n".join(lines), int(failed)
