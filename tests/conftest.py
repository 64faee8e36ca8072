"""Shared fixtures: one real site build per test session, a local http server, headless Chromium."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def need(available: bool, message: str) -> None:
    """Skip with a Chinese message naming what to install; under CI=true a missing tool fails."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI 环境缺少依赖：{message}")
    pytest.skip(message)


@dataclass(frozen=True)
class BuiltSite:
    path: Path
    warnings: list[str]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The handbook built once per session, strictly, the way `kefu site build` does it."""
    from kefu import site
    from kefu.workspace import Workspace

    warnings: list[str] = []
    target = site.build(Workspace(ROOT), tmp_path_factory.mktemp("kefu-site") / "site", warnings)
    return BuiltSite(target, warnings)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="session")
def site_http(built_site: BuiltSite) -> Iterator[str]:
    """Base URL of the built site served over http on 127.0.0.1 (a free port)."""
    handler = functools.partial(_QuietHandler, directory=str(built_site.path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    need(CHROMIUM.exists(), "缺少 Chromium 浏览器：请安装 Debian 软件包 chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def node() -> str:
    """Path of the node executable (installed with npm, which `make install` needs anyway)."""
    path = shutil.which("node")
    need(path is not None, "缺少 Node.js：请安装 Debian 软件包 nodejs 和 npm")
    assert path is not None
    return path


STAFF_FOLDERS = ("rosters", "swaps", "leave", "trips", "punches", "handovers", "loans", "sanctions")


def record_repo(source: Path, target: Path) -> Path:
    """A copy of a test repository at `target`, with the project's records/sla.yml where it
    has none (a repository without deadline rules is invalid; most cases test one other thing),
    and the project's records/staff-rules.yml where it has staff records but no rules of its own."""
    shutil.copytree(source, target)
    rules = target / "records" / "sla.yml"
    if not rules.exists():
        shutil.copy(ROOT / "records" / "sla.yml", rules)
    staff_rules = target / "records" / "staff-rules.yml"
    if not staff_rules.exists() and any((target / "records" / f).is_dir() for f in STAFF_FOLDERS):
        shutil.copy(ROOT / "records" / "staff-rules.yml", staff_rules)
    return target


def load_hook(name: str) -> ModuleType:
    """Import one of the MkDocs hooks in hooks/ (a folder of scripts, not a package)."""
    return load_script(ROOT / "hooks" / f"{name}.py", f"kefu_hook_{name}")


def load_script(path: Path, name: str) -> ModuleType:
    """Import a Python file by path as module `name` (hooks/ and scripts/ are not packages)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # as MkDocs does for hooks; dataclasses look their module up
    spec.loader.exec_module(module)
    return module
