"""Rewrite this repository's records/ as the sample department (kefu.demo, deterministic).

The sample department is the demo this repository ships: `make site` builds it. Its records
come from kefu/demo/ (the same generator `kefu init --demo` and the tests use), so that the
committed files and what a test makes never differ. The rules files beside them (sla.yml,
staff-rules.yml…) are the handbook's and are left alone.
Usage: python scripts/gen_sample.py [ROOT]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kefu.demo import write_demo

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, default=Path(__file__).resolve().parents[1],
                        help="仓库根目录（默认本仓库）：重写 records/ 下的示例记录")
    made = write_demo(parser.parse_args().root)
    print("、".join(f"{kind} {count}" for kind, count in made.items()))
