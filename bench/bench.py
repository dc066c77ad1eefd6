"""bench/run: the ladder workload through Frist (scalar, columnar) and the practical limits and peers.

Each implementation runs in its own process (`--impl NAME`) so peak memory is its own; in
that process the plain-Python reference is timed back to back with it on the same cases,
once per repetition, and the ratio is the median of the per-repetition ratios.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

IMPLS = {  # name → (label, sample cases for throughput)
    "plain": ("hand-written plain Python (peers' reference if-chain)", None),
    "numpy": ("hand-written NumPy kernel (peers' impls/numpy_impl)", None),
    "frist-scalar": ("Frist scalar fast path: compiled decide(case, as_of), no trace", None),
    "frist-columnar": ("Frist columnar evaluator (Polars), prebuilt case frame", None),
    "zen": ("zen-engine JDM decision table (peers' encoding)", 100_000),
    "rule-engine": ("rule-engine ordered rule list (peers' encoding)", 20_000),
}


def timed(fn, arg):
    """(seconds, result) of `fn(arg)`."""
    start = time.perf_counter()
    out = fn(arg)
    return time.perf_counter() - start, out


def cpu_timed(fn, arg):
    """(wall seconds, CPU seconds of every thread of this process, result) of `fn(arg)`. On a
    shared machine the CPU seconds are the load-independent figure: a Polars call waits for a
    core twice (its pool thread, then the caller woken), a plain Python loop once."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn(arg)
    return time.perf_counter() - start, time.process_time() - cpu, out


def measure(name: str, n: int, reps: int) -> dict:
    import workload
    from workload import peers
    cols = workload.generate(n)
    sample = IMPLS[name][1] or n
    rows = peers.columns_to_dicts(cols, sample)
    plain = lambda batch: [peers.decide_reference(c) for c in batch]  # noqa: E731
    want = plain(rows)
    single, run, batch, labels = prepare(name, cols, rows, sample)
    got = labels(run(batch))
    mismatches = sum(a != b for a, b in zip(got, want)) + abs(len(got) - len(want))
    ratios, rates, base_rates, cpu_ratios = [], [], [], []
    for _ in range(reps):
        t_base, c_base, _ = cpu_timed(plain, rows)
        t_impl, c_impl, _ = cpu_timed(run, batch)
        rates.append(sample / t_impl)
        base_rates.append(sample / t_base)
        ratios.append(t_base / t_impl)
        cpu_ratios.append(c_base / c_impl)
    latencies = []
    for i in range(min(200, sample)):
        start = time.perf_counter_ns()
        single(i)
        latencies.append((time.perf_counter_ns() - start) / 1000)
    return {"impl": name, "sample": sample, "reps": reps, "rate": statistics.median(rates),
            "ratio": statistics.median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
            "ratio_cpu": statistics.median(cpu_ratios), "ratio_cpu_min": min(cpu_ratios), "ratio_cpu_max": max(cpu_ratios),
            "plain_rate": statistics.median(base_rates), "latency_us_p50": statistics.median(latencies),
            "mismatches": mismatches, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            **_machine()}


def prepare(name, cols, rows, sample):
    """(single(i), run(batch), batch, labels(result)) for one implementation; nothing here is timed."""
    import workload
    from workload import peers
    if name == "plain":
        return (lambda i: peers.decide_reference(rows[i])), (lambda b: [peers.decide_reference(c) for c in b]), rows, list
    if name == "numpy":
        from impls.numpy_impl import Impl
        impl = Impl()
        batch = impl.prepare(rows, cols)
        return (lambda i: impl.decide(impl.single_input(rows[i]))), impl.run, batch, impl.labels
    if name in ("zen", "rule-engine"):
        if name == "zen":
            from impls.zen_table import Impl
        else:
            from impls.rule_engine_impl import ListImpl as Impl
        impl = Impl()
        return (lambda i: impl.decide(rows[i])), impl.run, rows, impl.labels
    from engine.batch.api import catalog_for
    catalog = catalog_for(ROOT / "bench" / "policies")
    main = catalog.resolve("ladder", workload.EPOCH.replace(year=2024))
    bindings = catalog.bind(main, workload.EPOCH.replace(year=2024))
    if name == "frist-scalar":
        import decimal
        from engine.decide.decision import compiled_for
        from engine.values.money import DECIMAL_CONTEXT
        decide = compiled_for(catalog, bindings, "ladder").decide
        actions = [r.rule.action for r in main.rules]
        pairs = [workload.frist_case(r) for r in rows]

        def run(batch):
            with decimal.localcontext(DECIMAL_CONTEXT):
                return [decide(c, d)[0] for c, d in batch]
        return (lambda i: run(pairs[i:i + 1])), run, pairs, lambda out: [actions[i] for i in out]
    import polars as pl
    from engine.batch.layout import ROW
    from engine.batch.validate import to_case_frame
    from engine.columnar.program import evaluate
    flat = workload.flat_frame(cols).with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    frame, rejects = to_case_frame(flat, main.version.steps, flat.get_column("as_of"))
    assert rejects.height == 0, rejects.head()
    frame = frame.drop(ROW)
    steps = main.version.steps
    actions = pl.Series([r.rule.action for r in main.rules])
    run = lambda f: evaluate(bindings, "ladder", f, steps)  # noqa: E731
    return ((lambda i: run(frame.slice(i, 1))), run, frame,
            lambda res: actions.gather(res.frame.get_column("__chosen")).to_list())


def _machine() -> dict:
    """Threads Polars uses and the load beside the run (the figures depend on both)."""
    import os
    import polars as pl
    return {"threads": pl.thread_pool_size(), "cores": os.cpu_count(), "load": os.getloadavg()[0]}


def io_run(n: int, workdir: Path, reps: int = 3) -> dict:
    """Ladder Parquet → decisions Parquet: Frist's decide_table and the hand-written Polars script
    (bench/baseline.py) on the same file, back to back in this process, `reps` times."""
    import polars as pl
    import baseline
    import workload
    from engine.batch.api import catalog_for, decide_table
    source, target = workdir / f"ladder-cases-{n}.parquet", workdir / "ladder-decisions.parquet"
    if not source.exists():
        workload.flat_frame(workload.generate(n)).write_parquet(source)
    catalog = catalog_for(ROOT / "bench" / "policies")
    decide_table(pl.read_parquet(source).head(100), "ladder", None, catalog)      # load and compile once
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    runs = []
    for _ in range(reps):
        b_read, b_decide, b_write, hand = baseline.run(source, workdir / "ladder-baseline.parquet")
        del hand
        t0 = time.perf_counter()
        frame = pl.read_parquet(source)
        t1, c1 = time.perf_counter(), time.process_time()
        decisions, rejects = decide_table(frame, "ladder", None, catalog)
        t2, c2 = time.perf_counter(), time.process_time()
        decisions.write_parquet(target)
        t3 = time.perf_counter()
        # CPU seconds (all threads) of both decides on the same frame: under a load of 10+ on 2 cores
        # wall time says more about the neighbours than about the code
        c3 = time.process_time()
        baseline.decide(frame.lazy()).collect()
        c4 = time.process_time()
        runs.append({"read_s": t1 - t0, "decide_s": t2 - t1, "write_s": t3 - t2, "base_read_s": b_read,
                     "base_decide_s": b_decide, "base_write_s": b_write, "ratio": (t2 - t1) / b_decide,
                     "ratio_total": (t3 - t0) / (b_read + b_decide + b_write), "decide_cpu_s": c2 - c1,
                     "base_decide_cpu_s": c4 - c3, "ratio_cpu": (c2 - c1) / (c4 - c3)})
        del frame, decisions
    _, _, _, hand = baseline.run(source, workdir / "ladder-baseline.parquet")
    ours = pl.read_parquet(target).select("case_id", "action")
    mismatches = hand.join(ours, on="case_id", how="full").filter(pl.col("action") != pl.col("action_right")).height
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    return {"cases": n, "decided": pl.scan_parquet(target).select(pl.len()).collect().item(),
            "rejected": rejects.height, **med, "ratio_min": min(r["ratio"] for r in runs),
            "ratio_max": max(r["ratio"] for r in runs), "rate": n / med["decide_s"], "mismatches": mismatches,
            "ratio_cpu_min": min(r["ratio_cpu"] for r in runs), "ratio_cpu_max": max(r["ratio_cpu"] for r in runs),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rss_before_read_mb": rss0,
            **_machine()}


def in_child(*args: str) -> dict:
    """`bench.py ARGS` in a fresh process (its own peak memory); its last stdout line as JSON.

    A failing child stops the run with the child's own stderr (its traceback is the useful part).
    """
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"bench.py {' '.join(args)} failed (exit {out.returncode}):\n{out.stderr.strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="cases (default 1,000,000)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--impl", help="run one implementation in this process and print JSON")
    parser.add_argument("--only", nargs="*", default=list(IMPLS))
    parser.add_argument("--io", action="store_true", help="also run the Parquet → Parquet measurement")
    parser.add_argument("--workdir", default="/tmp/frist-bench")
    parser.add_argument("--workload", choices=["ladder", "kravia"], default="ladder",
                        help="kravia: the kravia policy with its law (bench/kravia_run.py) instead of the ladder")
    parser.add_argument("--parity", type=int, default=300, help="kravia: rows compared with `frin decide`")
    parser.add_argument("--threads", type=int, help="Polars threads in every measuring process (POLARS_MAX_THREADS)")
    args = parser.parse_args()
    if args.threads:
        import os
        os.environ["POLARS_MAX_THREADS"] = str(args.threads)      # inherited by the children
    if args.impl == "io":
        print(json.dumps(io_run(args.n, Path(args.workdir), args.reps)))
        return
    if args.impl == "kravia":
        import kravia_run
        print(json.dumps(kravia_run.measure(args.n, Path(args.workdir), args.reps, args.parity)))
        return
    if args.workload == "kravia":
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
        import kravia_run
        kravia_run.report(in_child("--impl", "kravia", "--n", str(args.n), "--reps", str(args.reps),
                                   "--workdir", args.workdir, "--parity", str(args.parity)))
        return
    if args.impl:
        print(json.dumps(measure(args.impl, args.n, args.reps)))
        return
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    results = []
    for name in args.only:
        results.append(in_child("--impl", name, "--n", str(args.n), "--reps", str(args.reps)))
        print(f"{name}: {results[-1]}", file=sys.stderr)
    import os
    print(f"\n{args.n:,} cases (slow engines on the sample shown), median of {args.reps}; Polars threads "
          f"{results[0]['threads']} of {results[0]['cores']} cores; load before/after {results[0]['load']:.1f}/"
          f"{os.getloadavg()[0]:.1f}\n")
    print("| implementation | decisions/s | ratio vs plain Python [min–max] | CPU-seconds ratio [min–max] "
          "| latency p50 µs | peak RSS MB | sample | mismatches vs reference |")
    print("|---|---:|---|---|---:|---:|---:|---:|")
    for r in results:
        print(f"| {IMPLS[r['impl']][0]} | {r['rate']:,.0f} | {r['ratio']:.2f}× [{r['ratio_min']:.2f}–{r['ratio_max']:.2f}] "
              f"| {r['ratio_cpu']:.2f}× [{r['ratio_cpu_min']:.2f}–{r['ratio_cpu_max']:.2f}] "
              f"| {r['latency_us_p50']:.1f} | {r['peak_rss_mb']:.0f} | {r['sample']:,} | {r['mismatches']} |")
    if args.io:
        r = in_child("--impl", "io", "--n", str(args.n), "--workdir", args.workdir, "--reps", str(args.reps))
        print(f"\nParquet → Parquet, {r['cases']:,} cases ({r['decided']:,} decided, {r['rejected']} rejected), "
              f"median of {args.reps}, Polars threads {r['threads']} of {r['cores']} cores, load {r['load']:.1f}:\n"
              f"| | read s | decide s | write s |\n|---|---:|---:|---:|\n"
              f"| Frist decide_table (validation included) | {r['read_s']:.2f} | {r['decide_s']:.2f} | {r['write_s']:.2f} |\n"
              f"| hand-written Polars (bench/baseline.py) | {r['base_read_s']:.2f} | {r['base_decide_s']:.2f} "
              f"| {r['base_write_s']:.2f} |\n\n"
              f"decide ratio Frist / hand-written {r['ratio']:.2f}× [{r['ratio_min']:.2f}–{r['ratio_max']:.2f}], "
              f"read+decide+write {r['ratio_total']:.2f}×; decide CPU seconds {r['decide_cpu_s']:.2f} against "
              f"{r['base_decide_cpu_s']:.2f}, {r['ratio_cpu']:.2f}× [{r['ratio_cpu_min']:.2f}–{r['ratio_cpu_max']:.2f}]; "
              f"{r['rate']:,.0f} cases/s; actions differing from the "
              f"hand-written script: {r['mismatches']}; peak RSS {r['peak_rss_mb']:.0f} MB "
              f"(before reading: {r['rss_before_read_mb']:.0f} MB)")


if __name__ == "__main__":
    main()
