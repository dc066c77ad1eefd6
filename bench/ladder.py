"""The ladder as JSON Lines, file to decisions: `frin batch`'s reader and `decide_table`, side by side
with Polars' own NDJSON reader on the same file, in one process.

    .venv/bin/python bench/ladder.py --n 1000000 --reps 3 [--threads 1]
    .venv/bin/python bench/ladder.py --memory --n 1000000      # decide_table's peak with and without chunks
    .venv/bin/python bench/ladder.py --phases --n 1000000 --threads 1   # decide_table's CPU by step, beside the script's
    .venv/bin/python bench/ladder.py --evaluate --n 1000000 --threads 1 # the columnar evaluator alone, its collects, list kernels, step compares
    .venv/bin/python bench/ladder.py --chunks 100000 250000 1000000 --n 1000000 --threads 1   # decide_table by chunk size

The file holds the ladder's cases (bench/workload.py) as case documents, one a line, exactly
as a case file (money as "1250.00", dates as text). Each repetition times, back to back:

- `pl.read_ndjson` of the file (the floor: parsing only, no check, no policy);
- `engine.batch.io.read_cases` over the whole file: parsing, the case schema's checks as
  columns, rejects (the JSON Lines figure of issue 19: rows/s read and checked);
- `read_cases` then `decide_table` on each chunk (what `frin batch cases.jsonl -o …` does
  before writing).

Prints one JSON line (medians, min–max, load average, Polars threads) after a table.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def write_jsonl(n: int, path: Path) -> None:
    """The ladder's `n` cases as case documents, one a line (written by Polars, no per-row Python)."""
    import polars as pl
    import workload
    flat = workload.flat_frame(workload.generate(n))
    text = lambda e: e.cast(pl.String)  # noqa: E731
    item = pl.element().struct.field
    docs = flat.select(
        "case_id", text(pl.col("as_of")).alias("as_of"), pl.lit("ladder").alias("policy"),
        pl.struct(vat_registered=pl.col("creditor_vat_registered")).alias("creditor"),
        pl.struct(kind=pl.col("debtor_kind")).alias("debtor"),
        pl.col("claims").list.eval(pl.struct(invoice=item("invoice"), amount=text(item("amount")),
                                             issued=text(item("issued")), due=text(item("due")),
                                             credited=text(item("credited")), disputed=item("disputed"))),
        pl.col("payments").list.eval(pl.struct(date=text(item("date")), amount=text(item("amount")))),
        pl.col("events").list.eval(pl.struct(step=item("step"), date=text(item("date")))),
    )
    docs.write_ndjson(path)


def _timed(fn) -> tuple[float, float, object]:
    """(wall s, CPU s of every thread, result): under a load of 10+ on 2 cores the wall time is mostly the neighbours'."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - start, time.process_time() - cpu, out


def measure(n: int, workdir: Path, reps: int) -> dict:
    import polars as pl
    from engine.batch.api import catalog_for, decide_table
    from engine.batch.io import read_cases
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"ladder-cases-{n}.jsonl"
    if not path.exists():
        write_jsonl(n, path)
    catalog = catalog_for(ROOT / "bench" / "policies")

    def read_only() -> tuple[int, int]:
        rows = rejected = 0
        for chunk, rejects in read_cases(path):
            rows += chunk.height
            rejected += len({r["row"] for r in rejects})
        return rows, rejected

    def read_and_decide() -> tuple[int, int]:
        decided = rejected = 0
        for chunk, rejects in read_cases(path):
            rejected += len({r["row"] for r in rejects})
            if chunk.height:
                d, r = decide_table(chunk, None, None, catalog)
                decided += d.height
                rejected += r.get_column("row").n_unique()
        return decided, rejected

    for chunk, _ in read_cases(path, chunk_rows=200):      # load and compile once, untimed
        decide_table(chunk, None, None, catalog)
        break
    runs = []
    for _ in range(reps):
        t_polars, c_polars, _ = _timed(lambda: pl.read_ndjson(path).height)
        t_read, c_read, (rows, read_rejected) = _timed(read_only)
        t_all, c_all, (decided, rejected) = _timed(read_and_decide)
        runs.append({"polars_s": t_polars, "read_s": t_read, "read_decide_s": t_all,
                     "read_rate": n / t_read, "read_decide_rate": n / t_all, "vs_polars": t_read / t_polars,
                     "polars_cpu_s": c_polars, "read_cpu_s": c_read, "read_decide_cpu_s": c_all,
                     "read_cpu_rate": n / c_read, "read_decide_cpu_rate": n / c_all})
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    rng = {f"{k}_range": [min(r[k] for r in runs), max(r[k] for r in runs)] for k in runs[0]}
    return {"cases": n, "bytes": path.stat().st_size, "rows_read": rows, "read_rejected": read_rejected,
            "decided": decided, "rejected": rejected, **med, **rng, "reps": reps,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "threads": pl.thread_pool_size(), "cores": os.cpu_count(), "load": os.getloadavg()[0]}


def _warm_ladder(n: int, workdir: Path):
    """The ladder's `n` cases as a frame (generated once into `workdir` as Parquet) and the bench
    catalog, after one small `decide_table` so that compiling is not counted."""
    import polars as pl
    import workload
    from engine.batch.api import catalog_for, decide_table
    source = workdir / f"ladder-cases-{n}.parquet"
    if not source.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        workload.flat_frame(workload.generate(n)).write_parquet(source)
    catalog = catalog_for(ROOT / "bench" / "policies")
    frame = pl.read_parquet(source)
    decide_table(frame.head(100), "ladder", None, catalog)
    return frame, catalog


def memory(n: int, workdir: Path, chunk_rows: int) -> dict:
    """Peak RSS of `decide_table` on the ladder's `n` cases already in memory, `chunk_rows` at a time."""
    import polars as pl
    from engine.batch.api import decide_table
    frame, catalog = _warm_ladder(n, workdir)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    decisions, _ = decide_table(frame, "ladder", None, catalog, chunk_rows=chunk_rows)
    return {"chunk_rows": chunk_rows, "rss_before_mb": before,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "input_mb": frame.estimated_size("mb"), "decisions_mb": decisions.estimated_size("mb"),
            "threads": pl.thread_pool_size(), "load": os.getloadavg()[0]}


def phases(n: int, workdir: Path, reps: int) -> None:
    """CPU seconds of `decide_table`'s steps on the ladder's `n` cases (Parquet, in memory), beside the
    hand-written script's whole decide on the same frame: what bounds the ratio. Steps are timed by
    wrapping the functions `decide_table` calls (nested: `decide_group` includes `evaluate`)."""
    import polars as pl
    import baseline
    import workload
    import engine.batch.api as api
    import engine.batch.chunk as chunk
    import engine.columnar.program as program
    source = workdir / f"ladder-cases-{n}.parquet"
    if not source.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        workload.flat_frame(workload.generate(n)).write_parquet(source)
    catalog = api.catalog_for(ROOT / "bench" / "policies")
    frame = pl.read_parquet(source)
    api.decide_table(frame.head(100), "ladder", None, catalog)
    spent: dict[str, float] = {}
    order: list[str] = []

    def timed(module, name: str, label: str) -> None:
        fn = getattr(module, name)
        order.append(label)

        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - start
        setattr(module, name, wrapper)
    timed(chunk, "to_case_frame", "case checks (validate.to_case_frame)")
    timed(chunk, "group_by_bound_versions", "binding (policy, day) pairs (chunk.group_by_bound_versions)")
    timed(chunk, "decide_group", "deciding a group, outputs included (group.decide_group)")
    timed(program, "evaluate", "  of which the columnar rules (columnar.program.evaluate)")
    for rep in range(reps):
        spent.clear()
        start = time.process_time()
        api.decide_table(frame, "ladder", None, catalog)
        total = time.process_time() - start
        start = time.process_time()
        baseline.decide(frame.lazy()).collect()
        script = time.process_time() - start
        print(f"repetition {rep + 1}: decide_table {total:.3f} CPU s, hand-written script {script:.3f} ({total / script:.2f}×); "
              f"Polars threads {pl.thread_pool_size()}, load {os.getloadavg()[0]:.1f}")
        for label in order:
            print(f"  {label}: {spent.get(label, 0.0):.3f}")


def evaluate_parts(n: int, reps: int) -> None:
    """CPU seconds of the columnar evaluator alone on the ladder's prebuilt case frame (what `bench/run`'s
    frist-columnar times), of its main collect, and of the step comparisons that bound it."""
    import polars as pl
    import workload
    from engine.batch.api import catalog_for
    from engine.batch.layout import ROW
    from engine.batch.validate import to_case_frame
    from engine.columnar import program
    catalog = catalog_for(ROOT / "bench" / "policies")
    main = catalog.resolve("ladder", workload.EPOCH.replace(year=2024))
    bindings, steps = catalog.bind(main, workload.EPOCH.replace(year=2024)), main.version.steps
    flat = workload.flat_frame(workload.generate(n)).with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    frame = to_case_frame(flat, steps, flat.get_column("as_of"))[0].drop(ROW)
    collects: list[float] = []
    plain = program.ColumnarRun.frame.fget
    assert plain is not None

    def timed_frame(run):                       # the run's collects, timed
        start = time.process_time()
        try:
            return plain(run)
        finally:
            collects.append(time.process_time() - start)
    program.ColumnarRun.frame = property(timed_frame)      # type: ignore[method-assign]
    program.evaluate(bindings, "ladder", frame.head(100), steps)
    runs = []
    for _ in range(reps):
        collects.clear()
        _, cpu, _ = _timed(lambda: program.evaluate(bindings, "ladder", frame, steps))
        runs.append((cpu, sum(collects)))
    print(f"evaluate, {n:,} prebuilt ladder cases, Polars threads {pl.thread_pool_size()}, load {os.getloadavg()[0]:.1f}: "
          + ", ".join(f"{cpu:.3f} CPU s (collects {c:.3f})" for cpu, c in runs))
    from engine.columnar.list_items import list_items
    field = pl.element().struct.field
    events = frame.get_column("events")
    for label, kernel in [("events' last step, list kernel", pl.col("events").list.eval(field("step")).list.get(-1, null_on_oob=True)),
                          ("events' last date, list kernel", pl.col("events").list.eval(field("date")).list.get(-1, null_on_oob=True)),
                          ("payments' sum", pl.col("payments").list.eval(field("amount")).list.sum()),
                          ("claims' sum (list kernel)", pl.col("claims").list.eval(field("amount")).list.sum()),
                          ("claims' one item, flattened", pl.col("claims").explode().struct.field("amount"))]:
        cpu = min(_timed(lambda: frame.select(kernel))[1] for _ in range(5))
        print(f"  {label}: {cpu * 1000:.1f} ms (best of 5)")
    first = min(_timed(lambda: list_items(events).field("last", ("step",)))[1] for _ in range(5))
    items = list_items(events)
    items.field("last", ("step",))
    then = min(_timed(lambda: items.field("last", ("date",)))[1] for _ in range(5))
    print(f"  events' last step by the list's offsets (columnar/list_items, what evaluate does; offsets and indexes "
          f"included): {first * 1000:.1f} ms, then the last date: {then * 1000:.1f} ms (best of 5)")
    last = frame.select(pl.col("events").list.eval(field("step")).list.get(-1, null_on_oob=True).alias("s"))
    text = last.select(pl.col("s").cast(pl.String))     # the case frame's steps are an Enum; as text for comparison
    for name in steps:
        as_text = min(_timed(lambda: text.select(pl.col("s") == name))[1] for _ in range(5))
        as_enum = min(_timed(lambda: last.select(pl.col("s") == name))[1] for _ in range(5))
        print(f"  last step == {name!r}: {as_enum * 1000:.1f} ms as the frame's Enum, {as_text * 1000:.1f} ms as text (best of 5)")


def chunk_sizes(n: int, workdir: Path, sizes: list[int], reps: int) -> None:
    """CPU seconds of `decide_table` on the ladder's `n` cases (Parquet, in memory) at each chunk size,
    the sizes alternating, `reps` rounds, beside the hand-written script: the per-chunk cost."""
    import polars as pl
    import baseline
    from engine.batch.api import decide_table
    frame, catalog = _warm_ladder(n, workdir)
    for rep in range(reps):
        _, script, _ = _timed(lambda: baseline.decide(frame.lazy()).collect())
        cells = []
        for size in sizes:
            _, cpu, _ = _timed(lambda: decide_table(frame, "ladder", None, catalog, chunk_rows=size))
            cells.append(f"{size:,}: {cpu:.3f} ({cpu / script:.2f}×)")
        print(f"round {rep + 1}: script {script:.3f} CPU s; decide_table by chunk rows " + ", ".join(cells)
              + f"; Polars threads {pl.thread_pool_size()}, load {os.getloadavg()[0]:.1f}")


def _memory_report(n: int, workdir: str) -> None:
    import subprocess
    for chunk_rows in (100_000, n):
        out = subprocess.run([sys.executable, __file__, "--memory-child", str(chunk_rows), "--n", str(n),
                              "--workdir", workdir], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"decide_table, {n:,} rows in memory ({r['input_mb']:.0f} MB; decisions {r['decisions_mb']:.0f} MB), "
              f"chunk_rows {chunk_rows:,}: peak RSS {r['peak_rss_mb']:.0f} MB, {r['peak_rss_mb'] - r['rss_before_mb']:.0f} MB "
              f"above the process before deciding; Polars threads {r['threads']}, load {r['load']:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--workdir", default="/tmp/frist-bench")
    parser.add_argument("--threads", type=int, help="Polars threads (POLARS_MAX_THREADS), set before Polars loads")
    parser.add_argument("--memory", action="store_true", help="decide_table's peak RSS with 100,000-row chunks and with one chunk")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--phases", action="store_true", help="decide_table's CPU seconds by step on the ladder (Parquet)")
    parser.add_argument("--evaluate", action="store_true", help="the columnar evaluator alone on the prebuilt frame")
    parser.add_argument("--chunks", type=int, nargs="+", help="decide_table's CPU seconds at these chunk sizes")
    args = parser.parse_args()
    if args.threads:
        os.environ["POLARS_MAX_THREADS"] = str(args.threads)
    if args.memory_child:
        print(json.dumps(memory(args.n, Path(args.workdir), args.memory_child)))
        return
    if args.memory:
        _memory_report(args.n, args.workdir)
        return
    if args.phases:
        phases(args.n, Path(args.workdir), args.reps)
        return
    if args.evaluate:
        evaluate_parts(args.n, args.reps)
        return
    if args.chunks:
        chunk_sizes(args.n, Path(args.workdir), args.chunks, args.reps)
        return
    r = measure(args.n, Path(args.workdir), args.reps)
    span = lambda k, f="{:,.0f}": "[" + "–".join(f.format(v) for v in r[f"{k}_range"]) + "]"  # noqa: E731
    print(f"ladder as JSON Lines, {r['cases']:,} cases ({r['bytes'] / 1e6:.0f} MB; {r['decided']:,} decided, "
          f"{r['rejected']:,} rejected), median of {r['reps']}; Polars threads {r['threads']} of {r['cores']} cores, "
          f"load after {r['load']:.1f}\n")
    print("| | wall s | rows/s [min–max] | CPU s | rows per CPU s [min–max] |\n|---|---:|---:|---:|---:|")
    print(f"| Polars `read_ndjson` (parse only) | {r['polars_s']:.2f} | {r['cases'] / r['polars_s']:,.0f} "
          f"| {r['polars_cpu_s']:.2f} | {r['cases'] / r['polars_cpu_s']:,.0f} |")
    print(f"| `read_cases`: parse + case checks as columns | {r['read_s']:.2f} | {r['read_rate']:,.0f} {span('read_rate')} "
          f"| {r['read_cpu_s']:.2f} | {r['read_cpu_rate']:,.0f} {span('read_cpu_rate')} |")
    print(f"| `read_cases` + `decide_table` per chunk | {r['read_decide_s']:.2f} | "
          f"{r['read_decide_rate']:,.0f} {span('read_decide_rate')} | {r['read_decide_cpu_s']:.2f} | "
          f"{r['read_decide_cpu_rate']:,.0f} {span('read_decide_cpu_rate')} |")
    print(f"\nread_cases / read_ndjson {r['vs_polars']:.2f}× {span('vs_polars', '{:.2f}')}; peak RSS {r['peak_rss_mb']:.0f} MB")
    print(json.dumps(r))


if __name__ == "__main__":
    main()
