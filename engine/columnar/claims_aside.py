"""Which claim each `set_aside:` reason takes out of a case, as columns (`decide/set_aside.py`).

A reason is `select(c for c in claims where P)`; `decide` evaluates it on the whole case and
a claim takes the first reason, in policy order, that holds it. Here `P` is evaluated on
every claim of the frame at once (the exploded `claims` list, `aggregate.item_flags`), so the
batch knows per claim which reason (if any) holds it and cuts the case down without turning
it into a Python dict (`batch/aside.py`). A reason that is not such a select over the case's
own claims, or whose test has no column form, leaves the per-claim answer to `decide`'s own
function (None here).
"""
from __future__ import annotations

import polars as pl

from ..lang import ast
from .aggregate import ROW, item_flags
from .values import NotColumnar

__all__ = ["claim_flags", "claims_aside"]


def claim_flags(run, node: ast.Aggregate, policy: str, flags: list[pl.DataFrame] | None) -> list[pl.DataFrame] | None:
    """`flags` with the per-claim test of reason `node` appended (None once a reason has no column form)."""
    if flags is None:
        return None
    item, source = node.item, node.source
    if not (isinstance(source, ast.Path) and source.ref is not None and source.ref.kind == "field"
            and source.ref.name == "claims" and not source.fields and "claims" in run.known_columns
            and isinstance(item, ast.Path) and item.ref is not None and item.ref.kind == "var"
            and item.ref.name == node.var and not item.fields and node.where is not None):
        return None         # not the case's own claims themselves: `decide`'s identity test decides
    try:
        got = item_flags(run, node, policy)
    except NotColumnar:
        return None
    if not flags:       # the claims' invoices once, to name them in the `set_aside` column
        long = run.long("claims")
        got = got.with_columns(long.get_column("@invoice").alias("invoice") if "@invoice" in long.columns
                               else pl.lit(None, dtype=pl.String).alias("invoice"))
    return [*flags, got]


def claims_aside(flags: list[pl.DataFrame] | None) -> pl.DataFrame | None:
    """Per claim of the frame, in `long("claims")` order: `__row` (the case's position), its `invoice`, `reason`
    (the index of the first reason holding it, null: collected) and `err` (a reason may fail on it)."""
    if not flags:
        return None
    reason = pl.lit(None, dtype=pl.Int32)
    for index in reversed(range(len(flags))):
        reason = pl.when(pl.col(f"k{index}")).then(pl.lit(index, dtype=pl.Int32)).otherwise(reason)
    columns = {ROW: flags[0].get_column(ROW), "invoice": flags[0].get_column("invoice")}
    for index, part in enumerate(flags):
        columns[f"k{index}"] = part.get_column("__keep")
        columns[f"e{index}"] = part.get_column("__err")
    return pl.DataFrame(columns).select(ROW, "invoice", reason.alias("reason"),
                                        pl.any_horizontal([f"e{i}" for i in range(len(flags))]).alias("err"))
