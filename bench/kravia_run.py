"""`bench/run --workload kravia`: the kravia policy with its law, Parquet and JSON Lines, parity with `frin decide`.

In one process: `decide_table` on the kravia workload (bench/kravia.py) read from and
written to Parquet (`reps` times); `frin batch`'s reader and deciding on the same cases as
JSON Lines (the first 20,000); and `decide_case` (what `frin decide --no-trace` runs) on a
sample of rows, timed (the per-case rate the columnar figure is a ratio to) and compared on
every output column of the batch row (action, rule, step, each output, amounts, claims set
aside, warnings); a row batch rejects must be one `decide` refuses or the law holds back.
"""
from __future__ import annotations

import datetime as dt
import json
import resource
import statistics
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JSONL_ROWS = 20_000


def _doc(row: dict) -> dict:
    """A flat kravia row as a case document (what a case file holds)."""
    def plain(v):
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items() if x is not None}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v.isoformat() if isinstance(v, dt.date) else f"{v:.2f}" if isinstance(v, Decimal) else v
    doc = {"case_id": row["case_id"], "as_of": row["as_of"].isoformat(), "policy": "kravia",
           "creditor": {"vat_registered": row["creditor_vat_registered"]}, "debtor": {"kind": row["debtor_kind"]}}
    if row["debtor_can_pay"] is not None:
        doc["debtor"]["can_pay"] = row["debtor_can_pay"]
    for name in ("claims", "payments", "events"):
        doc[name] = plain(row[name])
    return doc


def _shown(decision: dict) -> dict:
    from engine.policy.outputs import json_order
    keys = ("action", "rule", "step", *(o.name for o in json_order()), "amounts", "warnings")
    out = {k: decision.get(k) for k in keys}
    out["set_aside"] = [{"claim": s["claim"], "reason": s["reason"]} for s in decision.get("set_aside", [])]
    return out


def _parity(catalog, frame, decisions, rejects, sample: int) -> tuple[int, int, float, list[str]]:
    """(rows compared, rows differing, decide_case seconds, first differences) on every `step`-th row."""
    import polars as pl
    from engine.batch.output import row_json
    from engine.core.errors import FristError
    from engine.decide.decision import decide_case
    from engine.policy.case import case_from_data
    step = max(1, frame.height // max(sample, 1))
    rows = frame.with_row_index("row", offset=1).gather_every(step).head(sample)
    by_row = {r["row"]: r for r in decisions.filter(pl.col("row").is_in(rows.get_column("row").implode())).iter_rows(named=True)}
    rejected = set(rejects.get_column("row").to_list())
    differ, notes, seconds = 0, [], 0.0
    for row in rows.iter_rows(named=True):
        doc = _doc(row)
        start = time.perf_counter()
        try:
            decision = decide_case(catalog, case_from_data(doc), row["as_of"], "kravia", fast=True)
            got = None if decision.blocked else _shown(decision.to_dict(include_trace=False))
        except FristError as err:
            got = f"error: {err}"
        seconds += time.perf_counter() - start
        if row["row"] in rejected:
            same = got is None or isinstance(got, str)
            want = "rejected"
        else:
            want = _shown(row_json(by_row[row["row"]])) if row["row"] in by_row else "missing"
            same = got == want
        if not same:
            differ += 1
            if len(notes) < 5:
                notes.append(f"row {row['row']}: decide {str(got)[:200]} batch {str(want)[:200]}")
    return rows.height, differ, seconds, notes


def _jsonl(catalog, frame, workdir: Path) -> dict:
    from engine.batch.api import decide_table
    from engine.batch.io import read_cases
    path = workdir / f"kravia-{frame.height}.jsonl"
    if not path.exists():
        path.write_text("".join(json.dumps(_doc(r)) + "\n" for r in frame.iter_rows(named=True)))
    start = time.perf_counter()
    decided = rejected = 0
    for chunk, read_rejects in read_cases(path):
        rejected += len({r["row"] for r in read_rejects})
        if chunk.height:
            d, r = decide_table(chunk, "kravia", None, catalog)
            decided += d.height
            rejected += r.get_column("row").n_unique()
    seconds = time.perf_counter() - start
    return {"jsonl_rows": frame.height, "jsonl_s": seconds, "jsonl_rate": frame.height / seconds,
            "jsonl_decided": decided, "jsonl_rejected": rejected}


def measure(n: int, workdir: Path, reps: int, parity: int) -> dict:
    import polars as pl
    import kravia
    from bench import _machine
    from engine.batch.api import BatchReport, catalog_for, decide_table
    source = workdir / f"kravia-cases-{n}.parquet"
    if not source.exists():
        kravia.generate(n).write_parquet(source)
    catalog = catalog_for(ROOT / "policies")
    decide_table(pl.read_parquet(source).head(200), "kravia", None, catalog)     # load and compile once
    runs = []
    for _ in range(reps):
        report = BatchReport()
        t0 = time.perf_counter()
        frame = pl.read_parquet(source)
        t1 = time.perf_counter()
        decisions, rejects = decide_table(frame, "kravia", None, catalog, report=report)
        t2 = time.perf_counter()
        decisions.write_parquet(workdir / "kravia-decisions.parquet")
        t3 = time.perf_counter()
        runs.append({"read_s": t1 - t0, "decide_s": t2 - t1, "write_s": t3 - t2, "rate": n / (t3 - t0)})
    compared, differ, scalar_s, notes = _parity(catalog, frame, decisions, rejects, parity)
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    scalar_rate = compared / scalar_s
    return {"cases": n, "decided": decisions.height, "rejected": rejects.get_column("row").n_unique(), **med,
            "rate_min": min(r["rate"] for r in runs), "rate_max": max(r["rate"] for r in runs),
            "scalar_rate": scalar_rate, "ratio_vs_scalar": med["rate"] / scalar_rate,
            "parity_rows": compared, "parity_differ": differ, "parity_notes": notes,
            "report": report.to_dict(), **_jsonl(catalog, frame.head(min(n, JSONL_ROWS)), workdir),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **_machine()}


def report(r: dict) -> None:
    print(f"kravia with its law, {r['cases']:,} cases ({r['decided']:,} decided, {r['rejected']:,} rejected); "
          f"Polars threads {r['threads']} of {r['cores']} cores, load {r['load']:.1f}\n")
    print("| measurement | figure |\n|---|---:|")
    print(f"| Parquet → Parquet, end to end (median) | {r['rate']:,.0f} cases/s [{r['rate_min']:,.0f}–{r['rate_max']:,.0f}] |")
    print(f"| read / decide / write s | {r['read_s']:.2f} / {r['decide_s']:.2f} / {r['write_s']:.2f} |")
    print(f"| `frin decide` path (decide_case, fast), same process | {r['scalar_rate']:,.0f} cases/s |")
    print(f"| batch / per case | {r['ratio_vs_scalar']:.2f}× |")
    print(f"| JSON Lines → decisions ({r['jsonl_rows']:,} rows) | {r['jsonl_rate']:,.0f} rows/s |")
    print(f"| parity with `frin decide` | {r['parity_rows'] - r['parity_differ']} of {r['parity_rows']} rows equal |")
    print(f"| peak RSS | {r['peak_rss_mb']:.0f} MB |")
    rep = r["report"]
    print(f"\nwarnings: {rep['warnings']:,} on {rep['rows_with_warnings']:,} decisions; law check read "
          f"{rep['law_judged']:,} rows as case dicts")
    print(f"set aside as columns: {rep.get('set_aside_columns', 0):,} rows; a lowered fee's case decided as columns: "
          f"{rep.get('history_columns', 0):,} rows")
    for reason, got in rep["per_case"].items():
        print(f"per case: {got['rows']:,} rows: {reason}")
    for reason, got in rep.get("law_per_row", {}).items():
        print(f"law judged per row: {got:,} rows: {reason}")
    for expr in rep["per_case_expressions"]:
        print(f"expression per case: {expr}")
    for note in r["parity_notes"]:
        print(f"parity: {note}")
