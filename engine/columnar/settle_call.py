"""A definition that is a `settle(...)` call, evaluated over the whole frame (`ledger.settle_columns`).

`settle` is the one function whose per-case cost dominates a real policy's run (kravia's
`ledger`: allocation order, interest over rate periods, the § 3a offset). Its list
arguments are read as long item arrays: straight from the case frame when an argument is a
case list (`claims`, `payments`), else from the per-case values of the argument (a
`select(e for e in events where ...)` is cheap per case; the ledger is not). The date,
orders, schedule and compensation must be a column, constants and a parameter. The result
is the run-time value the scalar `settle` gives (the ledger record, Decimal to the øre) per
row; rows the columns do not stand for (a near rounding tie, a day before the schedule, an
amount not exact to the øre, a payment with no payer) are evaluated per case as before.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from ..lang import ast
from ..values.interest import compounds
from ..values.ledger import parse_order
from .compile import ExprCompiler
from .fallback import FAILED, per_case
from .frame import AS_OF, to_day
from .ledger import RateLookup, settle_columns
from .values import Col, NotColumnar

if TYPE_CHECKING:
    from .services import RunServices

__all__ = ["settle_definition", "record_columns", "LedgerRows"]

_ITEMS = {0: ("due", "amount", "credited", "disputed"), 1: ("date", "fee"), 2: ("date", "amount", "to")}
_MONEY = {"amount", "credited", "fee"}
_DATES = {"due", "date"}


def _from_frame(run: RunServices, column: str, fields: tuple[str, ...]) -> dict[str, np.ndarray] | None:
    """A case list's items as arrays (money in øre, dates as day numbers), `row` its case."""
    dtype = run.frame.schema.get(column)
    if not isinstance(dtype, pl.List) or not isinstance(dtype.inner, pl.Struct):
        return None
    have = {f.name for f in dtype.inner.fields}
    items = (run.frame.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("row"), pl.col(column))
             .explode(column).filter(pl.col(column).is_not_null()))
    out: dict[str, Any] = {"row": items.get_column("row").to_numpy()}
    for f in fields:
        if f not in have:
            out[f] = None
            continue
        values = items.select(pl.col(column).struct.field(f)).to_series()
        out[f] = values if f in ("to", "disputed") or values.null_count() else values.cast(pl.Int64).to_numpy()
    return out


def _from_values(values: list[Any], fields: tuple[str, ...]) -> dict[str, Any] | None:
    """Per-case lists of item dicts → the same arrays; None if an amount is not exact to the øre."""
    rows: list[int] = []
    got: dict[str, list] = {f: [] for f in fields}
    for i, items in enumerate(values):
        if items is FAILED or items is None:
            continue
        for item in items:
            rows.append(i)
            for f in fields:
                v = item.get(f)
                if f in _MONEY and v is not None:
                    ore = v * 100
                    if ore != ore.to_integral_value():
                        return None
                    v = int(ore)
                elif f in _DATES and v is not None:
                    v = to_day(v)
                got[f].append(v)
    out: dict[str, Any] = {"row": np.array(rows, dtype=np.int64)}
    for f, vs in got.items():
        out[f] = pl.Series(vs) if f in ("to", "disputed") or any(v is None for v in vs) else np.array(vs, dtype=np.int64)
    return out


def _case_list(run: RunServices, node: ast.Expr) -> str | None:
    """The case list column `node` reads whole (`claims`), else None."""
    if (isinstance(node, ast.Path) and node.ref is not None and node.ref.kind == "field" and not node.fields
            and node.ref.name in run.known_columns):
        return node.ref.name
    return None


def _selected(run: RunServices, node: ast.Aggregate, policy: str, fields: tuple[str, ...]) -> dict | None:
    """`select(x for x in <case list> where <test>)` as item arrays: the test compiled over the
    exploded list (per-case values it reads gathered by row, as `aggregate.py` does), no per-case
    evaluation; None when the test has no column form."""
    from .aggregate import ROW, item_flags
    try:
        flags = item_flags(run, node, policy)
    except NotColumnar:
        return None
    column = _case_list(run, node.source)
    if column is None:
        return None
    long = run.long(column)
    got = pl.concat([flags.select(pl.col(ROW).cast(pl.Int64).alias("row"), "__keep", "__err"),
                     long.select([pl.col("@" + f).alias(f) for f in fields if "@" + f in long.columns])],
                    how="horizontal")
    failed = np.zeros(run.height, dtype=bool)
    failed[got.filter(pl.col("__err")).get_column("row").to_numpy()] = True
    got = got.filter(pl.col("__keep"))
    out: dict[str, Any] = {"row": got.get_column("row").to_numpy(), "failed": failed}
    for f in fields:
        if f not in got.columns:
            out[f] = None
            continue
        values = got.get_column(f)
        out[f] = values if f in ("to", "disputed") or values.null_count() else values.cast(pl.Int64).to_numpy()
    return out


def _list_arg(run: RunServices, node: ast.Expr, policy: str, fields: tuple[str, ...]) -> dict | None:
    column = _case_list(run, node)
    if column is not None:
        return _from_frame(run, column, fields)
    if (isinstance(node, ast.Aggregate) and node.func == "select" and node.where is not None
            and _case_list(run, node.source) is not None and isinstance(node.item, ast.Path) and node.item.ref is not None
            and node.item.ref.kind == "var" and node.item.ref.name == node.var and not node.item.fields):
        got = _selected(run, node, policy, fields)
        if got is not None:
            return got
    run.fallbacks.append(f"a list given to `settle` per case: {type(node).__name__.lower()}")
    values, _ = per_case(run, node, policy, None)
    failed = np.array([v is FAILED for v in values], dtype=bool)
    got = _from_values(values, fields)
    if got is not None:
        got["failed"] = failed
    return got


def _const_text(run: RunServices, node: ast.Expr, policy: str) -> str | None:
    try:
        col = ExprCompiler(run, policy).col(node)
    except NotColumnar:
        return None
    return col.const if col.is_const and isinstance(col.const, str) else None


def settle_definition(run: RunServices, node: ast.Expr, policy: str) -> Sequence[Any] | None:
    """The per-row values of `node` when it is a `settle(...)` call the columns can run; else None."""
    if not (isinstance(node, ast.Call) and node.name == "settle" and len(node.args) in (7, 8)):
        return None
    args = node.args
    if not run.height:
        return []
    day, schedule = args[3], args[4]
    if not (isinstance(day, ast.Path) and day.ref is not None and day.ref.kind == "as_of"):
        return None
    if not (isinstance(schedule, ast.Path) and schedule.ref is not None and schedule.ref.kind == "param"
            and not schedule.fields):
        return None
    rates = run.bindings[schedule.ref.scope or policy].checked.params.get(schedule.ref.name)
    order_text, creditor_text = (_const_text(run, a, policy) for a in args[5:7])
    if rates is None or compounds(rates) or order_text is None or creditor_text is None:
        return None
    try:
        order, creditor_order = parse_order(order_text), parse_order(creditor_text)
    except ValueError:
        return None                     # the per-case path raises the error with its help
    claims, costs, payments = (_list_arg(run, a, policy, _ITEMS[i]) for i, a in enumerate(args[:3]))
    if claims is None or costs is None or payments is None:
        return None
    lists = (claims, costs, payments)
    n = run.height
    unusable = np.zeros(n, dtype=bool)
    for part in lists:
        if "failed" in part:
            unusable |= part["failed"]
    # a field the ledger reads that has no value on some item: the scalar ledger decides what that means
    for part, fields in ((claims, ("due", "amount")), (costs, ("date",)), (payments, ("date", "amount"))):
        for f in fields:
            if not isinstance(part[f], np.ndarray):
                return None
    compensation = np.zeros(n, dtype=np.int64)
    if len(args) == 8:
        try:
            comp = ExprCompiler(run, policy).col(args[7])
        except NotColumnar:
            return None
        if comp.kind != "num" or comp.scale > 2:
            return None
        got = run.frame.select(comp.expr.alias("c"), (comp.err if comp.err is not None else pl.lit(False)).alias("e"))
        values = got.get_column("c").fill_null(0).cast(pl.Int64).to_numpy() * 10 ** (2 - comp.scale)
        unusable |= got.get_column("e").fill_null(True).to_numpy() | got.get_column("c").is_null().to_numpy()
        compensation = values
    credited = claims["credited"]
    credited = np.zeros(len(claims["row"]), dtype=np.int64) if credited is None else (
        credited if isinstance(credited, np.ndarray) else credited.fill_null(0).cast(pl.Int64).to_numpy())
    disputed = claims["disputed"]
    keep = np.ones(len(claims["row"]), dtype=bool) if disputed is None else ~(
        disputed.fill_null(False).to_numpy().astype(bool))
    claim_arrays = {"row": claims["row"][keep], "due": claims["due"][keep],
                    "unpaid": (claims["amount"] - credited)[keep]}
    fee = costs.get("fee")
    if fee is None:
        return None
    if not isinstance(fee, np.ndarray):
        fee = fee.fill_null(0).cast(pl.Int64).to_numpy()
    has_fee = fee != 0
    cost_arrays = {"row": costs["row"][has_fee], "date": costs["date"][has_fee], "fee": fee[has_fee]}
    payer = payments.get("to")
    if payer is None:
        creditor = np.zeros(len(payments["row"]), dtype=bool)
    else:
        # `payment.get("to", "collector")`: a payment with no payer given is the collector's in the
        # scalar ledger only when the key is absent; a null in a column is left to it
        unusable[payments["row"][payer.is_null().to_numpy()]] = True
        creditor = (payer.fill_null("collector") == "creditor").to_numpy()
    pay_arrays = {"row": payments["row"], "date": payments["date"], "amount": payments["amount"], "creditor": creditor}
    to = run.frame.get_column(AS_OF).cast(pl.Int64).to_numpy()
    spans = [to, claim_arrays["due"], pay_arrays["date"], cost_arrays["date"]]
    low = int(min(d.min() for d in spans if len(d)))
    high = int(max(d.max() for d in spans if len(d)))
    ledger = settle_columns(n, to, claim_arrays, cost_arrays, pay_arrays, RateLookup(rates, low, high, to_day),
                            order, compensation, creditor_order)
    names = ("principal", "interest", "costs", "total", "interest_accrued", "paid", "overpaid")
    columns = [ledger.principal, ledger.interest, ledger.costs, ledger.total, ledger.interest_accrued,
               ledger.paid, ledger.overpaid]
    redo = np.nonzero(unusable | np.array([why is not None for why in ledger.per_case.tolist()], dtype=bool))[0].tolist()
    again: dict[int, Any] = {}
    if redo:
        mask = pl.Series([False] * n).scatter(redo, True)
        values, _ = per_case(run, node, policy, mask)
        again = {i: values[i] for i in redo}
    return LedgerRows(dict(zip(names, columns)), again, n)


class LedgerRows(Sequence):
    """The `settle` record of every row, as the scalar `settle` gives it (Decimal to the øre), built
    only for the rows a per-case fallback reads: the Money fields go to columns (`record_columns`)
    straight from the ledger's øre arrays, never through 100,000 dicts of Decimals and back."""

    def __init__(self, ore: dict[str, np.ndarray], again: dict[int, Any], n: int) -> None:
        self.ore = ore              # field → øre per row (Python ints), valid outside `again`
        self.again = again          # row → its per-case value (the columns did not stand for it)
        self.n = n

    def __len__(self) -> int:
        return self.n

    def _row(self, i: int) -> Any:
        if i in self.again:
            return self.again[i]
        return {name: Decimal(int(col[i])).scaleb(-2) for name, col in self.ore.items()}

    def __getitem__(self, i):       # a row, or a list of rows for a slice
        if isinstance(i, slice):
            return [self._row(k) for k in range(*i.indices(self.n))]
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self._row(i)

    def field_ore(self, name: str) -> list[int | None] | None:
        """One Money field in øre per row (None where the row has no value); None if a per-case value
        is not exact to the øre (the field then stays per case, as `record_columns` decides)."""
        if name not in self.ore:
            return None
        out = self.ore[name].tolist()
        for i, v in self.again.items():
            got = None if v is FAILED or v is None or v.get(name) is None else v[name] * 100
            if got is not None and got != got.to_integral_value():
                return None
            out[i] = None if got is None else int(got)
        return out


def record_columns(values: Sequence[Any], typ) -> dict[str, Col]:
    """Each Money field of a record-valued definition's per-row values as a column (øre, scale 2),
    `err` where the row's evaluation failed (it is then re-decided per case)."""
    from ..lang import types as T
    record = T.unwrap(typ)
    if not isinstance(record, T.Record):
        return {}
    if isinstance(values, LedgerRows):
        failed_rows = [i for i, v in values.again.items() if v is FAILED or v is None]
        failed = pl.Series([False] * len(values), dtype=pl.Boolean).scatter(failed_rows, True)
    else:
        failed = pl.Series([v is FAILED or v is None for v in values], dtype=pl.Boolean)
    out = {}
    for name, field_type in record.fields:
        if T.unwrap(field_type) != T.MONEY:
            continue
        if isinstance(values, LedgerRows) and name in values.ore:
            cents = values.field_ore(name)
            if cents is not None:
                out[name] = Col(pl.lit(pl.Series(cents, dtype=pl.Int64)), "num", 2, pl.lit(failed))
            continue
        ore = [None if v is FAILED or v is None or v.get(name) is None else v[name] * 100 for v in values]
        if any(o is not None and o != o.to_integral_value() for o in ore):
            continue                      # not exact to the øre: the field stays per case
        series = pl.Series([None if o is None else int(o) for o in ore], dtype=pl.Int64)
        out[name] = Col(pl.lit(series), "num", 2, pl.lit(failed))
    return out
