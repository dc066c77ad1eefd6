"""Aggregates over a case's lists (claims, payments, events): list expressions, else long tables.

An aggregate whose item and `where` read only the item (and constants) compiles to a
Polars list expression (`list.eval(...)` then `list.sum()`, `list.last()`, ...; `count`
without `where` is `list.len()`): no materialising, no join; the caller inlines it in the
definition's column, so everything stays in one lazy query. Otherwise (the item or `where`
reads `as_of`, a definition, a case field, calendar tables), which `list.eval` cannot see,
a list column is exploded once into a long table (`__row` = the case's row, one row per
item, item fields as `@field` columns). The item and `where` expressions are compiled
against that table, outer values (as_of, definitions, case fields) are gathered into it by
`__row`, and a `group_by(__row)` gives one value per case; cases with an empty (filtered)
list get the aggregate's empty value from its entry in the semantics table (0 for sum
and count, false for any, true for all, none for min, max, first and last). How each
aggregate reduces (its list form and its group form) is that entry's too.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import polars as pl

from ..lang import ast
from ..lang import types as T
from ..lang.semantics import AGGREGATES
from .checked import checked_ref, checked_type
from .frame import collect
from .kit import OuterValue
from .values import Col, NestedValues, NotColumnar, any_err, kind_of

if TYPE_CHECKING:
    from .services import RunServices

__all__ = ["long_table", "list_aggregate", "aggregate_column", "nested_aggregate", "item_flags"]

ROW = "__row"


def long_table(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """One row per item of `column` (a list of structs), with `__row` pointing at its case."""
    dtype = frame.schema[column]
    if not (isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)):
        raise TypeError(f"column `{column}` is {dtype}, not a list of records")
    fields = [f.name for f in dtype.inner.fields]
    long = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW), pl.col(column))
    long = long.explode(column, keep_nulls=False)
    return long.select(ROW, *(pl.col(column).struct.field(f).alias("@" + f) for f in fields))


def _source_column(node: ast.Aggregate) -> str:
    """The case list column an aggregate reads (its callers checked that it reads one)."""
    if not isinstance(node.source, ast.Path):
        raise NotColumnar("aggregate over something other than a case list")
    return checked_ref(node.source).name


def _item_err(node: ast.Aggregate, item: Col | None, where: Col | None, value: pl.Expr | None) -> pl.Expr | None:
    """Items that may fail, and an optional item that is none where the aggregate refuses one (`value` reads it)."""
    err = any_err(item.err if item else None, where.err if where else None)
    if (item is not None and value is not None and not AGGREGATES[node.func].optional_items
            and isinstance(node.item.type, T.Optional)):
        err = any_err(err, value.is_null())
    return err


Values = TypeVar("Values", pl.Expr, pl.Series)


def _filled(node: ast.Aggregate, item: Col | None, value: Values) -> tuple[Values, str, int]:
    """(the aggregate's value with the empty lists' value filled in: the entry's `empty`, kind, scale).

    An aggregate that reads no item (`count`) is a plain integer, otherwise it has the
    item's kind and scale.
    """
    empty = AGGREGATES[node.func].empty(checked_type(node))
    if empty is not None and not isinstance(empty, list):
        value = value.fill_null(empty if isinstance(empty, bool) else int(empty))
    kind = "num" if item is None else kind_of(node.type)
    scale = 0 if item is None else item.scale
    if kind == "date":
        value = value.cast(pl.Int32)
    return value, kind, scale


def _result(node: ast.Aggregate, item: Col | None, value: pl.Expr, err: pl.Expr | None) -> Col:
    """The aggregate's value as a `Col` (`_filled`)."""
    filled, kind, scale = _filled(node, item, value)
    return Col(filled, kind, scale, err)


@dataclass(frozen=True)
class _ListCtx:
    """What an entry's `list_form` reads: the list column, the (filtered) item, the filter."""

    run: RunServices
    node: ast.Aggregate
    policy: str
    lst: pl.Expr
    x: pl.Expr | None
    w: pl.Expr | None

    def item_at(self, which: str) -> pl.Expr:
        """The item expression over the list's first or last item (shared positional columns), none
        where the list is empty: a field of the item is none there already, anything else (`e.fee ??
        0 NOK` is not) is taken only where the list has an item."""
        from .compile import ExprCompiler
        at = ExprCompiler(self.run, self.policy, loop=self.node.var, element=True,
                          pick=(_source_column(self.node), which))
        value = at.col(self.node.item).expr
        item = self.node.item
        ref = checked_ref(item) if isinstance(item, ast.Path) and item.fields else None
        if ref is not None and ref.kind == "var" and ref.name == self.node.var:
            return value
        return pl.when(self.lst.list.len() > 0).then(value)


@dataclass(frozen=True)
class _GroupCtx:
    """What an entry's `group_form` reads: the picked item values and the `where` flags of one group."""

    picked: pl.Expr
    where: pl.Expr | None


# Over exactly one item these reduce to the item itself (the filter dropping it: to their empty value).
_ONE_ITEM_IS_ITEM = frozenset({"sum", "any", "all", "min", "max", "first", "last"})


def _one_item(run: RunServices, node: ast.Aggregate, policy: str) -> Col:
    """`node` over a list column where every case holds exactly one item (`run.one_item`): the item's
    value as a row column (the item's fields are the list's flattened values), no list kernel; raises
    `OuterValue`, as the list form does, if it reads per-case values."""
    from .compile import ExprCompiler
    at = ExprCompiler(run, policy, loop=node.var, element=True, pick=(_source_column(node), "first"))
    item = at.col(node.item)
    where = at.col(node.where) if node.where is not None else None
    value = item.expr if where is None else pl.when(where.expr.fill_null(False)).then(item.expr)
    err = _item_err(node, item, where, item.expr)      # the one item is evaluated, filtered or not
    return _result(node, item, value, None if err is None else err.fill_null(False))


def list_aggregate(run: RunServices, node: ast.Aggregate, policy: str) -> Col:
    """`node` as one list expression over its list column (raises `OuterValue` if it reads per-case values)."""
    from .compile import ExprCompiler
    entry = AGGREGATES[node.func]
    if entry.list_form is None:
        raise NotColumnar(f"`{node.func}` has no column form")
    if node.func in _ONE_ITEM_IS_ITEM and run.one_item(_source_column(node)):
        return _one_item(run, node, policy)
    compiler = ExprCompiler(run, policy, loop=node.var, element=True)
    item = compiler.col(node.item) if entry.reads_item else None
    where = compiler.col(node.where) if node.where is not None else None
    if any(c is not None and c.is_const for c in (item, where)):
        # a constant inside `list.eval` is one value, not one per element: an empty list
        # would still aggregate it; the long table broadcasts it to the list's items
        raise OuterValue("a constant item or condition")
    lst = pl.col(_source_column(node))
    w = where.expr.fill_null(False) if where is not None else None
    err = _item_err(node, item, where, item.expr if item else None)
    x = None if item is None else item.expr if w is None else item.expr.filter(w)
    # `err` covers every item, as the scalar evaluator evaluates them all
    value = entry.list_form(compiler, _ListCtx(run, node, policy, lst, x, w))
    err_expr = None if err is None else (lst.list.eval(err).list.sum() > 0).fill_null(False)
    return _result(node, item, value, err_expr)


def aggregate_column(run: RunServices, node: ast.Aggregate, policy: str, name: str) -> Col:
    """`node` as a list expression if it reads only the item, else materialised as column `name` of `run.frame`."""
    from .compile import ExprCompiler
    source = node.source
    if not (isinstance(source, ast.Path) and checked_ref(source).kind == "field" and not source.fields
            and isinstance(T.unwrap(checked_type(source)), T.ListOf) and checked_ref(source).name in run.known_columns):
        raise NotColumnar("aggregate over something other than a case list")
    try:
        return list_aggregate(run, node, policy)
    except OuterValue:
        pass
    compiler = ExprCompiler(run, policy, loop=node.var, source=_source_column(node))
    entry = AGGREGATES[node.func]
    if entry.group_form is None:
        raise NotColumnar(f"`{node.func}` has no column form")
    item, where, exprs = _item_exprs(node, compiler, entry)
    long = run.long(_source_column(node))
    if compiler.long_columns:           # nested aggregates: one value per item (`nested_aggregate`)
        long = long.with_columns(**compiler.long_columns)
    outer = {n for e in exprs.values() for n in e.meta.root_names() if not n.startswith("@") and n != ROW}
    lazy = long.lazy()          # one query, collected once, rather than an eager step each
    if outer:
        rows = long.get_column(ROW)
        lazy = lazy.with_columns([run.frame.get_column(n).gather(rows) for n in sorted(outer)])
    picked = pl.col("__v").filter(pl.col("__w")) if where is not None and item is not None else pl.col("__v")
    group = _GroupCtx(picked, pl.col("__w") if where is not None else None)
    aggs = [entry.group_form(compiler, group).alias("__a")]
    if "__e" in exprs:
        aggs.append(pl.col("__e").any().alias("__ea"))
    grouped = lazy.select(ROW, **exprs).group_by(ROW).agg(aggs)
    full = pl.LazyFrame({ROW: pl.int_range(0, run.height, dtype=pl.UInt32, eager=True)})
    joined = collect(full.join(grouped, on=ROW, how="left", maintain_order="left"))
    values, kind, scale = _filled(node, item, joined.get_column("__a"))
    columns = {name: values}
    err_name = None
    if "__e" in exprs:
        err_name = "e:" + name
        columns[err_name] = joined.get_column("__ea").fill_null(False)
    run.add_columns(columns)
    return Col(pl.col(name), kind, scale, pl.col(err_name) if err_name else None)


def nested_aggregate(run: RunServices, node: ast.Aggregate, policy: str, outer: str, outer_source: str) -> NestedValues:
    """An aggregate inside the item or `where` of another (`max(f.date for f in events where
    min(g.date for g in events where g.date > f.date) ...)`): one value per item of the outer
    list, as a Series in the order of `run.long(outer_source)`. Each case's two lists are paired
    (a self-join of the exploded lists on the case's row), the inner item and `where` compiled
    over the pairs (the inner item's fields `@field`, the outer item's `^field`), and a
    `group_by` over the outer item gives its value; an outer item with no inner item left gets
    the aggregate's empty value, as per case."""
    from .compile import ExprCompiler
    source = node.source
    if not (isinstance(source, ast.Path) and checked_ref(source).kind == "field" and not source.fields
            and isinstance(T.unwrap(checked_type(source)), T.ListOf) and checked_ref(source).name in run.known_columns):
        raise NotColumnar("nested aggregate over something other than a case list")
    entry = AGGREGATES[node.func]
    if entry.group_form is None:
        raise NotColumnar(f"`{node.func}` has no column form")
    compiler = ExprCompiler(run, policy, loop=node.var, outer=outer)
    item, where, exprs = _item_exprs(node, compiler, entry)
    outer_long = run.long(outer_source)
    items = outer_long.lazy().select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("__o"), ROW,
                                     *(pl.col(c).alias("^" + c[1:]) for c in outer_long.columns if c.startswith("@")))
    pairs = items.join(run.long(_source_column(node)).lazy(), on=ROW, how="inner")
    gathered = {n for e in exprs.values() for n in e.meta.root_names() if not n.startswith(("@", "^")) and n != ROW}
    if gathered:            # per-case values the inner test reads, by the case's row
        values = run.frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW), *sorted(gathered))
        pairs = pairs.join(values.lazy(), on=ROW, how="left")
    pairs = pairs.select("__o", **exprs)
    picked = pl.col("__v").filter(pl.col("__w")) if where is not None and item is not None else pl.col("__v")
    aggs = [entry.group_form(compiler, _GroupCtx(picked, pl.col("__w") if where is not None else None)).alias("__a")]
    if "__e" in exprs:
        aggs.append(pl.col("__e").any().alias("__ea"))
    grouped = pairs.group_by("__o").agg(aggs)
    joined = collect(items.select("__o").join(grouped, on="__o", how="left", maintain_order="left"))
    per_item, kind, scale = _filled(node, item, joined.get_column("__a"))
    return NestedValues(per_item, kind, scale, joined.get_column("__ea").fill_null(False) if "__e" in exprs else None)


def item_flags(run: RunServices, node: ast.Aggregate, policy: str) -> pl.DataFrame:
    """The `where` of `select(x for x in <case list> where ...)` on every item of the list, in the
    order of `run.long(list)`: `__row` (the case), `__keep` (the test held; none counts as false,
    as per case) and `__err` (the test may fail there). Raises `NotColumnar` if it has no column form."""
    from .compile import ExprCompiler
    if node.where is None:
        raise NotColumnar("a select without `where`")
    compiler = ExprCompiler(run, policy, loop=node.var, source=_source_column(node))
    where = compiler.col(node.where)
    long = run.long(_source_column(node))
    if compiler.long_columns:
        long = long.with_columns(**compiler.long_columns)
    err = where.err if where.err is not None else pl.lit(False)
    outer = {n for e in (where.expr, err) for n in e.meta.root_names() if not n.startswith("@") and n != ROW}
    if outer:
        rows = long.get_column(ROW)
        long = long.with_columns(run.frame.get_column(n).gather(rows) for n in sorted(outer))
    return long.select(ROW, where.expr.fill_null(False).alias("__keep"), err.fill_null(True).alias("__err"))


def _item_exprs(node, compiler, entry) -> tuple[Col | None, Col | None, dict[str, pl.Expr]]:
    """An aggregate's item and filter compiled, and the per-item columns they give (`__v` the
    value, `__w` the filter, `__e` an item's error): one place for the flat and the nested form."""
    item = compiler.col(node.item) if entry.reads_item else None
    where = compiler.col(node.where) if node.where is not None else None
    exprs: dict[str, pl.Expr] = {}
    if item is not None:
        exprs["__v"] = item.expr
    if where is not None:
        exprs["__w"] = where.expr.fill_null(False)
    err = _item_err(node, item, where, pl.col("__v"))
    if err is not None:
        exprs["__e"] = err
    return item, where, exprs
