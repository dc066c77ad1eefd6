"""The axioms of the prover's abstract functions hold for the engine's own functions.

`engine/prove/kit.py` leaves `+ months`, `next_business_day`, `interest` and `settle`
uninterpreted and states axioms about them; a proof is only as good as those axioms, so
each is checked here against the function the engine runs, on random arguments.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from engine.prove.kit import NEXT_BUSINESS_DAY_GAP, month_bounds
from engine.values.calendar import calendar_for
from engine.values.interest import simple_interest
from engine.values.ledger import settle
from engine.values.money import is_ore_exact
from engine.values.time import DATE_MAX, DATE_MIN, add_months

SOME = settings(max_examples=80, deadline=None)
DATES = st.dates(DATE_MIN + dt.timedelta(days=4000), DATE_MAX - dt.timedelta(days=4000))
MONEY = st.integers(1, 10**7).map(lambda n: Decimal(n).scaleb(-2))


@pytest.mark.parametrize("months", [1, 3, 6, 12, 36, 120, -1, -6])
def test_the_month_bounds_hold_and_are_reached(months):
    lo, hi = month_bounds(months)
    assert lo <= hi
    # by hand: one month from 31 January is 28 February (28 days), from 31 July 31 August (31 days)
    if months == 1:
        assert (lo, hi) == (28, 31)
    if months == 6:             # 31 August → 28 February (181 days); 1 March → 1 September (184 days)
        assert (lo, hi) == (181, 184)


@SOME
@given(d=DATES, e=DATES, months=st.sampled_from([1, 3, 6, 12, 36, 120, -1, -6]))
def test_a_constant_number_of_months_stays_within_its_bounds_and_is_monotone(d, e, months):
    lo, hi = month_bounds(months)
    assert lo <= add_months(d, months).toordinal() - d.toordinal() <= hi
    if d <= e:
        assert add_months(d, months) <= add_months(e, months)


@SOME
@given(d=DATES, months=st.integers(-120, 120))
def test_any_number_of_months_stays_within_the_loose_bounds(d, months):
    gap = add_months(d, months).toordinal() - d.toordinal()
    if months >= 0:
        assert 28 * months - 3 <= gap <= 31 * months + 3
    else:
        assert 28 * -months - 3 <= -gap <= 31 * -months + 3


@pytest.mark.parametrize("country", ["NO", "NL"])
@settings(max_examples=25, deadline=None)
@given(year=st.integers(1901, 2198))
def test_next_business_day_axioms_over_a_whole_year(country, year):
    calendar = calendar_for(country, None)
    day, before = dt.date(year, 1, 1), None
    while day.year == year:
        nbd = calendar.next_business_day(day)
        assert day <= nbd <= day + dt.timedelta(days=NEXT_BUSINESS_DAY_GAP)
        assert calendar.next_business_day(nbd) == nbd
        assert before is None or before <= nbd
        day, before = day + dt.timedelta(days=1), nbd


RATES = [(dt.date(2026, 1, 1), Decimal("0.12")), (dt.date(2025, 7, 1), Decimal("0.1225")), (dt.date(1900, 1, 1), Decimal("0.08"))]


@SOME
@given(amount=st.one_of(st.just(Decimal(0)), MONEY), start=DATES, end=DATES)
def test_interest_is_zero_without_time_or_amount_and_never_negative(amount, start, end):
    got = simple_interest(amount, start, end, RATES)
    if end <= start or amount == 0:
        assert got == 0
    assert got >= 0


_DAY = st.integers(0, 400).map(lambda n: dt.date(2025, 1, 1) + dt.timedelta(days=n))


@SOME
@given(claims=st.lists(st.tuples(MONEY, _DAY), min_size=1, max_size=3), fees=st.lists(st.tuples(MONEY, _DAY), max_size=3),
       paid=st.lists(st.tuples(MONEY, _DAY), max_size=3), to=_DAY,
       compensation=st.one_of(st.none(), MONEY))
def test_settle_gives_whole_ore_none_negative_and_total_is_the_sum(claims, fees, paid, to, compensation):
    ledger = settle([{"due": d, "amount": a, "credited": Decimal(0)} for a, d in claims],
                    [{"date": d, "fee": a} for a, d in fees], [{"date": d, "amount": a} for a, d in paid],
                    to, RATES, "costs, interest, principal", None, compensation)
    assert all(v >= 0 and is_ore_exact(v) for v in ledger.values())
    assert ledger["total"] == ledger["principal"] + ledger["interest"] + ledger["costs"]
    # the principal left: at most the claims' principal, at least that less the payments made by `to`
    principal = sum((a for a, _ in claims), Decimal(0))
    assert principal - sum((a for a, d in paid if d <= to), Decimal(0)) <= ledger["principal"] <= principal


# ── the refinements' facts (engine/prove/kit.py `months_near`, engine/prove/queries.py) ──────────

@SOME
@given(d=DATES, shift=st.integers(-170, 170), months=st.sampled_from([1, 3, 6, 12, 36, -1, -6]))
def test_months_near_is_the_engines_add_months_in_the_months_around(d, shift, months):
    z3 = pytest.importorskip("z3")
    from engine.prove.kit import months_near
    day, result = z3.Int("day"), z3.Int("result")
    solver = z3.Solver()
    solver.add(*months_near(z3, day, result, months, d + dt.timedelta(days=shift)), day == d.toordinal())
    assert solver.check() == z3.sat
    assert solver.model()[result].as_long() == add_months(d, months).toordinal()


_EARLY = st.integers(0, 60).map(lambda n: dt.date(2019, 11, 1) + dt.timedelta(days=n))     # around 2020-01-01


@SOME
@given(claims=st.lists(st.tuples(MONEY, _EARLY, st.booleans()), min_size=1, max_size=3),
       paid=st.lists(st.tuples(MONEY, _EARLY), max_size=3), late=st.integers(1, 30))
def test_the_law_view_fails_exactly_where_the_prover_leaves_the_case_out(claims, paid, late):
    """queries.Window._law_view_fails: an undisputed claim due before the day before the schedule's
    first entry, decided after its due date, with less paid by then than the principal due by then."""
    from engine.core.errors import EvaluationError
    schedule = [(dt.date(2020, 1, 1), Decimal("0.08"))]
    book = [{"due": d, "amount": a, "credited": Decimal(0), "disputed": x} for a, d, x in claims]
    pays = [{"date": d, "amount": a} for a, d in paid]
    to = max(d for _, d, _ in claims) + dt.timedelta(days=late)
    pays = [p for p in pays if p["date"] <= to]

    def fails(c):
        if c["disputed"] or not c["due"] + dt.timedelta(days=1) < schedule[0][0] or not to > c["due"]:
            return False
        by_then = sum((p["amount"] for p in pays if p["date"] <= c["due"]), Decimal(0))
        owed = sum((x["amount"] for x in book if not x["disputed"] and x["due"] <= c["due"]), Decimal(0))
        return by_then < owed
    predicted = any(fails(c) for c in book)
    try:
        settle(book, [], pays, to, schedule, "costs, interest, principal")
        failed = False
    except EvaluationError:
        failed = True
    assert not predicted or failed          # never leaves out a case the engine decides


@SOME
@given(claims=st.lists(st.tuples(MONEY, _DAY, st.booleans()), min_size=1, max_size=3),
       extra=st.lists(MONEY, max_size=2), late=st.integers(0, 90))
def test_paid_in_full_by_the_first_due_date_leaves_a_law_balance_of_zero(claims, extra, late):
    """queries.Window.paid_in_full: no fee, no compensation, every payment by the earliest due date
    of the undisputed claims and together at least their principal: the law's balance is 0."""
    book = [{"due": d, "amount": a, "credited": Decimal(0), "disputed": x} for a, d, x in claims]
    undisputed = [c for c in book if not c["disputed"]]
    first = min((c["due"] for c in undisputed), default=dt.date(2025, 1, 1))
    principal = sum((c["amount"] for c in undisputed), Decimal(0))
    pays = [{"date": first, "amount": principal}] + [{"date": first - dt.timedelta(days=1), "amount": a} for a in extra]
    to = max(c["due"] for c in book) + dt.timedelta(days=late)
    ledger = settle(book, [], pays, to, RATES, "costs, interest, principal")
    assert ledger["total"] == 0
