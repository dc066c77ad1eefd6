"""The differential run: N random typed policies × random cases, reference vs compiled vs columnar.

    FRIST_NO_CACHE=1 python bench/differential.py --policies 500 [--seed 1] [--no-columnar] [--show 5]

Prints how many policies had a crash (an exception that is not a clear error), a spurious
error (an evaluator refused a case the reference decided), a missed error, or a
difference in any output field, per evaluator. Generation is in tests/support/policygen.py; the
same generator runs in CI as tests/parity/test_differential.py (short profile). Results are
recorded in docs/robustness.md.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from support import policygen  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--policies", type=int, default=500)
    parser.add_argument("--cases", type=int, default=8, help="cases per policy (at most)")
    parser.add_argument("--no-columnar", action="store_true")
    parser.add_argument("--show", type=int, default=3, help="examples to print per kind")
    args = parser.parse_args()
    counts: collections.Counter = collections.Counter()
    examples: dict = collections.defaultdict(list)
    seen = [0]

    @settings(max_examples=args.policies, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(policygen.policy_texts(), st.lists(policygen.case_docs(), min_size=1, max_size=args.cases),
           st.integers(0, 400))
    def run(text, docs, offset):
        seen[0] += 1
        findings = policygen.compare(text, docs, policygen.BASE + dt.timedelta(days=offset), not args.no_columnar)
        for kind in sorted({(f.kind, f.evaluator) for f in findings}):
            counts[kind] += 1
            if len(examples[kind]) < args.show:
                detail = next(f.detail for f in findings if (f.kind, f.evaluator) == kind)
                examples[kind].append((detail, text))

    start = time.perf_counter()
    run()
    print(f"{seen[0]} policies in {time.perf_counter() - start:.0f} s")
    for (kind, evaluator), n in sorted(counts.items()):
        print(f"  {kind:15} {evaluator:10} {n} policies")
    for (kind, evaluator), shown in sorted(examples.items()):
        for detail, text in shown:
            print(f"\n--- {kind} ({evaluator}): {detail[:300]}\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
