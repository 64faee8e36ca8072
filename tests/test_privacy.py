"""No personal value from the records (phone, e-mail, address, ID number, birthday, customer)
may appear anywhere in the built site: pages, search index, scripts, sitemaps, PDFs."""

from __future__ import annotations

import gzip
import json
import random
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from conftest import ROOT, BuiltSite, need

from kefu import privacy
from kefu.records import load, personal_values


def _pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    need(tool is not None, "缺少 pdftotext：请安装 Debian 软件包 poppler-utils")
    assert tool is not None
    done = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8", errors="replace")


def texts(path: Path) -> Iterator[str]:
    """What the build's own scan reads, plus the text of PDFs (the build renders blank forms)."""
    if path.name.lower().endswith(".pdf"):
        yield _pdf_text(path)
    else:
        yield from privacy.texts(path)


def leaks(folder: Path, secrets: Iterable[str]) -> list[str]:
    """`file: value` for every personal value found in any file under `folder`."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return [f"{path}: {value}" for path, value in privacy.leaks(files, folder, secrets, texts)]


@pytest.fixture(scope="module")
def secrets(demo: Path) -> set[str]:
    values = personal_values(load(demo))
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
    (tmp_path / "wide.html").write_text("<p>１３９-２２２２-３３３３</p>", encoding="utf-8")
    (tmp_path / "dotted.md").write_text("回电 139.4444.5555", encoding="utf-8")
    planted = {"钱多多", "someone@example.cn", "张三", "1990年5月12日", "13912345678", "未出现的值",
               "13922223333", "13944445555"}
    assert leaks(tmp_path, planted) == [
        "app.js: 张三", "dotted.md: 13944445555", "form.pdf: 13912345678", "page.html: 钱多多",
        "search/index.json: someone@example.cn", "sitemap.xml.gz: 1990年5月12日",
        "wide.html: 13922223333",
    ]


def test_a_value_is_found_in_every_file_that_repeats_its_line(tmp_path: Path) -> None:
    # the scan spells each distinct line once: a line met again still counts for its file
    shared = "<header>部门手册</header>\n<p>顾客：钱多多</p>\n"
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_text(shared + f"<p>{name}</p>", encoding="utf-8")
    (tmp_path / "c.html").write_text(shared.replace("钱多多", "张三"), encoding="utf-8")
    (tmp_path / "d.html").write_text("<p>地址：北京市\n海淀区</p>", encoding="utf-8")
    assert leaks(tmp_path, {"钱多多", "北京市\n海淀区"}) == [
        "a.html: 钱多多", "b.html: 钱多多", "d.html: 北京市\n海淀区"]


def test_the_line_by_line_scan_finds_what_a_whole_text_scan_finds(tmp_path: Path) -> None:
    qian = ord("钱")
    pieces = ["钱多多", "钱", "多多", f"&#{qian};", f"\\u{qian:04x}", "&#10;", "\\u000a", "\n",
              "13912345678", "139", "1234", "5678", "１３９", "-", " ", ".", "&amp;", "<p>", "x"]
    secrets = {"钱多多", "13912345678", "多多x", "139 1"}
    rng = random.Random(25)
    wanted, expected = privacy.Names(secrets), []
    for number in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        (tmp_path / f"{number:03}.txt").write_text(text, encoding="utf-8")
        expected += sorted({f"{number:03}.txt: {spelt[start:end]}"
                            for spelt in privacy.spellings(text)
                            for start, end in wanted.found(spelt)})
    assert len(expected) > 100  # the pieces do make values
    assert leaks(tmp_path, secrets) == expected


@pytest.mark.parametrize(("text", "masked"), [
    ("顾客电话 13912345678 请回电", "顾客电话 139****5678 请回电"),
    ("手机 139-1234-5678，座机 021-12345678", "手机 139****5678，座机 021-****78"),
    ("座机 (020)88881234、（0755）2345-6789", "座机 020-****34、0755-****89"),
    ("手机(13912345678)，编号(12)", "手机(139****5678)，编号(12)"),
    ("发到 someone.name@example.cn", "发到 s***@example.cn"),
    ("身份证 11010519900307123X 复印件", "身份证 110***********123X 复印件"),
    ("钱多多来电：硬盘异响", "钱**来电：硬盘异响"),
    ("订单 20261125 与型号 ZF-S200", "订单 20261125 与型号 ZF-S200"),
    # every way a mobile number is typed (issue 24 item 4)
    ("手机１３９１２３４５６７８", "手机139****5678"),
    ("139.1234.5678 或 139 1234 5678", "139****5678 或 139****5678"),
    ("+86 139 1234 5678；＋86-13912345678", "+86 139****5678；+86 139****5678"),
    ("身份证１１０１０５１９９００３０７１２３４", "身份证110***********1234"),
    ("邮箱 ｓ@example.cn 与 someone＠example.cn", "邮箱 ｓ@example.cn 与 s***@example.cn"),
    ("时间 2026-10-12T09:00、序列号 SN ZF00000001、快递 SF1234567890123",
     "时间 2026-10-12T09:00、序列号 SN ZF00000001、快递 SF1234567890123"),
])
def test_free_text_is_masked_for_the_site(text: str, masked: str) -> None:
    assert privacy.mask(text, known={"钱多多"}) == masked


def test_the_build_refuses_a_site_with_a_personal_value(tmp_path: Path, demo: Path) -> None:
    from kefu import site
    from kefu.problems import KefuError
    from kefu.workspace import Workspace

    built = tmp_path / "site"
    (built / "a").mkdir(parents=True)
    (built / ".kefu-site").write_text("", "utf-8")
    secret = sorted(personal_values(load(demo)))[0]
    (built / "a" / "page.html").write_text(f"<p>{secret}</p>", "utf-8")
    (built / "clean.html").write_text("<p>工单看板</p>", "utf-8")
    with pytest.raises(KefuError) as err:
        site.refuse_leaks(Workspace(demo), built)
    assert err.value.slug == "personal-data" and "a/page.html" in err.value.message
    assert secret not in err.value.message  # a hint, not the value, reaches the log
    assert [p.name for p in built.iterdir()] == [".kefu-site"]  # nothing left to publish
    site.refuse_leaks(Workspace(demo), built)  # an empty site passes


def test_messages_give_only_a_hint_of_a_personal_value(tmp_path: Path) -> None:
    from conftest import record_repo

    from kefu.output import render
    from kefu.records.validate import validate

    repo = record_repo(ROOT / "tests/data/records/valid/minimal", tmp_path / "repo")
    dealer = repo / "records/dealers/D-0001.yml"
    text = dealer.read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.startswith("phone:")]
    dealer.write_text(text.replace(lines[0], "phone: 1391234567X"), "utf-8")
    output = render(validate(repo, use_cache=False))
    assert "[bad-format]" in output and "1391234567X" not in output and "1**********" in output
