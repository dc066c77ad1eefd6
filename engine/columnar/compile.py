"""Columnar compiler: a checked expression → a `Col` (Polars expression, kind, scale, err).

It walks the same checked AST as `engine/run/compiler.py`, node kind by node kind, takes
parameters as constants, and takes every operator, function and aggregate from the
semantics table (`engine/lang/semantics`), whose entries carry their column forms. A call on
constants is folded by the entry's scalar form. An entry without a column form (division
of non-constants, `interest`, `settle`) or a shape this evaluator does not vectorise
(nested aggregates) raises `NotColumnar`; the caller then evaluates that whole top-level
expression per case.
"""
from __future__ import annotations

import decimal
from typing import TYPE_CHECKING

import polars as pl

from ..lang import ast
from ..lang import types as T
from ..lang.semantics import COMPARISONS, FUNCTIONS, UNARY, binary
from ..values.money import DECIMAL_CONTEXT
from .calendar import day_tables
from .checked import checked_ref, checked_type
from .frame import AS_OF
from .kit import Kit, OuterValue
from .values import Col, NotColumnar, align, any_err, kind_of, literal

if TYPE_CHECKING:
    from .services import RunServices

__all__ = ["ExprCompiler", "OuterValue", "field_column"]


def field_column(root: str, fields: tuple[str, ...]) -> str:
    """The frame column of a case field: records are flattened (`debtor.kind`), see `frame.root_columns`."""
    return ".".join((root, *fields))


def _case_value(expr: pl.Expr, kind: str) -> Col:
    """A value read from the case: case numbers are money in øre, so scale 2."""
    return Col(expr, kind, 2 if kind == "num" else 0)


_STAGE = 16       # levels of nesting between staged columns (ExprCompiler._staged)


class ExprCompiler(Kit):
    """Compiles expressions of one policy; `loop` holds the aggregate variable, if any.

    With `element=True` (an aggregate's item or `where` inside `list.eval`), the loop
    variable's fields are `pl.element().struct.field(...)`, and anything per case
    (`as_of`, definitions, case fields, calendar tables) raises `OuterValue`, so the
    caller takes the explode/group-by path (`aggregate.py`) instead. With `pick`, the
    fields are those of the list's first or last item (shared columns, `ColumnarRun.positional`).
    """

    def __init__(self, run: RunServices, policy: str, loop: str | None = None, element: bool = False,
                 pick: tuple[str, str] | None = None, source: str | None = None, outer: str | None = None) -> None:
        self.run = run
        self.policy = policy
        self.loop = loop
        self.element = element
        self.pick = pick           # (list column, "first" | "last"): item fields read from that item only
        self.source = source       # the list column `loop` runs over (long-table mode: nested aggregates)
        self.outer = outer         # inside a nested aggregate: the enclosing loop variable (fields `^field`)
        self.long_columns: dict[str, pl.Expr | pl.Series] = {}   # nested aggregates' values, one per item of `source`
        self._heights: dict[int, int] = {}      # id(node) -> its subtree's height (nodes live while compiling)

    def col(self, node: ast.Expr) -> Col:
        method = getattr(self, "_" + type(node).__name__.lower(), None)
        if method is None:
            raise NotColumnar(f"no columnar form for {type(node).__name__}")
        out = method(node)
        if self.loop is None and not out.is_const and self._height(node) % _STAGE == 0:
            return self._staged(out)
        return out

    def _height(self, node: ast.Expr) -> int:
        heights = self._heights
        if id(node) not in heights:
            heights[id(node)] = 1 + max((self._height(c) for c in ast.children(node)), default=0)
        return heights[id(node)]

    def _staged(self, out: Col) -> Col:
        """`out` queued as a frame column and read back by name. A column's error flag repeats
        its operands' expressions (a date's range check, an overflow check), so an
        expression nested n deep is a Polars plan of about n² nodes that takes n³ to
        optimise (a 255-deep date chain: 18 s); staged every `_STAGE` levels it stays small."""
        name = self.run.fresh("s:")
        columns = {name: out.expr}
        if out.err is not None:
            columns["e:" + name] = out.err
        self.run.add_columns(columns)
        return Col(pl.col(name), out.kind, out.scale, pl.col("e:" + name) if out.err is not None else None)

    # ── leaves ────────────────────────────────────────────────────────────────
    def _literal(self, node: ast.Literal) -> Col:
        return literal(node.value, node.type)

    def _path(self, node: ast.Path) -> Col:
        ref = checked_ref(node)
        if ref.kind == "param":
            value = self.run.bindings[ref.scope].checked.params[ref.name]
            for f in node.fields:
                value = value[f]
            return literal(value, node.type)
        if self.element and ref.kind != "var":
            raise OuterValue(f"reads `{ref.name}` from outside the list")
        if ref.kind == "def":
            if node.fields:
                return self.run.definition_field(ref.scope, ref.name, node.fields)
            return self.run.definition(ref.scope, ref.name)
        kind = kind_of(node.type)
        if ref.kind == "as_of":
            return Col(pl.col(AS_OF), "date")
        if ref.kind == "var":
            if ref.name == self.outer and ref.name != self.loop and not self.element:
                if not node.fields:
                    raise NotColumnar("the whole item of an enclosing aggregate")
                return _case_value(pl.col("^" + ".".join(node.fields)), kind)
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
        if name not in self.run.known_columns and not name.startswith(("@", "^")):
            raise NotColumnar(f"`{name}` is not a column")
        return _case_value(pl.col(name), kind)

    # ── operators: the entries' column forms ───────────────────────────────────
    def _unary(self, node: ast.Unary) -> Col:
        entry = UNARY[node.op]
        inner = self.col(node.operand)
        if inner.is_const:
            return literal(entry.impl(inner.const), node.type)
        return entry.columnar(self, inner)

    def _binary(self, node: ast.Binary) -> Col:
        folded = self._date_steps(node)
        if folded is not None:
            return folded
        entry = binary(node.op, checked_type(node.left), checked_type(node.right))
        left, right = self.col(node.left), self.col(node.right)
        if left.is_const and right.is_const:
            try:
                with decimal.localcontext(DECIMAL_CONTEXT):
                    return literal(entry.impl(left.const, right.const), node.type)
            except Exception as err:  # noqa: BLE001 - the scalar path raises the same, and reports it
                raise NotColumnar(f"constant folding failed: {err}") from None
        if entry.columnar is None:
            raise NotColumnar(f"`{node.op}` on {node.left.type} and {node.right.type} runs per case")
        return entry.columnar(self, left, right, node)

    def _date_steps(self, node: ast.Binary) -> Col | None:
        """`d + 1 day + 2 days - 3 days …` as one addition: `d` plus the constants' sum.

        Nested one `+` at a time, a 256-step chain made a plan Polars took seconds to
        build (each step's range check repeats the steps below it). The scalar path fails
        when any partial date leaves the range; so is flagged here the row whose lowest or
        highest partial sum does (exact: the steps are constants).
        """
        steps: list[int] = []
        current: ast.Expr = node
        while (isinstance(current, ast.Binary) and current.op in ("+", "-") and T.unwrap(checked_type(current)) == T.DATE
               and T.unwrap(checked_type(current.left)) == T.DATE and T.unwrap(checked_type(current.right)) == T.DAYS):
            right = self.col(current.right)
            if not right.is_const or right.const is None:
                break
            steps.append(int(right.const) if current.op == "+" else -int(right.const))
            current = current.left
        if len(steps) < 2:
            return None
        base = self.col(current)
        if base.is_const:
            return None           # folded by the constant path, one step at a time
        partial, sums = 0, []
        for step in reversed(steps):
            partial += step
            sums.append(partial)
        day = base.expr.cast(pl.Int64)
        moved = self.date(day + partial, base.err)
        lowest, highest = self.date(day + min(sums), None), self.date(day + max(sums), None)
        return Col(moved.expr, "date", err=any_err(moved.err, lowest.err, highest.err))

    def _compare(self, node: ast.Compare) -> Col:
        return COMPARISONS[node.op].columnar(self, self.col(node.left), self.col(node.right), node)

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
        if self.loop is None:
            return self.run.aggregate(node, self.policy)
        if self.element:
            raise OuterValue("nested aggregate")       # the long-table path can pair the two lists
        if self.source is None or self.outer is not None:
            raise NotColumnar("nested aggregate")
        name = self.run.fresh("@n:")
        got = self.run.nested(node, self.policy, self.loop, self.source)
        self.long_columns[name] = got.values
        if got.err is not None:
            self.long_columns[name + ":e"] = got.err
        return Col(pl.col(name), got.kind, got.scale, pl.col(name + ":e") if got.err is not None else None)

    # ── functions: the entries' column forms ───────────────────────────────────
    def _call(self, node: ast.Call) -> Col:
        fn = FUNCTIONS[node.name]
        if fn.columnar is None:
            raise NotColumnar(f"`{node.name}` runs per case")
        args = []
        for a in node.args:           # no comprehension: a frame per level of nesting counts (test_deep_expressions)
            args.append(self._table(a) if isinstance(T.unwrap(checked_type(a)), (T.Table, T.Schedule)) else self.col(a))
        if all(a.is_const for a in args):
            return self._fold(node, [a.const for a in args])
        return fn.columnar(self, args, node)

    def _table(self, node: ast.Expr) -> Col:
        """A table or schedule argument: a parameter, so a constant column holding its rows."""
        if not (isinstance(node, ast.Path) and checked_ref(node).kind == "param" and not node.fields):
            raise NotColumnar("table argument is not a parameter")
        ref = checked_ref(node)
        rows = self.run.bindings[ref.scope].checked.params[ref.name]
        return Col(pl.lit(None), "table", const=rows, is_const=True)

    def _fold(self, node: ast.Call, values: list) -> Col:
        """A call on constants: its value, by the scalar implementation (a table gather of one
        constant is a one-row Series, which Polars does not broadcast like a scalar)."""
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

    def day_tables(self, args: list[Col]):
        """The policy calendar's day tables, the index of `args[0]`'s day in them, and where it may fail."""
        err = any_err(*(a.err for a in args))
        if self.element:
            raise OuterValue("calendar tables")
        calendar = self.run.bindings[self.policy].calendar
        if calendar is None:
            raise NotColumnar("no calendar")
        tables = day_tables(calendar)
        idx, outside = tables.index(args[0].expr)
        return tables, idx, any_err(err, outside)
