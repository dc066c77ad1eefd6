"""Wall and CPU seconds of `decide_table` on the first N rows of the kravia workload, for one checkout.

    .venv/bin/python bench/kravia_cpu.py [--root CHECKOUT] [--sizes 1000,100000]

Run it for two checkouts alternately (`--root` a `git archive` copy of the other commit) to
compare them in CPU seconds (every thread of the process), which move less with a shared
machine's load than the wall clock. Reads `/tmp/frist-bench/kravia-cases-100000.parquet`
(`bench/run --workload kravia --n 100000` writes it); decides 200 rows first, so loading and
compiling the catalog is not timed. `--source .../kravia-cases-1000000.parquet --sizes 1000000`
(`bench/run --workload kravia --n 1000000` writes it) times a whole 1 M run, chunks and all.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--source", default="/tmp/frist-bench/kravia-cases-100000.parquet")
    args = parser.parse_args()
    sys.path.insert(0, args.root)
    import polars as pl

    from engine.batch.api import catalog_for, decide_table
    frame = pl.read_parquet(args.source)
    catalog = catalog_for(str(Path(args.root) / "policies"))
    decide_table(frame.head(200), "kravia", None, catalog)
    out = []
    for n in (int(s) for s in args.sizes.split(",")):
        wall, cpu = time.perf_counter(), time.process_time()
        decide_table(frame.slice(0, n), "kravia", None, catalog)
        out.append(f"{n}: {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")
    print(args.root, " | ".join(out))


if __name__ == "__main__":
    main()
