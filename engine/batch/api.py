"""`decide_batch`: decide a table of cases with the columnar evaluator, no global state.

The input is an Arrow table or a Polars DataFrame in the flat layout (`layout.py`); the
output is the same kind of table, one decision per valid row (`output.py`). Rows the
columnar evaluator flags as suspect are re-decided by the scalar evaluator, which is also
what names the error of a row that cannot be decided. The policy catalog is cached per
(folder, file modification times), so repeated calls in one worker load policies once.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import polars as pl

from ..core.errors import CaseError, PolicyError, UsageError
from ..check.pipeline import Catalog, load_catalog
from ..values.time import parse_date
from .group import INTERNAL, BatchReport, decide_group
from .layout import REJECTS, ROW, describe_reject, rejects_of
from .validate import to_case_frame

__all__ = ["decide_batch", "decide_table", "catalog_for", "INTERNAL", "BatchReport", "CHUNK_ROWS"]


@lru_cache(maxsize=8)
def _load(folder: str, stamp: tuple) -> Catalog:
    """The catalog of `folder`; `stamp` (its files' modification times) is only there as part of the cache key."""
    catalog, problems = load_catalog([folder])
    errors = [d for d in problems if d.is_error]
    if errors:
        raise PolicyError(errors)
    return catalog


def catalog_for(policies_dir: str | Path) -> Catalog:
    """The checked catalog of a policy folder (cached while its files are unchanged)."""
    folder = Path(policies_dir).resolve()
    if not folder.exists():
        raise UsageError(f"policy folder `{policies_dir}` does not exist")
    stamp = tuple(sorted((str(p), p.stat().st_mtime_ns) for p in folder.rglob("*.yaml")))
    return _load(str(folder), stamp)


def _as_of_column(frame: pl.DataFrame, as_of: dt.date | str | None, today: dt.date) -> tuple[pl.Series, pl.DataFrame]:
    """Each row's decision date (argument, else the row's `as_of`, else `today`) and date problems."""
    if isinstance(as_of, str):
        try:
            as_of = parse_date(as_of)
        except ValueError:
            raise UsageError(f"--as-of `{as_of}` is not a date (YYYY-MM-DD)") from None
    today = as_of or today
    if as_of is not None or "as_of" not in frame.columns:
        return pl.Series("as_of", [today] * frame.height, dtype=pl.Date), pl.DataFrame(schema=REJECTS)
    raw = frame.get_column("as_of")
    parsed = raw.str.to_date("%Y-%m-%d", strict=False) if raw.dtype == pl.String else raw.cast(pl.Date, strict=False)
    bad = raw.is_not_null() & parsed.is_null()
    problems = rejects_of(frame.filter(bad), pl.lit("as_of"), pl.lit("is not a date (YYYY-MM-DD)"))
    return parsed.fill_null(today).alias("as_of"), problems


def _check_policy_name(catalog: Catalog, policy: str | None) -> None:
    """A `--policy` that names no policy at all is a usage error, not one reject per row."""
    if policy is not None:
        name = policy.partition("@")[0]
        if not catalog.versions(name):
            raise UsageError(f"unknown policy `{name}` (known: {', '.join(catalog.policies.names()) or 'none'})")


CHUNK_ROWS = 100_000       # rows decided at a time by `decide_table`: memory stays bounded however big the table


def decide_table(table: Any, policy: str | None = None, as_of: dt.date | str | None = None,
                 policies_dir: str | Path | Catalog = "policies", include_drafts: bool = False,
                 progress: Callable[[int], None] | None = None,
                 ignore_unknown: bool = False, violations: list | None = None,
                 report: BatchReport | None = None, chunk_rows: int | None = None,
                 allow_stale: bool = False) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Decide every row; returns (decisions, rejects) as Polars frames, both ordered by `row`.

    Rejects have `row` (1-based input row), `case_id`, `field` and `problem`. Every input
    row is in exactly one of the two: a row whose policy, version or date cannot be
    resolved is a reject like a row with a bad value, never the end of the run.
    Unknown columns raise `UsageError` unless `ignore_unknown` (`columns.py`).
    `policies_dir` may be an already loaded `Catalog` (validate runs embedded examples
    through this path). A row whose decision breaks one of the law's constraints is never
    among the decisions: it is a reject with field `law` naming the constraint and its
    source, or, when a `violations` list is given, one dict per constraint broken goes
    there instead (`law.VIOLATIONS`). `report` (a `BatchReport`) receives which rows were
    decided per case and why, and the warning counts. Rows are decided `chunk_rows` at a
    time (default `CHUNK_ROWS`), so the working memory does not grow with the table.
    `allow_stale`: decide even with a stale figure (decide/stale.py, as `decide --allow-stale`):
    each such row is decided and its `warnings` name every stale figure it was decided with.
    """
    from .columns import check_columns, check_item_fields

    frame = table if isinstance(table, pl.DataFrame) else pl.from_arrow(table)
    if not isinstance(frame, pl.DataFrame):
        raise UsageError("decide_batch takes an Arrow table or a Polars DataFrame")
    if "case_id" not in frame.columns:
        raise UsageError("the input has no `case_id` column")
    frame = frame.drop(check_columns(frame.columns, ignore_unknown, internal=(ROW,)))
    check_item_fields(frame.schema, ignore_unknown)
    if ROW not in frame.columns:
        frame = frame.with_row_index(ROW, offset=1)
    frame = frame.with_columns(pl.col(ROW).cast(pl.Int64))
    catalog = policies_dir if isinstance(policies_dir, Catalog) else catalog_for(policies_dir)
    _check_policy_name(catalog, policy)
    if policy is None and "policy" not in frame.columns:
        raise UsageError("no policy: pass --policy NAME or give the input a `policy` column")
    report = report if report is not None else BatchReport()
    size = max(1, chunk_rows or CHUNK_ROWS)
    decided, rejected, law_rows = [], [], []
    for start in range(0, max(frame.height, 1), size):
        part = frame.slice(start, size)
        d, r, v = _decide_chunk(part, catalog, policy, as_of, include_drafts, report, allow_stale)
        decided += d
        rejected.append(r)
        law_rows += v
        if progress is not None:
            progress(part.height)
    decisions = pl.concat(decided, how="diagonal_relaxed").sort("row") if decided else pl.DataFrame()
    if law_rows and violations is not None:
        violations.extend(sorted(law_rows, key=lambda r: r["row"]))
    elif law_rows:
        rejected.append(pl.DataFrame([{"row": r["row"], "field": "law", "problem": f"{r['rule']} proposed "
                                       f"{r['proposed_action']}, which breaks {r['constraint']}: {r['problem']} "
                                       f"({r['source']})"} for r in law_rows], schema=REJECTS))
    rejects = pl.concat(rejected)
    ids = frame.select(pl.col(ROW).alias("row"), pl.col("case_id").cast(pl.String))
    rejects = rejects.join(ids, on="row", how="left").select("row", "case_id", "field", "problem").sort("row", maintain_order=True)
    return decisions, rejects


def _decide_chunk(frame: pl.DataFrame, catalog: Catalog, policy: str | None, as_of, include_drafts: bool,
                  report: BatchReport, allow_stale: bool = False) -> tuple[list[pl.DataFrame], pl.DataFrame, list[dict]]:
    """(decision frames, rejects without case_id, violation records) of one chunk (with ROW)."""
    # rows without a date are decided on today in the `--policy`'s (else the default) jurisdiction's zone
    days, as_of_problems = _as_of_column(frame, as_of, catalog.today(policy))
    rejects_parts = [as_of_problems]
    if policy is not None:
        specs = pl.Series("policy", [policy] * frame.height, dtype=pl.String)
    else:
        specs = frame.get_column("policy").cast(pl.String)
    keyed = frame.with_columns(days.alias("__day"), specs.alias("__spec"))
    missing = keyed.filter(pl.col("__spec").is_null())
    rejects_parts.append(rejects_of(missing, pl.lit("policy"), pl.lit("names no policy")))
    # resolve each (policy, date) pair once, then split the rows by the versions bound (not by day)
    keyed = keyed.filter(pl.col("__spec").is_not_null())
    pairs = keyed.select("__spec", "__day").unique(maintain_order=True)
    groups: dict[tuple, list] = {}
    group_of: list[int] = []
    for spec, day in pairs.iter_rows():
        name, _, pinned = spec.partition("@")
        try:
            main = catalog.resolve(name, day, include_drafts, pinned or None)
            if not main.rules:
                raise UsageError(f"policy `{name}` has no rules: it is meant to be used by other policies")
            bindings = catalog.bind(main, day, include_drafts)
        except UsageError as err:
            group_of.append(-1)
            part = keyed.filter((pl.col("__spec") == spec) & (pl.col("__day") == day))
            rejects_parts.append(rejects_of(part, pl.lit("policy"), pl.lit(str(err))))
            continue
        key = tuple(sorted(b.version.key for b in bindings.values())) + (main.name, spec)
        if key not in groups:
            groups[key] = [main, bindings, spec, len(groups)]
        group_of.append(groups[key][3])
    pairs = pairs.with_columns(pl.Series("__group", group_of, dtype=pl.Int64))
    keyed = keyed.join(pairs, on=["__spec", "__day"], how="left", maintain_order="left")
    parts = keyed.filter(pl.col("__group") >= 0).partition_by("__group", as_dict=True, include_key=False)
    decided, law_rows = [], []
    for main, bindings, spec, index in groups.values():
        part = parts[(index,)]
        cases, problems = to_case_frame(part, main.version.steps, part.get_column("__day"))
        rejects_parts.append(problems)
        table, found, broken = decide_group(catalog, main, bindings, spec, cases, include_drafts, report, allow_stale)
        decided.append(table)
        rejects_parts += found
        law_rows += broken
    rejects = pl.concat([r.select(pl.col("row").cast(pl.Int64), pl.col("field").cast(pl.String),
                                  pl.col("problem").cast(pl.String)) for r in rejects_parts])
    return decided, rejects, law_rows


def decide_batch(table: Any, policy: str | None = None, as_of: dt.date | str | None = None,
                 policies_dir: str | Path = "policies", include_drafts: bool = False,
                 rejects: list | None = None, ignore_unknown: bool = False) -> Any:
    """Decide a table of cases; returns decisions as the same kind of table (Arrow or Polars).

    Args:
        table: `pyarrow.Table` or `polars.DataFrame` in the flat layout (docs/batch.md).
        policy: NAME or NAME@VERSION; default: each row's `policy` column.
        as_of: decision date; default: each row's `as_of`, else today (Europe/Oslo).
        rejects: a list to receive one dict per problem (row, case_id, field, problem);
            without it, any rejected row raises `CaseError` (rows are never dropped silently).
        ignore_unknown: drop columns the layout does not know instead of raising `UsageError`.

    Raises:
        PolicyError, UsageError, CaseError.
    """
    decisions, problems = decide_table(table, policy, as_of, policies_dir, include_drafts,
                                       ignore_unknown=ignore_unknown)
    if problems.height:
        if rejects is None:
            from ..core.diagnostics import Diagnostic
            raise CaseError([Diagnostic("invalid-row", describe_reject(r)) for r in problems.head(20).to_dicts()])
        rejects.extend(problems.to_dicts())
    return decisions if isinstance(table, pl.DataFrame) else decisions.to_arrow()
