"""The handbook's Markdown checked against its sources of truth: the deadline rules of
records/sla.yml, the reply conventions, phrases the seed documents contradict, and the how-to
pages' commands and example files, run as written on a practice department."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, make_demo

from kefu.sla import Rules, load_rules

DOCS = ROOT / "docs"
PHRASES = ROOT / "tests" / "data" / "handbook" / "phrases.yml"
AUDIENCES = ("代理商", "网店买家", "公司同事")
# N 个工作日 (Arabic or Chinese numerals); 第 N 个 is an ordinal in an example,
# 下一个 is "the next".
WORKING_DAYS = re.compile(r"(?<!第)(?<!第 )(?<![下\d])(\d+|[一二两三四五六七八九十]+) ?个工作日")
CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                  "八": 8, "九": 9, "十": 10}
RULE_LINK = re.compile(r"\[([^\]]+)\]\(([^)]*?)generated/deadlines\.md#([^)]+)\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
TEXT_BLOCK = re.compile(r"^```text\n(.*?)^```", re.M | re.S)
BLANK = re.compile(r"【([^【】\n]*)】")
# Placeholders written before the 【】 convention: （日期）, （单号）, X 总, XX, ××, （X）.
OLD_PLACEHOLDER = re.compile(
    r"（(说明|提出|填写|把)[^）]*）|（[^）]{0,6}(日期|单号|型号|原因|措施|节点|进展|部门)）"
    r"|X ?总|XX|××|（X）"
)


@dataclass(frozen=True)
class Page:
    path: str  # relative to docs/
    meta: dict[str, Any]
    body: str


@cache
def pages() -> tuple[Page, ...]:
    """Every hand-written page (docs/generated/ is written by kefu)."""
    found = []
    for file in sorted(DOCS.rglob("*.md")):
        rel = file.relative_to(DOCS).as_posix()
        if rel.startswith("generated/"):
            continue
        text = file.read_text(encoding="utf-8")
        meta: dict[str, Any] = {}
        if text.startswith("---\n"):
            end = text.index("\n---\n", 4)
            meta = yaml.safe_load(text[4:end]) or {}
            text = text[end + 5 :]
        found.append(Page(rel, meta, text))
    return tuple(found)


@cache
def rules() -> Rules:
    return load_rules(ROOT)


def replies() -> list[Page]:
    return [p for p in pages() if p.path.startswith("replies/") and not p.path.endswith("index.md")]


def number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    tens, _, ones = text.partition("十")
    if "十" in text:
        return CHINESE_DIGITS.get(tens, 1) * 10 + CHINESE_DIGITS.get(ones, 0)
    return CHINESE_DIGITS[text]


def prose(body: str) -> str:
    """The page without code blocks, `kefu ...` commands and link targets."""
    text = FENCE.sub("", body)
    text = re.sub(r"`kefu [^`]*`", "", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def test_pages_cite_the_rules_whose_working_days_they_state() -> None:
    problems = []
    for page in pages():
        stated = sorted({number(m) for m in WORKING_DAYS.findall(page.body)})
        cited = page.meta.get("sla") or []
        unknown = [rid for rid in cited if rid not in rules()]
        if unknown:
            problems.append(f"{page.path}: front matter 的 sla 里有不存在的规则 {unknown}")
            continue
        if stated and not cited:
            problems.append(f"{page.path}: 写了 {stated} 个工作日，front matter 却没有 sla")
            continue
        terms = {rules()[rid].working_days for rid in cited}
        wrong = [n for n in stated if n not in terms]
        if wrong:
            problems.append(
                f"{page.path}: 写了 {wrong} 个工作日，所引规则 {cited} 的时限是 "
                f"{sorted(t for t in terms if t)} 个工作日"
            )
    assert problems == []


def test_the_working_day_check_reads_numbers_the_way_pages_write_them() -> None:
    found = WORKING_DAYS.findall(
        "2 个工作日内；七个工作日；第 2 个工作日；第3个工作日；下一个工作日；十二个工作日"
    )
    assert [number(n) for n in found] == [2, 7, 12]


def test_rules_are_named_by_title_and_linked_to_their_section() -> None:
    problems = []
    for page in pages():
        cited = set(page.meta.get("sla") or [])
        for text, _, rid in RULE_LINK.findall(page.body):
            if rid not in rules():
                problems.append(f"{page.path}: 链接到不存在的规则 #{rid}")
            elif text.strip("*") != rules()[rid].title:
                title = rules()[rid].title
                problems.append(f"{page.path}: 规则 {rid} 应写作“{title}”，不是“{text}”")
            elif rid not in cited:
                problems.append(f"{page.path}: 链接了规则 {rid}，front matter 的 sla 里要列出它")
    assert problems == []


def test_pages_do_not_name_rules_by_their_ids() -> None:
    ids = re.compile("|".join(re.escape(rid) for rid in rules()))
    problems = [
        f"{page.path}: {found}" for page in pages() for found in ids.findall(prose(page.body))
    ]
    assert problems == [], "正文里用规则标题链接到时限规则页，不要写规则编号（命令里除外）"


def test_replies_say_whom_they_are_for() -> None:
    problems = []
    for page in replies():
        audience = page.meta.get("audience") or []
        if not audience or set(audience) - set(AUDIENCES):
            problems.append(f"{page.path}: audience 应取自 {AUDIENCES}，现在是 {audience}")
            continue
        line = next((ln for ln in page.body.splitlines() if ln.startswith("适用：")), "")
        missing = [a for a in audience if a not in line]
        if missing:
            problems.append(f"{page.path}: “适用：”一行没有写明对象 {missing}")
    assert problems == []


def test_replies_to_dealers_never_say_qin() -> None:
    bad = [
        page.path
        for page in replies()
        if "代理商" in page.meta.get("audience", [])
        and any("亲" in block for block in TEXT_BLOCK.findall(page.body))
    ]
    assert bad == [], "给代理商的回复称“【姓氏】总”或“您”，不用“亲”"


def test_replies_for_shop_buyers_promise_no_dealer_deadline() -> None:
    # Every rule in records/sla.yml belongs to the dealer and hotline processes of the 2012
    # manual; the shop's own process has none, so a buyer-only reply states no working days.
    bad = [
        page.path
        for page in replies()
        if page.meta.get("audience") == ["网店买家"]
        and (page.meta.get("sla") or WORKING_DAYS.search(page.body))
    ]
    assert bad == []


def test_blanks_in_replies_use_one_convention() -> None:
    problems = []
    blanks = 0
    for page in pages():
        for block in TEXT_BLOCK.findall(page.body):
            for old in OLD_PLACEHOLDER.finditer(block):
                problems.append(f"{page.path}: 旧式占位符 {old.group(0)}，改写成【标签】")
            for label in BLANK.findall(block):
                blanks += 1
                if not 1 <= len(label.strip()) <= 20:
                    problems.append(f"{page.path}: 空白标签应为 1–20 个字：【{label}】")
            if block.count("【") != block.count("】"):
                problems.append(f"{page.path}: 【】不成对")
    assert problems == []
    assert blanks >= 20, "回复里的空白太少：检查【】写法是否被改掉了"


def test_the_old_placeholder_pattern_catches_what_it_should() -> None:
    caught = ["（日期）", "（单号）", "X 总", "XX", "（X）", "（说明原因）", "（把要求写在这里）"]
    kept = ["（台湾返修除外）", "（税号）", "【日期】", "（比如电脑或相机的型号）"]
    assert all(OLD_PLACEHOLDER.search(t) for t in caught)
    assert not any(OLD_PLACEHOLDER.search(t) for t in kept)


def _phrases() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = yaml.safe_load(PHRASES.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("entry", _phrases(), ids=lambda e: str(e["phrase"]))
def test_no_page_says_what_the_seeds_contradict(entry: dict[str, Any]) -> None:
    pattern = re.compile(entry["phrase"] if entry.get("regex") else re.escape(entry["phrase"]))
    allowed = set(entry.get("except", []))
    found = [
        f"{page.path}: {m.group(0)}"
        for page in pages()
        if page.path not in allowed
        for m in pattern.finditer(page.body)
    ]
    assert found == [], entry["why"]


def links(page: Page) -> set[str]:
    """Targets of the page's Markdown links, as paths under docs/ (anchors dropped)."""
    base = (DOCS / page.path).parent
    found = set()
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.body):
        if "://" not in target:
            found.add((base / target).resolve().relative_to(DOCS.resolve()).as_posix())
    return found


def test_pages_that_send_agents_to_the_warranty_terms_link_the_warranty_page() -> None:
    warranty = "products/warranty.md"
    bad = [
        page.path
        for page in pages()
        if "保固条例" in prose(page.body) and page.path != warranty and warranty not in links(page)
    ]
    assert bad == []


def test_the_warranty_page_marks_where_the_company_terms_go() -> None:
    page = next(p for p in pages() if p.path == "products/warranty.md")
    assert '!!! warning "待补充' in page.body
    assert "公司保固条例" in page.body


def _declared_notes(body: str) -> int:
    return body.count('!!! note "本手册采用的规则"')


@pytest.mark.parametrize(
    "path",
    [
        "replies/repair-warranty/repair-freight.md",
        "replies/returns/complete-parts.md",
        "replies/returns/refund-after-return.md",
        "replies/invoice/index.md",
        "processes/complaints.md",
        "processes/doa.md",
        "rules/weekly-plan.md",
        "about/index.md",
    ],
)
def test_pages_with_policies_of_their_own_declare_them(path: str) -> None:
    page = next(p for p in pages() if p.path == path)
    assert _declared_notes(page.body) >= 1


def test_every_invoice_reply_declares_that_no_seed_covers_invoices() -> None:
    invoice = [p for p in replies() if p.path.startswith("replies/invoice/")]
    assert invoice
    assert [p.path for p in invoice if not _declared_notes(p.body)] == []


# -- the how-to pages, followed as written on a practice department ---------------------------
KEFU = Path(sys.executable).with_name("kefu")
SH_BLOCK = re.compile(r"^( *)```sh\n(.*?)^\1```", re.M | re.S)
# the guide's complete example of a file added on GitHub: its path, then its content
EXAMPLE_FILE = re.compile(r"文件 `(records/tickets/[^`]+\.yml)`：\n\n( *)```yaml\n(.*?)^\2```",
                          re.M | re.S)
VARIANT = re.compile(r"^( *)```yaml\n( *action: .*?)^\1```", re.M | re.S)
REMOTE = ("git pull", "git push")  # the practice department has no GitHub to talk to
# the sample department's records run to late November 2026: "昨天 15:30" is read from here
GUIDE_NOW = "2026-11-25T17:00:00+08:00"


def page(path: str) -> Page:
    return next(p for p in pages() if p.path == path)


def sh_commands(body: str) -> list[str]:
    """Every command of the page's ```sh blocks, in order, comments dropped, `a && b` split."""
    found = []
    for _, block in SH_BLOCK.findall(body):
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if command and not command.startswith("#"):
                found.extend(part.strip() for part in command.split(" && "))
    return found


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A practice department as `kefu init --demo` makes one, a git repository on main."""
    return make_demo(tmp_path_factory.mktemp("guide") / "练习", git=True)


def follow(work: Path, path: str) -> None:
    """Run the page's commands in `work` as a reader types them; each must succeed."""
    env = {**os.environ, "PATH": f"{KEFU.parent}{os.pathsep}{os.environ['PATH']}",
           "KEFU_NOW": GUIDE_NOW, "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_AUTHOR_NAME": "张敏", "GIT_AUTHOR_EMAIL": "zhangmin@example.com",
           "GIT_COMMITTER_NAME": "张敏", "GIT_COMMITTER_EMAIL": "zhangmin@example.com"}
    env.pop("KEFU_USER", None)  # who the actor is comes from the page's `git config kefu.user`
    commands = sh_commands(page(path).body)
    assert [c for c in commands if not c.startswith(("kefu ", "git "))] == []
    assert sum(c.startswith("kefu ") for c in commands) >= 3
    for command in commands:
        if command.startswith(REMOTE):
            continue
        done = subprocess.run(shlex.split(command), cwd=work, capture_output=True, text=True,
                              check=False, env=env, timeout=600)
        assert done.returncode == 0, f"{path}: {command}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, command


def shown(work: Path, record_id: str) -> dict[str, Any]:
    """`kefu show ID --format json`: its fields by code, and the steps of its story."""
    done = subprocess.run([str(KEFU), "show", record_id, "--format", "json"], cwd=work,
                          capture_output=True, text=True, check=True, timeout=600,
                          env={**os.environ, "KEFU_NOW": GUIDE_NOW})
    data = json.loads(done.stdout)
    fields = {f["field"]: f["value"] for f in data["fields"]}
    return {**fields, "story": [(s["what"], s["by"]) for s in data["story"]]}


def test_the_guides_commands_work_on_a_practice_department(practice: Path,
                                                          tmp_path: Path) -> None:
    work = Path(shutil.copytree(practice, tmp_path / "练习", symlinks=True))
    follow(work, "guide/index.md")
    repair = shown(work, "T-20261113-pi4a")
    assert repair["owner"] == "wangfang" and repair["status"] == "in-progress"  # handed over
    assert ("验收核对", "zhangmin") in repair["story"]  # the actor from git config kefu.user
    assert ("寄往工厂", "sunli") in repair["story"]  # --by 孙丽
    assert shown(work, "T-20261117-7vty")["status"] == "closed"
    assert shown(work, "T-20260501-6otu")["status"] == "in-progress"  # reopened
    corrected = shown(work, "T-20261112-hcnh")
    assert (corrected["level"], corrected["dealer"]) == ("serious", "D-0003")
    # every step is a new file: nothing the department had is edited or deleted
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=work, capture_output=True, text=True, check=True).stdout
    assert status and all(line.startswith("?? records/tickets/") for line in
                          status.splitlines()), status


def test_the_pull_request_pages_commands_commit_an_event_that_check_pr_passes(
        practice: Path, tmp_path: Path) -> None:
    work = Path(shutil.copytree(practice, tmp_path / "练习", symlinks=True))
    follow(work, "guide/git-pr.md")
    branch = subprocess.run(["git", "branch", "--show-current"], cwd=work, capture_output=True,
                            text=True, check=True).stdout.strip()
    added = subprocess.run(["git", "diff", "--name-status", "main", "HEAD"], cwd=work,
                           capture_output=True, text=True, check=True).stdout.splitlines()
    assert branch == "ticket/T-20261019-2fra"
    assert len(added) == 1 and re.fullmatch(
        r"A\trecords/tickets/2026/10/T-20261019-2fra/\d{8}-\d{6}-returned-[0-9a-z]{4}\.yml",
        added[0]), added
    assert ("寄回代理商", "zhangmin") in shown(work, "T-20261019-2fra")["story"]


def example_files(body: str) -> list[tuple[str, str]]:
    """The guide's example file added on GitHub (path, text), then each variant of it: the same
    head (schema line, record, time, actor) with the variant's lines, its name following suit."""
    (path, _, text), = EXAMPLE_FILE.findall(body)
    text = textwrap.dedent(text)
    head = text[:text.index("action:")]
    folder, _, name = path.rpartition("/")
    day, time, *_ = name.split("-")
    found = [(path, text)]
    for number, (_, variant) in enumerate(VARIANT.findall(body)):
        variant = textwrap.dedent(variant)
        action = re.search(r"^action: ([a-z-]+)$", variant, re.M)
        assert action, variant
        found.append((f"{folder}/{day}-{time}-{action.group(1)}-v{number:03d}.yml",
                      head + variant))
    return found


def test_the_guides_example_files_are_valid_where_it_says_to_put_them(demo_copy: Path) -> None:
    examples = example_files(page("guide/index.md").body)
    actions = {m.group(1) for _, text in examples
               if (m := re.search(r"^action: (\S+)", text, re.M))}
    assert actions >= {"sent-to-factory", "closed", "assigned", "corrected"}
    for rel, text in examples:
        target = demo_copy / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
        done = subprocess.run([str(KEFU), "validate", rel, "--format", "json"], cwd=demo_copy,
                              capture_output=True, text=True, check=False, timeout=600,
                              env={**os.environ, "KEFU_NOW": GUIDE_NOW})
        summary = json.loads(done.stdout)["summary"]
        assert (done.returncode, summary["errors"], summary["warnings"]) == (0, 0, 0), \
            f"{rel}\n{text}\n{done.stdout}"
        target.unlink()  # one at a time: a closed ticket takes no other step
