"""`frist batch`: read cases, decide them in chunks, write decisions, rejects and a summary.

The progress bar is `tqdm` (small, maintained, writes to stderr and turns itself off when
stderr is not a terminal). Exit codes: 0 all decided, 1 some decisions broke the law's
constraints (those rows are in the violations file, not among the decisions), 2 some rows
rejected (they are in the rejects file) or bad usage; with `--strict` the first rejected
row stops the run.
"""
from __future__ import annotations

import time
from argparse import Namespace
from pathlib import Path
from typing import TextIO

__all__ = ["batch"]


def batch(args: Namespace, stdout: TextIO, stderr: TextIO) -> int:
    import polars as pl
    from tqdm import tqdm

    from ..errors import UsageError
    from .api import decide_table
    from .io import format_of, read_cases, write_decisions, write_rejects
    from .layout import describe_reject

    format_of(args.output)          # an unknown output format fails before any deciding
    started = time.perf_counter()
    decisions, rejects, lawless = [], [], []
    bar = tqdm(desc="deciding", unit=" cases", file=stderr, disable=True if args.no_progress else None, leave=False)
    try:
        for chunk, read_rejects in read_cases(args.input):
            found = [pl.DataFrame(read_rejects, schema={"row": pl.Int64, "case_id": pl.String, "field": pl.String,
                                                        "problem": pl.String})] if read_rejects else []
            if chunk.height:
                decided, problems = decide_table(chunk, args.policy, args.as_of, args.policies, args.include_drafts,
                                                  violations=lawless)
                decisions.append(decided)
                found.append(problems)
            bar.update(chunk.height + len(read_rejects))
            found = [f for f in found if f.height]
            if found and args.strict:
                first = pl.concat(found).sort("row").row(0, named=True)
                raise UsageError(describe_reject(first) + " (--strict: stopped at the first rejected row)")
            rejects.extend(found)
    finally:
        bar.close()
    out = pl.concat(decisions, how="diagonal_relaxed") if decisions else pl.DataFrame()
    write_decisions(out, args.output)
    summary = [f"decided {out.height} case(s) in {time.perf_counter() - started:.1f} s → {args.output}"]
    if out.height:
        for action, count in out.group_by("action").len().sort(["len", "action"], descending=[True, False]).iter_rows():
            summary.append(f"  {action:<32} {count:>10}")
    status = 0
    if lawless:
        from .law import VIOLATIONS
        path = args.violations or str(Path(args.output).with_suffix("")) + ".violations.csv"
        pl.DataFrame(lawless, schema=VIOLATIONS).write_csv(path)
        summary.append(f"held back {len({r['row'] for r in lawless})} decision(s) the law forbids → {path}")
        status = 1
    if rejects:
        table = pl.concat(rejects).sort("row", maintain_order=True)
        path = args.rejects or str(Path(args.output).with_suffix("")) + ".rejects.csv"
        write_rejects(table, path)
        rows = table.get_column("row").n_unique()
        summary.append(f"rejected {rows} row(s) ({table.height} problem(s)) → {path}")
        status = 2
    print("\n".join(summary), file=stdout)
    return status
