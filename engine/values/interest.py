"""Dated rates: a schedule's value on a day, and interest across rate changes.

Shared by the `value_on`/`interest` functions of the rule language and by the ledger
behind `settle` (values/ledger.py), so interest is computed one way everywhere.

A schedule of rates may compound: `CompoundingSchedule` (a list of (from, rate) entries, as
any schedule, with `compounding = "yearly"`) says that after each full year of interest the
year's interest is added to the amount interest runs on (art. 6:119 lid 2 and 6:119a lid 3
BW); a plain list never compounds (the Norwegian forsinkelsesrente). The policy states it as
data: `compounding: yearly` on the parameter.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..core.errors import EvaluationError

# A rate schedule: (first day, yearly rate) pairs by date (a CompoundingSchedule when it compounds).
Schedule = list[tuple[dt.date, Decimal]]

__all__ = ["value_on", "simple_interest", "interest_on", "CompoundingSchedule", "Schedule", "compounds", "anniversary"]


class CompoundingSchedule(list):
    """A schedule of rates whose interest is added to the amount it runs on after each year."""

    compounding = "yearly"

    def __repr__(self) -> str:
        return f"CompoundingSchedule({list.__repr__(self)})"


def compounds(schedule: Schedule) -> bool:
    return getattr(schedule, "compounding", None) == "yearly"


def anniversary(start: dt.date, years: int) -> dt.date:
    """`start` plus whole years (29 February → 28 February in a common year)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def value_on(schedule: list[tuple[dt.date, Any]], day: dt.date) -> Any:
    """The latest entry on or before `day` (schedules are stored newest first)."""
    for start, value in schedule:
        if start <= day:
            return value
    raise EvaluationError(f"the schedule has no value on {day} (it starts {schedule[-1][0]})",
                          help="add an earlier entry to the schedule")


def simple_interest(amount: Decimal, start: dt.date, end: dt.date, schedule: list[tuple[dt.date, Decimal]]) -> Decimal:
    """Simple interest, actual/365, split at every rate change between `start` and `end`.

    Interest runs from the day after `start` up to and including `end`; nothing is due
    when `end` is not after `start`. Unrounded: the policy rounds where it reports.

    >>> s = [(dt.date(2026, 1, 1), Decimal("0.12")), (dt.date(2025, 7, 1), Decimal("0.1225"))]
    >>> simple_interest(Decimal("1000"), dt.date(2025, 12, 31), dt.date(2026, 1, 31), s)
    Decimal('10.19178082191780821917808219')
    """
    if end <= start or amount == 0:
        return Decimal(0)
    total = Decimal(0)
    boundaries = sorted({d for d, _ in schedule if start < d <= end})
    cursor = start
    for boundary in boundaries + [end + dt.timedelta(days=1)]:
        last_day = min(boundary - dt.timedelta(days=1), end)
        days = (last_day - cursor).days
        if days > 0:
            rate = value_on(schedule, cursor + dt.timedelta(days=1))
            total += amount * rate * days / 365
        cursor = last_day
    return total


def interest_on(amount: Decimal, start: dt.date, end: dt.date, schedule: Schedule) -> Decimal:
    """Interest on `amount` for the days after `start` up to `end`: simple, or compounded yearly
    when the schedule says so (after each full year from `start`, the year's interest is added
    to the amount it runs on). Unrounded.

    >>> s = CompoundingSchedule([(dt.date(2020, 1, 1), Decimal("0.10"))])
    >>> round(interest_on(Decimal("1000"), dt.date(2025, 1, 1), dt.date(2027, 1, 1), s), 2)   # 1000 × 1.1² − 1000
    Decimal('210.00')
    """
    if not compounds(schedule):
        return simple_interest(amount, start, end, schedule)
    base, total, cursor, years = amount, Decimal(0), start, 1
    while cursor < end:
        upto = min(anniversary(start, years), end)
        part = simple_interest(base, cursor, upto, schedule)
        total += part
        base += part
        cursor, years = upto, years + 1
    return total
