"""No personal value from the records (phone, e-mail, address, ID number, birthday, customer)
may appear anywhere in the built site: pages, search index, scripts, sitemaps, PDFs."""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from conftest import ROOT, BuiltSite, need

from kefu.records import load, personal_values

_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def _pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    need(tool is not None, "缺少 pdftotext：请安装 Debian 软件包 poppler-utils")
    assert tool is not None
    done = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8", errors="replace")


def readings(path: Path) -> Iterator[str]:
    """Every way a value could be spelt in the file: raw, entity/\\u-decoded, search-segmented."""
    raw = path.read_bytes()
    name = path.name.lower()
    if name.endswith(".gz"):
        raw, name = gzip.decompress(raw), name[:-3]
    text = _pdf_text(path) if name.endswith(".pdf") else raw.decode("utf-8", errors="replace")
    yield text
    decoded = html.unescape(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))
    yield decoded.translate(_INVISIBLE)
    if name.endswith(".json"):
        with contextlib.suppress(ValueError):
            yield json.dumps(json.loads(raw), ensure_ascii=False).translate(_INVISIBLE)


def leaks(folder: Path, secrets: Iterable[str]) -> list[str]:
    """`file: value` for every personal value found in any file under `folder`."""
    wanted = sorted({s for s in secrets if len(s) >= 2})
    found = set()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for text in readings(path):
            found.update(f"{path.relative_to(folder)}: {s}" for s in wanted if s in text)
    return sorted(found)


@pytest.fixture(scope="module")
def secrets() -> set[str]:
    values = personal_values(load(ROOT))
    assert values, "样例记录中应当有个人信息（电话、邮箱等），否则本测试什么也没检查"
    return values


def test_built_site_holds_no_personal_value(built_site: BuiltSite, secrets: set[str]) -> None:
    files = [p for p in built_site.path.rglob("*") if p.is_file()]
    assert any(p.name == "search_index.json" for p in files)
    assert any(p.name == "tracker.html" or p.parent.name == "tracker" for p in files)
    found = leaks(built_site.path, secrets)
    assert found == [], (
        "站点中出现了记录里的个人信息：\n" + "\n".join(found) + "\n请删除这些值；"
        "若是样例记录与手册文字的巧合（如“陈先生”），请把样例记录改用手册中不会出现的虚构姓名。"
    )


def test_scan_catches_planted_values(tmp_path: Path) -> None:
    """The scan fails when a value is there, however it is spelt."""
    from weasyprint import HTML

    (tmp_path / "clean.html").write_text("<p>工单看板</p>", encoding="utf-8")
    (tmp_path / "page.html").write_text("<p>顾客：钱\u200b多多</p>", encoding="utf-8")
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "index.json").write_text(
        json.dumps({"docs": [{"text": "联系邮箱 someone@example.cn"}]}), encoding="utf-8")
    (tmp_path / "app.js").write_text('var n = "\\u5f20\\u4e09";', encoding="utf-8")
    (tmp_path / "sitemap.xml.gz").write_bytes(gzip.compress("<loc>1990年5月12日</loc>".encode()))
    HTML(string="<p>电话 13912345678</p>").write_pdf(tmp_path / "form.pdf")
    planted = {"钱多多", "someone@example.cn", "张三", "1990年5月12日", "13912345678", "未出现的值"}
    assert leaks(tmp_path, planted) == [
        "app.js: 张三", "form.pdf: 13912345678", "page.html: 钱多多",
        "search/index.json: someone@example.cn", "sitemap.xml.gz: 1990年5月12日",
    ]
