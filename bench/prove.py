"""`frin validate --prove` beside plain `frin validate` over the bundled catalog: CPU time, median of N.

Both run with `FRIST_NO_CACHE=1`, so plain validate really runs the examples and the boundary
search (a warm run would skip them, having verified this exact catalog before) and the
difference is the prover's work: one SMT query per process version x window of law versions
x rule x constraint, at the default bound (3) unless `--bound` says otherwise.

    .venv/bin/python bench/prove.py --n 3
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from coldstart import ROOT, cpu_ms      # the whole-process CPU time of one run (os.wait4)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3, help="runs per command (median reported)")
    parser.add_argument("--bound", type=int, default=3, help="--prove-bound")
    parser.add_argument("--frist", default=str(Path(sys.executable).with_name("frin")), help="the `frin` script")
    args = parser.parse_args()
    env = {**os.environ, "FRIST_NO_CACHE": "1", "NO_COLOR": "1"}
    plain = [args.frist, "validate", "policies"]
    proving = plain + ["--prove", "--prove-bound", str(args.bound)]
    figures = {}
    for label, argv in (("validate", plain), ("validate --prove", proving)):
        runs = [cpu_ms(argv, env) for _ in range(args.n)]
        figures[label] = statistics.median(runs)
        print(f"{label:<20} {figures[label]:>9.0f} ms CPU (median of {args.n}: {', '.join(f'{r:.0f}' for r in runs)})")
    print(f"ratio                {figures['validate --prove'] / figures['validate']:>9.2f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
