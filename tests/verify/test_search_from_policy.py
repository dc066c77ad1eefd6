"""The law search and the history check read the policies, not Norwegian names (issue 22).

The search's base claim, letter steps, terms and excess fee come from the bound law
(engine/verify/search_figures.py); the history check finds the charge's part (Norway's salær)
and the day that judges it from the jurisdiction file (engine/decide/charge_part.py).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from engine.check.pipeline import load_catalog
from engine.decide.charge_part import judging_day, part_steps, recorded_outputs
from engine.verify.search_figures import search_figures

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalog():
    found, problems = load_catalog([ROOT / "policies"])
    assert not [d for d in problems if d.is_error]
    return found


def _figures(catalog, name: str, day: dt.date):
    main = catalog.resolve(name, day, False)
    return search_figures(catalog.bind(main, day, False), main.name, main.version.steps)


def test_norway_figures_come_from_no_regulation(catalog):
    f = _figures(catalog, "kravia", dt.date(2026, 3, 1))
    # salær bands start at 500 NOK: 2.5 × 500 = 1250; the 14-day terms; 2 × 38 (the 1/20 fee) = 76
    assert (f.base, f.term, f.short, f.excess_fee) == (Decimal("1250.00"), 14, 7, Decimal("76.00"))
    assert set(f.letter_steps) <= {"purring", "inkassovarsel", "betalingsoppfordring", "betalingsoppfordring_tungt"}
    assert "inkassovarsel" in f.letter_steps


def test_dutch_figures_come_from_nl_wik(catalog):
    f = _figures(catalog, "nl-incasso", dt.date(2025, 3, 1))
    # the BIK scale's first band ends at 2,500 EUR: 2.5 × 2500 = 6250; letter_term 14 days (the
    # receipt's 2 days once: 14 wins the tie-break as the longer); 2 × the 40 EUR minimum = 80
    assert (f.base, f.term, f.short, f.excess_fee) == (Decimal("6250.00"), 14, 7, Decimal("80.00"))
    assert f.letter_steps == ("herinnering", "veertiendagenbrief", "incassokosten")


def test_the_charge_part_is_the_jurisdictions(catalog):
    kravia = catalog.resolve("kravia", dt.date(2026, 3, 1), False)
    dutch = catalog.resolve("nl-incasso", dt.date(2025, 3, 1), False)
    assert "betalingsoppfordring" in part_steps(kravia) and part_steps(dutch) == frozenset()
    case = {"claims": [{"amount": Decimal("1000.00"), "credited": Decimal(0)}],
            "payments": [{"date": dt.date(2026, 2, 10), "amount": Decimal("600.00")},
                         {"date": dt.date(2026, 2, 20), "amount": Decimal("400.00")}]}
    # Norway (charge_part_judged_on: principal_paid): 600 + 400 covers the 1000 principal on 2026-02-20
    assert judging_day(kravia, case, dt.date(2026, 3, 1)) == dt.date(2026, 2, 20)
    assert judging_day(dutch, case, dt.date(2026, 3, 1)) is None
    assert recorded_outputs(dutch, Decimal("40"), False, None) == {"fee": Decimal("40"), "payment_deadline": None}
    assert recorded_outputs(kravia, Decimal("40"), True, None)["salaer"] == Decimal("40")


def test_the_search_counts_cases_per_constraint_for_every_jurisdiction(catalog, monkeypatch):
    """The Dutch letter constraints are tried on generated cases (the search once skipped every
    history of a ladder without `inkassovarsel`/`purring` steps)."""
    from engine.verify import law_search
    only = [v for v in catalog.checked.values() if v.version.name == "nl-incasso"]
    monkeypatch.setattr(catalog, "checked", {**{v.version.key: v for v in catalog.checked.values() if not v.rules},
                                             **{v.version.key: v for v in only}})
    tried: Counter = Counter()
    law_search.law_problems(catalog, tried)
    names = law_search.constraints_by_jurisdiction(catalog)["NL"]
    assert "nl-wik/letter-term" in names
    assert all(tried[("NL", name)] > 0 for name in names), {n: tried[("NL", n)] for n in names}
    report = law_search.tried_report(catalog, tried)
    assert report[0].startswith("law search:") and any("nl-wik/letter-term" in line for line in report)
