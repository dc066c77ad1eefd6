"""The lawful part of a recorded fee the law did not allow, found as columns (`history._lawful_part`).

`judge_history` lowers a recorded fee that breaks a constraint to the largest amount (to the øre)
the law allowed: lawfulness falls as the fee rises (every bundled constraint is a cap or a
`fee > 0` test), so that amount is the boundary below the lowest fee the law forbids. Per case
it is a search of judgments, one `violations` call each. Here the fees of a whole frame are
searched at once: each round stacks every fee still searched, once per amount tried, into one
frame of recorded letters (the same frame the columns' verdicts judged, with only the fee columns
changed) and runs the constraints over it as columns (`law_columns.constraint_flags`).

Fees that share a step, a salær role and an amount under the same law versions usually share their
part (a cap is a figure of the law): the first of each such fee is searched over a wide grid of
amounts, the others then try every amount left between its bounds, or confirm its part with two
amounts (the part allowed, one øre more forbidden) as `judge_history`'s hints do per case: two
rounds for most sets of versions. Only where a set of versions has enough such fees to pay for
those runs (`SEARCHED_FROM`); fewer are left to `judge_history`. A fee whose judgment might fail as columns
(`unsure`), or whose amounts contradict the rule that lawfulness falls as the fee rises, is left
out: `judge_history` searches it itself, as before.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["lawful_parts", "grid", "worth_searching", "SEARCHED_FROM", "CONFIRMED_FROM"]

# A search here costs about two constraint runs per set of law versions (≈ 30 ms CPU each on the
# project's machine, most of it the compiler and Polars' fixed cost per collect); `judge_history`
# confirms a part found for an earlier fee of the same kind in two judgments (≈ 0.4 ms). The columns
# search where a set of versions has more fees to search than those runs cost in confirmations
# (measured on kravia's workload, `bench/kravia_cpu.py`: 135–222 fees a version group per 100,000
# rows searched either way cost the same CPU time).
SEARCHED_FROM = 250
# Where the part of every kind is known already (`history.parts_found`: an earlier chunk, or the
# cases judged before), one run confirms them all (≈ 20–30 ms against 0.4 ms a fee).
CONFIRMED_FROM = 100


def worth_searching(fees: int, all_known: bool = False) -> bool:
    """Whether `fees` forbidden fees of one set of law versions are searched as columns (`all_known`:
    the part of each one's kind is known, so one run confirms them)."""
    return fees >= (CONFIRMED_FROM if all_known else SEARCHED_FROM)


_GRID = 512         # amounts tried at once for the first fee of a kind: a 1,000 kr fee takes two rounds
_ROUNDS = 24        # at most (a grid narrows an interval 512 times; 2 ** 24 øre is 167,772 kr)


def grid(low: int, high: int) -> list[int]:
    """Up to `_GRID` amounts strictly between `low` (allowed) and `high` (forbidden), evenly spread."""
    width = high - low - 1
    if width < 1:
        return []
    count = min(width, _GRID)
    return np.unique(low + 1 + (np.arange(count) * width) // count).tolist()


def lawful_parts(fee: np.ndarray, kinds: list, broken: Callable[[np.ndarray, np.ndarray], tuple],
                 known: dict | None = None) -> dict[int, int]:
    """Fee `i` → its lawful part in øre, for the fees of one set of law versions found as columns.

    `fee`: the recorded fees (øre), each forbidden already (its verdict broke a constraint);
    `kinds`: per fee, what fees sharing a part share (step, salær or not, amount); `broken(rows,
    amounts)`: per amount tried for fee `rows[k]`, whether the law forbids it and whether that
    judgment is unsure, as two boolean arrays (None when the constraints have no column form);
    `known`: kind → the part found for such a fee before (`history.parts_found`), confirmed first."""
    n = len(fee)
    low = np.zeros(n, dtype=np.int64)              # an amount allowed (0: none known; 0 is owed then)
    high = fee.astype(np.int64).copy()             # an amount forbidden
    open_ = high - low > 1                         # a 1-øre fee forbidden: nothing is owed (no search)
    given_up = high < 1                            # not a fee the search knows (judge_history's own)
    part_of_kind: dict = dict(known or {})         # kind → the part its first fee was found to have
    bounds_of_kind: dict = {}                      # kind → the bounds of a fee of it searched over a grid
    for _ in range(_ROUNDS):
        if not open_.any():
            break
        rows, amounts, leaders = _amounts_to_try(low, high, open_, kinds, part_of_kind, bounds_of_kind)
        if not len(rows):
            break
        got = broken(rows, amounts)
        if got is None:
            return {}
        forbidden, unsure = got
        doubtful = np.unique(rows[unsure])
        open_[doubtful] = False                    # judge_history names the error
        given_up[doubtful] = True
        keep = open_[rows]
        rows, amounts, forbidden = rows[keep], amounts[keep], forbidden[keep]
        allowed_max = np.zeros(n, dtype=np.int64)
        np.maximum.at(allowed_max, rows[~forbidden], amounts[~forbidden])
        forbidden_min = np.full(n, np.iinfo(np.int64).max)
        np.minimum.at(forbidden_min, rows[forbidden], amounts[forbidden])
        low = np.maximum(low, allowed_max)
        high = np.minimum(high, forbidden_min)
        contradicted = open_ & (low >= high)       # an allowed amount above a forbidden one
        open_ &= ~contradicted
        given_up |= contradicted
        for kind, r in leaders.items():
            if not given_up[r]:
                bounds_of_kind[kind] = (int(low[r]), int(high[r]))
        done = open_ & (high - low == 1)
        for r in np.nonzero(done)[0].tolist():
            part_of_kind.setdefault(kinds[r], int(low[r]))
        open_ &= ~done
    found = ~given_up & ~open_ & (high - low == 1)
    return {int(r): int(low[r]) for r in np.nonzero(found)[0]}


def _amounts_to_try(low: np.ndarray, high: np.ndarray, open_: np.ndarray, kinds: list, part_of_kind: dict,
                    bounds_of_kind: dict) -> tuple[np.ndarray, np.ndarray, dict]:
    """(fee rows, amounts, kind → the fee searched over a grid) of one round: a fee whose kind has a
    part found inside its bounds tries that part and one øre more; one whose kind's bounds a grid
    narrowed already (to fewer than `_GRID` amounts) every amount between them, both included (this
    fee was not tried at them); the first open fee of each other kind a grid over its own bounds;
    the rest wait for it."""
    rows: list[np.ndarray] = []
    amounts: list[np.ndarray] = []
    leaders: dict = {}
    for r in np.nonzero(open_)[0].tolist():
        lo, hi, kind = int(low[r]), int(high[r]), kinds[r]
        part, near = part_of_kind.get(kind), bounds_of_kind.get(kind)
        tried: list[int] = []
        if part is not None and lo <= part < hi and (part > lo or part + 1 < hi):
            tried = [a for a in (part, part + 1) if lo < a < hi]
        elif part is None and near is not None and kind not in leaders:
            start, stop = max(near[0], lo + 1), min(near[1], hi - 1)
            if stop - start < _GRID:
                tried = list(range(start, stop + 1))
        if not tried:
            if kind in leaders:
                continue
            leaders[kind] = r
            tried = grid(lo, hi)
        rows.append(np.full(len(tried), r, dtype=np.int64))
        amounts.append(np.asarray(tried, dtype=np.int64))
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), leaders
    return np.concatenate(rows), np.concatenate(amounts), leaders
