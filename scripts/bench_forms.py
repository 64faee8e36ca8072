"""Benchmark: 100 filled forms in one process, plus PDF sizes. Prints figures; asserts nothing.

Uses the test fixture records (tests/data/forms/repo), copied to a temporary folder: every form
that records fill is filled from each fixture record that fills it, in turn (--count forms).
Targets (issue 4): 100 filled forms <= 15 s on the 2-core machine; a one-page form <= 120 KB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from kefu.forms import FormRenderer  # noqa: E402
from kefu.forms.fill import fill, fillers_of  # noqa: E402
from kefu.forms.registry import Form  # noqa: E402
from kefu.records.kinds import FormFiller, Kind  # noqa: E402
from kefu.workspace import Workspace  # noqa: E402

FIXTURE = ROOT / "tests" / "data" / "forms" / "repo"


def records_for(repo: Path, kind: Kind, filler: FormFiller) -> list[str]:
    """The ids of the records of `kind` in `repo` whose top-level values are what `filler` wants
    (a record file, not a change file: its name is an id of the kind)."""
    found = []
    for path in sorted((repo / "records" / kind.folder).rglob("*.yml")) if kind.folder else []:
        if not kind.matches_id(path.stem):
            continue
        data = yaml.safe_load(path.read_text("utf-8"))
        if all(str(data.get(key)) == value for key, value in filler.when.items()):
            found.append(path.stem)
    return found


def jobs_of(forms: Sequence[Form], repo: Path) -> list[tuple[Form, str]]:
    """(form, record id) for every fillable form and every fixture record that fills it."""
    jobs = [(form, record) for form in forms for kind, filler in fillers_of(form.key)[:1]
            for record in records_for(repo, kind, filler)]
    if not jobs:
        raise SystemExit(f"{FIXTURE} 里没有能填写表单的记录。")
    return jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="填写几张表（默认 100）")
    count = parser.parse_args().count
    started = time.perf_counter()
    cpu_started = time.process_time()
    renderer = FormRenderer(ROOT)
    setup = time.perf_counter() - started
    jobs = jobs_of(renderer.registry.forms, FIXTURE)
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        shutil.copytree(FIXTURE, repo)
        fill_time = render_time = 0.0
        sizes: dict[str, list[int]] = {}
        for index in range(count):
            form, ticket = jobs[index % len(jobs)]
            t0 = time.perf_counter()
            filled = fill(Workspace(repo), form, ticket)
            t1 = time.perf_counter()
            pdf = renderer.pdf(form.key, filled)
            render_time += time.perf_counter() - t1
            fill_time += t1 - t0
            sizes.setdefault(f"{form.key} ← {ticket}", []).append(len(pdf))
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    blank_started = time.perf_counter()
    documents = {key: renderer.document(key) for key in renderer.registry.keys}
    blank = {key: (len(doc.pages), doc.write_pdf()) for key, doc in documents.items()}
    blank_time = time.perf_counter() - blank_started

    print(f"表单渲染器准备（字体、CSS、模板）：{setup:6.2f} s")
    print(f"填写 {count} 张表：共 {total:6.2f} s（目标 <= 15 s）= 读记录与算时限 {fill_time:5.2f} s"
          f" + 渲染 {render_time:5.2f} s；每张 {1000 * (fill_time + render_time) / count:5.1f} ms")
    print(f"  本进程 CPU 时间：{cpu:6.2f} s（上面的墙钟时间含等待 CPU；当前负载 "
          f"{os.getloadavg()[0]:.1f}，{os.cpu_count()} 核）")
    print(f"空白表 {len(blank)} 张：{blank_time:5.2f} s")
    print("大小（填写）：")
    for name, values in sorted(sizes.items()):
        print(f"  {name:<52} {max(values) / 1000:6.1f} KB")
    print("大小（空白）：")
    worst_one_page = 0
    for key, (pages, pdf) in blank.items():
        if pages == 1:
            worst_one_page = max(worst_one_page, len(pdf))
        print(f"  {key:<30} {len(pdf) / 1000:6.1f} KB，{pages} 页")
    print(f"单页空白表最大：{worst_one_page / 1000:.1f} KB（目标 <= 120 KB）")

if __name__ == "__main__":
    main()
