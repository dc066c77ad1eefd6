"""The ladder by hand in Polars: read the batch Parquet file, decide with one when-chain, write the actions.

The peers' reference if-chain (`decide_reference` in ../shared/bench-peers/cases.py)
written directly against the flat layout Frist reads (list-of-struct claims, payments,
events), with no validation and no policy: the floor a columnar engine is measured against,
timed in the same process as `decide_table` on the same file (bench.py `io`).
"""
from __future__ import annotations

from pathlib import Path

import polars as pl


def _field(column: str, name: str) -> pl.Expr:
    return pl.col(column).list.eval(pl.element().struct.field(name))


def decide(frame: pl.LazyFrame) -> pl.LazyFrame:
    principal = _field("claims", "amount").list.sum()
    paid = _field("payments", "amount").list.sum()
    credited = (_field("claims", "credited").list.max() > 0).fill_null(False)
    disputed = _field("claims", "disputed").list.any().fill_null(False)
    due = _field("claims", "due").list.min()
    overdue = (pl.col("as_of") - due).dt.total_days()
    step = _field("events", "step").list.last().fill_null("none")
    since = (pl.col("as_of") - _field("events", "date").list.last().fill_null(due)).dt.total_days()
    kind = pl.col("debtor_kind")
    action = (pl.when(credited | (paid >= principal)).then(pl.lit("close"))
              .when(disputed).then(pl.lit("hold_dispute"))
              .when(overdue > 1095).then(pl.lit("stop_time_barred"))
              .when((step == "none") & (overdue >= 0)).then(pl.lit("send_reminder"))
              .when((step == "reminder") & (overdue >= 14)).then(pl.lit("send_purring"))
              .when(step.is_in(["reminder", "purring"]) & (overdue >= 14) & (since >= 14)).then(pl.lit("send_inkassovarsel"))
              .when((step == "inkassovarsel") & (since >= 14)).then(pl.lit("send_betalingsoppfordring_lett"))
              .when((step == "betalingsoppfordring_lett") & (since >= 14) & (kind == "business"))
              .then(pl.lit("send_betalingsoppfordring_tung"))
              .when((step == "betalingsoppfordring_lett") & (since >= 28) & (kind == "consumer"))
              .then(pl.lit("send_betalingsoppfordring_tung"))
              .when((step == "betalingsoppfordring_tung") & (since >= 14) & (principal >= 500))
              .then(pl.lit("legal_action_review"))
              .otherwise(pl.lit("wait")))
    return frame.select("case_id", action.alias("action"))


def run(source: Path, target: Path) -> tuple[float, float, float, pl.DataFrame]:
    """(read s, decide s, write s, decisions) of the hand-written script on `source`."""
    import time
    t0 = time.perf_counter()
    frame = pl.read_parquet(source)
    t1 = time.perf_counter()
    out = decide(frame.lazy()).collect()
    t2 = time.perf_counter()
    out.write_parquet(target)
    return t1 - t0, t2 - t1, time.perf_counter() - t2, out
