"""Peak memory of a command's whole process tree (the test suite, its workers, their browsers).

Every 0.2 s it sums the memory of the command and all its descendants, read from /proc, and
reports the peak and which processes held it. `--pss`: the proportional set size
(`/proc/PID/smaps_rollup`), which counts a page shared by N processes as 1/N in each; without it
the resident set size (`VmRSS`), which counts a shared page in every process that maps it
(Chromium's renderers share most of theirs). `--both`: the other measure's peak as well, from
the same run (the suite takes minutes; two runs on a shared machine are two different loads).

    .venv/bin/python bench/suite_memory.py --both --out rss.json -- \\
        .venv/bin/python -m pytest -q -n 2 --dist worksteal -p no:cacheprovider
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(parent, []).append(int(name))
    return kids


def _memory(pid: int, pss: bool) -> int:
    """Bytes of `pid` (0 once it is gone)."""
    path, key = (f"/proc/{pid}/smaps_rollup", "Pss:") if pss else (f"/proc/{pid}/status", "VmRSS:")
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")[:160]
    except OSError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pss", action="store_true", help="proportional set size instead of resident set size")
    parser.add_argument("--both", action="store_true", help="also report the other measure's peak (RSS with --pss, PSS without)")
    parser.add_argument("--out", help="write the samples and the peak's processes as JSON here")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to measure after --")
    proc = subprocess.Popen(command)
    peak, peak_at, peak_parts, samples = 0, 0.0, [], []
    other_peak, other_at = 0, 0.0
    start = time.monotonic()
    while proc.poll() is None:
        kids, todo, pids = _children(), [proc.pid], []
        while todo:
            pid = todo.pop()
            pids.append(pid)
            todo += kids.get(pid, [])
        parts = [(_memory(pid, args.pss), pid) for pid in pids]
        total = sum(size for size, _ in parts)
        if args.both:
            other = sum(_memory(pid, not args.pss) for pid in pids)
            if other > other_peak:
                other_peak, other_at = other, time.monotonic() - start
        at = time.monotonic() - start
        samples.append((round(at, 1), total >> 20, len(parts)))
        if total > peak:
            peak, peak_at = total, at
            peak_parts = [(size >> 20, pid, _command(pid)) for size, pid in sorted(parts, reverse=True)]
        time.sleep(0.2)
    code = proc.wait()
    kind = "PSS" if args.pss else "RSS"
    median = statistics.median(mb for _, mb, _ in samples) if samples else 0
    print(f"summed {kind} peak {peak >> 20} MB at {peak_at:.0f} s (median {median:.0f} MB) over {len(samples)} samples",
          file=sys.stderr)
    if args.both:
        print(f"summed {'RSS' if args.pss else 'PSS'} peak {other_peak >> 20} MB at {other_at:.0f} s", file=sys.stderr)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"rc": code, "kind": kind, "peak_mb": peak >> 20, "peak_at_s": round(peak_at, 1),
                       "peak_parts": peak_parts, "samples": samples}, f, indent=0)
    return code


if __name__ == "__main__":
    sys.exit(main())
