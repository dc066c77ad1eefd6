"""Rows where a `set_aside:` reason holds a claim: the claims taken out as columns, the rest decided as columns.

`decide_case` asks the policy's reasons which claims they set aside (`decide/set_aside.py`,
on the whole case), then decides the case with only the remaining claims. Here the first
half comes from the columnar run's answer per claim (`columnar/claims_aside.py`; per case
only when a reason has no column form: `ColumnarRun.set_aside_only` before the rules run, or
the rules' own run), and the second half is the ordinary columnar run over those rows with
their claims cut down (the group's one run, or a second one: `group.decide_group`). Rows
whose every claim a reason holds are returned by `whole_aside` (the first reason decides
them, `group._decide_whole`). A row stays with `decide_case` when a reason might fail (decide
names the error) or a claim held has no invoice to name it by.
"""
from __future__ import annotations

import decimal

import polars as pl

from ..core.errors import EvaluationError
from ..decide.set_aside import remaining_case, set_aside
from ..values.money import DECIMAL_CONTEXT
from .layout import ROW
from .output import set_aside_text

__all__ = ["AsideRows", "split_aside", "whole_aside"]


class AsideRows:
    """The flagged rows the columns can decide once their claims are cut down."""

    def __init__(self, reduced: pl.DataFrame, originals: pl.DataFrame, texts: dict[int, str]) -> None:
        self.reduced = reduced          # the rows' case frame with only the remaining claims (with ROW)
        self.originals = originals      # the same rows as they came (decide_case reads these)
        self.texts = texts              # row → the `set_aside` column (`invoice:reason;...`)


def split_aside(main, bindings, cases: pl.DataFrame, flagged: pl.Series, steps,
                claims: pl.DataFrame | None = None) -> AsideRows | None:
    """The rows of `cases` (with ROW) under `flagged` whose remaining claims the columns can decide;
    `claims`: the columnar run's answer per claim (`columnar/claims_aside.py`), else asked per case."""
    from ..columnar.frame import AS_OF, cases_from_frame, frame_from_cases
    part = cases.filter(flagged)
    if not part.height:
        return None
    if claims is not None:
        return _split_columns(main, cases, flagged, claims)
    days = part.get_column(AS_OF).cast(pl.Date).to_list()
    keep, reduced, texts = [], [], {}
    with decimal.localcontext(DECIMAL_CONTEXT):
        for row, day, case in zip(part.get_column(ROW).to_list(), days, cases_from_frame(part, steps)):
            try:
                aside = set_aside(case, day, bindings, main)
            except EvaluationError:
                keep.append(False)
                continue
            rest = remaining_case(case, aside)
            if not aside or not rest["claims"]:
                keep.append(False)
                continue
            keep.append(True)
            reduced.append(rest)
            texts[row] = set_aside_text(aside)
    if not reduced:
        return None
    mask = pl.Series(keep, dtype=pl.Boolean)
    originals = part.filter(mask)
    kept = frame_from_cases(reduced, [d for d, k in zip(days, keep) if k], steps).get_column("claims")
    return AsideRows(originals.with_columns(kept.cast(originals.schema["claims"])), originals, texts)


def _per_row(main, claims: pl.DataFrame) -> pl.DataFrame:
    """Per case with claims (`__row`): how many, how many a reason holds, whether one may fail or is
    unnamed, the `set_aside` text, the claims kept (their indices) and the first reason (policy order)."""
    ids = [entry.rule.id for entry in main.set_aside]
    reason_id = pl.col("reason").replace_strict(list(range(len(ids))), ids, return_dtype=pl.String)
    held = pl.col("reason").is_not_null()
    return (claims.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over("__row").alias("__i"))
            .group_by("__row").agg(pl.len().alias("n"), held.sum().alias("held"), pl.col("err").any().alias("err"),
                                   (held & pl.col("invoice").is_null()).any().alias("unnamed"),
                                   pl.format("{}:{}", "invoice", reason_id).filter(held).str.join(";").alias("text"),
                                   pl.col("__i").filter(~held).alias("kept"), pl.col("reason").min().alias("first")))


def _split_columns(main, cases: pl.DataFrame, flagged: pl.Series, claims: pl.DataFrame) -> AsideRows | None:
    """`split_aside` from each claim's first holding reason: the rows where some claims but not all are
    held, none may fail and every claim held names its invoice; the others stay with `decide_case`."""
    per_row = _per_row(main, claims)
    per_row = per_row.filter((pl.col("held") > 0) & (pl.col("held") < pl.col("n")) & ~pl.col("err") & ~pl.col("unnamed"))
    at = cases.with_row_index("__row").filter(flagged).join(per_row.select("__row", "text", "kept"), on="__row",
                                                             how="inner", maintain_order="left")
    if not at.height:
        return None
    originals = at.drop("__row", "text", "kept")
    texts = dict(zip(at.get_column(ROW).to_list(), at.get_column("text").to_list()))
    reduced = originals.with_columns(at.select(pl.col("claims").list.gather(pl.col("kept"))).to_series())
    return AsideRows(reduced, originals, texts)


def whole_aside(main, cases: pl.DataFrame, flagged: pl.Series, claims: pl.DataFrame | None) -> pl.DataFrame | None:
    """The rows of `cases` under `flagged` whose every claim a reason holds (none may fail, each named):
    the case rows (with ROW), their `set_aside` text (`__text`) and deciding reason's index (`__first`):
    `decide` decides them by that reason with the amounts of a case without claims or costs."""
    if claims is None or not flagged.any():
        return None
    per_row = _per_row(main, claims).filter((pl.col("held") == pl.col("n")) & (pl.col("n") > 0) & ~pl.col("err")
                                            & ~pl.col("unnamed"))
    at = cases.with_row_index("__row").filter(flagged).join(
        per_row.select("__row", pl.col("text").alias("__text"), pl.col("first").alias("__first")),
        on="__row", how="inner", maintain_order="left").drop("__row")
    return at if at.height else None
