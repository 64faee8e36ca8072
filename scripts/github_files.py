"""Write this repository's kefu-owned files under .github/ (the department workflows and the
issue forms, kefu.department.github); `--check` only compares.

Run after changing a workflow template (kefu/department/template/github/) or the models the
issue forms are built from; tests/test_department.py fails while a copy is stale. A
department's repository gets the same files from `kefu init` and `kefu upgrade`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kefu.department.github import github_files, stale

ROOT = Path(__file__).resolve().parent.parent


def run(check: bool) -> int:
    changed = stale(ROOT)
    if check:
        if changed:
            print("以下 .github/ 文件已过期：运行 .venv/bin/python scripts/github_files.py 更新。")
            print("\n".join(changed))
            return 1
        return 0
    texts = github_files()
    for rel in changed:
        path = ROOT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(texts[rel], encoding="utf-8")
        print(f"已更新 {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(run("--check" in sys.argv[1:]))
