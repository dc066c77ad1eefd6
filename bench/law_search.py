"""`frin validate`'s law search: CPU seconds of the search over the bundled catalog, both ways in one run.

The search decides some 20,000 generated cases (engine/verify/law_search.py). Each is decided by
decide's fast path, whose set-aside reasons, constraints and recorded fees are judged by compiled
expressions (engine/run/compiled_values.py); with `--reference` off that path they are judged by
the reference evaluator, as before. Both give the same diagnostics and counts (checked here), so
the ratio between the two rows is what the compiled judgments save, measured back to back.

    .venv/bin/python bench/law_search.py [--reps 2]

prints per repetition and way: process CPU seconds of `law_problems` (a fresh catalog each time,
so nothing is memoized between runs), the decisions' count, and the ratio.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["FRIST_NO_CACHE"] = "1"          # the search's own record of a clean catalog would skip it

from engine.check.pipeline import load_catalog  # noqa: E402
from engine.run import compiled_values  # noqa: E402
from engine.verify.law_search import law_problems  # noqa: E402


def _search(reference: bool) -> tuple[float, Counter, list[str]]:
    real = compiled_values._functions

    def refused(bindings):
        raise compiled_values.Uncompiled
    compiled_values._functions = refused if reference else real
    try:
        catalog, _ = load_catalog([ROOT / "policies"])
        tried: Counter = Counter()
        start = time.process_time()
        found = law_problems(catalog, tried)
        return time.process_time() - start, tried, [str(d) for d in found]
    finally:
        compiled_values._functions = real


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2)
    reps = parser.parse_args().reps
    for rep in range(reps):
        compiled, tried, found = _search(False)
        reference, tried_ref, found_ref = _search(True)
        same = tried == tried_ref and found == found_ref
        print(f"rep {rep + 1}: compiled {compiled:.2f} s, reference {reference:.2f} s CPU, "
              f"{sum(tried.values())} constraint trials, ratio {reference / compiled:.2f}, same results: {same}")


if __name__ == "__main__":
    main()
