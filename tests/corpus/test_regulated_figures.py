"""Hand-checked figures a regulator would check first, decided through the bundled policies.

Every expected value is written out by hand from inkassoforskriften (not computed by the
engine): sats 700 NOK in 2025 and 750 NOK from 2026-01-01; lett salær multipliers 0.25,
0.35, 0.4, 0.8, 1.6, 3.6, 7.2 for principals up to 500, 1 000, 2 500, 10 000, 50 000,
250 000 and above; business debtors × 1.5.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from engine.policy.case import case_from_data
from engine.decide.decision import decide_case
from support.catalogs import bundled_catalog

CATALOG, _ = bundled_catalog()

# (principal, consumer 2025, business 2025, consumer 2026, business 2026)
LETT_SALAER = [
    ("500.00", "175.00", "262.50", "187.50", "281.25"),
    ("500.01", "245.00", "367.50", "262.50", "393.75"),
    ("1000.00", "245.00", "367.50", "262.50", "393.75"),
    ("1000.01", "280.00", "420.00", "300.00", "450.00"),
    ("2500.00", "280.00", "420.00", "300.00", "450.00"),
    ("2500.01", "560.00", "840.00", "600.00", "900.00"),
    ("10000.00", "560.00", "840.00", "600.00", "900.00"),
    ("10000.01", "1120.00", "1680.00", "1200.00", "1800.00"),
    ("50000.00", "1120.00", "1680.00", "1200.00", "1800.00"),
    ("50000.01", "2520.00", "3780.00", "2700.00", "4050.00"),
    ("250000.00", "2520.00", "3780.00", "2700.00", "4050.00"),
    ("250000.01", "5040.00", "7560.00", "5400.00", "8100.00"),
]


def decide(year: int, kind: str, amount: str, events=(), as_of=None, **extra):
    data = {
        "case_id": "REG", "policy": "kravia", "creditor": {"vat_registered": True}, "debtor": {"kind": kind},
        "claims": [{"invoice": "1", "amount": amount, "due": f"{year}-01-15", "handed_over": f"{year}-03-02"}],
        "events": list(events), **extra,
    }
    case = case_from_data(data, "<test>")
    return decide_case(CATALOG, case, as_of or dt.date(year, 3, 17), fast=True).to_dict(include_trace=False)


def varsel(year: int, fee: str = "0.00") -> dict:
    # Sent without a fee here, so the whole lett salær cap is left for the BO.
    return {"step": "inkassovarsel", "date": f"{year}-03-02", "fee": fee, "due": f"{year}-03-16"}


@pytest.mark.parametrize("principal, c2025, b2025, c2026, b2026", LETT_SALAER)
def test_lett_salaer_at_every_band_boundary(principal, c2025, b2025, c2026, b2026):
    got = {(year, kind): decide(year, kind, principal, [varsel(year)])["salaer"]
           for year in (2025, 2026) for kind in ("consumer", "business")}
    assert got == {(2025, "consumer"): c2025, (2025, "business"): b2025,
                   (2026, "consumer"): c2026, (2026, "business"): b2026}


def test_letter_fees_count_inside_the_salaer_cap():
    # 2026, 1 250 NOK: cap 300.00, the 38 NOK inkassovarsel already charged → 262.00.
    assert decide(2026, "consumer", "1250.00", [varsel(2026, "38.00")])["salaer"] == "262.00"


@pytest.mark.parametrize("year, fee", [(2025, "35.00"), (2026, "38.00")])
def test_the_inkassovarsel_fee_is_one_twentieth_of_the_sats_rounded_from_2026(year, fee):
    # 700 / 20 = 35; 750 / 20 = 37.50, rounded to whole kroner from 2026 → 38.
    d = decide(year, "consumer", "1250.00", as_of=dt.date(year, 3, 2))
    assert (d["action"], d["fee"]) == ("send_inkassovarsel", fee)


def test_egeninkasso_own_betalingsoppfordring_fee_is_three_twentieths_rounded():
    # 750 × 3 / 20 = 112.50 → 113 (no-regulation 2026); 700 × 3 / 20 = 105 (2025).
    for day, fee in ((dt.date(2025, 6, 1), D("105")), (dt.date(2026, 6, 1), D("113"))):
        law = CATALOG.resolve("no-regulation", day)
        assert law.params["own_bo_fee"] == fee


@pytest.mark.parametrize("as_of, action", [
    (dt.date(2026, 4, 28), "wait"),                               # 28 days after 31 March
    (dt.date(2026, 4, 29), "send_betalingsoppfordring_tungt"),    # 29 days: more than 28
])
def test_tungt_salaer_only_when_the_bo_deadline_is_missed_by_more_than_28_days(as_of, action):
    events = [varsel(2026, "38.00"),
              {"step": "betalingsoppfordring", "date": "2026-03-17", "fee": "262.00", "due": "2026-03-31"}]
    d = decide(2026, "consumer", "1250.00", events, as_of=as_of)
    assert d["action"] == action
    if action == "wait":
        assert d["not_before"] == "2026-04-29"
    else:
        # Tungt cap 0.8 × 750 = 600.00, less the 38 fee and the 262 lett salær → 300.00.
        assert d["salaer"] == "300.00"


def test_interest_across_the_new_year_through_the_policy():
    # 10 000 due 15 Dec 2025: 16 days at 12.25 % (53.6986) + 15 days at 12.00 % (49.3151).
    data = {"case_id": "NY", "policy": "kravia", "creditor": {"vat_registered": True}, "debtor": {"kind": "consumer"},
            "claims": [{"invoice": "1", "amount": "10000.00", "due": "2025-12-15"}]}
    d = decide_case(CATALOG, case_from_data(data, "<test>"), dt.date(2026, 1, 15), fast=True)
    assert d.amounts["interest"] == D("103.01")


@pytest.mark.parametrize("sent, deadline", [
    (dt.date(2026, 3, 19), "2026-04-07"),   # 2 Apr is Maundy Thursday; Good Friday, Easter, Easter Monday follow
    (dt.date(2025, 12, 11), "2025-12-29"),  # 25 Dec; 26 Dec is a holiday, then a weekend
    (dt.date(2026, 3, 20), "2026-04-07"),   # 3 Apr is Good Friday
    (dt.date(2026, 3, 10), "2026-03-24"),   # an ordinary Tuesday: no roll-over
])
def test_deadlines_roll_over_easter_and_christmas(sent, deadline):
    data = {"case_id": "HD", "policy": "kravia", "creditor": {"vat_registered": True}, "debtor": {"kind": "consumer"},
            "claims": [{"invoice": "1", "amount": "700.00", "due": (sent - dt.timedelta(days=30)).isoformat()}]}
    d = decide_case(CATALOG, case_from_data(data, "<test>"), sent, fast=True).to_dict(include_trace=False)
    assert (d["action"], d["payment_deadline"]) == ("send_inkassovarsel", deadline)
