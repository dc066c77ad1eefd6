"""What importing a library adds to a process: whole-process CPU (user + system, `os.wait4`).

A baseline process imports what the CLI has imported anyway before a date is touched
(`datetime`, `re`, `typing`, ...); each measured process adds one statement to it. The runs
alternate, so a change in the machine's load hits every row alike; the median is printed.

    .venv/bin/python bench/import_cost.py --n 15                       # pendulum, and its nb words
    .venv/bin/python bench/import_cost.py "import holidays" "import lark"
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

BASELINE = "import datetime, re, typing, enum, pathlib, json, dataclasses, functools, decimal"
DEFAULT = ["import pendulum", "import pendulum; from pendulum.locales.locale import Locale; Locale.load('nb')"]


def cpu_ms(code: str, python: str) -> float:
    proc = subprocess.Popen([python, "-c", code])
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"`{code}` failed")
    return (usage.ru_utime + usage.ru_stime) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("statements", nargs="*", default=DEFAULT, help="what each measured process adds to the baseline")
    parser.add_argument("--n", type=int, default=15, help="runs per row (median reported)")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    rows = {"(baseline)": BASELINE, **{s: f"{BASELINE}; {s}" for s in args.statements}}
    times: dict[str, list[float]] = {label: [] for label in rows}
    for _ in range(args.n):
        for label, code in rows.items():
            times[label].append(cpu_ms(code, args.python))
    base = statistics.median(times["(baseline)"])
    print(f"whole-process CPU ms, median of {args.n} alternating runs")
    for label, values in times.items():
        median = statistics.median(values)
        added = "" if label == "(baseline)" else f"  (+{median - base:.1f})"
        print(f"  {median:7.1f}{added}  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
