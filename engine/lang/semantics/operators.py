"""The operators of the rule language: one entry per (operator, operand types).

Each `Operator` entry says what `left op right` gives (the type rule the checker uses),
how it runs on run-time values (Decimal, `datetime.date`, int days, `Months`), the Python
the compiler writes for it, and its fixed-point column form (or None: per case). Money is
a plain Decimal, so Money arithmetic is Decimal arithmetic under `DECIMAL_CONTEXT`; date
arithmetic is `values/time.py`'s, on pendulum (a month added to 31 January is the end of February).
"""
from __future__ import annotations

import datetime as dt
import operator
from typing import Any, Callable

from ...values.time import Months, add_days, add_months
from .. import types as T
from .entry import Columnar, Comparison, Operator, Unary

__all__ = ["OPERATORS", "UNARY", "COMPARISONS", "binary", "binary_result", "to_days"]

MONEY, NUMBER, PERCENT, DATE, DAYS, MONTHS = T.MONEY, T.NUMBER, T.PERCENT, T.DATE, T.DAYS, T.MONTHS


def to_days(value: Any) -> int:
    """A day count as an int (a Number times a duration may come out as a Decimal)."""
    as_int = int(value)
    if as_int != value:
        from ...core.errors import EvaluationError
        raise EvaluationError(f"{value} is not a whole number of days")
    return as_int


# ── scalar forms that are not a plain Python operator ─────────────────────────
def _date_plus_days(d: dt.date, n: int) -> dt.date:
    return add_days(d, n)


def _date_minus_days(d: dt.date, n: int) -> dt.date:
    return add_days(d, -n)


def _days_plus_date(n: int, d: dt.date) -> dt.date:
    return add_days(d, n)


def _date_plus_months(d: dt.date, m: Months) -> dt.date:
    return add_months(d, m.count)


def _date_minus_months(d: dt.date, m: Months) -> dt.date:
    return add_months(d, -m.count)


def _months_plus_date(m: Months, d: dt.date) -> dt.date:
    return add_months(d, m.count)


def _date_diff(a: dt.date, b: dt.date) -> int:
    return (a - b).days


def _days_times(n: int, k: Any) -> int:
    return to_days(n * k)


def _times_days(k: Any, n: int) -> int:
    return to_days(k * n)


def _months_times(m: Months, k: Any) -> Months:
    return Months(to_days(m.count * k))


def _times_months(k: Any, m: Months) -> Months:
    return Months(to_days(k * m.count))


# ── column forms (k: the columnar kit) ────────────────────────────────────────
def _col_num(method: str) -> Callable:
    def form(k, left, right, node):
        left, right = k.align(left, right)
        return k.Col(getattr(left.expr, method)(right.expr), "num", left.scale, k.any_err(left.err, right.err))
    return form


def _col_num_times(k, left, right, node):
    if left.scale + right.scale > k.MAX_SCALE:
        raise k.NotColumnar("product needs too many decimals")
    return k.Col(left.expr * right.expr, "num", left.scale + right.scale,
                 k.any_err(left.err, right.err, k.too_big(left), k.too_big(right)))


def _col_date_days(sign: int) -> Callable:
    def form(k, left, right, node):
        a, b = left.expr.cast(k.pl.Int64), right.expr.cast(k.pl.Int64)
        return k.date(a + b if sign > 0 else a - b, k.any_err(left.err, right.err))
    return form


def _col_date_diff(k, left, right, node):
    return k.Col(left.expr.cast(k.pl.Int64) - right.expr.cast(k.pl.Int64), "days", err=k.any_err(left.err, right.err))


def _col_date_months(sign: int) -> Callable:
    def form(k, left, right, node):
        date, months = (left, right) if left.kind == "date" else (right, left)
        as_date = date.expr.cast(k.pl.Date)
        if months.is_const:
            moved = as_date.dt.offset_by(f"{sign * months.const.count}mo")
        else:
            moved = as_date.dt.offset_by(k.pl.format("{}mo", months.expr * sign))
        return k.Col(moved.cast(k.pl.Int32), "date", err=k.any_err(left.err, right.err, months.err, date.err))
    return form


def _col_duration(method: str) -> Callable:
    def form(k, left, right, node):
        return k.Col(getattr(left.expr, method)(right.expr), left.kind, err=k.any_err(left.err, right.err))
    return form


def _col_duration_times(k, left, right, node):
    dur, num = (left, right) if left.kind != "num" else (right, left)
    err = k.any_err(left.err, right.err)
    product = dur.expr * num.expr
    if num.scale == 0:
        return k.Col(product, dur.kind, err=err)
    unit = 10 ** num.scale         # a fraction of a day or month is an error in the scalar form (`to_days`)
    return k.Col(product // unit, dur.kind, err=k.any_err(err, product % unit != 0))


def _plain(op: str, left: T.Type, right: T.Type, result: T.Type) -> Operator:
    impl = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}[op]
    if op == "/":
        columnar = None            # division is not exact in fixed point: per case
    elif op == "*":
        columnar = _col_num_times
    else:
        columnar = _col_num({"+": "__add__", "-": "__sub__"}[op])
    return Operator(op, left, right, result, impl, f"({{0}} {op} {{1}})", columnar)


def _special(op: str, left: T.Type, right: T.Type, result: T.Type, impl: Callable[[Any, Any], Any],
             columnar: Columnar | None, inline: str | None = None, cannot_fail: bool = False) -> Operator:
    helper = "_op" + impl.__name__
    return Operator(op, left, right, result, impl, inline or helper + "({0}, {1})", columnar, helper, cannot_fail)


_ENTRIES = [
    _plain("+", MONEY, MONEY, MONEY), _plain("-", MONEY, MONEY, MONEY),
    _plain("*", MONEY, NUMBER, MONEY), _plain("*", NUMBER, MONEY, MONEY),
    _plain("*", MONEY, PERCENT, MONEY), _plain("*", PERCENT, MONEY, MONEY),
    _plain("/", MONEY, NUMBER, MONEY), _plain("/", MONEY, MONEY, NUMBER),
    _plain("+", NUMBER, NUMBER, NUMBER), _plain("-", NUMBER, NUMBER, NUMBER),
    _plain("*", NUMBER, NUMBER, NUMBER), _plain("/", NUMBER, NUMBER, NUMBER),
    _plain("+", PERCENT, PERCENT, PERCENT), _plain("-", PERCENT, PERCENT, PERCENT),
    _plain("*", PERCENT, NUMBER, PERCENT), _plain("*", NUMBER, PERCENT, PERCENT), _plain("/", PERCENT, NUMBER, PERCENT),
    _plain("+", NUMBER, PERCENT, NUMBER), _plain("-", NUMBER, PERCENT, NUMBER),
    _special("+", DATE, DAYS, DATE, _date_plus_days, _col_date_days(1)),
    _special("-", DATE, DAYS, DATE, _date_minus_days, _col_date_days(-1)),
    _special("+", DAYS, DATE, DATE, _days_plus_date, _col_date_days(1)),
    _special("+", DATE, MONTHS, DATE, _date_plus_months, _col_date_months(1)),
    _special("-", DATE, MONTHS, DATE, _date_minus_months, _col_date_months(-1)),
    _special("+", MONTHS, DATE, DATE, _months_plus_date, _col_date_months(1)),
    _special("-", DATE, DATE, DAYS, _date_diff, _col_date_diff, "({0} - {1}).days", cannot_fail=True),
    Operator("+", DAYS, DAYS, DAYS, operator.add, "({0} + {1})", _col_duration("__add__")),
    Operator("-", DAYS, DAYS, DAYS, operator.sub, "({0} - {1})", _col_duration("__sub__")),
    _special("*", DAYS, NUMBER, DAYS, _days_times, _col_duration_times),
    _special("*", NUMBER, DAYS, DAYS, _times_days, _col_duration_times),
    Operator("+", MONTHS, MONTHS, MONTHS, operator.add, "({0} + {1})", _col_duration("__add__")),
    Operator("-", MONTHS, MONTHS, MONTHS, operator.sub, "({0} - {1})", _col_duration("__sub__")),
    _special("*", MONTHS, NUMBER, MONTHS, _months_times, _col_duration_times),
    _special("*", NUMBER, MONTHS, MONTHS, _times_months, _col_duration_times),
]

OPERATORS: dict[tuple[str, T.Type, T.Type], Operator] = {(e.op, e.left, e.right): e for e in _ENTRIES}


def binary(op: str, left: T.Type, right: T.Type) -> Operator:
    """The entry for `left op right` (the checker has proved it exists)."""
    return OPERATORS[(op, left, right)]


def binary_result(op: str, left: T.Type, right: T.Type) -> T.Type | None:
    """The result type of `left op right`, or None when the units do not combine.

    >>> str(binary_result("-", DATE, DATE)), binary_result("+", MONEY, DATE)
    ('Duration(days)', None)
    """
    entry = OPERATORS.get((op, left, right))
    return entry.result if entry is not None else None


# ── unary operators and comparisons ───────────────────────────────────────────
def _col_negate(k, inner):
    return k.replace(inner, expr=-inner.expr)


def _col_not(k, inner):
    return k.replace(inner, expr=~inner.expr)


UNARY: dict[str, Unary] = {
    # negating a Decimal rounds to the context and a Months has its own method; an int of days cannot fail
    "-": Unary("-", (MONEY, NUMBER, PERCENT, DAYS, MONTHS), operator.neg, "(-{0})", _col_negate, (DAYS,)),
    "not": Unary("not", (T.BOOL,), operator.not_, "(not {0})", _col_not, (T.BOOL,)),
}


def _col_equal(method: str) -> Callable:
    def form(k, left, right, node):
        left, right = k.align(left, right)
        return k.Col(getattr(left.expr, method)(right.expr), "bool", err=k.any_err(left.err, right.err))
    return form


def _col_order(method: str) -> Callable:
    def form(k, left, right, node):
        left, right = k.align(left, right)
        err = k.any_err(left.err, right.err)
        if isinstance(node.left.type, T.Optional) or isinstance(node.right.type, T.Optional):
            err = k.any_err(err, left.expr.is_null() | right.expr.is_null())   # the scalar form raises on none
        return k.Col(getattr(left.expr, method)(right.expr), "bool", err=err)
    return form


COMPARISONS: dict[str, Comparison] = {c.op: c for c in [
    Comparison("==", False, operator.eq, "({0} == {1})", _col_equal("eq_missing")),
    Comparison("!=", False, operator.ne, "({0} != {1})", _col_equal("ne_missing")),
    Comparison("<", True, operator.lt, "({0} < {1})", _col_order("__lt__")),
    Comparison("<=", True, operator.le, "({0} <= {1})", _col_order("__le__")),
    Comparison(">", True, operator.gt, "({0} > {1})", _col_order("__gt__")),
    Comparison(">=", True, operator.ge, "({0} >= {1})", _col_order("__ge__")),
]}
