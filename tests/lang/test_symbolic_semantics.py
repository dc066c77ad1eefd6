"""The symbolic forms of the semantics table agree with the scalar forms (the reference) on random values.

Every operator, comparison, function and aggregate with a concrete symbolic form is applied
to random constants through the solver kit, simplified by z3 to a constant, and compared
with the scalar implementation the reference evaluator runs. Division is compared to the
scalar form's 28 significant digits; the abstract entries (`+ months`, the business-day
functions, `interest`, `settle`) are checked by their axioms (tests/prove/test_prove_axioms.py).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

z3 = pytest.importorskip("z3")

from engine.core.errors import EvaluationError
from engine.lang import types as T
from engine.lang.semantics import AGGREGATES, COMPARISONS, FUNCTIONS, OPERATORS, UNARY
from engine.lang.semantics.symbolic import (ABSTRACT, SYMBOLIC_AGGREGATES, SYMBOLIC_COMPARISONS, SYMBOLIC_FUNCTIONS,
                                            SYMBOLIC_OPERATORS, SYMBOLIC_UNARY, TAKES_TYPES)
from engine.prove.kit import Kit
from engine.values.money import DECIMAL_CONTEXT
from engine.values.time import Months

KIT = Kit(z3)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_cents = st.integers(-10**8, 10**8).map(lambda n: Decimal(n).scaleb(-2))
_fine = st.integers(-10**9, 10**9).map(lambda n: Decimal(n).scaleb(-4))      # amounts with fractions of an øre
VALUES = {
    T.MONEY: st.one_of(_cents, _fine),
    T.NUMBER: st.integers(-10**6, 10**6).map(lambda n: Decimal(n).scaleb(-3)),
    T.PERCENT: st.integers(0, 10**4).map(lambda n: Decimal(n).scaleb(-4)),
    T.DATE: st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)),
    T.DAYS: st.integers(-5000, 5000),
    T.MONTHS: st.integers(-120, 120).map(Months),
}


def _sym(value, typ):
    return KIT.literal(value, typ)


def _back(term, typ):
    got = z3.simplify(term)
    if typ == T.BOOL:
        return z3.is_true(got)
    if z3.is_int_value(got):
        return got.as_long()
    number = Fraction(got.as_fraction())
    return number / 100 if typ == T.MONEY else number


def _plain(value):
    if isinstance(value, Decimal):
        return Fraction(value)
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, Months):
        return value.count
    return value


def _same(symbolic, scalar, approximate: bool) -> bool:
    if approximate and isinstance(scalar, Fraction):
        return abs(Fraction(symbolic) - scalar) <= Fraction(1, 10**18) * max(1, abs(scalar))
    return symbolic == scalar


def test_every_entry_has_a_symbolic_form():
    assert set(SYMBOLIC_OPERATORS) == set(OPERATORS)
    assert set(SYMBOLIC_FUNCTIONS) == set(FUNCTIONS)
    assert set(SYMBOLIC_AGGREGATES) == set(AGGREGATES)
    assert set(SYMBOLIC_COMPARISONS) == set(COMPARISONS)
    assert set(SYMBOLIC_UNARY) == set(UNARY)


CONCRETE_OPERATORS = sorted((k for k in OPERATORS if T.MONTHS not in k[1:] or T.DATE not in k[1:]), key=str)


@pytest.mark.parametrize("key", CONCRETE_OPERATORS, ids=lambda k: f"{k[1]} {k[0]} {k[2]}")
@FAST
@given(data=st.data())
def test_operator_parity(key, data):
    op, left, right = key
    a, b = data.draw(VALUES[left]), data.draw(VALUES[right])
    if op == "/" and _plain(b) == 0:
        return
    import decimal
    with decimal.localcontext(DECIMAL_CONTEXT):
        try:
            expected = OPERATORS[key].impl(a, b)
        except EvaluationError:
            return                       # a fraction of a day: no decision; nothing to compare
    got = _back(SYMBOLIC_OPERATORS[key](KIT, _sym(a, left), _sym(b, right)), OPERATORS[key].result)
    assert _same(got, _plain(expected), op == "/"), (a, b, got, expected)


@pytest.mark.parametrize("op", sorted(COMPARISONS))
@FAST
@given(typ=st.sampled_from([T.MONEY, T.DATE, T.DAYS, T.NUMBER]), data=st.data())
def test_comparison_parity(op, typ, data):
    a, b = data.draw(VALUES[typ]), data.draw(st.one_of(VALUES[typ], st.just(None))) if op in ("==", "!=") else None
    if b is None and op not in ("==", "!="):
        b = data.draw(VALUES[typ])
    expected = COMPARISONS[op].impl(a, b)
    got = _back(SYMBOLIC_COMPARISONS[op](KIT, _sym(a, typ), _sym(b, typ)), T.BOOL)
    assert got == expected


@FAST
@given(x=VALUES[T.MONEY], flag=st.booleans())
def test_unary_parity(x, flag):
    assert _back(SYMBOLIC_UNARY["-"](KIT, _sym(x, T.MONEY)), T.MONEY) == _plain(-x)
    assert _back(SYMBOLIC_UNARY["not"](KIT, z3.BoolVal(flag)), T.BOOL) is (not flag)


TABLE = [(Decimal(500), Decimal("0.25")), (Decimal(1000), Decimal("0.35")), (Decimal("2500"), Decimal("0.4")),
         (None, Decimal("7.2"))]
SCALE = [(Decimal(2500), Decimal("0.15")), (Decimal(5000), Decimal("0.10")), (None, Decimal("0.05"))]
SCHEDULE = [(dt.date(2026, 7, 1), Decimal("0.1225")), (dt.date(2026, 1, 1), Decimal("0.12")),
            (dt.date(1900, 1, 1), Decimal("0.125"))]


@FAST
@given(a=VALUES[T.MONEY], b=VALUES[T.MONEY], c=VALUES[T.MONEY], d=VALUES[T.DATE], e=VALUES[T.DATE])
def test_function_parity(a, b, c, d, e):
    money = lambda name, *args: _back(SYMBOLIC_FUNCTIONS[name](KIT, *[_sym(x, T.MONEY) for x in args]), T.MONEY)
    for name in ("round_ore", "round_kr", "floor_kr", "abs"):
        assert money(name, a) == _plain(FUNCTIONS[name].impl(a)), (name, a)
    for name in ("min", "max"):
        assert money(name, a, b, c) == _plain(FUNCTIONS[name].impl(a, b, c))
    got = _back(SYMBOLIC_FUNCTIONS["days_between"](KIT, _sym(d, T.DATE), _sym(e, T.DATE)), T.NUMBER)
    assert got == _plain(FUNCTIONS["days_between"].impl(d, e))
    table = T.Table(T.MONEY, T.NUMBER)
    got = _back(SYMBOLIC_FUNCTIONS["lookup"](KIT, TABLE, _sym(a, T.MONEY), types=[table, T.MONEY]), T.NUMBER)
    assert got == _plain(FUNCTIONS["lookup"].impl(TABLE, a))
    scale = T.Table(T.MONEY, T.PERCENT)
    if a >= 0:
        got = _back(SYMBOLIC_FUNCTIONS["progressive"](KIT, _sym(a, T.MONEY), SCALE, types=[T.MONEY, scale]), T.MONEY)
        assert got == _plain(FUNCTIONS["progressive"].impl(a, SCALE))
    schedule = T.Schedule(T.PERCENT)
    got = _back(SYMBOLIC_FUNCTIONS["value_on"](KIT, SCHEDULE, _sym(d, T.DATE), types=[schedule, T.DATE]), T.PERCENT)
    assert got == _plain(FUNCTIONS["value_on"].impl(SCHEDULE, d))


def test_the_abstract_entries_are_named():
    concrete = {k for k in FUNCTIONS if k not in ABSTRACT}
    assert {"interest", "settle", "next_business_day", "add_business_days", "is_business_day"} <= set(ABSTRACT)
    assert concrete >= {"lookup", "value_on", "progressive", "round_ore"} and not concrete & TAKES_TYPES - {
        "lookup", "value_on", "progressive"}


@pytest.mark.parametrize("name", sorted(AGGREGATES))
@FAST
@given(items=st.lists(st.tuples(st.booleans(), VALUES[T.MONEY]), max_size=4), flag=st.booleans())
def test_aggregate_parity(name, items, flag):
    result = {"sum": T.MONEY, "count": T.NUMBER, "any": T.BOOL, "all": T.BOOL}.get(name, T.Optional(T.MONEY))
    if name in ("any", "all"):
        values = [(p, x > 0) for p, x in items]
        slots = [(z3.BoolVal(p), z3.BoolVal(v)) for p, v in values]
    else:
        values = items
        slots = [(z3.BoolVal(p), _sym(x, T.MONEY)) for p, x in items]
    picked = [v for p, v in values if p]
    expected = AGGREGATES[name].reduce(picked, result) if picked else AGGREGATES[name].empty(result)
    got = SYMBOLIC_AGGREGATES[name](KIT, slots, result)
    if name == "select":
        assert [(_back(p, T.BOOL), _back(x, T.MONEY)) for p, x in got] == [(p, _plain(x)) for p, x in items]
        return
    if isinstance(got, KIT.Opt):
        defined = _back(got.defined, T.BOOL)
        assert defined == (expected is not None)
        if defined:
            assert _back(got.value, T.MONEY) == _plain(expected)
        return
    assert _back(got, result) == _plain(expected)
