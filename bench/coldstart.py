"""Cold start of the `frin` CLI: whole-process CPU time (user + system), median of N runs.

Each command runs in its own process; its CPU time comes from `os.wait4`'s resource usage
(so the child's own start-up, imports and work are counted, the benchmark's are not).
`python -c pass` is measured beside it, so the figures read as "how much the CLI adds".
The load cache (`FRIST_CACHE_DIR`) points at a fresh temporary folder that the first,
untimed run fills (and that run writes the modules' byte code, as pip does at install
time); `--no-cache` measures every run with `FRIST_NO_CACHE=1` instead.

    .venv/bin/python bench/coldstart.py                 # from the checkout: python cli.py ...
    .venv/bin/python bench/coldstart.py --frist .venv/bin/frin --n 11
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (label, arguments after `frin`, budget in ms of CPU or None)
COMMANDS = [
    ("frin --help", ["--help"], None),
    ("frin explain examples/consumer-inkassovarsel.yaml", ["explain", "examples/consumer-inkassovarsel.yaml"], 250),
    ("frin decide examples/consumer-inkassovarsel.yaml --no-trace",
     ["decide", "examples/consumer-inkassovarsel.yaml", "--no-trace"], None),
    ("frin validate policies", ["validate", "policies"], 400),
]


def cpu_ms(argv: list[str], env: dict[str, str]) -> float:
    """CPU time of one run of `argv` (user + system, children included), in milliseconds."""
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(argv)} exited {code}:\n{stderr.decode(errors='replace')}")
    return (usage.ru_utime + usage.ru_stime) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=7, help="runs per command (median reported)")
    parser.add_argument("--python", default=sys.executable, help="interpreter for `python -c pass` and cli.py")
    parser.add_argument("--frist", help="an installed `frin` script (default: PYTHON cli.py in the checkout)")
    parser.add_argument("--no-cache", action="store_true", help="measure with FRIST_NO_CACHE=1 (every load from source)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    frist = [args.frist] if args.frist else [args.python, str(ROOT / "cli.py")]
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as keys:
        # the caches' signing key lives outside the cache folder (engine/core/cache_folder.py)
        env = {**os.environ, "FRIST_CACHE_DIR": cache, "FRIST_CACHE_KEY": os.path.join(keys, "cache.key"),
               "NO_COLOR": "1"}
        # Byte-compiled modules, as an installed wheel has them (pip compiles at install time):
        # the untimed first run writes __pycache__ even where the environment says not to.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if args.no_cache:
            env["FRIST_NO_CACHE"] = "1"
        rows = [("python -c pass", [args.python, "-c", "pass"], None)]
        rows += [(label, frist + argv, budget) for label, argv, budget in COMMANDS]
        results = []
        for label, argv, budget in rows:
            cpu_ms(argv, env)                                   # warm the OS file cache and the load cache
            times = [cpu_ms(argv, env) for _ in range(args.n)]
            results.append({"command": label, "median_ms": round(statistics.median(times), 1),
                            "min_ms": round(min(times), 1), "max_ms": round(max(times), 1), "budget_ms": budget})
    base = results[0]["median_ms"]
    for r in results:
        r["ratio_vs_python"] = round(r["median_ms"] / base, 2)
        r["within_budget"] = None if r["budget_ms"] is None else r["median_ms"] <= r["budget_ms"]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"whole-process CPU ms, median of {args.n} (min-max); cache {'off' if args.no_cache else 'warm'}")
        for r in results:
            budget = "" if r["budget_ms"] is None else f"  budget {r['budget_ms']} ms: {'ok' if r['within_budget'] else 'OVER'}"
            print(f"  {r['median_ms']:7.1f} ({r['min_ms']:.0f}-{r['max_ms']:.0f})  {r['ratio_vs_python']:5.2f}x python"
                  f"  {r['command']}{budget}")
    return 0 if all(r["within_budget"] in (None, True) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
