"""Dated rates: a schedule's value on a day, and simple interest across rate changes.

Shared by the `value_on`/`interest` functions of the rule language and by the ledger
behind `settle` (values/ledger.py), so interest is computed one way everywhere.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..core.errors import EvaluationError

__all__ = ["value_on", "simple_interest"]


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
