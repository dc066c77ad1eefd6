"""The law's constraints as columns: every decision of a chunk judged at once.

A constraint is an ordinary expression of the rule language over the constraining
policy's scope plus `decision` (engine/check/constraints.py), so the columnar compiler
that compiles rules compiles it: the case frame gets the decision record as columns
(`decision.action`, `decision.step`, each output the registry shows the law, a charge the
rule does not give as 0, and `decision.balance`, the `total` amount), and each constraint
becomes `binds and when and not require` over them, the law's definitions materialised
as columns like a process's. It is the same judgment as `engine.decide.enforce.violations`
(which stays the one check for rows this cannot stand for): a row where a constraint's
column may be wrong (`err`: it might fail per case) is marked `unsure` and judged per row.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from ..columnar.program import ColumnarRun
from ..columnar.values import NotColumnar
from ..decide.enforce import Violation, constrained
from ..policy.outputs import law_fields
from ..policy.record import DECISION, charges

__all__ = ["ColumnarJudgment", "judge_columns"]


@dataclass
class ColumnarJudgment:
    """Per constraint (in `constrained` order): the rows it is broken on; and the rows to judge per row."""

    broken: list[tuple[Violation, pl.Series]]
    unsure: pl.Series
    per_case: list[str] = field(default_factory=list)    # law expressions evaluated per case (no column form)


def _ore(column: str) -> pl.Expr:
    return (pl.col(column).cast(pl.Decimal(20, 2)) * 100).cast(pl.Int64)


def _decision_columns(decided: pl.DataFrame) -> dict[str, pl.Expr]:
    """The `decision` record of each decision row, in the case frame's representation (øre, day numbers)."""
    out = {f"{DECISION}.action": pl.col("action"), f"{DECISION}.step": pl.col("step")}
    for o in law_fields():
        if o.name not in decided.columns:
            value = pl.lit(None, dtype=pl.Int64)
        elif decided.schema[o.name] == pl.Date:
            value = pl.col(o.name).cast(pl.Int32)
        elif isinstance(decided.schema[o.name], pl.Decimal):
            value = _ore(o.name)
        else:
            raise NotColumnar(f"decision.{o.name} has no column form")
        if o.law == "charge":
            value = value.fill_null(0)
        out[f"{DECISION}.{o.name}"] = value
    out[f"{DECISION}.balance"] = _ore("amount_total") if "amount_total" in decided.columns else pl.lit(None, dtype=pl.Int64)
    return out


def binds(decided: pl.DataFrame) -> pl.Expr:
    """Decisions the law binds: a step taken or a cost charged (as `record.binds`)."""
    expr = pl.col("step").is_not_null()
    for name in charges():
        if name in decided.columns:
            expr = expr | (pl.col(name).fill_null(0) != 0)
    return expr


def judge_columns(bindings, main: str, decided: pl.DataFrame, cases: pl.DataFrame, steps: tuple[str, ...]
                  ) -> ColumnarJudgment | None:
    """The constraints over `cases` (a case frame without ROW, in the order of `decided`); None when one has no column form."""
    pairs = constrained(bindings, main)
    try:
        record = decided.select(binds(decided).alias("__binds"), **_decision_columns(decided))
    except NotColumnar:
        return None
    frame = pl.concat([cases, record], how="horizontal")
    run = ColumnarRun(bindings, main, frame, steps)
    found, unsure = [], pl.col("__binds") & False
    flags = {}
    for i, (bound, checked) in enumerate(pairs):
        name = bound.version.name
        what = f"constraint {checked.constraint.id}"
        require = run.top(checked.require, name, what)
        when = run.top(checked.when, name, what) if checked.when is not None else None
        if isinstance(require, list) or isinstance(when, list):
            return None
        applies = pl.col("__binds") if when is None else pl.col("__binds") & when.expr.fill_null(False)
        flags[f"v{i}"] = applies & ~require.expr.fill_null(False)
        for col in (when, require):
            if col is not None and col.err is not None:
                unsure = unsure | (pl.col("__binds") & col.err)
        found.append(Violation(bound.version.key, checked.constraint))
    result = run.frame.select(unsure.alias("unsure"), **flags)
    broken = [(v, result.get_column(f"v{i}")) for i, v in enumerate(found)]
    return ColumnarJudgment(broken, result.get_column("unsure"), list(run.fallbacks))
