"""The ledger behind `settle(...)`: interest across rate changes and payment allocation.

Every expected figure is worked out by hand in the comment above it (actual/365, simple
interest from the day after the due date, rounded to the øre once at the end).
"""
import datetime as dt
from decimal import Decimal as D

import pytest

from engine.values.ledger import parse_order, settle

RATES = [(dt.date(2026, 1, 1), D("0.12")), (dt.date(2025, 7, 1), D("0.1225"))]
ORDER = "costs, interest, principal"


def claim(amount, due, **extra):
    return {"amount": D(amount), "due": due, "credited": D(0), **extra}


def test_interest_across_the_new_year_uses_each_half_years_rate():
    # 16 days (16-31 Dec) at 12.25 %: 10 000 × 0.1225 × 16 / 365 = 53.6986
    # 15 days (1-15 Jan) at 12.00 %: 10 000 × 0.12 × 15 / 365 = 49.3151  → 103.01
    r = settle([claim("10000", dt.date(2025, 12, 15))], [], [], dt.date(2026, 1, 15), RATES, ORDER)
    assert r["interest"] == D("103.01") and r["principal"] == D("10000.00")
    assert r["total"] == D("10103.01")


def test_no_interest_on_or_before_the_due_date():
    r = settle([claim("500", dt.date(2026, 2, 1))], [], [], dt.date(2026, 2, 1), RATES, ORDER)
    assert r["interest"] == D("0.00")


def test_costs_first_then_interest_then_principal():
    # 1 000 due 15 Jan; fee 38 on 1 Feb; 100 paid 1 Mar.
    # Interest to 1 Mar: 45 days × 1000 × 0.12 / 365 = 14.7945.
    # The 100 pays 38 (fee), 14.7945 (interest), 47.2055 (principal) → 952.7945 left;
    # then 30 days to 31 Mar: 952.7945 × 0.12 × 30 / 365 = 9.3974.
    r = settle([claim("1000", dt.date(2026, 1, 15))], [{"date": dt.date(2026, 2, 1), "fee": D("38")}],
               [{"date": dt.date(2026, 3, 1), "amount": D("100")}], dt.date(2026, 3, 31), RATES, ORDER)
    assert (r["costs"], r["interest"], r["principal"], r["total"]) == (D("0.00"), D("9.40"), D("952.79"), D("962.19"))
    assert r["interest_accrued"] == D("24.19")          # 14.7945 + 9.3974


def test_principal_first_order_leaves_the_fee_and_less_interest():
    # Same case, principal first: 100 to principal → 900 left; interest 14.7945 unpaid;
    # then 900 × 0.12 × 30 / 365 = 8.8767 → interest 23.67, fee 38 unpaid.
    r = settle([claim("1000", dt.date(2026, 1, 15))], [{"date": dt.date(2026, 2, 1), "fee": D("38")}],
               [{"date": dt.date(2026, 3, 1), "amount": D("100")}], dt.date(2026, 3, 31), RATES,
               "principal, interest, costs")
    assert (r["costs"], r["interest"], r["principal"]) == (D("38.00"), D("23.67"), D("900.00"))


def test_a_payment_never_pays_a_fee_charged_after_it():
    # 50 paid on 20 Jan (interest 5 days: 1000 × 0.12 × 5 / 365 = 1.6438), fee 38 on 1 Feb.
    # Costs-first cannot take the later fee: 1.6438 to interest, 48.3562 to principal;
    # then 12 days to 1 Feb on 951.6438: × 0.12 × 12 / 365 = 3.7544.
    r = settle([claim("1000", dt.date(2026, 1, 15))], [{"date": dt.date(2026, 2, 1), "fee": D("38")}],
               [{"date": dt.date(2026, 1, 20), "amount": D("50")}], dt.date(2026, 2, 1), RATES, ORDER)
    assert (r["costs"], r["interest"], r["principal"]) == (D("38.00"), D("3.75"), D("951.64"))


def test_direct_payments_to_the_creditor_may_follow_their_own_order():
    # A direct payment of the full principal on the due date, principal first for the
    # creditor: the fee charged before it stays open (the case is not closed).
    r = settle([claim("1000", dt.date(2026, 1, 15))], [{"date": dt.date(2026, 1, 10), "fee": D("38")}],
               [{"date": dt.date(2026, 1, 15), "amount": D("1000"), "to": "creditor"}], dt.date(2026, 2, 15),
               RATES, ORDER, "principal, interest, costs")
    assert (r["principal"], r["interest"], r["costs"], r["total"]) == (D("0.00"), D("0.00"), D("38.00"), D("38.00"))


def test_claims_accrue_from_their_own_due_dates_and_oldest_is_paid_first():
    # A: 1 000 due 1 Jan; B: 2 000 due 1 Feb. 1 000 paid 1 Feb pays A's interest
    # (31 days: 10.1918) and 989.8082 of A. By 3 Mar: A 10.1918 × 0.12 × 30/365 = 0.1005,
    # B 2000 × 0.12 × 30 / 365 = 19.7260 → interest 19.83; principal 10.19 + 2000.
    r = settle([claim("2000", dt.date(2026, 2, 1)), claim("1000", dt.date(2026, 1, 1))], [],
               [{"date": dt.date(2026, 2, 1), "amount": D("1000")}], dt.date(2026, 3, 3), RATES, ORDER)
    assert (r["principal"], r["interest"]) == (D("2010.19"), D("19.83"))


def test_disputed_and_credited_amounts_are_not_in_the_ledger():
    r = settle([claim("1000", dt.date(2026, 1, 15), disputed=True),
                {"amount": D("800"), "credited": D("300"), "due": dt.date(2026, 1, 15)}],
               [], [], dt.date(2026, 1, 15), RATES, ORDER)
    assert r["principal"] == D("500.00")


def test_overpayment_is_reported_not_lost():
    r = settle([claim("100", dt.date(2026, 1, 15))], [], [{"date": dt.date(2026, 1, 15), "amount": D("150")}],
               dt.date(2026, 1, 31), RATES, ORDER)
    assert (r["total"], r["overpaid"], r["paid"]) == (D("0.00"), D("50.00"), D("150.00"))


@pytest.mark.parametrize("text", ["costs, interest", "costs, costs, principal", "fees, interest, principal"])
def test_an_order_must_name_every_bucket_once(text):
    with pytest.raises(ValueError, match="each of costs, interest, principal once"):
        parse_order(text)
