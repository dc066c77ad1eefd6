"""The øre search for a recorded fee's lawful part finds the same boundary with any hint.

`decide/history.py` searches the largest fee the law allowed; a batch passes the part found
for the same fee, step and versions in an earlier case as a hint. Lawfulness falls as the fee
rises, so the answer is the one boundary whatever the hint: these tests check it for hints
below, at, just above and far above the boundary, out of range, and for a letter that may cost
nothing, and that a right hint needs only two judgments.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from engine.decide.history import _lawful_part


def _cap(ore: int):
    """A law that allows a fee up to `ore` øre (broken above it), counting the judgments made."""
    calls = []

    def broken_at(fee: Decimal) -> bool:
        calls.append(fee)
        return fee * 100 > ore
    return broken_at, calls


@pytest.mark.parametrize("cap", [1, 2, 3500, 3800, 6999])
@pytest.mark.parametrize("hint", [None, "0.01", "0.02", "10.00", "35.00", "35.01", "37.99", "38.00", "69.99",
                                  "70.00", "500.00"])
def test_any_hint_finds_the_same_part(cap, hint):
    fee = Decimal("70.00")
    plain, _ = _cap(cap)
    hinted, _ = _cap(cap)
    want = _lawful_part(fee, plain)
    assert want == Decimal(cap) / 100           # the largest lawful amount, to the øre
    assert _lawful_part(fee, hinted, None if hint is None else Decimal(hint)) == want


def test_nothing_owed_when_the_letter_may_cost_nothing():
    def broken_at(fee):
        return True
    assert _lawful_part(Decimal("70.00"), broken_at, Decimal("35.00")) == Decimal("0.00")


def test_a_right_hint_takes_two_judgments():
    broken_at, calls = _cap(3500)
    assert _lawful_part(Decimal("70.00"), broken_at, Decimal("35.00")) == Decimal("35.00")
    assert calls == [Decimal("35.00"), Decimal("35.01")]
    broken_at, calls = _cap(3500)
    _lawful_part(Decimal("70.00"), broken_at)
    assert len(calls) > 10                      # the search without a hint
