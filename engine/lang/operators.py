"""Run-time implementations of the operators, chosen by the operand *types*.

The checker has already proved the types, so each operator is one small function over
run-time values (Decimal, int days, `Months`, `datetime.date`). The evaluator and the
compiler both take their implementations from here, which is what keeps them in parity.
"""
from __future__ import annotations

import datetime as dt
import operator
from typing import Any, Callable

from . import types as T
from ..values.time import Months, add_months

__all__ = ["binary_impl", "COMPARE", "to_days", "inline_template", "special_helpers"]


def to_days(value: Any) -> int:
    """A day count as an int (a Number times a duration may come out as a Decimal)."""
    as_int = int(value)
    if as_int != value:
        from ..core.errors import EvaluationError
        raise EvaluationError(f"{value} is not a whole number of days")
    return as_int


def _date_plus_days(d: dt.date, n: int) -> dt.date:
    return d + dt.timedelta(days=n)


def _date_minus_days(d: dt.date, n: int) -> dt.date:
    return d - dt.timedelta(days=n)


def _date_plus_months(d: dt.date, m: Months) -> dt.date:
    return add_months(d, m.count)


def _date_minus_months(d: dt.date, m: Months) -> dt.date:
    return add_months(d, -m.count)


def _date_diff(a: dt.date, b: dt.date) -> int:
    return (a - b).days


def _days_plus_date(n: int, d: dt.date) -> dt.date:
    return d + dt.timedelta(days=n)


def _months_plus_date(m: Months, d: dt.date) -> dt.date:
    return add_months(d, m.count)


def _days_times(n: int, k: Any) -> int:
    return to_days(n * k)


def _times_days(k: Any, n: int) -> int:
    return to_days(k * n)


def _months_times(m: Months, k: Any) -> Months:
    return Months(to_days(m.count * k))


def _times_months(k: Any, m: Months) -> Months:
    return Months(to_days(k * m.count))


_SPECIAL: dict[tuple[str, T.Type, T.Type], Callable[[Any, Any], Any]] = {
    ("+", T.DATE, T.DAYS): _date_plus_days,
    ("-", T.DATE, T.DAYS): _date_minus_days,
    ("+", T.DAYS, T.DATE): _days_plus_date,
    ("+", T.DATE, T.MONTHS): _date_plus_months,
    ("-", T.DATE, T.MONTHS): _date_minus_months,
    ("+", T.MONTHS, T.DATE): _months_plus_date,
    ("-", T.DATE, T.DATE): _date_diff,
    ("*", T.DAYS, T.NUMBER): _days_times,
    ("*", T.NUMBER, T.DAYS): _times_days,
    ("*", T.MONTHS, T.NUMBER): _months_times,
    ("*", T.NUMBER, T.MONTHS): _times_months,
}

_PLAIN = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}

COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
           ">": operator.gt, ">=": operator.ge}


def binary_impl(op: str, left: T.Type, right: T.Type) -> tuple[Callable[[Any, Any], Any], str | None]:
    """The implementation of `left op right`, and the helper name if it is not a plain operator."""
    special = _SPECIAL.get((op, left, right))
    if special is not None:
        return special, "_op" + special.__name__
    return _PLAIN[op], None


# Inline forms of helpers for the compiler (the same operation as the helper above, without
# the call): `{0}` and `{1}` are the compiled operands.
_INLINE = {
    "_op_date_diff": "({0} - {1}).days",
    "_op_date_plus_days": "({0} + _timedelta(days={1}))",
    "_op_date_minus_days": "({0} - _timedelta(days={1}))",
    "_op_days_plus_date": "({1} + _timedelta(days={0}))",
}


def inline_template(helper: str) -> str | None:
    """The compiler's inline form of an operator helper, or None to call the helper."""
    return _INLINE.get(helper)


def special_helpers() -> dict[str, Callable]:
    """Every non-plain operator by the helper name the compiler emits."""
    return {"_op" + fn.__name__: fn for fn in _SPECIAL.values()}
