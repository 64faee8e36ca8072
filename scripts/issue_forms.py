"""Write the GitHub issue forms (.github/ISSUE_TEMPLATE/) from the ticket model; `--check` compares.

Run after changing the ticket model's fields or labels; tests/test_intake.py fails while stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kefu.intake.forms import files

ROOT = Path(__file__).resolve().parent.parent


def stale(root: Path = ROOT) -> list[str]:
    """The generated files whose committed text differs (or is missing)."""
    out = []
    for rel, text in files().items():
        path = root / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            out.append(rel)
    return out


def run(check: bool) -> int:
    changed = stale()
    if check:
        if changed:
            print("以下 issue 表单已过期：运行 `.venv/bin/python scripts/issue_forms.py` 更新。")
            print("\n".join(changed))
            return 1
        return 0
    for rel in changed:
        path = ROOT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files()[rel], encoding="utf-8")
        print(f"已更新 {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(run("--check" in sys.argv[1:]))
