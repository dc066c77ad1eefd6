"""Functions over a policy's tables: bracket tables (`lookup`) and dated schedules (`value_on`).

A bracket table is rows `(up_to, value)` rising strictly, the last one without `up_to`
(policy/check.py proves it); a schedule is rows `(from, value)` newest first. Both
functions pick the first row whose bound holds for the key. The column form of that
choice is one `when/then` chain over the rows, which are parameters, so constants: the
table argument reaches a column form as a constant column (`args[0].const` holds its rows).
"""
from __future__ import annotations

from typing import Any

from .. import types as T
from ..errors import EvaluationError
from ..values.interest import value_on
from .entry import Function

__all__ = ["TABLE_FUNCTIONS", "lookup_bracket"]


def _lookup_check(args: list[T.Type]) -> T.Type | str:
    table, key = args
    if not isinstance(table, T.Table):
        return f"argument 1 must be a bracket table, not {table}"
    if key != table.key:
        return f"argument 2 must be {table.key} (the table's `up_to` type), not {key}"
    return table.value


def _value_on_check(args: list[T.Type]) -> T.Type | str:
    schedule, date = args
    if not isinstance(schedule, T.Schedule):
        return f"argument 1 must be a dated schedule, not {schedule}"
    if date != T.DATE:
        return f"argument 2 must be Date, not {date}"
    return schedule.value


def lookup_bracket(table: list[tuple[Any, Any]], key: Any) -> Any:
    """The value of the first bracket whose `up_to` is at least `key` (the last has none).

    >>> from decimal import Decimal
    >>> lookup_bracket([(Decimal(500), "a"), (None, "b")], Decimal("500.01"))
    'b'
    """
    for up_to, value in table:
        if up_to is None or key <= up_to:
            return value
    raise EvaluationError(f"no bracket covers {key}", help="give the last bracket no `up_to`")


def _col_first_row(k, rows: list[tuple[Any, Any]], key, node, holds: str):
    """The value of the first row whose bound `holds` for the key (`key <= up_to`, `key >= from`).

    A row without a bound always holds; past the last row the scalar form raises, so those
    rows get a null value and `err`.
    """
    pl = k.pl
    values = k.align(*(k.literal(v, node.type) for _, v in rows))
    chain = None
    fallback = None
    for (bound, _), value in zip(rows, values):
        if bound is None:
            fallback = value
            break
        key_aligned, edge = k.align(key, k.literal(bound, node.args[1].type))
        cond = key_aligned.expr <= edge.expr if holds == "<=" else key_aligned.expr >= edge.expr
        chain = (pl.when(cond) if chain is None else chain.when(cond)).then(value.expr)
    if chain is None:
        return fallback
    scale = values[0].scale if values else 0
    kind = k.kind_of(node.type)
    if fallback is None:
        expr = chain.otherwise(pl.lit(None, dtype=pl.Int64))
        return k.Col(expr, kind, scale, k.any_err(key.err, expr.is_null()))
    return k.Col(chain.otherwise(fallback.expr), kind, scale, key.err)


def _col_lookup(k, args, node):
    return _col_first_row(k, args[0].const, args[1], node, "<=")


def _col_value_on(k, args, node):
    return _col_first_row(k, args[0].const, args[1], node, ">=")


TABLE_FUNCTIONS = [
    Function("lookup", (2, 2), _lookup_check, lookup_bracket, _col_lookup, doc="value of the bracket containing the key"),
    Function("value_on", (2, 2), _value_on_check, value_on, _col_value_on, doc="a schedule's value on a date"),
]
