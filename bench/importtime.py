"""Import-time profile of a cold `frin` command: self time summed per top-level package.

Runs the command under `python -X importtime` N times (load cache warm, modules byte-compiled)
and prints the median self time of each top-level package (`holidays`, `jsonschema`,
`engine`, ...) and of all imports together, largest first.

    .venv/bin/python bench/importtime.py                       # frin explain examples/consumer-inkassovarsel.yaml
    .venv/bin/python bench/importtime.py --root ../other-checkout -- validate policies
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path


def profile(root: Path, argv: list[str], env: dict[str, str]) -> dict[str, int]:
    """Microseconds of import self time per top-level package, for one run."""
    done = subprocess.run([sys.executable, "-X", "importtime", str(root / "cli.py"), *argv], cwd=root, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    totals: dict[str, int] = defaultdict(int)
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = (part.strip() for part in line[len("import time:"):].split("|"))
        totals[name.split(".")[0]] += int(self_us)
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent, help="the checkout")
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("argv", nargs="*", default=["explain", "examples/consumer-inkassovarsel.yaml"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as keys:
        env = {**os.environ, "FRIST_CACHE_DIR": cache, "FRIST_CACHE_KEY": os.path.join(keys, "cache.key"),
               "NO_COLOR": "1"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        profile(args.root, args.argv, env)                              # fill the caches, write byte code
        runs = [profile(args.root, args.argv, env) for _ in range(args.n)]
    names = {name for run in runs for name in run}
    medians = {name: statistics.median(run.get(name, 0) for run in runs) for name in names}
    total = statistics.median(sum(run.values()) for run in runs)
    print(f"import self time, median of {args.n}: frin {' '.join(args.argv)} ({args.root})")
    print(f"  {total / 1000:7.1f} ms  all imports")
    for name, us in sorted(medians.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"  {us / 1000:7.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
