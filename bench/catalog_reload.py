"""Memory of a process that loads one catalog after another (`frin serve` reloading its folder).

Each round copies the bundled policies to a new folder, decides the first five kravia cases of
the corpus from it (the law judging them, so the engine's memos fill) and deletes the folder;
after each round it prints the process's RSS and how many checked policy versions are still
alive. A process that forgets dropped catalogs stays flat (engine/core/memos.py).

    .venv/bin/python bench/catalog_reload.py --rounds 16
"""
from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=16)
    args = parser.parse_args()
    from engine.api.python import decide_case
    from engine.run.runtime import CheckedVersion
    cases = sorted((ROOT / "tests" / "cases" / "kravia").glob("*.yaml"))[:5]
    for i in range(args.rounds):
        folder = Path(tempfile.mkdtemp()) / "policies"
        shutil.copytree(ROOT / "policies", folder)
        for case in cases:
            decide_case(case, policies=folder)
        shutil.rmtree(folder.parent)
        gc.collect()
        with open("/proc/self/statm") as f:
            rss_mb = int(f.read().split()[1]) * 4096 / 1e6
        alive = sum(isinstance(o, CheckedVersion) for o in gc.get_objects())
        print(f"round {i + 1:>3}: RSS {rss_mb:6.0f} MB, checked versions alive {alive}")


if __name__ == "__main__":
    main()
