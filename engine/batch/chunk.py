"""Deciding the rows of one chunk of the input table, group by group of bound versions.

`decide_table` decides a table a chunk at a time so its working memory stays bounded; a
chunk's rows are dated, tied to a policy, grouped by the policy versions their (policy,
date) binds, and each group is decided by `decide_group` (columns first, per case where
needed, then the law's judgment). A row that cannot be dated or resolved is a reject with
its reason, never the end of the run. Rejects here have no `case_id` yet: the caller joins
it once for the whole table.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, NamedTuple

import numpy as np
import polars as pl

from ..check.pipeline import Catalog
from ..core.errors import UsageError
from ..values.time import parse_date
from .group import BatchReport, decide_group
from .law import history_for_groups
from .layout import REJECTS, rejects_of
from .validate import to_case_frame

__all__ = ["CHUNK_ROWS", "decide_in_chunks", "decide_chunk", "binding_order", "decision_dates", "policy_specs", "VersionGroup",
           "group_by_bound_versions", "decide_groups", "as_of_rejected_once"]


class VersionGroup(NamedTuple):
    """Rows decided together: one policy spec whose (policy, date) pairs bind the same versions."""

    main: Any           # the resolved main policy version
    bindings: dict      # name → the version bound on the group's dates
    spec: str           # NAME or NAME@VERSION as the rows (or `--policy`) gave it
    number: int         # the group's number in the chunk's `__group` column


# Rows decided at a time (`decide_table`, `frin batch --chunk-rows`): memory stays bounded however
# big the table. Each chunk pays a fixed cost (compiling and planning its version groups), so a
# policy with small rows (the bench ladder: 1 M rows Parquet → Parquet, 1.43× the hand-written
# script with 100,000, 1.23× with 250,000 at 822 MB peak) gains from larger chunks, while a policy
# with a ledger and the law (kravia: 1.5 GB peak at 1 M with 100,000) needs these.
CHUNK_ROWS = 100_000


def decide_in_chunks(frame: pl.DataFrame, size: int, catalog: Catalog, policy: str | None, as_of,
                     include_drafts: bool, report: BatchReport, allow_stale: bool,
                     progress: Callable[[int], None] | None) -> tuple[list[pl.DataFrame], list[pl.DataFrame], list[dict]]:
    """(decision frames, reject frames, violation records) of `frame` decided `size` rows at a time,
    so the memory a run needs does not grow with the table; `progress` hears each chunk's row count."""
    decided: list[pl.DataFrame] = []
    rejected: list[pl.DataFrame] = []
    law_rows: list[dict] = []
    order = binding_order(frame, catalog, policy, as_of) if frame.height > size else None
    for start in range(0, max(frame.height, 1), size):
        part = frame.slice(start, size) if order is None else frame[order[start:start + size]]
        d, r, v = decide_chunk(part, catalog, policy, as_of, include_drafts, report, allow_stale)
        decided += d
        rejected.append(r)
        law_rows += v
        if progress is not None:
            progress(part.height)
    return decided, rejected, law_rows


def binding_order(frame: pl.DataFrame, catalog: Catalog, policy: str | None, as_of) -> np.ndarray | None:
    """The rows in the order of the versions they bind ((policy spec, the window of days between two
    effective dates), stable), None where that is the input order: each chunk then holds few version
    groups, and each group is compiled and run once per chunk it is in (a group's fixed cost is ~0.13 s
    CPU however few its rows), not in every chunk. The decisions and rejects are sorted by row after."""
    days, _ = decision_dates(frame, as_of, catalog.today(policy))
    windows = np.searchsorted(_effective_days(catalog), days.to_numpy(), side="right")
    keys = pl.DataFrame({"spec": policy_specs(frame, policy), "window": windows})
    order = keys.with_row_index("__at").sort("spec", "window", maintain_order=True, nulls_last=True).get_column("__at")
    return None if order.is_sorted() else order.to_numpy()


def decide_chunk(frame: pl.DataFrame, catalog: Catalog, policy: str | None, as_of, include_drafts: bool,
                 report: BatchReport, allow_stale: bool = False) -> tuple[list[pl.DataFrame], pl.DataFrame, list[dict]]:
    """(decision frames, rejects without case_id, violation records) of one chunk (with ROW)."""
    # rows without a date are decided on today in the `--policy`'s (else the default) jurisdiction's zone
    days, as_of_problems = decision_dates(frame, as_of, catalog.today(policy))
    keyed = frame.with_columns(days.alias("__day"), policy_specs(frame, policy).alias("__spec"))
    missing = keyed.filter(pl.col("__spec").is_null())
    rejects_parts = [as_of_problems, rejects_of(missing, pl.lit("policy"), pl.lit("names no policy"))]
    groups, keyed, unresolved = group_by_bound_versions(catalog, keyed.filter(pl.col("__spec").is_not_null()),
                                                        include_drafts)
    rejects_parts += unresolved
    decided, found, law_rows = decide_groups(catalog, groups, keyed, include_drafts, report, allow_stale)
    rejects_parts += found
    rejects = pl.concat([r.select(pl.col("row").cast(pl.Int64), pl.col("field").cast(pl.String),
                                  pl.col("problem").cast(pl.String)) for r in rejects_parts])
    return decided, as_of_rejected_once(rejects, as_of_problems.height), law_rows


def decision_dates(frame: pl.DataFrame, as_of: dt.date | str | None, today: dt.date) -> tuple[pl.Series, pl.DataFrame]:
    """Each row's decision date (argument, else the row's `as_of`, else `today`) and date problems."""
    if isinstance(as_of, str):
        try:
            as_of = parse_date(as_of)
        except ValueError as err:       # not a date, or outside the supported years (DateRangeError says which)
            raise UsageError(f"--as-of {err}") from None
    today = as_of or today
    if as_of is not None or "as_of" not in frame.columns:
        return pl.Series("as_of", [today] * frame.height, dtype=pl.Date), pl.DataFrame(schema=REJECTS)
    raw = frame.get_column("as_of")
    parsed = raw.str.to_date("%Y-%m-%d", strict=False) if raw.dtype == pl.String else raw.cast(pl.Date, strict=False)
    bad = raw.is_not_null() & parsed.is_null()
    problems = rejects_of(frame.filter(bad), pl.lit("as_of"), pl.lit("is not a date (YYYY-MM-DD)"))
    return parsed.fill_null(today).alias("as_of"), problems


def policy_specs(frame: pl.DataFrame, policy: str | None) -> pl.Series:
    """Each row's policy spec: `--policy` for every row when given (it wins over the column), else the row's own."""
    if policy is not None:
        return pl.repeat(policy, frame.height, dtype=pl.String, eager=True).alias("policy")
    return frame.get_column("policy").cast(pl.String)


def group_by_bound_versions(catalog: Catalog, keyed: pl.DataFrame,
                            include_drafts: bool) -> tuple[list[VersionGroup], pl.DataFrame, list[pl.DataFrame]]:
    """(groups, `keyed` with each row's `__group` (-1: unresolved), rejects of the rows that cannot be resolved).

    Each (policy, date) pair is resolved once, not once per row, and rows are grouped by
    the versions their pair binds, not by day: a year of dates under one set of versions
    is one columnar evaluation. A pair whose policy or version cannot be resolved on its
    date, or whose policy has no rules of its own, rejects its rows with the reason.
    """
    specs = keyed.get_column("__spec")
    if keyed.height and (specs == specs[0]).all():      # one spec (the usual case): its distinct days, no pair hashing
        pairs = keyed.get_column("__day").unique(maintain_order=True).to_frame().select(
            pl.lit(specs[0], dtype=pl.String).alias("__spec"), "__day")
    else:
        pairs = keyed.select("__spec", "__day").unique(maintain_order=True)
    groups: dict[tuple, VersionGroup] = {}
    group_of: list[int] = []
    unresolved: list[pl.DataFrame] = []

    def group_on(spec: str, day: dt.date) -> int:
        name, _, pinned = spec.partition("@")
        try:
            main = catalog.resolved(name, day, include_drafts, pinned or None)
            if not main.rules:
                raise UsageError(f"policy `{name}` has no rules: it is meant to be used by other policies")
            bindings = catalog.bound(main, day, include_drafts)
        except UsageError as err:
            part = keyed.filter((pl.col("__spec") == spec) & (pl.col("__day") == day))
            unresolved.append(rejects_of(part, pl.lit("policy"), pl.lit(str(err))))
            return -1
        key = tuple(sorted(b.version.key for b in bindings.values())) + (main.name, spec)
        if key not in groups:
            groups[key] = VersionGroup(main, bindings, spec, len(groups))
        return groups[key].number
    # which versions are in force changes only on a version's effective date, so the days between two
    # such dates (a window) bind alike: a (spec, window) is resolved on its first day only; one that
    # fails is asked again on each day (its reason names the day)
    days = pairs.get_column("__day")
    windows = np.searchsorted(_effective_days(catalog), days.to_numpy(), side="right").tolist()
    seen: dict[tuple[str, int], int] = {}
    for spec, day, window in zip(pairs.get_column("__spec").to_list(), days.to_list(), windows):
        number = seen.get((spec, window))
        if number is None:
            number = group_on(spec, day)
            if number >= 0:
                seen[(spec, window)] = number
        group_of.append(number)
    if len(set(group_of)) == 1:     # every pair binds the same versions (the usual case): no join of the wide rows
        return list(groups.values()), keyed.with_columns(pl.lit(group_of[0], dtype=pl.Int64).alias("__group")), unresolved
    pairs = pairs.with_columns(pl.Series("__group", group_of, dtype=pl.Int64))
    keyed = keyed.join(pairs, on=["__spec", "__day"], how="left", maintain_order="left")
    return list(groups.values()), keyed, unresolved


def _effective_days(catalog: Catalog) -> np.ndarray:
    """Every version's effective date (sorted, as days): the only days on which a binding can change."""
    return np.array(sorted({v.effective for v in catalog.policies.all()}), dtype="datetime64[D]")


def decide_groups(catalog: Catalog, groups: list[VersionGroup], keyed: pl.DataFrame, include_drafts: bool,
                  report: BatchReport, allow_stale: bool) -> tuple[list[pl.DataFrame], list[pl.DataFrame], list[dict]]:
    """(decision frames, reject frames, violation records) of each group's rows, in group order:
    the rows are checked into a case frame for the group's steps, then decided by `decide_group`."""
    keyed = keyed.filter(pl.col("__group") >= 0)
    parts = ({(groups[0].number,): keyed.drop("__group")} if len(groups) == 1 else   # one group: no copy of its rows
             keyed.partition_by("__group", as_dict=True, include_key=False))
    decided: list[pl.DataFrame] = []
    rejects: list[pl.DataFrame] = []
    law_rows: list[dict] = []
    checked = []
    for group in groups:
        part = parts[(group.number,)]
        cases, problems = to_case_frame(part, group.main.version.steps, part.get_column("__day"))
        rejects.append(problems)
        checked.append((group, cases))
    # the recorded fees of every group judged as columns at once (a law version compiled once per chunk)
    fees = history_for_groups(catalog, [(g.main, g.bindings, g.number, cases) for g, cases in checked], include_drafts)
    for group, cases in checked:
        table, found, broken = decide_group(catalog, group.main, group.bindings, group.spec, cases, include_drafts,
                                            report, allow_stale, fee_verdicts=fees.get(group.number))
        decided.append(table)
        rejects += found
        law_rows += broken
    return decided, rejects, law_rows


def as_of_rejected_once(rejects: pl.DataFrame, as_of_count: int) -> pl.DataFrame:
    """`rejects` (whose first `as_of_count` lines are the bad-`as_of` ones) with one line per bad `as_of`:
    the case check names a bad date again, with its value, so the first, shorter line goes."""
    if not as_of_count:
        return rejects
    again = rejects.slice(as_of_count).filter(pl.col("field") == "as_of").get_column("row")
    return pl.concat([rejects.head(as_of_count).filter(~pl.col("row").is_in(again.implode())),
                      rejects.slice(as_of_count)])
