"""The law's judgment of a chunk of columnar decisions, as columns (`enforce.judge`, every row at once).

A constraint is an ordinary expression of the rule language over the constraining policy's
scope plus `decision` (engine/check/constraints.py), so the columnar compiler that compiles
rules compiles it: the case frame gets the decision record as columns (`decision.action`,
`decision.step`, each output the registry shows the law, a charge the rule does not give as
0, and `decision.balance`, the law's own balance of the case from `columnar/law_view.py`),
and each constraint becomes `binds and when and not require`. A carried constraint (one an
earlier law version had) runs over that version's definitions, as `violations` does. Every
reported amount is compared with the law's view (`LawView.exceeds` as columns).

It is the same judgment as `engine.decide.enforce.judge`, which stays the one check for the
rows this cannot stand for: a row where a constraint's column may be wrong (`err`: it might
fail per case) or whose view the columns could not compute is `unsure`, judged per row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from ..columnar.law_view import VIEW_COLUMNS, law_view_columns
from ..columnar.program import ColumnarRun
from ..columnar.values import NotColumnar
from ..decide.enforce import Violation, amount_violations, constrained
from ..policy.outputs import law_fields
from ..policy.record import DECISION, charges
from ..run.law_view import AMOUNT_BOUNDS, LawView, view_spec

__all__ = ["ColumnarJudgment", "judge_columns", "constraint_flags", "binds"]

@dataclass
class ColumnarJudgment:
    """Per row position: the violations found (constraints in `constrained` order, then amounts),
    the rows to judge per row instead, and why each of those could not be judged as columns."""

    broken: dict[int, list[Violation]]
    unsure: pl.Series
    reasons: dict[str, int] = field(default_factory=dict)
    per_case: list[str] = field(default_factory=list)    # law expressions evaluated per case (no column form)


def _ore(column: str) -> pl.Expr:
    return (pl.col(column).cast(pl.Decimal(38, 2)) * 100).cast(pl.Int64)


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
    return out


def binds(decided: pl.DataFrame) -> pl.Expr:
    """Decisions the law binds: a step taken or a cost charged (as `record.binds`)."""
    expr = pl.col("step").is_not_null()
    for name in charges():
        if name in decided.columns:
            expr = expr | (pl.col(name).fill_null(0) != 0)
    return expr


def constraint_flags(bindings, main: str, frame: pl.DataFrame, steps, history: bool = False
                     ) -> tuple[list[Violation], pl.DataFrame, list[str]] | None:
    """(violations in `constrained` order, a frame of `v<i>` broken flags and `unsure`, per-case notes); None: no column form.

    `frame`: a case frame with `__binds` and the `decision.*` columns. `history`: judging recorded
    fees (the constraints marked `history: false` are skipped, as `violations(history=True)`)."""
    pairs = constrained(bindings, main)
    runs: dict[int, ColumnarRun] = {}
    found: list[tuple[int, int, Violation]] = []      # (run key, column index, violation)
    for i, (bound, checked) in enumerate(pairs):
        if history and not checked.constraint.history:
            continue
        name = bound.version.name
        key = 0 if bindings.get(name) is bound else id(bound)
        if key not in runs:
            own = bindings if key == 0 else {**bindings, name: bound}
            runs[key] = ColumnarRun(own, main, frame, steps)
        run = runs[key]
        what = f"constraint {checked.constraint.id}"
        require = run.top(checked.require, name, what)
        when = run.top(checked.when, name, what) if checked.when is not None else None
        if isinstance(require, list) or isinstance(when, list):
            return None
        j = len(found)           # column names follow the violations kept (history skips some)
        applies = pl.col("__binds") if when is None else pl.col("__binds") & when.expr.fill_null(False)
        flag = (applies & ~require.expr.fill_null(False)).alias(f"v{j}")
        doubt = pl.lit(False)
        for col in (when, require):
            if col is not None and col.err is not None:
                doubt = doubt | (pl.col("__binds") & col.err)
        run.add_columns({f"v{j}": flag, f"u{j}": doubt})
        found.append((key, j, Violation(bound.version.key, checked.constraint)))
    parts = []
    for key, run in runs.items():
        mine = [i for k, i, _ in found if k == key]
        parts.append(run.frame.select([pl.col(f"v{i}") for i in mine] + [pl.col(f"u{i}") for i in mine]))
    result = pl.concat(parts, how="horizontal") if parts else pl.DataFrame({"u": [False] * frame.height})
    doubts = [c for c in result.columns if c.startswith("u")]
    result = result.with_columns(pl.any_horizontal(doubts).alias("unsure") if doubts else pl.lit(False).alias("unsure"))
    notes = [f for run in runs.values() for f in run.fallbacks]
    return [v for _, _, v in found], result, notes


def judge_columns(bindings, main, decided: pl.DataFrame, cases: pl.DataFrame, steps: tuple[str, ...]
                  ) -> ColumnarJudgment | None:
    """The law's judgment of `decided` (in the order of `cases`, a case frame without ROW); None when
    a constraint has no column form (every row is then judged per row)."""
    view = law_view_columns(bindings, main, cases)
    if view is not None:
        balance = pl.col("law_balance")
        frame = pl.concat([cases, view], how="horizontal")
    else:
        balance, frame = pl.lit(None, dtype=pl.Int64), cases
    try:
        record = decided.select(binds(decided).alias("__binds"), **_decision_columns(decided))
    except NotColumnar:
        return None
    frame = pl.concat([frame, record], how="horizontal").with_columns(balance.alias(f"{DECISION}.balance"))
    # only a decision that takes a step or charges a cost can break a constraint (`binds`):
    # the others (waits, closes) are not evaluated at all
    bound = record.get_column("__binds")
    where = bound.arg_true()
    if bound.any():
        got = constraint_flags(bindings, main.name, frame.filter(bound), steps)
        if got is None:
            return None
        violations, flags, notes = got
    else:       # no decision takes a step or charges a cost (a case whose every claim is set aside, held)
        violations, flags, notes = [], pl.DataFrame({"unsure": pl.Series([], dtype=pl.Boolean)}), []
    unsure = pl.Series([False] * decided.height, dtype=pl.Boolean).scatter(where, flags.get_column("unsure"))
    reasons: dict[str, int] = {}
    if view is not None:
        why = view.get_column("law_per_case")
        for reason, count in why.drop_nulls().value_counts().iter_rows():
            reasons[reason] = count
        unsure = unsure | why.is_not_null()
    doubt = flags.get_column("unsure").sum()
    if doubt:
        reasons["a constraint might fail on the row (judged per row, which names the error)"] = int(doubt)
    broken: dict[int, list[Violation]] = {}
    full = where.to_list()
    for i, v in enumerate(violations):
        for pos in flags.get_column(f"v{i}").arg_true().to_list():
            broken.setdefault(full[pos], []).append(v)
    if view is not None:
        _amounts(bindings, main, decided, view, broken)
    return ColumnarJudgment(broken, unsure, reasons, notes)


def _amounts(bindings, main, decided: pl.DataFrame, view: pl.DataFrame, broken: dict[int, list[Violation]]) -> None:
    """Every reported amount above the law's view (`LawView.exceeds`), one violation each, per row:
    the rows are found as columns, and each such row's violations made by `amount_violations`,
    the function `decide` uses (a `LawView` built from the row's view columns)."""
    spec = view_spec(main)
    assert spec is not None and spec.span is not None     # a law view comes from the jurisdiction's spec (as in decide)
    law_key = bindings[spec.policy].checked.version.key
    names = [c[len("amount_"):] for c in decided.columns if c.startswith("amount_")]
    judged = [a for a in names if a in AMOUNT_BOUNDS]
    if not judged:
        return
    charged = pl.max_horizontal([_ore(c).fill_null(0) for c in charges() if c in decided.columns] or [pl.lit(0)])
    both = pl.concat([decided.select(charged.alias("__charged"), *[_ore(f"amount_{a}").alias(a) for a in judged]),
                      view], how="horizontal")
    over = pl.any_horizontal([
        pl.col(a).is_not_null() & (pl.col(a) > pl.col(f"law_{AMOUNT_BOUNDS[a]}")
                                   + (0 if a == "interest" else pl.col("__charged"))) for a in judged])
    where = both.select(over.fill_null(False)).to_series().arg_true().to_list()
    if not where:
        return
    rows = decided.select(pl.int_range(pl.len()).alias("pos"), "as_of", *[f"amount_{a}" for a in names],
                          *[c for c in charges() if c in decided.columns]).filter(pl.col("pos").is_in(where))
    figures = view.select(pl.int_range(pl.len()).alias("pos"), *[f"law_{k}" for k in VIEW_COLUMNS]
                          ).filter(pl.col("pos").is_in(where))
    for row, figure in zip(rows.iter_rows(named=True), figures.iter_rows(named=True)):
        money: dict[str, Any] = {k: Decimal(figure[f"law_{k}"]).scaleb(-2) for k in VIEW_COLUMNS}   # LawView's money fields
        law = LawView(as_of=row["as_of"], law=law_key, source=spec.source, principal={}, **money)
        amounts = {a: row[f"amount_{a}"] for a in names}
        record = {c: row.get(c) or Decimal(0) for c in charges()}
        broken.setdefault(row["pos"], []).extend(amount_violations(law, amounts, record, spec.span))
