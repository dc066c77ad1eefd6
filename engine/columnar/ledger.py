"""The payment ledger (`values/ledger.py` `settle`) over a whole frame of cases at once.

The same computation as `settle`, for one allocation order, a simple (not compounding)
interest schedule and every payment in that order, vectorised over rows: claims are
exploded into a (row × claim) matrix sorted by due date, payments are taken in date order
one rank at a time (the first payment of every row, then the second, ...), and interest
over rate periods is a difference of the schedule's running sum of daily rates (the
interest on `amount` for the days after `start` up to `end` is `amount × (R(end) − R(start))
/ 365` where R(d) sums the rate in force on each day up to d, which is what `simple_interest`
adds period by period).

Why fixed point in Python integers and not Decimal or Int64: the scalar ledger keeps
amounts unrounded (Decimal, 28 digits) and rounds once at the end; here every amount is an
exact integer of 10⁻²⁸ øre in NumPy object arrays (a floor per division, never a float),
so the result differs from the Decimal one by far less than 10⁻¹² øre. Rounding to the øre
(half up) can only differ where a result lies that close to half an øre: such rows, and
rows the fixed point does not stand for (a date before the schedule's first entry, which
makes `settle` raise; a negative amount), are returned as `per_case` with the reason, for
the scalar path.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

__all__ = ["UNIT", "LedgerColumns", "RateLookup", "settle_columns", "round_units",
           "EARLY_REASON", "TIE_REASON", "NEGATIVE_REASON"]

UNIT = 10 ** 28                 # fixed-point units per øre
_GUARD = 10 ** 16               # a result within 10⁻¹² øre of half an øre is left to Decimal
_HALF = UNIT // 2
EARLY_REASON = "the law's interest schedule has no rate on a day interest runs (the scalar ledger names the error)"
TIE_REASON = "a ledger amount within 10⁻¹² øre of half an øre (rounded by the scalar ledger's Decimal)"
NEGATIVE_REASON = "a negative claim, fee or payment amount (left to the scalar ledger)"


def _places(rate: Decimal) -> int:
    """The digits after the point of a rate (a non-finite rate has no fixed-point form)."""
    exponent = rate.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError(f"the interest rate {rate} is not a finite number")
    return max(0, -exponent)


class RateLookup:
    """R(d) of one schedule over a span of day numbers: the running sum of each day's rate × `den`."""

    def __init__(self, schedule, low: int, high: int, to_day) -> None:
        places = max((_places(Decimal(rate)) for _, rate in schedule), default=0)
        self.den = 10 ** places
        starts = [(to_day(day), int(Decimal(rate) * self.den)) for day, rate in schedule]
        self.first = min((s for s, _ in starts), default=high + 2)
        self.low = low - 1
        span = high - self.low + 2
        daily = np.zeros(span, dtype=np.int64)
        for start, rate in reversed(starts):
            # as `value_on`: the first entry (in the schedule's order) on or before a day wins
            daily[max(start - self.low, 0):] = rate
        self.running = np.cumsum(daily).astype(object)    # Python ints: exact however long the span

    def at(self, days: np.ndarray) -> np.ndarray:
        return self.running[days - self.low]


@dataclass
class LedgerColumns:
    """`settle`'s results per row, in øre (Python ints), and the rows left to the scalar ledger."""

    principal: np.ndarray
    interest: np.ndarray
    costs: np.ndarray
    total: np.ndarray
    interest_accrued: np.ndarray
    paid: np.ndarray
    overpaid: np.ndarray
    per_case: np.ndarray          # object: None, or the reason the row needs the scalar ledger


def round_units(values: np.ndarray, per_case: np.ndarray) -> np.ndarray:
    """Units → øre, half up (away from zero, as `round_ore`); a near tie marks the row `per_case`.

    One pass over a Python list, the rounded values written back at once (a ledger rounds six
    amounts of every row: indexing object arrays per element cost a third of it). Half an øre is
    added before one floor division (of the magnitude: away from zero), so the remainder `s` says
    both how far the amount was from half an øre and on which side: below it `s` is the remainder
    plus a half (a tie when within `_GUARD` of `UNIT`), at or above it the remainder less a half
    (a tie when below `_GUARD`): the same quotient and ties as a divmod and a comparison with
    `_HALF`, in fewer operations (tests/columnar/test_columnar_rounding.py)."""
    rounded: list[int] = []
    ties: list[int] = []
    high = UNIT - _GUARD
    for i, v in enumerate(values.tolist()):
        if v >= 0:
            q, s = divmod(v + _HALF, UNIT)
            rounded.append(q)
        else:
            q, s = divmod(_HALF - v, UNIT)
            rounded.append(-q)
        if s < _GUARD or s > high:
            ties.append(i)
    for i in ties:
        if per_case[i] is None:
            per_case[i] = TIE_REASON
    out = np.empty(len(rounded), dtype=object)
    out[:] = rounded
    return out


def _matrix(row: np.ndarray, n: int, *columns: np.ndarray, fill=(0,)) -> list[np.ndarray]:
    """Long (row-sorted) values → (n × widest) matrices, item k of row r at [r, k]; padding `fill`."""
    counts = np.bincount(row, minlength=n)
    width = int(counts.max()) if len(row) else 0
    rank = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts)
    out = []
    for column, pad in zip(columns, fill if len(fill) == len(columns) else fill * len(columns)):
        m = np.full((n, width), pad, dtype=column.dtype)
        m[row, rank] = column
        out.append(m)
    return out + [counts]


def settle_columns(n: int, to: np.ndarray, claims: dict, fees: dict, payments: dict, rates: RateLookup,
                   order: tuple[str, ...], compensation: np.ndarray,
                   creditor_order: tuple[str, ...] | None = None) -> LedgerColumns:
    """`settle(claims, fees, payments, to, schedule, order, creditor_order, compensation)` for `n` rows.

    Each of `claims` (row, due, unpaid øre: undisputed claims), `fees` (row, date, fee øre:
    events with a fee) and `payments` (row, date, amount øre, optionally `creditor`: paid to the
    creditor, which follows `creditor_order`) holds NumPy arrays in long form, any order; `to` is each row's day number, `compensation` each row's § 3a amount
    in øre (0: none).
    """
    per_case = np.full(n, None, dtype=object)
    for part in (claims["unpaid"], fees["fee"], payments["amount"]):
        if len(part) and (part < 0).any():
            bad = claims["row"] if part is claims["unpaid"] else fees["row"] if part is fees["fee"] else payments["row"]
            per_case[np.unique(bad[part < 0])] = NEGATIVE_REASON
    # claims oldest due first (stable, as `sorted(book, key=due)`), as (row × claim) matrices
    k = np.lexsort((claims["due"], claims["row"]))
    crow = claims["row"][k]
    due, unpaid, ccount = _matrix(crow, n, claims["due"][k], claims["unpaid"][k].astype(object) * UNIT,
                                  fill=(np.iinfo(np.int32).max // 2, 0))
    has_claims = ccount > 0
    oldest = np.where(has_claims, due[:, 0] if due.shape[1] else to, to)
    # the costs charged up to a day: the larger of the fees so far and the § 3a compensation from
    # the day after the oldest due date (offset, never added); fees are counted up to `to` only
    comp_day = oldest + 1
    comp = np.where(has_claims & (comp_day <= to), compensation, 0)
    live = fees["date"] <= to[fees["row"]]
    frow, fdate, famount = fees["row"][live], fees["date"][live], fees["fee"][live].astype(np.int64)

    def charged_by(rows: np.ndarray, on: np.ndarray) -> np.ndarray:
        day = np.full(n, np.iinfo(np.int64).min // 2, dtype=np.int64)
        day[rows] = on
        upto = np.zeros(n, dtype=np.int64)
        hit = fdate <= day[frow]
        np.add.at(upto, frow[hit], famount[hit])
        level = np.maximum(upto, np.where(comp_day <= day, comp, 0))
        return level[rows].astype(object) * UNIT

    cursor = oldest.copy()
    zero = np.zeros(n, dtype=object)
    accrued, unpaid_interest, costs_taken, paid, overpaid = zero.copy(), zero.copy(), zero.copy(), zero.copy(), zero.copy()
    year = 365 * rates.den

    def accrue(rows: np.ndarray, end: np.ndarray) -> np.ndarray:
        total = np.zeros(len(rows), dtype=object)
        r_end = rates.at(end)
        for j in range(due.shape[1]):
            start = np.maximum(cursor[rows], due[rows, j])
            u = unpaid[rows, j]
            runs = (end > start) & (u > 0)
            if not runs.any():
                continue
            early = runs & (start + 1 < rates.first)
            if early.any():
                for i in rows[early]:
                    per_case[i] = per_case[i] or EARLY_REASON
                runs &= ~early
            delta = r_end - rates.at(np.where(runs, start, end))
            total += np.where(runs, u * delta // year, 0)
        return total

    # payments up to `to`, in date order (stable), one rank at a time
    live = payments["date"] <= to[payments["row"]]
    prow, pdate, pamount = payments["row"][live], payments["date"][live], payments["amount"][live]
    payer = payments.get("creditor", np.zeros(len(payments["row"]), dtype=bool))[live]
    k = np.lexsort((pdate, prow))
    days, amounts, creditor, pcount = _matrix(prow[k], n, pdate[k], pamount[k].astype(object) * UNIT, payer[k],
                                              fill=(0, 0, False))
    orders = [(False, order), (True, creditor_order or order)]

    def allocate(rows: np.ndarray, day: np.ndarray, left: np.ndarray, buckets: tuple[str, ...]) -> None:
        for bucket in buckets:
            active = left > 0
            if bucket == "costs":
                take = np.where(active, np.minimum(left, charged_by(rows, day) - costs_taken[rows]), 0)
                costs_taken[rows] += take
            elif bucket == "interest":
                take = np.where(active, np.minimum(left, unpaid_interest[rows]), 0)
                unpaid_interest[rows] -= take
            else:
                take = np.zeros(len(rows), dtype=object)
                for j in range(unpaid.shape[1]):
                    part = np.where(active, np.minimum(left - take, unpaid[rows, j]), 0)
                    unpaid[rows, j] -= part
                    take += part
            left = left - take
        overpaid[rows] += np.where(left > 0, left, 0)

    for rank in range(days.shape[1]):
        rows = np.nonzero(pcount > rank)[0]
        day = days[rows, rank]
        new = accrue(rows, day)
        accrued[rows] += new
        unpaid_interest[rows] += new
        cursor[rows] = np.maximum(cursor[rows], day)
        paid[rows] += amounts[rows, rank]
        for to_creditor, buckets in orders:       # a payment to the creditor may follow its own order
            mine = creditor[rows, rank] == to_creditor
            if mine.any():
                allocate(rows[mine], day[mine], amounts[rows[mine], rank], buckets)
    rows = np.arange(n)
    new = accrue(rows, to)
    accrued += new
    unpaid_interest += new
    costs_left = charged_by(rows, to) - costs_taken
    principal = round_units(unpaid.sum(axis=1) if unpaid.shape[1] else zero.copy(), per_case)
    interest, costs = round_units(unpaid_interest, per_case), round_units(costs_left, per_case)
    return LedgerColumns(principal, interest, costs, principal + interest + costs, round_units(accrued, per_case),
                         round_units(paid, per_case), round_units(overpaid, per_case), per_case)
