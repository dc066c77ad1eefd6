"""Per-case fallback: a top-level expression the columnar compiler cannot vectorise.

The expression is turned into Python by the scalar compiler's own emitter
(`engine.run.compiler.compile_expression`, so the rule is still written once) and called once per case
on run-time values rebuilt from the columns (`cases_from_frame`). Results go back into a
column when they fit one (numbers in fixed point); a row whose evaluation raises gets
`err`, so it is re-decided, and its error reported, by the scalar evaluator.
"""
from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import polars as pl

from ..core.errors import EvaluationError
from ..lang import ast
from ..run.compiler import compile_expression
from ..values.money import DECIMAL_CONTEXT
from ..values.time import Months
from .frame import AS_OF, from_day, to_day
from .values import Col, NotColumnar, fixed, kind_of

if TYPE_CHECKING:
    from .services import RunServices

__all__ = ["per_case", "to_python", "column_values", "FAILED"]

FAILED = object()          # marks a row whose scalar evaluation raised


def to_python(series: pl.Series, col: Col) -> list[Any]:
    """Column values back to run-time values (Decimal, date, int days, Months)."""
    values = series.to_list()
    if col.kind == "num":
        return [None if v is None else Decimal(v).scaleb(-col.scale) for v in values]
    if col.kind == "date":
        return [from_day(v) for v in values]
    if col.kind == "months":
        return [None if v is None else Months(v) for v in values]
    return values


def column_values(frame: pl.DataFrame, col: Col, rows: list[int] | None = None) -> list[Any]:
    """`col`'s run-time values over `frame`, `FAILED` on rows where it (may have) failed; of `rows`
    only when given (in that order)."""
    err = col.err if col.err is not None else pl.lit(False)
    got = frame.select(col.expr.alias("v"), err.alias("e"))
    if rows is not None:
        got = got[rows]
    values = to_python(got.get_column("v"), col)
    return [FAILED if bad else v for v, bad in zip(values, got.get_column("e").to_list())]


def _definition_at(run: RunServices, policy: str, name: str, rows: list[int]) -> dict[int, Any]:
    """A definition's run-time values at `rows` (row → value): a few rows left to the scalar ledger do
    not turn the whole column into Decimals (1 M kravia rows: 3 % of the main thread did)."""
    try:
        col = run.definition(policy, name)
    except NotColumnar:         # held per case only: its values are there already
        held = run.python_definition(policy, name)
        return {i: held[i] for i in rows}
    return dict(zip(rows, column_values(run.frame, col, rows)))


def per_case(run: RunServices, node: ast.Expr, policy: str, mask: pl.Series | None) -> tuple[list[Any], Col | None]:
    """Evaluate `node` for the rows in `mask` (all rows if None).

    Returns the run-time values (None outside the mask, `FAILED` where it raised) and,
    when they fit, a `Col` holding them (with `err` on failed rows) for vector code.
    """
    function, defs = compile_expression(run.bindings, node, policy)
    picked: list[int] = [] if mask is None else mask.arg_true().to_list()
    rows = range(run.frame.height) if mask is None else picked
    inputs: list[Any]
    if mask is not None and len(picked) * 4 < run.frame.height:
        # a few rows (a ledger left to Decimal): only they become case dicts and definition values
        cases: Any = dict(zip(picked, run.python_cases_at(picked, _roots(node))))
        inputs = [_definition_at(run, p, n, picked) for p, n in defs]
    else:
        cases = run.python_cases(_roots(node))
        inputs = [run.python_definition(p, n) for p, n in defs]
    days = run.frame.get_column(AS_OF).to_list()
    out: list[Any] = [None] * run.frame.height
    with decimal.localcontext(DECIMAL_CONTEXT):
        for i in rows:
            args = [values[i] for values in inputs]
            if any(a is FAILED for a in args):
                out[i] = FAILED
                continue
            try:
                out[i] = function(cases[i], from_day(days[i]), *args)
            except (EvaluationError, ArithmeticError, KeyError, TypeError, ValueError, AttributeError):
                out[i] = FAILED
    return out, _as_column(out, node)


def _roots(node: ast.Expr) -> frozenset[str]:
    """The case's root fields `node` reads itself (definitions come in as arguments)."""
    return frozenset(n.ref.name for n in ast.walk(node)
                     if isinstance(n, ast.Path) and n.ref is not None and n.ref.kind == "field")


def _as_column(values: list[Any], node: ast.Expr) -> Col | None:
    """The per-case values as a column (`err` on failed rows); None if they fit none (then only run-time values)."""
    try:
        kind = kind_of(node.type)
    except NotColumnar:
        return None
    failed = [v is FAILED for v in values]
    clean = [None if v is FAILED else v for v in values]
    err = pl.Series(failed, dtype=pl.Boolean)
    if kind == "num":
        try:
            parts = [None if v is None else fixed(Decimal(v)) for v in clean]
        except NotColumnar:
            return None
        scale = max((p[1] for p in parts if p is not None), default=0)
        ints = [None if p is None else p[0] * 10 ** (scale - p[1]) for p in parts]
        if any(i is not None and abs(i) >= 2 ** 62 for i in ints):
            return None
        series = pl.Series(ints, dtype=pl.Int64)
        return Col(pl.lit(series), "num", scale, pl.lit(err))
    if kind == "date":
        series = pl.Series([to_day(v) if isinstance(v, dt.date) else None for v in clean], dtype=pl.Int32)
    elif kind == "months":
        series = pl.Series([None if v is None else v.count for v in clean], dtype=pl.Int64)
    elif kind == "days":
        series = pl.Series(clean, dtype=pl.Int64)
    elif kind == "bool":
        series = pl.Series(clean, dtype=pl.Boolean)
    elif kind == "text":
        series = pl.Series(clean, dtype=pl.String)
    else:
        return None
    return Col(pl.lit(series), kind, 0, pl.lit(err))
