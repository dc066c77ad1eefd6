"""`decide_batch`: decide a table of cases with the columnar evaluator, no global state.

The input is an Arrow table or a Polars DataFrame in the flat layout (`layout.py`); the
output is the same kind of table, one decision per valid row (`output.py`). Rows the
columnar evaluator flags as suspect are re-decided by the scalar evaluator, which is also
what names the error of a row that cannot be decided. The policy catalog is cached per
(folder, file modification times), so repeated calls in one worker load policies once.
`decide_table` only wires the steps, each in a module of its own: `input_frame.py` reads and
checks the table, `chunk.py` decides it chunk by chunk (`group.py` per group of versions),
`results.py` assembles the two frames it returns.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import polars as pl

from ..check.pipeline import Catalog, load_catalog
from ..core.errors import CaseError, PolicyError, UsageError
from .chunk import CHUNK_ROWS, decide_in_chunks
from .group import INTERNAL, BatchReport
from .input_frame import check_policy_given, check_policy_name, input_frame, with_known_columns, with_row_numbers
from .layout import describe_reject
from .results import all_decisions, route_law_rows, with_case_ids

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
    frame = with_row_numbers(with_known_columns(input_frame(table), ignore_unknown))
    catalog = policies_dir if isinstance(policies_dir, Catalog) else catalog_for(policies_dir)
    check_policy_name(catalog, policy)
    check_policy_given(frame, policy)
    decided, rejected, law_rows = decide_in_chunks(
        frame, max(1, chunk_rows or CHUNK_ROWS), catalog, policy, as_of, include_drafts,
        report if report is not None else BatchReport(), allow_stale, progress)
    route_law_rows(law_rows, violations, rejected)
    return all_decisions(decided), with_case_ids(rejected, frame)


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
