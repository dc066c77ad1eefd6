"""Batch cost of claims set aside: kravia on N two-claim cases, a share of them with a disputed claim.

Rows where a `set_aside:` reason holds a claim are re-decided per case by the scalar
evaluator (docs/batch.md). Usage: `python bench/set_aside.py 20000 0.05` from the
repository root (FRIST_NO_CACHE=1 to leave the load cache alone).
"""
from __future__ import annotations

import json
import random
import sys
import time

import polars as pl

sys.path.insert(0, ".")
from engine.batch.api import decide_table  # noqa: E402 - after the path set-up


def main(n: int, share: float) -> None:
    random.seed(1)
    rows = []
    for i in range(n):
        claims = [{"invoice": "A", "amount": "1250.00", "due": "2026-01-15"},
                  {"invoice": "B", "amount": "800.00", "due": "2026-01-20", "disputed": random.random() < share}]
        rows.append({"case_id": f"C{i}", "creditor_vat_registered": True, "debtor_kind": "consumer",
                     "claims": json.dumps(claims)})
    started = time.perf_counter()
    decisions, _ = decide_table(pl.DataFrame(rows), policy="kravia", as_of="2026-03-02")
    elapsed = time.perf_counter() - started
    aside = sum(1 for s in decisions.get_column("set_aside") if s)
    print(f"{n} rows, {share:.0%} with a disputed claim: {elapsed:.2f} s, {n / elapsed:,.0f} rows/s, "
          f"set aside in {aside} rows")


if __name__ == "__main__":
    main(int(sys.argv[1]), float(sys.argv[2]))
