"""Columnar compiler: a checked expression → a `Col` (Polars expression, kind, scale, err).

It walks the same checked AST as `engine/run/compiler.py`, node kind by node kind, and takes
parameters as constants. Anything without an exact vectorised form (division of
non-constants, `interest`, a registry function it does not know, nested aggregates)
raises `NotColumnar`; the caller then evaluates that whole top-level expression per case.
"""
from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import replace
from typing import TYPE_CHECKING

import polars as pl

from ..lang import ast
from ..lang import types as T
from ..lang.operators import binary_impl
from ..values.money import DECIMAL_CONTEXT
from .calendar import day_tables
from .frame import AS_OF, to_day
from .values import MAX_SCALE, Col, NotColumnar, align, any_err, kind_of, literal, round_fixed

if TYPE_CHECKING:
    from .program import ColumnarRun

__all__ = ["ExprCompiler", "OuterValue", "field_column"]

_DAY_MIN, _DAY_MAX = to_day(dt.date.min), to_day(dt.date.max)   # what a Python date (the scalar path) can hold
_VECTOR_FUNCTIONS = {"min", "max", "abs", "round_ore", "round_kr", "floor_kr", "days_between",
                     "next_business_day", "is_business_day", "add_business_days"}
_OPS = {"+": "__add__", "-": "__sub__", "*": "__mul__"}


def field_column(root: str, fields: tuple[str, ...]) -> str:
    """The frame column of a case field: records are flattened (`debtor.kind`), see `frame.root_columns`."""
    return ".".join((root, *fields))


def _case_value(expr: pl.Expr, kind: str) -> Col:
    """A value read from the case: case numbers are money in øre, so scale 2."""
    return Col(expr, kind, 2 if kind == "num" else 0)


def _date_checked(expr: pl.Expr, err: pl.Expr | None) -> Col:
    """A computed day number, flagged where the scalar evaluator's date arithmetic would overflow."""
    out_of_range = (expr < _DAY_MIN) | (expr > _DAY_MAX)
    return Col(expr.cast(pl.Int32), "date", err=any_err(err, out_of_range))


class OuterValue(NotColumnar):
    """In element mode: the expression reads something other than the list item (a per-case value)."""


class ExprCompiler:
    """Compiles expressions of one policy; `loop` holds the aggregate variable, if any.

    With `element=True` (an aggregate's item or `where` inside `list.eval`), the loop
    variable's fields are `pl.element().struct.field(...)`, and anything per case
    (`as_of`, definitions, case fields, calendar tables) raises `OuterValue`, so the
    caller takes the explode/group-by path (`aggregate.py`) instead. With `pick`, the
    fields are those of the list's first or last item (shared columns, `ColumnarRun.positional`).
    """

    def __init__(self, run: ColumnarRun, policy: str, loop: str | None = None, element: bool = False,
                 pick: tuple[str, str] | None = None) -> None:
        self.run = run
        self.policy = policy
        self.loop = loop
        self.element = element
        self.pick = pick           # (list column, "first" | "last"): item fields read from that item only

    def col(self, node: ast.Expr) -> Col:
        method = getattr(self, "_" + type(node).__name__.lower(), None)
        if method is None:
            raise NotColumnar(f"no columnar form for {type(node).__name__}")
        return method(node)

    # ── leaves ────────────────────────────────────────────────────────────────
    def _literal(self, node: ast.Literal) -> Col:
        return literal(node.value, node.type)

    def _path(self, node: ast.Path) -> Col:
        ref = node.ref
        if ref.kind == "param":
            value = self.run.bindings[ref.scope].checked.params[ref.name]
            for f in node.fields:
                value = value[f]
            return literal(value, node.type)
        if self.element and ref.kind != "var":
            raise OuterValue(f"reads `{ref.name}` from outside the list")
        if ref.kind == "def":
            if node.fields:
                raise NotColumnar("field of a definition")
            return self.run.definition(ref.scope, ref.name)
        kind = kind_of(node.type)
        if ref.kind == "as_of":
            return Col(pl.col(AS_OF), "date")
        if ref.kind == "var":
            if ref.name != self.loop:
                raise NotColumnar("variable of an enclosing aggregate")
            if self.element:
                if not node.fields:
                    raise OuterValue("the whole item")
                if self.pick is not None:
                    return _case_value(self.run.positional(*self.pick, node.fields), kind)
                expr = pl.element()
                for f in node.fields:
                    expr = expr.struct.field(f)
                return _case_value(expr, kind)
            name = "@" + ".".join(node.fields)
        else:
            name = field_column(ref.name, node.fields)
        if name not in self.run.known_columns and not name.startswith("@"):
            raise NotColumnar(f"`{name}` is not a column")
        return _case_value(pl.col(name), kind)

    # ── operators ─────────────────────────────────────────────────────────────
    def _unary(self, node: ast.Unary) -> Col:
        inner = self.col(node.operand)
        if inner.is_const:
            value = (not inner.const) if node.op == "not" else -inner.const
            return literal(value, node.type)
        return replace(inner, expr=~inner.expr if node.op == "not" else -inner.expr)

    def _binary(self, node: ast.Binary) -> Col:
        left, right = self.col(node.left), self.col(node.right)
        if left.is_const and right.is_const:
            impl, _ = binary_impl(node.op, node.left.type, node.right.type)
            try:
                with decimal.localcontext(DECIMAL_CONTEXT):
                    return literal(impl(left.const, right.const), node.type)
            except Exception as err:  # noqa: BLE001 - the scalar path raises the same, and reports it
                raise NotColumnar(f"constant folding failed: {err}") from None
        err = any_err(left.err, right.err)
        kinds, op = (left.kind, right.kind), node.op
        if kinds == ("num", "num"):
            if op == "/":
                raise NotColumnar("division is not exact in fixed point")
            if op == "*":
                if left.scale + right.scale > MAX_SCALE:
                    raise NotColumnar("product needs too many decimals")
                over = any_err(None if left.is_const else left.expr.abs() > 3_000_000_000,
                               None if right.is_const else right.expr.abs() > 3_000_000_000)
                return Col(left.expr * right.expr, "num", left.scale + right.scale, any_err(err, over))
            left, right = align(left, right)
            return Col(getattr(left.expr, _OPS[op])(right.expr), "num", left.scale, any_err(err, left.err, right.err))
        if kinds in (("date", "days"), ("days", "date")):
            total = left.expr.cast(pl.Int64) + right.expr.cast(pl.Int64) if op == "+" else \
                left.expr.cast(pl.Int64) - right.expr.cast(pl.Int64)
            return _date_checked(total, err)
        if kinds == ("date", "date"):
            return Col(left.expr.cast(pl.Int64) - right.expr.cast(pl.Int64), "days", err=err)
        if kinds in (("date", "months"), ("months", "date")):
            date, months = (left, right) if left.kind == "date" else (right, left)
            return self._add_months(date, months, -1 if op == "-" else 1, err)
        if kinds in (("days", "days"), ("months", "months")):
            return Col(getattr(left.expr, _OPS[op])(right.expr), left.kind, err=err)
        if op == "*" and set(kinds) in ({"days", "num"}, {"months", "num"}):
            dur, num = (left, right) if left.kind != "num" else (right, left)
            product = dur.expr * num.expr
            if num.scale == 0:
                return Col(product, dur.kind, err=err)
            unit = 10 ** num.scale
            return Col(product // unit, dur.kind, err=any_err(err, product % unit != 0))
        raise NotColumnar(f"no columnar form for {kinds} {op}")

    def _add_months(self, date: Col, months: Col, sign: int, err) -> Col:
        as_date = date.expr.cast(pl.Date)
        if months.is_const:
            moved = as_date.dt.offset_by(f"{sign * months.const.count}mo")
        else:
            moved = as_date.dt.offset_by(pl.format("{}mo", months.expr * sign))
        return Col(moved.cast(pl.Int32), "date", err=any_err(err, months.err, date.err))

    def _compare(self, node: ast.Compare) -> Col:
        left, right = align(self.col(node.left), self.col(node.right))
        err = any_err(left.err, right.err)
        if node.op == "==":
            return Col(left.expr.eq_missing(right.expr), "bool", err=err)
        if node.op == "!=":
            return Col(left.expr.ne_missing(right.expr), "bool", err=err)
        if isinstance(node.left.type, T.Optional) or isinstance(node.right.type, T.Optional):
            err = any_err(err, left.expr.is_null() | right.expr.is_null())
        method = {"<": "__lt__", "<=": "__le__", ">": "__gt__", ">=": "__ge__"}[node.op]
        return Col(getattr(left.expr, method)(right.expr), "bool", err=err)

    def _logical(self, node: ast.Logical) -> Col:
        left, right = self.col(node.left), self.col(node.right)
        expr = left.expr & right.expr if node.op == "and" else left.expr | right.expr
        return Col(expr, "bool", err=any_err(left.err, right.err))

    def _in(self, node: ast.In) -> Col:
        cols = align(self.col(node.item), *(self.col(o) for o in node.options))
        item, options = cols[0], cols[1:]
        expr = pl.lit(False)
        for option in options:
            expr = expr | item.expr.eq_missing(option.expr)
        return Col(~expr if node.negated else expr, "bool", err=any_err(*(c.err for c in cols)))

    def _coalesce(self, node: ast.Coalesce) -> Col:
        left, right = self.col(node.left), self.col(node.right)
        if left.kind == "none":
            return right
        left, right = align(left, right)
        return Col(pl.coalesce(left.expr, right.expr), left.kind, left.scale, any_err(left.err, right.err))

    def _if(self, node: ast.If) -> Col:
        cond = self.col(node.cond)
        then, else_ = align(self.col(node.then), self.col(node.else_))
        kind = then.kind if then.kind != "none" else else_.kind
        scale = max(then.scale, else_.scale)
        expr = pl.when(cond.expr).then(then.expr).otherwise(else_.expr)
        return Col(expr, kind, scale, any_err(cond.err, then.err, else_.err))

    def _aggregate(self, node: ast.Aggregate) -> Col:
        if self.loop is not None:
            raise NotColumnar("nested aggregate")
        return self.run.aggregate(node, self.policy)

    # ── functions ─────────────────────────────────────────────────────────────
    def _call(self, node: ast.Call) -> Col:
        name = node.name
        if name in ("lookup", "value_on"):
            return self._table(node)
        if name not in _VECTOR_FUNCTIONS:
            raise NotColumnar(f"`{name}` runs per case")
        args = [self.col(a) for a in node.args]
        if all(a.is_const for a in args):
            return self._fold(node, [a.const for a in args])
        err = any_err(*(a.err for a in args))
        if name in ("min", "max"):
            args = align(*args)
            pick = pl.min_horizontal if name == "min" else pl.max_horizontal
            return Col(pick(*(a.expr for a in args)), args[0].kind, args[0].scale, err)
        if name == "abs":
            return replace(args[0], expr=args[0].expr.abs(), is_const=False)
        if name in ("round_ore", "round_kr", "floor_kr"):
            return round_fixed(args[0], 2 if name == "round_ore" else 0, floor=name == "floor_kr")
        if name == "days_between":
            return Col(args[1].expr.cast(pl.Int64) - args[0].expr.cast(pl.Int64), "num", 0, err)
        if name in ("next_business_day", "is_business_day", "add_business_days"):
            return self._business(name, args, err)
        raise NotColumnar(f"`{name}` has no columnar form")

    def _fold(self, node: ast.Call, values: list) -> Col:
        """A call on constants: its value, by the scalar implementation (a table gather of one
        constant is a one-row Series, which Polars does not broadcast like a scalar)."""
        from ..lang.functions import FUNCTIONS
        fn = FUNCTIONS[node.name]
        try:
            with decimal.localcontext(DECIMAL_CONTEXT):
                if fn.needs_calendar:
                    calendar = self.run.bindings[self.policy].calendar
                    if calendar is None:
                        raise NotColumnar("no calendar")
                    values = [calendar, *values]
                return literal(fn.impl(*values), node.type)
        except NotColumnar:
            raise
        except Exception as err:  # noqa: BLE001 - the scalar path raises the same, and reports it
            raise NotColumnar(f"constant folding failed: {err}") from None

    def _table(self, node: ast.Call) -> Col:
        table_node, key_node = node.args
        if not (isinstance(table_node, ast.Path) and table_node.ref.kind == "param" and not table_node.fields):
            raise NotColumnar("table argument is not a parameter")
        rows = self.run.bindings[table_node.ref.scope].checked.params[table_node.ref.name]
        key = self.col(key_node)
        if key.is_const:
            return self._fold(node, [rows, key.const])
        value_type = node.type
        values = align(*(literal(v, value_type) for _, v in rows))
        chain = None
        fallback = None
        for (bound, _), value in zip(rows, values):
            if bound is None:
                fallback = value
                break
            edge = literal(bound, key_node.type)
            k, e = align(key, edge)
            cond = k.expr <= e.expr if node.name == "lookup" else k.expr >= e.expr
            chain = (pl.when(cond) if chain is None else chain.when(cond)).then(value.expr)
        if chain is None:
            return fallback
        scale = values[0].scale if values else 0
        if fallback is None:       # no catch-all row: a key past the last bound fails in the scalar evaluator
            expr = chain.otherwise(pl.lit(None, dtype=pl.Int64))
            return Col(expr, kind_of(value_type), scale, any_err(key.err, expr.is_null()))
        return Col(chain.otherwise(fallback.expr), kind_of(value_type), scale, key.err)

    def _business(self, name: str, args: list[Col], err) -> Col:
        if self.element:
            raise OuterValue("calendar tables")
        calendar = self.run.bindings[self.policy].calendar
        if calendar is None:
            raise NotColumnar("no calendar")
        tables = day_tables(calendar)
        idx, outside = tables.index(args[0].expr)
        err = any_err(err, outside)
        if name == "is_business_day":
            return Col(pl.lit(tables.is_business).gather(idx), "bool", err=err)
        if name == "next_business_day":
            return Col(pl.lit(tables.next_business).gather(idx), "date", err=err)
        count = args[1]
        if count.scale != 0:
            raise NotColumnar("a fractional count of business days")
        n = count.expr
        cum = pl.lit(tables.cumulative)
        forward = cum.gather(idx) + n - 1
        backward = cum.gather((idx - 1).clip(0, tables.size - 1)) + n
        position = pl.when(n >= 0).then(forward).otherwise(backward)
        size = tables.business_days.len()
        bad = (position < 0) | (position >= size)
        picked = pl.lit(tables.business_days).gather(position.clip(0, size - 1))
        out = pl.when(n == 0).then(args[0].expr.cast(pl.Int32)).otherwise(picked)
        return Col(out, "date", err=any_err(err, (n != 0) & bad, n.abs() > 20_000))
