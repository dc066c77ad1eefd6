"""`ledger.round_units`: fixed-point units (10⁻²⁸ øre) to øre, half away from zero as the scalar
ledger's `round_ore` rounds a Decimal, and a result within 10⁻¹² øre of a tie left to that ledger."""
from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np

from engine.columnar.ledger import TIE_REASON, UNIT, round_units


def _by_decimal(units: int) -> int:
    """The øre of `units` rounded half up (away from zero), by Decimal arithmetic."""
    with localcontext() as ctx:
        ctx.prec = 80
        return int((Decimal(units) / Decimal(UNIT)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_rounding_matches_decimal_half_up_and_marks_near_ties():
    rng = random.Random(4)
    half = UNIT // 2
    values = [rng.randint(-10 ** 36, 10 ** 36) for _ in range(2000)]
    # 1.5 øre and -1.5 øre (ties: away from zero), 2 øre exactly, 0, and just either side of a tie
    values += [3 * half, -3 * half, 2 * UNIT, 0, 7 * UNIT + half - 1, -(7 * UNIT + half + 1), half - 10 ** 17]
    per_case = np.full(len(values), None, dtype=object)
    per_case[0] = "kept"                              # a reason given already is not replaced
    got = round_units(np.array(values, dtype=object), per_case)
    assert got.tolist() == [_by_decimal(v) for v in values]
    assert got[-7:].tolist() == [2, -2, 2, 0, 7, -8, 0]
    ties = [i for i, v in enumerate(values) if abs(abs(v) % UNIT - half) < 10 ** 16]
    assert ties[-4:] == [len(values) - 7, len(values) - 6, len(values) - 3, len(values) - 2]
    assert [i for i, p in enumerate(per_case) if p == TIE_REASON] == [i for i in ties if i != 0]
    assert per_case[0] == "kept" and all(type(x) is int for x in got)


def test_a_tie_is_strictly_within_the_guard_on_either_side():
    half, guard = UNIT // 2, 10 ** 16
    values = [5 * UNIT + half + d for d in (-guard, -guard + 1, 0, guard - 1, guard)]
    values += [-v for v in values]
    per_case = np.full(len(values), None, dtype=object)
    got = round_units(np.array(values, dtype=object), per_case)
    assert got.tolist() == [5, 5, 6, 6, 6, -5, -5, -6, -6, -6] == [_by_decimal(v) for v in values]
    assert [p == TIE_REASON for p in per_case] == [False, True, True, True, False] * 2
