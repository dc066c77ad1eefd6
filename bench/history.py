"""Judging a case's recorded history: time to decide one case with N fee-bearing events.

Each event is an inkassovarsel with a 38 NOK fee, ten a day from 2024-01-29 (14 days after the
due date); from the third on, the law's two-fee limit makes every fee unlawful, so every event
is judged and most are set to 0 (issue 18: judging must be linear in events; 10,000 events under
2 s). The case is decided the day after its last event.

    .venv/bin/python bench/history.py 1000 2000 10000

prints, per N, the seconds of one `decide_case` (fast path) with the catalog's judged histories
emptied: wall-clock and this process's CPU time (on a machine shared with other work the CPU
seconds are the steadier figure).
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.check.pipeline import load_catalog          # noqa: E402
from engine.decide.decision import decide_case          # noqa: E402
from engine.policy.case import case_from_data           # noqa: E402


def case(n: int) -> dict:
    due = dt.date(2024, 1, 15)
    events = [{"step": "inkassovarsel", "date": (due + dt.timedelta(days=14 + i // 10)).isoformat(), "fee": "38.00",
               "due": (due + dt.timedelta(days=28 + i // 10)).isoformat()} for i in range(n)]
    return {"case_id": f"H{n}", "creditor": {"vat_registered": True}, "debtor": {"kind": "consumer"},
            "claims": [{"invoice": "1", "amount": "5000.00", "due": due.isoformat(), "handed_over": "2024-01-29"}],
            "events": events}


def main(sizes: list[int]) -> None:
    catalog, _ = load_catalog([ROOT / "policies"])
    for n in sizes:
        data = case(n)
        last = max(dt.date.fromisoformat(e["date"]) for e in data["events"])
        loaded = case_from_data(data, "<bench>")
        catalog.judged_histories.clear()
        start, cpu = time.perf_counter(), time.process_time()
        decision = decide_case(catalog, loaded, last + dt.timedelta(days=1), "kravia", fast=True)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"{n:>6} events: {seconds:7.2f} s wall, {cpu:7.2f} s CPU  ({len(decision.warnings)} warnings, "
              f"action {decision.action})")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [250, 500, 1000])
