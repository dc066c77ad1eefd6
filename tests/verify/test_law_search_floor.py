"""The law search judges every bundled constraint on at least `FLOOR` generated decisions (issue 22).

Before the top-up (engine/verify/law_search.py, `_fill`), Sweden's `payment-plan-fee` was
tried on 3 decisions and the Dutch constraints on 106-149, against Norway's 225-3,484: a
ladder that reaches a constraint at one step only was searched thinly. These tests fail when
any constraint of any jurisdiction falls under the floor again.
"""
from __future__ import annotations

from collections import Counter

import pytest

from engine.verify import law_search
from support.catalogs import bundled_catalog

FLOOR = 100


def _under_floor(tried: Counter, names: dict[str, list[str]], codes: set[str]) -> dict[str, int]:
    return {f"{code} {name}": tried[(code, name)] for code in sorted(codes) for name in names[code]
            if tried[(code, name)] < FLOOR}


def test_every_dutch_and_swedish_constraint_is_tried_on_the_floor():
    """The NL and SE processes alone (a few seconds): every constraint of their laws ≥ FLOOR."""
    catalog, problems = bundled_catalog()
    assert not [d for d in problems if d.is_error]
    codes = {"NL", "SE"}
    processes = {c.name for c in catalog.checked.values()
                 if c.rules and c.jurisdiction is not None and c.jurisdiction.code in codes}
    assert {"nl-incasso", "se-borgenar", "se-inkassobyra"} <= processes
    tried: Counter = Counter()
    law_search.law_problems(catalog, tried, processes)
    names = law_search.constraints_by_jurisdiction(catalog)
    assert "se-inkasso-lag/payment-plan-fee" in names["SE"] and "nl-wik/letter-term" in names["NL"]
    assert _under_floor(tried, names, codes) == {}


@pytest.mark.heavy
def test_validate_reports_every_constraint_of_every_jurisdiction_over_the_floor(run_cli):
    """`frin validate policies` (the whole search, Norway's five processes included: ~45 s on
    one core): its report names every constraint of NO, NL and SE, each tried ≥ FLOOR times."""
    code, out, err = run_cli("validate", "policies", "--today", "2026-06-01")
    assert (code, err) == (0, ""), out
    lines = out.splitlines()
    start = lines.index("law search: generated decisions each constraint was tried on (its `when` held)")
    rows = [line.split() for line in lines[start + 1:] if line.startswith("  ")]
    counts = {(row[0], row[1]): int(row[2]) for row in rows}
    catalog, _ = bundled_catalog()
    expected = {(c, n) for c, names in law_search.constraints_by_jurisdiction(catalog).items() for n in names}
    assert {c for c, _ in expected} == {"NO", "NL", "SE"}
    assert set(counts) == expected
    assert {k: v for k, v in counts.items() if v < FLOOR} == {}


def test_a_law_checked_alone_says_why_it_was_not_searched(run_cli):
    """A law's folder holds no process: the search decides nothing, and the report says why
    instead of printing a count of 0 for each constraint."""
    code, out, err = run_cli("validate", "policies/se-inkasso-lag", "--today", "2026-06-01")
    assert code == 0 and err == "", out
    assert "SE  not searched: no process of SE among the policies checked" in out
    assert "se-inkasso-lag/payment-plan-fee" not in out
