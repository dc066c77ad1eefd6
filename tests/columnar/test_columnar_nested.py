"""Nested aggregates and set-aside reasons as columns equal the per-case evaluation.

The law's `fee_pause_before` (inkassoforskriften § 1-3: the two-fee limit restarts after more
than six months without a fee-bearing letter) is a `max` whose `where` holds a `min` over the
same events; the columnar run pairs each case's events with themselves instead of
evaluating it per case. kravia's `set_aside:` reasons are answered per claim as columns, so a
case with some claims set aside is cut down without becoming a Python dict.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pytest

from engine.batch.api import catalog_for
from engine.columnar.frame import cases_from_frame, frame_from_cases
from engine.columnar.program import ColumnarRun
from engine.run.evaluator import Evaluator
from engine.run.runtime import Run

ROOT = Path(__file__).resolve().parents[2]
ON = dt.date(2025, 3, 3)
LAW = "no-regulation"


def _law_run(cases):
    catalog = catalog_for(ROOT / "policies")
    main = catalog.resolve("kravia", ON, False, None)
    bindings = catalog.bind(main, ON, False)
    steps = main.version.steps
    frame = frame_from_cases(cases, [ON] * len(cases), steps)
    return bindings, main, steps, frame


def _claim():
    return {"invoice": "F1", "amount": Decimal("1000.00"), "issued": dt.date(2023, 12, 1), "due": dt.date(2023, 12, 15)}


def test_fee_pause_by_hand():
    """`fee_pause_before` is the last fee-bearing letter followed by more than `fee_reset_after`
    (six months, § 1-3) without another one, up to `as_of` (2025-03-03). Case A, letters on
    2024-01-10 and 2024-09-01: the first is followed by the second after 2024-07-10 (+6 months),
    the second by nothing until 2025-03-03, after 2025-03-01 (+6 months): both qualify, the max
    is 2024-09-01. Case B, letters on 2025-01-10 and 2025-02-01: neither gap exceeds six months."""
    gap = {"case_id": "A", "claims": [_claim()], "events": [
        {"step": "inkassovarsel", "date": dt.date(2024, 1, 10), "fee": Decimal("35.00")},
        {"step": "inkassovarsel", "date": dt.date(2024, 9, 1), "fee": Decimal("35.00")}]}
    close = {"case_id": "B", "claims": [_claim()], "events": [
        {"step": "inkassovarsel", "date": dt.date(2025, 1, 10), "fee": Decimal("35.00")},
        {"step": "inkassovarsel", "date": dt.date(2025, 2, 1), "fee": Decimal("35.00")}]}
    bindings, main, steps, frame = _law_run([gap, close])
    run = ColumnarRun(bindings, main.name, frame, steps)
    col = run.definition(LAW, "fee_pause_before")
    got = run.frame.select(col.expr).to_series().to_list()
    assert not run.fallbacks
    assert got == [(dt.date(2024, 9, 1) - dt.date(1970, 1, 1)).days, None]


@pytest.mark.parametrize("seed", [1, 2])
def test_fee_pause_matches_per_case(seed):
    """Random histories of purring and inkassovarsel letters, with and without fees, months
    apart: every row's `fee_pause_before` and `fees_since_pause` as columns equal the evaluator's."""
    rng = random.Random(seed)
    cases = []
    for i in range(120):
        day, events = dt.date(2023, 1, 1), []
        for _ in range(rng.randint(0, 5)):
            day += dt.timedelta(days=rng.choice([10, 40, 150, 200, 300]))
            if day >= ON:
                break
            events.append({"step": rng.choice(["purring", "inkassovarsel", "sms_reminder"]), "date": day,
                           "fee": rng.choice([Decimal("0.00"), Decimal("35.00")])})
        cases.append({"case_id": f"R{i}", "claims": [_claim()], "events": events})
    bindings, main, steps, frame = _law_run(cases)
    run = ColumnarRun(bindings, main.name, frame, steps)
    names = ("fee_pause_before", "fees_since_pause")
    cols = {n: run.definition(LAW, n) for n in names}
    got = run.frame.select(**{n: c.expr for n, c in cols.items()})
    assert not run.fallbacks
    for case, row in zip(cases_from_frame(frame, steps), got.iter_rows(named=True)):
        evaluator = Evaluator(Run(case, ON, bindings, main.name))
        pause = evaluator.definition(LAW, "fee_pause_before")
        assert row["fee_pause_before"] == (None if pause is None else (pause - dt.date(1970, 1, 1)).days)
        assert row["fees_since_pause"] == evaluator.definition(LAW, "fees_since_pause")


def test_set_aside_claims_as_columns_match_decide():
    """Cases with one time-barred or disputed claim beside collectable ones: the batch cuts them
    down as columns (none left to `set_aside`'s per-case call) and decides as `decide` does."""
    import polars as pl
    from engine.batch.api import BatchReport, decide_table
    from engine.batch.output import row_json
    from engine.decide.decision import decide_case
    from engine.policy.case import case_from_data
    catalog = catalog_for(ROOT / "policies")
    docs = []
    for i in range(12):
        old = {"invoice": f"O{i}", "amount": "500.00", "issued": "2020-01-01", "due": "2020-01-15",
               "disputed": i % 3 == 0}
        fresh = {"invoice": f"N{i}", "amount": f"{1000 + 37 * i}.00", "issued": "2024-10-01", "due": "2024-11-01"}
        docs.append({"case_id": f"S{i}", "as_of": "2025-01-20", "policy": "kravia", "creditor": {"vat_registered": True},
                     "debtor": {"kind": "consumer"}, "claims": [old, fresh] if i % 2 else [fresh, old],
                     "events": [], "payments": []})
    from engine.batch.io import read_cases
    import json
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.jsonl"
        path.write_text("".join(json.dumps(d) + "\n" for d in docs))
        chunk, _ = next(iter(read_cases(path)))
    report = BatchReport()
    decisions, rejects = decide_table(chunk, "kravia", None, catalog, report=report)
    assert rejects.height == 0
    assert report.set_aside_columns == len(docs)
    for doc, row in zip(docs, decisions.sort("row").iter_rows(named=True)):
        want = decide_case(catalog, case_from_data(doc), dt.date(2025, 1, 20), "kravia", fast=True).to_dict(
            include_trace=False)
        got = row_json(row)
        assert got["action"] == want["action"] and got.get("fee") == want.get("fee")
        assert got["set_aside"] == [{k: s[k] for k in got["set_aside"][0]} for s in want["set_aside"]]
        assert got["amounts"] == want["amounts"]
    assert pl.Series([r["set_aside"] for r in decisions.iter_rows(named=True)]).str.contains(":").all()
