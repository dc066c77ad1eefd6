"""Business-day functions: they read the policy's calendar (`calendar: {country: …}`).

The scalar forms ask `values/calendar.BusinessCalendar`; the column forms gather from that
same calendar's precomputed day tables (`k.day_tables`, built from `is_business_day` for
every day from 1990 to 2100; a date outside them is flagged and decided per case).
"""
from __future__ import annotations

from .. import types as T
from .entry import Function, fixed_signature

__all__ = ["BUSINESS_DAY_FUNCTIONS"]


def _col_is_business_day(k, args, node):
    tables, idx, err = k.day_tables(args)
    return k.Col(k.pl.lit(tables.is_business).gather(idx), "bool", err=err)


def _col_next_business_day(k, args, node):
    tables, idx, err = k.day_tables(args)
    return k.Col(k.pl.lit(tables.next_business).gather(idx), "date", err=err)


def _col_add_business_days(k, args, node):
    pl = k.pl
    tables, idx, err = k.day_tables(args)
    count = args[1]
    if count.scale != 0:
        raise k.NotColumnar("a fractional count of business days")
    n = count.expr
    cum = pl.lit(tables.cumulative)
    forward = cum.gather(idx) + n - 1
    backward = cum.gather((idx - 1).clip(0, tables.size - 1)) + n
    position = pl.when(n >= 0).then(forward).otherwise(backward)
    size = tables.business_days.len()
    bad = (position < 0) | (position >= size)
    picked = pl.lit(tables.business_days).gather(position.clip(0, size - 1))
    out = pl.when(n == 0).then(args[0].expr.cast(pl.Int32)).otherwise(picked)
    return k.Col(out, "date", err=k.any_err(err, (n != 0) & bad, n.abs() > 20_000))


BUSINESS_DAY_FUNCTIONS = [
    Function("next_business_day", (1, 1), fixed_signature(T.DATE, result=T.DATE),
             lambda cal, d: cal.next_business_day(d), _col_next_business_day, needs_calendar=True,
             doc="the date, or the next business day"),
    Function("add_business_days", (2, 2), fixed_signature(T.DATE, T.NUMBER, result=T.DATE),
             lambda cal, d, n: cal.add_business_days(d, int(n)), _col_add_business_days, needs_calendar=True,
             doc="count business days"),
    Function("is_business_day", (1, 1), fixed_signature(T.DATE, result=T.BOOL),
             lambda cal, d: cal.is_business_day(d), _col_is_business_day, needs_calendar=True,
             doc="not a weekend or public holiday"),
]
