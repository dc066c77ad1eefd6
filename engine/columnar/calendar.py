"""Business days as lookup columns: a calendar's days from 1990 to 2100, precomputed once.

`next_business_day`, `add_business_days` and `is_business_day` become gathers into these
tables; a date outside the range is flagged (`err`) so the row is decided per case.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from ..values.calendar import BusinessCalendar
from .frame import to_day

__all__ = ["DayTables", "day_tables"]

FIRST = dt.date(1990, 1, 1)
LAST = dt.date(2100, 12, 31)


@dataclass(frozen=True)
class DayTables:
    base: int                  # day number of FIRST
    size: int
    is_business: pl.Series     # Boolean per day
    next_business: pl.Series   # Int32: the day itself or the next business day
    cumulative: pl.Series      # Int64: business days in [FIRST, day]
    business_days: pl.Series   # Int32: every business day, ascending

    def index(self, day: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        """(clipped index into the tables, flag for days outside the safe range)."""
        idx = day.cast(pl.Int64) - self.base
        outside = (idx < 1) | (idx >= self.size - 40)
        return idx.clip(0, self.size - 1), outside


@lru_cache(maxsize=8)
def day_tables(calendar: BusinessCalendar) -> DayTables:
    """The lookup tables of one calendar (cached per calendar)."""
    days = (LAST - FIRST).days + 1
    flags = []
    day = FIRST
    for _ in range(days):
        flags.append(calendar.is_business_day(day))
        day += dt.timedelta(days=1)
    base = to_day(FIRST)
    nxt = [0] * days
    upcoming = base + days - 1
    for i in range(days - 1, -1, -1):
        if flags[i]:
            upcoming = base + i
        nxt[i] = upcoming
    cumulative, count = [], 0
    for flag in flags:
        count += flag
        cumulative.append(count)
    business = [base + i for i, flag in enumerate(flags) if flag]
    return DayTables(base, days, pl.Series(flags, dtype=pl.Boolean), pl.Series(nxt, dtype=pl.Int32),
                     pl.Series(cumulative, dtype=pl.Int64), pl.Series(business, dtype=pl.Int32))
