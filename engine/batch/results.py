"""The two frames `decide_table` returns, assembled from its chunks' parts.

Each chunk gives decision frames, reject frames without `case_id`, and records of the
law's constraints the proposed decisions break. Here they become the documented result:
decisions in input-row order, and rejects in input-row order each naming its case, with a
broken constraint either a reject (field `law`) or, when the caller asked for them, a
violation record of its own; a row is never in both, and never dropped.
"""
from __future__ import annotations

import polars as pl

from .layout import REJECTS, ROW

__all__ = ["all_decisions", "route_law_rows", "law_rejects", "with_case_ids"]


def all_decisions(decided: list[pl.DataFrame]) -> pl.DataFrame:
    """The decision frames as one, ordered by input row; groups can have different columns (each
    policy's own outputs), so a column one group lacks is null in its rows."""
    return pl.concat(decided, how="diagonal_relaxed").sort("row") if decided else pl.DataFrame()


def route_law_rows(law_rows: list[dict], violations: list | None, rejected: list[pl.DataFrame]) -> None:
    """Send each broken constraint where the caller wants it: into `violations` (by row) when it gave
    that list, else into `rejected` as a reject, so the row is never among the decisions either way."""
    if law_rows and violations is not None:
        violations.extend(sorted(law_rows, key=lambda r: r["row"]))
    elif law_rows:
        rejected.append(law_rejects(law_rows))


def law_rejects(law_rows: list[dict]) -> pl.DataFrame:
    """One reject (field `law`) per broken constraint, naming the rule, the action it proposed, the
    constraint, the problem and the law's source, so the reason can be checked without the policy."""
    return pl.DataFrame([{"row": r["row"], "field": "law", "problem": f"{r['rule']} proposed "
                          f"{r['proposed_action']}, which breaks {r['constraint']}: {r['problem']} "
                          f"({r['source']})"} for r in law_rows], schema=REJECTS)


def with_case_ids(rejected: list[pl.DataFrame], frame: pl.DataFrame) -> pl.DataFrame:
    """The reject frames as one, each line with its row's `case_id` from the input `frame` (with ROW),
    ordered by row and, within a row, in the order the problems were found."""
    ids = frame.select(pl.col(ROW).alias("row"), pl.col("case_id").cast(pl.String))
    return (pl.concat(rejected).join(ids, on="row", how="left").select("row", "case_id", "field", "problem")
            .sort("row", maintain_order=True))
