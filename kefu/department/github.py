"""The files kefu writes under a department's .github/: the workflows (templates shipped with
kefu) and the issue forms (built from the record models). Tool-owned: `kefu upgrade` rewrites
them; this repository's own copies are checked against them by a test."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = Path(__file__).with_name("template") / "github"


def github_files() -> dict[str, str]:
    """Path from the repository root -> text, for every file kefu keeps under .github/."""
    from kefu.intake.forms import files as issue_forms

    out = {f".github/workflows/{path.name}": path.read_text("utf-8")
           for path in sorted((TEMPLATE / "workflows").glob("*.yml"))}
    out.update(issue_forms())
    return out


def stale(root: Path) -> list[str]:
    """The files under root/.github/ that differ from what kefu writes (or are missing)."""
    return [rel for rel, text in github_files().items()
            if not (root / rel).is_file() or (root / rel).read_text("utf-8") != text]
