"""The kravia workload: claims, events and payments drawn like real cases, at every law version.

Seeded (numpy), in the flat batch layout with list-of-struct columns, as a Parquet file of a
collection agency's night run would be. Each case: 1–3 claims (3 % disputed, some partly
credited, due dates up to ~4 years back, so some are time-barred), a payment in one case
of five (to the collector or the creditor), the agency's steps so far in order
(inkassovarsel with the fee of its date's sats, a betalingsoppfordring with salær, tungt,
SMS, a call, each 16–35 days after the one before),
a business debtor in three cases of ten (the § 3a compensation), and a decision date drawn
from 2024-01-15 to 2026-12-31, so every version of no-regulation (2024-01-01 … 2026-07-01)
decides a share. One recorded fee in a hundred is one the law did not allow (70 NOK for an
inkassovarsel), so the per-case path and the warnings column are exercised as in real data.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

EPOCH = dt.date(1970, 1, 1)
MONEY = pl.Decimal(20, 2)
FIRST, LAST = dt.date(2024, 1, 15), dt.date(2026, 12, 31)
STEPS = ("inkassovarsel", "betalingsoppfordring", "betalingsoppfordring_tungt", "sms_reminder", "sms_reminder", "call")


def _day(d: dt.date) -> int:
    return (d - EPOCH).days


def _money(ore: pl.Expr) -> pl.Expr:
    return (ore.cast(MONEY) / 100).cast(MONEY)


def _date(days: pl.Expr) -> pl.Expr:
    return days.cast(pl.Int32).cast(pl.Date)


def generate(n: int, seed: int = 19) -> pl.DataFrame:
    """`n` kravia cases in the flat layout (no `policy` column: the run names `kravia`)."""
    rng = np.random.default_rng(seed)
    as_of = rng.integers(_day(FIRST), _day(LAST) + 1, n)
    business = rng.random(n) < 0.3
    # claims: 1–3 per case, the oldest due `overdue` days before the decision date
    count = rng.choice([1, 2, 3], size=n, p=[0.6, 0.3, 0.1])
    overdue = np.minimum(rng.exponential(160, n).astype(np.int64) + 5, 1500)
    row = np.repeat(np.arange(n), count)
    m = len(row)
    due = as_of[row] - overdue[row] + rng.integers(0, 20, m)
    amount = rng.integers(200_00, 50_000_00, m)
    credited = np.where(rng.random(m) < 0.05, amount // 4, 0)
    claims = pl.DataFrame({"r": row, "invoice": np.char.add("F", rng.integers(1000, 99999, m).astype(str)),
                           "amount": amount, "issued": due - 14, "due": due, "credited": credited,
                           "disputed": rng.random(m) < 0.03})
    # steps so far: stage k = the first k of STEPS, 14–35 days apart from 20 days past the first due date
    stage = np.minimum(rng.integers(0, len(STEPS) + 1, n), overdue // 25)
    erow = np.repeat(np.arange(n), stage)
    index = np.concatenate([np.arange(k) for k in stage]) if len(erow) else np.zeros(0, dtype=np.int64)
    gaps = rng.integers(16, 36, len(erow))          # past the 14-day deadline of the step before
    start = as_of - overdue + 26                      # the first step 14 days after the last due date at the latest
    offsets = np.concatenate([[0], np.cumsum(stage)])[:-1]
    # the step's date: the case's start plus a running sum of gaps within the case
    first = np.repeat(offsets, stage)
    run = np.cumsum(gaps)
    before = np.where(first > 0, run[np.maximum(first - 1, 0)], 0)
    edate = start[erow] + (run - before)
    step = np.array(STEPS)[index]
    version_2026 = edate >= _day(dt.date(2026, 1, 1))
    fee = np.where(step == "inkassovarsel", np.where(version_2026, 38_00, 35_00), 0)
    fee = np.where(step == "inkassovarsel", np.where(rng.random(len(erow)) < 0.01, 70_00, fee), fee)
    fee = np.where(step == "betalingsoppfordring", 150_00, fee)     # lett salær, under every version's cap
    events = pl.DataFrame({"r": erow, "step": step, "date": edate, "fee": fee, "due": edate + 14})
    events = events.filter(pl.col("date") <= pl.lit(as_of).gather(pl.col("r")))
    # a payment in one case of five, after the first due date
    paid = np.nonzero(rng.random(n) < 0.2)[0]
    pdate = np.minimum(as_of[paid] - overdue[paid] + rng.integers(20, 80, len(paid)), as_of[paid])
    payments = pl.DataFrame({"r": paid, "date": pdate, "amount": rng.integers(100_00, 5_000_00, len(paid)),
                             "to": np.where(rng.random(len(paid)) < 0.3, "creditor", "collector")})
    base = pl.DataFrame({"r": np.arange(n)})
    nested = {
        "claims": claims.group_by("r").agg(pl.struct(
            "invoice", amount=_money(pl.col("amount")), issued=_date(pl.col("issued")), due=_date(pl.col("due")),
            credited=_money(pl.col("credited")), disputed="disputed").alias("claims")),
        "payments": payments.group_by("r").agg(pl.struct(
            date=_date(pl.col("date")), amount=_money(pl.col("amount")), to="to").alias("payments")),
        "events": events.sort("r", "date", maintain_order=True).group_by("r", maintain_order=True).agg(pl.struct(
            "step", date=_date(pl.col("date")), fee=_money(pl.col("fee")), due=_date(pl.col("due"))).alias("events")),
    }
    for name, part in nested.items():
        base = base.join(part, on="r", how="left")
        empty = pl.lit([], dtype=part.schema[name])
        base = base.with_columns(pl.col(name).fill_null(empty))
    return base.sort("r").select(
        pl.format("K{}", pl.col("r")).alias("case_id"), pl.lit(as_of).cast(pl.Int32).cast(pl.Date).alias("as_of"),
        pl.lit(True).alias("creditor_vat_registered"),
        pl.when(pl.lit(business)).then(pl.lit("business")).otherwise(pl.lit("consumer")).alias("debtor_kind"),
        pl.when(pl.lit(rng.random(n) < 0.1)).then(False).alias("debtor_can_pay"),
        "claims", "payments", "events")
