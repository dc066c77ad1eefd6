"""`frin validate FILE` cold, one file of each kind, against the whole catalog, in one run.

A pre-commit hook validates the files a commit changes; `validate` decides again only the
policies those files can change (engine/verify/reach.py). Each row is a fresh process with
`FRIST_NO_CACHE=1` (no record of an earlier clean run, no load cache), its CPU seconds (user +
system, from `getrusage` of the child), the median over `--reps`, and its ratio to
`frin validate policies` measured in the same run. With `--before TREE` (the same repository at
another commit, e.g. `git archive BASE | tar -x -C TREE`) each row is also run on that tree,
alternating with this one, and the ratio after/before is printed.

    .venv/bin/python bench/validate_file.py [--reps 3] [--before /tmp/base-tree]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = {
    "a process version": "policies/conta/2024-01-01.yaml",
    "a law version (NO: 5 processes)": "policies/no-regulation/2026-07-01.yaml",
    "a jurisdiction file (NO)": "policies/jurisdictions/NO.yaml",
    "a jurisdiction file (SE)": "policies/jurisdictions/SE.yaml",
    "a locale file": "policies/locales/nb.yaml",
    "the whole catalog": "policies",
}


def cpu_seconds(tree: Path, path: str) -> float:
    """CPU seconds of `frin validate PATH` run from `tree` in a fresh process, cold."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())",
                    "validate", path, "--today", "2026-06-01"], cwd=tree, env={**os.environ, "FRIST_NO_CACHE": "1"},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--before", type=Path, help="the repository at another commit, run alternately")
    args = parser.parse_args()
    trees = {"after": ROOT, **({"before": args.before.resolve()} if args.before else {})}
    runs: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.reps):
        for label, path in FILES.items():
            for way, tree in trees.items():
                runs.setdefault((label, way), []).append(cpu_seconds(tree, path))
    print(f"cold `frin validate PATH`, CPU seconds (median of {args.reps}; load {os.getloadavg()[0]:.1f})")
    whole = {way: statistics.median(runs[("the whole catalog", way)]) for way in trees}
    for label, path in FILES.items():
        row = [f"{label:<32} {path:<40}"]
        for way in trees:
            cpu = statistics.median(runs[(label, way)])
            row.append(f"{way} {cpu:6.2f} s ({cpu / whole[way]:4.0%} of the catalog)")
        if "before" in trees:
            row.append(f"after/before {statistics.median(runs[(label, 'after')]) / statistics.median(runs[(label, 'before')]):.2f}")
        print("  ".join(row))


if __name__ == "__main__":
    main()
