"""CPU per call of the single-case date functions (`engine/values/time.py`): Date + days,
Date + months, `parse_date`; best of 5 rounds of N calls, CPU time (`time.process_time`).

    .venv/bin/python bench/date_calls.py                        # this checkout
    .venv/bin/python bench/date_calls.py --root /tmp/other      # another checkout's engine
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path


def cpu_us(call, n: int) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(n):
            call()
        best = min(best, time.process_time() - start)
    return best / n * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent), help="checkout to import engine from")
    parser.add_argument("--n", type=int, default=200_000)
    args = parser.parse_args()
    sys.path.insert(0, args.root)
    from engine.values.time import Months, add_duration, parse_date
    day, months = dt.date(2026, 1, 31), Months(3)
    calls = [("date + 14 days", lambda: add_duration(day, 14)), ("date + 3 months", lambda: add_duration(day, months)),
             ("parse_date", lambda: parse_date("2026-02-28"))]
    print(f"CPU µs per call, best of 5 × {args.n} ({args.root})")
    for label, call in calls:
        print(f"  {cpu_us(call, args.n):6.2f}  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
