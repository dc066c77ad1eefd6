"""Differential fuzzing: random typed policies × random cases, every evaluator, every output field.

The reference evaluator defines the semantics; the compiled fast path and the columnar
evaluator must decide every case the same (every field of the decision), refuse the same
cases, and never crash. Generation and comparison live in tests/support/policygen.py.

Short profile in CI (12 policies, derandomized, well under 30 s). The long, documented
run (500 policies, random; results in docs/robustness.md), with the other fuzz tests' switch
or a count of its own:

    FRIST_FUZZ=long python -m pytest tests/parity/test_differential.py -p no:cacheprovider
    FRIST_PARITY_EXAMPLES=2000 python -m pytest tests/parity/test_differential.py -p no:cacheprovider
    FRIST_NO_CACHE=1 python bench/differential.py --policies 500      # counts instead of a first failure
"""
from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import policygen

EXAMPLES = int(os.environ.get("FRIST_PARITY_EXAMPLES") or (500 if os.environ.get("FRIST_FUZZ") == "long" else 12))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 12, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(policygen.policy_texts(), st.lists(policygen.case_docs(), min_size=1, max_size=6), st.integers(0, 400))
def test_reference_compiled_and_columnar_agree(text, docs, offset):
    findings = policygen.compare(text, docs, policygen.BASE + dt.timedelta(days=offset))
    assert not findings, "\n".join(f"{f.kind} ({f.evaluator}): {f.detail}" for f in findings) + "\n" + text


def test_the_generator_exercises_every_evaluator():
    """A sanity check on the generator itself: it yields policies that check and decide cases."""
    seen = {"checked": 0}

    @settings(max_examples=5, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(policygen.policy_texts(), st.lists(policygen.case_docs(), min_size=1, max_size=3))
    def run(text, docs):
        findings = policygen.compare(text, docs, dt.date(2026, 3, 2), columnar=False)
        if not any(f.kind == "check" for f in findings):
            seen["checked"] += 1
    run()
    assert seen["checked"] == 5
