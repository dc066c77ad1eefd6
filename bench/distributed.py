"""`frin batch`, docs/batch.md's Spark recipe and its Dask recipe on the same rows: start-up,
throughput, peak memory of the whole process tree (the JVMs and Python workers included).

    .venv/bin/python bench/distributed.py --rows 20000      # needs the spark and dask extras, Java

Each run is a fresh process in a scratch folder holding `cases/` (the case corpus of
tests/cases and examples, repeated to `--rows` rows, in four Parquet files) and no policies
(the bundled catalog decides): `frin batch cases/ -o decisions.parquet --policy kravia
--as-of 2026-03-02`, and each recipe exactly as docs/batch.md shows it (the same options).
Start-up is the wall time of the same run on 8 rows; throughput is the extra rows over the
extra time. Memory is sampled every 50 ms as the sum of the resident sets of the process
and all its descendants.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
import psutil
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _recipe(marker: str) -> str:
    text = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    return re.search(rf"<!-- run by {re.escape(marker)} -->\s*\n```python\n(.*?)^```", text, re.M | re.S).group(1)


def _cases(folder: Path, rows: int) -> None:
    paths = sorted((ROOT / "tests" / "cases" / "kravia").glob("*.yaml"))
    docs = [json.loads(json.dumps(yaml.safe_load(p.read_text(encoding="utf-8")), default=str)) for p in paths]
    flat = []
    for i in range(rows):
        doc = docs[i % len(docs)]
        row = {"case_id": f"{doc['case_id']}~{i}", "as_of": doc.get("as_of"), "policy": doc.get("policy")}
        for record in ("creditor", "debtor", "agreement"):
            row |= {f"{record}_{k}": v for k, v in (doc.get(record) or {}).items()}
        row |= {name: doc.get(name) or [] for name in ("claims", "payments", "events")}
        flat.append(row)
    frame = pl.DataFrame(flat, infer_schema_length=None)
    folder.mkdir()
    size = -(-rows // 4)
    for part in range(4):
        frame.slice(part * size, size).write_parquet(folder / f"part-{part}.parquet")


def _run(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, peak MB of the process tree)."""
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, NO_COLOR="1")
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        total = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, total)
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 2):
        raise SystemExit(f"{argv} failed ({proc.returncode}):\n{proc.stderr.read().decode()[-3000:]}")
    return seconds, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    engines = {
        "frin batch": [str(BIN / "frin"), "batch", "cases/", "-o", "decisions.parquet", "--policy", "kravia",
                        "--as-of", "2026-03-02", "--no-progress"],
        "Spark recipe": [sys.executable, "recipe.py"],
        "Dask recipe": [sys.executable, "recipe.py"],
    }
    recipes = {"Spark recipe": _recipe("tests/batch/test_spark.py"), "Dask recipe": _recipe("tests/batch/test_batch_dask.py")}
    print(f"load average before: {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores; rows: {args.rows}")
    print(f"{'engine':<14} {'start-up s':>10} {'total s':>8} {'rows/s':>8} {'peak MB':>8}")
    for name, argv in engines.items():
        results = []
        for rows in (8, args.rows):
            with tempfile.TemporaryDirectory() as scratch:
                work = Path(scratch)
                _cases(work / "cases", rows)
                if name in recipes:
                    (work / "recipe.py").write_text(recipes[name], encoding="utf-8")
                results.append(_run(argv, work))
                shutil.rmtree(work / "cases")
        (small, _), (big, peak) = results
        print(f"{name:<14} {small:>10.1f} {big:>8.1f} {(args.rows - 8) / max(big - small, 1e-9):>8.0f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
