"""The ladder workload in every input shape: peer row dicts, Frist run-time cases, the flat batch layout."""
from __future__ import annotations

import datetime as dt
import os
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl

def _peers() -> Path:
    """$BENCH_PEERS, else the first `shared/bench-peers` above this checkout (main or a worktree)."""
    if os.environ.get("BENCH_PEERS"):
        return Path(os.environ["BENCH_PEERS"])
    for parent in Path(__file__).resolve().parents[1:]:
        if (parent / "shared" / "bench-peers").is_dir():
            return parent / "shared" / "bench-peers"
    return Path(__file__).resolve().parents[2] / "shared" / "bench-peers"


PEERS = _peers()
if not (PEERS / "cases.py").is_file():
    # without it, `import cases` would find tests/cases (a folder of case files) as a namespace package
    raise ImportError(f"the bench workload needs the peers' case generator {PEERS / 'cases.py'} (../shared/bench-peers)")
sys.path.insert(0, str(PEERS))
import cases as peers  # noqa: E402

EPOCH = dt.date(1970, 1, 1)
MONEY = pl.Decimal(20, 2)


def generate(n: int) -> dict[str, np.ndarray]:
    return peers.generate_columns(n)


def frist_case(row: dict) -> tuple[dict, dt.date]:
    """A peer row as a Frist run-time case (what `case_from_data` gives) and its decision date."""
    amount = Decimal(row["principal_ore"]).scaleb(-2)
    due = EPOCH + dt.timedelta(days=row["due_date"])
    as_of = EPOCH + dt.timedelta(days=row["as_of"])
    issued = min(due, as_of) - dt.timedelta(days=30)
    claim = {"invoice": "1", "amount": amount, "issued": issued, "due": due,
             "credited": amount if row["credited"] else Decimal("0.00"), "disputed": row["disputed"],
             "handed_over": None, "judgment": None}
    payments = [{"date": issued, "amount": Decimal(row["paid_ore"]).scaleb(-2), "to": "collector"}] if row["paid_ore"] else []
    events = [] if row["last_step"] == "none" else [
        {"step": row["last_step"], "date": EPOCH + dt.timedelta(days=row["last_step_date"]), "fee": Decimal("0.00"), "due": None}]
    case = {"case_id": "x", "creditor": {"name": None, "vat_registered": False},
            "debtor": {"id": None, "name": None, "kind": row["debtor_kind"], "vat_registered": False},
            "agreement": {"waives_inkassovarsel": False, "instalment_plan": False},
            "claims": [claim], "payments": payments, "events": events}
    return case, as_of


def flat_frame(cols: dict[str, np.ndarray]) -> pl.DataFrame:
    """The same cases in the flat batch layout (docs/batch.md), nested lists as list-of-struct."""
    n = len(cols["as_of"])
    raw = pl.DataFrame({k: cols[k] for k in peers.FIELDS}).with_columns(
        pl.Series("case_id", np.char.add("c", np.arange(n).astype(str))),
        pl.col("debtor_kind").replace_strict(list(range(len(peers.KINDS))), list(peers.KINDS), return_dtype=pl.String),
        pl.col("last_step").replace_strict(list(range(len(peers.STEPS))), list(peers.STEPS), return_dtype=pl.String),
    )
    date = lambda c: pl.col(c).cast(pl.Int32).cast(pl.Date)  # noqa: E731
    money = lambda c: (pl.col(c).cast(MONEY) / 100).cast(MONEY)  # noqa: E731
    issued = pl.min_horizontal(pl.col("due_date"), pl.col("as_of")) - 30
    claim = pl.struct(invoice=pl.lit("1"), amount=money("principal_ore"), issued=issued.cast(pl.Int32).cast(pl.Date),
                      due=date("due_date"),
                      credited=pl.when(pl.col("credited")).then(money("principal_ore")).otherwise(pl.lit(0).cast(MONEY)),
                      disputed=pl.col("disputed"))
    payment = pl.struct(date=issued.cast(pl.Int32).cast(pl.Date), amount=money("paid_ore"))
    event = pl.struct(step=pl.col("last_step"), date=date("last_step_date"))
    return raw.select(
        "case_id", date("as_of").alias("as_of"), pl.lit(False).alias("creditor_vat_registered"), "debtor_kind",
        pl.concat_list([claim]).alias("claims"),
        pl.when(pl.col("paid_ore") > 0).then(pl.concat_list([payment])).otherwise(
            pl.lit([], dtype=pl.List(pl.Struct({"date": pl.Date, "amount": MONEY})))).alias("payments"),
        pl.when(pl.col("last_step") != "none").then(pl.concat_list([event])).otherwise(
            pl.lit([], dtype=pl.List(pl.Struct({"step": pl.String, "date": pl.Date})))).alias("events"),
    )
