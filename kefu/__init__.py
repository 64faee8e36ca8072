"""kefu: the customer-service department's handbook and work log."""

from pathlib import Path

__version__ = "0.1.0"


def repo_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default cwd) holding `records/` or `mkdocs.yml`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file() or (folder / "records").is_dir():
            return folder
    return here
