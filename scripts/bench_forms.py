"""Benchmark: 100 filled forms in one process, plus PDF sizes. Prints figures; asserts nothing.

Uses the test fixture records (tests/data/forms/repo), copied to a temporary folder.
Targets (issue 4): 100 filled forms <= 15 s on the 2-core machine; a one-page form <= 120 KB.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kefu.forms import FormRenderer  # noqa: E402
from kefu.forms.fill import fill, fillers_of  # noqa: E402
from kefu.workspace import Workspace  # noqa: E402

FIXTURE = ROOT / "tests" / "data" / "forms" / "repo"
TICKETS = {  # by the ticket type a form's filler wants
    "complaint": ["T-20260312-k7m2", "T-20260320-h0st"],
    "doa": ["T-20260316-x9q1"],
    "work-request": ["T-20260318-w2rq"],
}
COUNT = 100


def main() -> None:
    started = time.perf_counter()
    cpu_started = time.process_time()
    renderer = FormRenderer(ROOT)
    setup = time.perf_counter() - started
    jobs = [(form, ticket) for form in renderer.registry.forms
            for _, filler in fillers_of(form.key)[:1]
            for ticket in TICKETS[filler.when["type"]]]
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        shutil.copytree(FIXTURE, repo)
        fill_time = render_time = 0.0
        sizes: dict[str, list[int]] = {}
        for index in range(COUNT):
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

    print(f"renderer setup (fonts, CSS, templates): {setup:6.2f} s")
    print(f"{COUNT} filled forms: total {total:6.2f} s (target <= 15 s) = "
          f"record loading + deadlines {fill_time:5.2f} s + rendering {render_time:5.2f} s; "
          f"{1000 * (fill_time + render_time) / COUNT:5.1f} ms per form")
    print(f"  CPU time of this process: {cpu:6.2f} s (wall time above includes waiting for a core; "
          f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"{len(blank)} blank forms: {blank_time:5.2f} s")
    print("sizes (filled):")
    for name, values in sorted(sizes.items()):
        print(f"  {name:<52} {max(values) / 1000:6.1f} KB")
    print("sizes (blank):")
    worst_one_page = 0
    for key, (count, pdf) in blank.items():
        if count == 1:
            worst_one_page = max(worst_one_page, len(pdf))
        print(f"  {key:<30} {len(pdf) / 1000:6.1f} KB, {count} page(s)")
    print(f"largest one-page blank form: {worst_one_page / 1000:.1f} KB (target <= 120 KB)")


if __name__ == "__main__":
    main()
