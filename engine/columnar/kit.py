"""What a semantics entry's column form works with: Polars and the fixed-point column helpers.

The entries of `engine/lang/semantics` write their column forms against this kit (their first
argument, `k`), so the semantics layer never imports Polars and every form speaks the same
column representation (`values.py`). `ExprCompiler` is a `Kit`: the forms that need the
compiler's context (the policy's calendar tables, the item at a list position) ask it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl

from . import values as V
from .frame import to_day
from .values import MAX_SCALE, Col, NotColumnar, align, any_err, kind_of, literal, rescale, round_fixed

__all__ = ["Kit", "OuterValue"]

_DAY_MIN, _DAY_MAX = to_day(dt.date.min), to_day(dt.date.max)   # what a Python date (the scalar path) can hold
_BIG = 3_000_000_000        # a factor above this (in fixed-point units) may overflow Int64 in a product


class OuterValue(NotColumnar):
    """In element mode: the expression reads something other than the list item (a per-case value)."""


class Kit:
    """The column helpers, as attributes, for `entry.columnar(k, …)`."""

    pl = pl
    Col = Col
    # (annotations below say `V.Col`: in the class body `Col` names this attribute, not the type)
    NotColumnar = NotColumnar
    OuterValue = OuterValue
    MAX_SCALE = MAX_SCALE
    align = staticmethod(align)
    any_err = staticmethod(any_err)
    literal = staticmethod(literal)
    rescale = staticmethod(rescale)
    round_fixed = staticmethod(round_fixed)
    kind_of = staticmethod(kind_of)
    replace = staticmethod(replace)

    @staticmethod
    def too_big(col: V.Col) -> pl.Expr | None:
        """Rows where a factor of a product may be large enough to overflow (None for a constant)."""
        return None if col.is_const else col.expr.abs() > _BIG

    @staticmethod
    def date(expr: pl.Expr, err: pl.Expr | None) -> V.Col:
        """A computed day number, flagged where the scalar evaluator's date arithmetic would overflow."""
        out_of_range = (expr < _DAY_MIN) | (expr > _DAY_MAX)
        return Col(expr.cast(pl.Int32), "date", err=any_err(err, out_of_range))

    def day_tables(self, args: list[V.Col]):
        """(the policy calendar's day tables, the index of `args[0]`'s day, err of the args and range)."""
        raise NotColumnar("no calendar")     # ExprCompiler knows the policy's calendar
