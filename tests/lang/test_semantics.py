"""The semantics table (engine/lang/semantics): one entry per operation, read by every evaluator.

The structure tests say what the table promises: every entry has every form (or says it
runs per case), the drivers hold no list of their own, and the lang layer imports no
Polars. The behaviour of each entry is held by the parity tests (test_parity.py,
test_columnar_parity.py, test_differential.py), which run the bundled policies through
the three evaluators.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.lang import types as T
from engine.lang.semantics import AGGREGATES, COMPARISONS, FUNCTIONS, OPERATORS, UNARY

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_has_every_form(name):
    fn = FUNCTIONS[name]
    assert callable(fn.check) and callable(fn.impl) and fn.doc
    assert fn.columnar is None or callable(fn.columnar)
    low, high = fn.arity
    assert low >= 1 and (high is None or high >= low)


def test_only_the_sequential_functions_run_per_case():
    """The columnar evaluator's list of vectorised functions is the table's: no other list exists."""
    assert {n for n, f in FUNCTIONS.items() if f.columnar is None} == {"interest", "settle"}
    source = (ROOT / "engine" / "columnar" / "compile.py").read_text(encoding="utf-8")
    assert "_VECTOR_FUNCTIONS" not in source
    for name in FUNCTIONS:                       # no function is special-cased by name in the driver
        assert f'"{name}"' not in source


@pytest.mark.parametrize("name", sorted(AGGREGATES))
def test_every_aggregate_has_every_form(name):
    agg = AGGREGATES[name]
    assert "{gen}" in agg.generator and callable(agg.loop) and callable(agg.reduce)
    init, step, _guard = agg.loop("_a1", "x", False, lambda prefix: prefix + "9", "_D0")
    assert init and step
    if name != "select":                         # a list has no column; set-aside asks `any` instead
        assert callable(agg.list_form) and callable(agg.group_form)


@pytest.mark.parametrize("name", sorted(AGGREGATES))
def test_an_aggregate_over_nothing_is_its_empty_value(name):
    agg = AGGREGATES[name]
    item = T.BOOL if name in ("any", "all") else T.MONEY
    result = agg.check(item)
    assert not isinstance(result, str)
    assert agg.reduce([], result) == agg.empty(result)


def test_every_operator_entry_is_typed_and_has_its_forms():
    for (op, left, right), entry in OPERATORS.items():
        assert (entry.op, entry.left, entry.right) == (op, left, right)
        assert entry.inline.count("{0}") == 1 and entry.inline.count("{1}") == 1
        assert entry.columnar is not None or op == "/"      # division is not exact in fixed point
        assert (entry.helper is None) == (entry.impl.__module__ == "_operator")
    for entry in [*UNARY.values(), *COMPARISONS.values()]:
        assert callable(entry.impl) and callable(entry.columnar) and "{0}" in entry.inline


def test_the_language_layer_imports_no_polars():
    code = ("import sys, engine.lang.semantics, engine.check.expressions, engine.run.evaluator, engine.run.compiler; "
            "print('polars' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ── progressive(amount, scale): added as one entry (engine/lang/semantics/tables.py) ──────────
# The Dutch scale for extrajudicial collection costs (Besluit vergoeding voor
# buitengerechtelijke incassokosten, art. 2 (1)): 15 % of the first 2 500, 10 % of the
# next 2 500, 5 % of the next 5 000, 1 % of the next 190 000, 0.5 % above, at least 40 and
# at most 6 775. Written in NOK here only because the test policy's currency is NOK.
SCALE_POLICY = """policy: scale
effective: 2026-01-01
title: {nb: "s", en: "s"}
parameters:
  wik:
    brackets:
      - {up_to: 2 500 NOK, value: 15 %}
      - {up_to: 5 000 NOK, value: 10 %}
      - {up_to: 10 000 NOK, value: 5 %}
      - {up_to: 200 000 NOK, value: 1 %}
      - {value: 0.5 %}
    source: "Besluit vergoeding voor buitengerechtelijke incassokosten, art. 2 (1)"
  floor: {value: 40 NOK, source: "art. 2 (1)"}
  cap: {value: 6 775 NOK, source: "art. 2 (1)"}
definitions:
  principal: sum(c.amount for c in claims)
  scale: progressive(principal, wik)
amounts:
  principal: principal
rules:
  - id: charge
    when: principal > 0 NOK
    action: charge
    fee: round_ore(min(max(scale, floor), cap))
    explain: {nb: "x", en: "x"}
  - id: nothing
    when: true
    action: wait
    explain: {nb: "x", en: "x"}
"""

# principal → fee, by hand from the scale above:
SCALE_CASES = {
    "100.00": "40.00",        # 15 % × 100 = 15, below the minimum 40
    "1234.56": "185.18",      # 15 % × 1 234.56 = 185.184 → 185.18
    "2500.00": "375.00",      # 15 % × 2 500
    "2500.01": "375.00",      # 375 + 10 % × 0.01 = 375.001 → 375.00
    "6000.00": "675.00",      # 375 + 250 + 5 % × 1 000
    "10000.00": "875.00",     # 375 + 250 + 250
    "300000.00": "3275.00",   # 875 + 1 % × 190 000 (1 900) + 0.5 % × 100 000 (500)
    "2000000.00": "6775.00",  # 2 775 + 0.5 % × 1 800 000 = 11 775, capped at 6 775
}


def _scale_docs():
    return [{"case_id": f"S{i}", "creditor": {"vat_registered": False}, "debtor": {"kind": "business"},
             "claims": [{"invoice": "1", "amount": amount, "due": "2026-01-15"}]}
            for i, amount in enumerate(SCALE_CASES)]


def test_progressive_decides_the_same_in_all_three_evaluators(tmp_path):
    import datetime as dt

    from support import policygen
    from engine.policy.case import case_from_data
    from engine.decide.decision import decide_case
    from engine.check.pipeline import load_catalog

    on = dt.date(2026, 3, 2)
    assert not policygen.compare(SCALE_POLICY.replace("policy: scale", "policy: fz"), _scale_docs(), on)
    (tmp_path / "scale").mkdir()
    (tmp_path / "scale" / "2026-01-01.yaml").write_text(SCALE_POLICY)
    catalog, problems = load_catalog([str(tmp_path)])
    assert not [d for d in problems if d.is_error]
    for doc, want in zip(_scale_docs(), SCALE_CASES.values()):
        for fast in (False, True):
            decision = decide_case(catalog, case_from_data(doc), on, policy="scale", fast=fast)
            assert decision.to_dict(include_trace=False)["fee"] == want, (doc["claims"], fast)


def test_progressive_has_a_column_form_that_the_columnar_evaluator_uses(tmp_path):
    """Not a per-case fallback: the whole frame is decided by Polars expressions."""
    import datetime as dt

    from engine.policy.case import case_from_data
    from engine.columnar import evaluate, frame_from_cases
    from engine.check.pipeline import load_catalog

    (tmp_path / "scale").mkdir()
    (tmp_path / "scale" / "2026-01-01.yaml").write_text(SCALE_POLICY)
    catalog, _ = load_catalog([str(tmp_path)])
    on = dt.date(2026, 3, 2)
    main = catalog.resolve("scale", on)
    docs = _scale_docs()
    frame = frame_from_cases([case_from_data(d).data for d in docs], [on] * len(docs), ())
    result = evaluate(catalog.bind(main, on), "scale", frame, ())
    assert result.fallbacks == []
    fee = result.outputs["fee"]
    got = [f"{v / 10 ** fee.scale:.2f}" for v in result.frame.get_column(fee.name).to_list()]
    assert got == list(SCALE_CASES.values())
    assert not result.suspect.any()


@pytest.mark.parametrize("amount, want", [("0", "0"), ("-5", "0"), ("2500", "375.00"), ("7500", "750.00")])
def test_progressive_scalar_form(amount, want):
    from decimal import Decimal

    from engine.lang.semantics import FUNCTIONS
    scale = [(Decimal(2500), Decimal("0.15")), (Decimal(5000), Decimal("0.10")), (None, Decimal("0.05"))]
    assert FUNCTIONS["progressive"].impl(Decimal(amount), scale) == Decimal(want)  # 7 500: 375 + 250 + 125


def test_progressive_past_a_closed_scale_is_an_error_not_a_silent_zero():
    from decimal import Decimal

    from engine.core.errors import EvaluationError
    from engine.lang.semantics import FUNCTIONS
    with pytest.raises(EvaluationError, match="no bracket covers 600"):
        FUNCTIONS["progressive"].impl(Decimal(600), [(Decimal(500), Decimal("0.1"))])


def test_progressive_is_type_checked():
    from engine.lang.semantics import FUNCTIONS
    check = FUNCTIONS["progressive"].check
    assert check([T.MONEY, T.Table(T.MONEY, T.PERCENT)]) == T.MONEY
    assert "argument 1 must be Money" in check([T.NUMBER, T.Table(T.MONEY, T.PERCENT)])
    assert "scale of rates" in check([T.DATE, T.Table(T.DATE, T.PERCENT)])
    assert "bracket table" in check([T.MONEY, T.Schedule(T.PERCENT)])
