"""The semantics table (engine/semantics): one entry per operation, read by every evaluator.

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

from engine import types as T
from engine.semantics import AGGREGATES, COMPARISONS, FUNCTIONS, OPERATORS, UNARY

ROOT = Path(__file__).resolve().parent.parent


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
    code = ("import sys, engine.semantics, engine.checker, engine.evaluator, engine.compiler; "
            "print('polars' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
