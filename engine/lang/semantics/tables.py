"""Functions over a policy's tables: bracket tables (`lookup`, `progressive`) and dated schedules (`value_on`).

A bracket table is rows `(up_to, value)` rising strictly, the last one without `up_to`
(policy/check.py proves it); a schedule is rows `(from, value)` newest first. `lookup`
and `value_on` pick the first row whose bound holds for the key; `progressive` reads a
bracket table as a marginal-rate scale. The column form of that
choice is one `when/then` chain over the rows, which are parameters, so constants: the
table argument reaches a column form as a constant column (`args[0].const` holds its rows).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...core.errors import EvaluationError
from ...values.interest import value_on
from .. import types as T
from .entry import Function

__all__ = ["TABLE_FUNCTIONS", "lookup_bracket", "progressive"]


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


def _col_first_row(k: Any, rows: list[tuple[Any, Any]], key: Any, node: Any, holds: str) -> Any:
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


def _progressive_check(args: list[T.Type]) -> T.Type | str:
    amount, table = args
    if not isinstance(table, T.Table):
        return f"argument 2 must be a bracket table (the scale), not {table}"
    if table.key not in (T.MONEY, T.NUMBER) or table.value not in (T.PERCENT, T.NUMBER):
        return f"argument 2 must be a scale of rates (`up_to` an amount, `value` a rate), not {table}"
    if amount != table.key:
        return f"argument 1 must be {table.key} (the scale's `up_to` type), not {amount}"
    return table.key


def progressive(amount: Decimal, table: list[tuple[Any, Any]]) -> Decimal:
    """A marginal-rate scale: each bracket's rate on the part of `amount` inside the bracket, summed.

    The brackets run from 0: the first up to its `up_to`, each next one from the previous
    `up_to` to its own, the last (no `up_to`) without end; nothing is due on an amount of
    0 or less. Unrounded: the policy rounds where the law does. 15 % of the first 2 500,
    10 % of the next 2 500, 5 % above, on 6 000 is 375 + 250 + 50:

    >>> scale = [(Decimal(2500), Decimal("0.15")), (Decimal(5000), Decimal("0.10")), (None, Decimal("0.05"))]
    >>> progressive(Decimal(6000), scale)
    Decimal('675.00')
    """
    total: Decimal = Decimal(0)
    lower = Decimal(0)
    for up_to, rate in table:
        if up_to is not None and up_to <= lower:
            raise EvaluationError(f"a progressive scale starts at 0: `up_to` {up_to} is not above {lower}",
                                  help="give the first bracket an `up_to` above 0")
        if amount <= lower:
            return total
        top = amount if up_to is None or amount < up_to else up_to
        total += (top - lower) * rate
        if up_to is None:
            return total
        lower = up_to
    if amount > lower:
        raise EvaluationError(f"no bracket covers {amount}", help="give the last bracket no `up_to`")
    return total


def _col_progressive(k, args, node):
    """Σ rate × (clip(amount, lower, up_to) − lower), exact in fixed point; past a last `up_to`, `err`."""
    amount, rows = args[0], args[1].const
    bounds = [up_to for up_to, _ in rows if up_to is not None]
    if any(b <= a for a, b in zip([0, *bounds], bounds)):
        raise k.NotColumnar("a scale that does not rise from 0")     # the scalar form reports it
    scale = max([amount.scale] + [k.literal(b, node.type).scale for b in bounds])
    amount = k.rescale(amount, scale)
    rates = k.align(*(k.literal(rate, T.NUMBER) for _, rate in rows))
    if scale + rates[0].scale > k.MAX_SCALE:
        raise k.NotColumnar("the scale needs too many decimals")
    x, total = amount.expr, None
    lower: int | None = 0                        # None after an open-ended (last) bracket
    for (up_to, _), rate in zip(rows, rates):
        upper = None if up_to is None else int(up_to.scaleb(scale))
        part = (x.clip(lower, upper) - lower) * rate.expr
        total = part if total is None else total + part
        lower = upper
    err = k.any_err(amount.err, k.too_big(amount))
    if rows[-1][0] is not None:
        err = k.any_err(err, x > lower)          # no bracket covers it: the scalar form raises
    return k.Col(total, "num", scale + rates[0].scale, err)


TABLE_FUNCTIONS = [
    Function("lookup", (2, 2), _lookup_check, lookup_bracket, _col_lookup, doc="value of the bracket containing the key"),
    Function("value_on", (2, 2), _value_on_check, value_on, _col_value_on, doc="a schedule's value on a date"),
    Function("progressive", (2, 2), _progressive_check, progressive, _col_progressive,
             doc="a marginal-rate scale: each bracket's rate on the part of the amount inside it, summed "
                 "(`progressive(amount, scale)`)"),
]
