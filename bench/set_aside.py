"""Batch cost of claims set aside: kravia on N two-claim cases, a share of them with a disputed claim.

Rows where a `set_aside:` reason holds a claim are re-decided per case by the scalar
evaluator (docs/batch.md). Usage: `python bench/set_aside.py 20000 0.05` from the
repository root (FRIST_NO_CACHE=1 to leave the load cache alone).
"""
import json, random, time, sys
import polars as pl
sys.path.insert(0, '.')
from engine.batch.api import decide_table
random.seed(1)
n = int(sys.argv[1]); share = float(sys.argv[2])
rows = []
for i in range(n):
    claims = [{"invoice": "A", "amount": "1250.00", "due": "2026-01-15"},
              {"invoice": "B", "amount": "800.00", "due": "2026-01-20", "disputed": random.random() < share}]
    rows.append({"case_id": f"C{i}", "creditor_vat_registered": True, "debtor_kind": "consumer", "claims": json.dumps(claims)})
frame = pl.DataFrame(rows)
t = time.perf_counter(); d, r = decide_table(frame, policy="kravia", as_of="2026-03-02"); el = time.perf_counter() - t
print(f"{n} rows, {share:.0%} with a disputed claim: {el:.2f} s, {n/el:,.0f} rows/s, set aside in {sum(1 for s in d.get_column('set_aside') if s)} rows")
