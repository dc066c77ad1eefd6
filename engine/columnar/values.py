"""Column values of the rule language: each compiled expression is a `Col`.

A `Col` is a Polars expression plus what it means: numbers (Money, Number, Percent) are
Int64 fixed-point with a *static* scale (`123` at scale 2 is 1.23), dates Int32 day
numbers, day durations Int64, month durations Int64 month counts, Bool, Text. `err` is
None (cannot fail) or a Boolean expression that is true on rows where the scalar
evaluator *might* raise; such rows are re-decided by the scalar evaluator, so `err` only
has to be a superset of the real failures.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl

from ..core.memos import memo
from ..lang import types as T
from ..values.money import Rounding
from .frame import to_day

__all__ = ["Col", "NestedValues", "NotColumnar", "MAX_SCALE", "kind_of", "literal", "rescale", "align", "any_err", "fixed",
           "round_fixed"]

MAX_SCALE = 12                      # INVARIANT: 10**12 × 9e6 øre-sized values stay inside Int64
_LIMIT = 9_000_000_000_000_000_000  # |value| below this never overflows Int64


class NotColumnar(Exception):
    """This expression has no vectorised form; evaluate it per case (see fallback.py)."""


@dataclass(frozen=True)
class Col:
    expr: pl.Expr
    kind: str                      # num | date | days | months | bool | text | none
    scale: int = 0
    err: pl.Expr | None = None
    const: Any = None              # the run-time value when the expression is a constant
    is_const: bool = False


@dataclass(frozen=True)
class NestedValues:
    """An aggregate nested in another's item or `where`: one value per item of the outer list,
    in the order of `run.long(outer_source)` (a Series, not a frame column like `Col`'s)."""

    values: pl.Series
    kind: str
    scale: int
    err: pl.Series | None


def kind_of(typ: T.Type | None) -> str:
    typ = T.unwrap(typ) if typ is not None else None
    if typ in (T.MONEY, T.NUMBER, T.PERCENT):
        return "num"
    if typ == T.DATE:
        return "date"
    if typ == T.DAYS:
        return "days"
    if typ == T.MONTHS:
        return "months"
    if typ == T.BOOL:
        return "bool"
    if typ == T.NONE:
        return "none"
    if isinstance(typ, (T.Enum, T.Scalar)):
        return "text"
    raise NotColumnar(f"no column form for {typ}")


def fixed(value: Decimal) -> tuple[int, int]:
    """A Decimal as (integer, scale), the scale being the digits after the point.

    >>> fixed(Decimal("12.25")), fixed(Decimal("0.10")), fixed(Decimal("1E+3"))
    ((1225, 2), (10, 2), (1000, 0))
    """
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise NotColumnar(f"{value} is not finite")
    if exponent >= 0:
        return int(value), 0
    scale = -exponent
    if scale > MAX_SCALE:
        normal = value.normalize()
        normal_exponent = normal.as_tuple().exponent
        if isinstance(normal_exponent, int) and -normal_exponent > MAX_SCALE:
            raise NotColumnar(f"{value} has more than {MAX_SCALE} decimals")
        return fixed(normal)
    return int(value.scaleb(scale)), scale


_LITERALS = memo(4096)      # (kind, type, repr) → Col: a policy's constants recur in every run and chunk


def literal(value: Any, typ: T.Type | None) -> Col:
    """A run-time constant (literal or parameter value) as a column (a `Col` is immutable, so one
    is made once per value and kind: building the Polars literal was ~3 % of a kravia chunk)."""
    if value is None:
        return Col(pl.lit(None), "none", const=None, is_const=True)
    kind = kind_of(typ)
    key = (kind, type(value), repr(value))      # repr: Decimal('1.0') and Decimal('1.00') differ in scale
    found = _LITERALS.get(key)
    if found is None:
        found = _LITERALS[key] = _literal(value, kind)
    return found


def _literal(value: Any, kind: str) -> Col:
    if kind == "num":
        number, scale = fixed(Decimal(value))
        return Col(pl.lit(number, dtype=pl.Int64), "num", scale, const=value, is_const=True)
    if kind == "date":
        return Col(pl.lit(to_day(value), dtype=pl.Int32), "date", const=value, is_const=True)
    if kind == "days":
        return Col(pl.lit(int(value), dtype=pl.Int64), "days", const=value, is_const=True)
    if kind == "months":
        return Col(pl.lit(value.count, dtype=pl.Int64), "months", const=value, is_const=True)
    if kind == "bool":
        return Col(pl.lit(bool(value)), "bool", const=value, is_const=True)
    return Col(pl.lit(str(value), dtype=pl.String), "text", const=value, is_const=True)


def any_err(*errs: pl.Expr | None) -> pl.Expr | None:
    """The rows where any of `errs` may fail (None when none can)."""
    present = [e for e in errs if e is not None]
    if not present:
        return None
    out = present[0]
    for e in present[1:]:
        out = out | e
    return out


def rescale(col: Col, scale: int) -> Col:
    """The same number at a larger scale (exact)."""
    if col.kind != "num" or col.scale == scale:
        return col
    if scale < col.scale:
        raise ValueError("rescale only widens")
    if scale > MAX_SCALE:
        raise NotColumnar("scale too large")
    factor = 10 ** (scale - col.scale)
    err = col.err
    if not col.is_const:
        err = any_err(err, col.expr.abs() >= _LIMIT // factor)
    return replace(col, expr=col.expr * factor, scale=scale, err=err)


def align(*cols: Col) -> list[Col]:
    """Numbers brought to one scale; other kinds unchanged."""
    scale = max((c.scale for c in cols if c.kind == "num"), default=0)
    return [rescale(c, scale) for c in cols]


def round_fixed(col: Col, rounding: Rounding) -> Col:
    """A number rounded as `rounding` (`values.money`) rounds a Decimal, in fixed point.

    Its `places` are the target scale; half up (ties away from zero) and floor are exact
    integer arithmetic, so the Decimal results are reproduced digit for digit, ties and
    negatives included.
    """
    target = rounding.places
    if rounding.mode not in (ROUND_HALF_UP, ROUND_FLOOR):
        raise NotColumnar(f"no fixed-point form of rounding {rounding.mode}")
    floor = rounding.mode == ROUND_FLOOR
    if col.scale <= target:
        return replace(col, is_const=False)
    unit = 10 ** (col.scale - target)
    x = col.expr
    if floor:
        return Col(x // unit, "num", target, col.err)
    magnitude = (x.abs() + unit // 2) // unit
    return Col(pl.when(x < 0).then(-magnitude).otherwise(magnitude), "num", target, col.err)
