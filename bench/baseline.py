"""The ladder by hand in Polars: read the batch Parquet file, decide with one when-chain, write the actions.

The peers' reference if-chain (`decide_reference` in ../shared/bench-peers/cases.py)
written directly against the flat layout Frist reads (list-of-struct claims, payments,
events; the ladder's cases hold one claim and at most one payment and event, so the script
reads the first or last item as a person writing it for this file would), with no
validation and no policy: the floor a columnar engine is measured against,
timed in the same process as `decide_table` on the same file (bench.py `io`).
"""
from __future__ import annotations

from pathlib import Path

import polars as pl


def _one(column: str, name: str, which: str = "first") -> pl.Expr:
    """A field of a list's first (or last) item: the ladder's cases hold one claim, at most one payment and event."""
    item = pl.col(column).list.first() if which == "first" else pl.col(column).list.last()
    return item.struct.field(name)


def decide(frame: pl.LazyFrame) -> pl.LazyFrame:
    principal = _one("claims", "amount")
    paid = _one("payments", "amount").fill_null(0)
    credited = (_one("claims", "credited") > 0).fill_null(False)
    disputed = _one("claims", "disputed").fill_null(False)
    due = _one("claims", "due")
    overdue = (pl.col("as_of") - due).dt.total_days()
    step = _one("events", "step", "last").fill_null("none")
    since = (pl.col("as_of") - _one("events", "date", "last").fill_null(due)).dt.total_days()
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
