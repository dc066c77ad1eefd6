"""The input table of `decide_table`, read and checked before any row is decided.

Everything here either normalises the table into the one shape the chunks are decided in
(a Polars frame with a 1-based Int64 `ROW` column and only known columns) or stops the whole
run with a `UsageError`: a problem that would otherwise turn into the same reject on every
row (no `case_id` column, a misspelt column, a `--policy` that names nothing, no policy at
all) is the caller's to fix once, not a table of rejects to read through.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from ..check.pipeline import Catalog
from ..core.errors import UsageError
from .layout import ROW

__all__ = ["input_frame", "with_known_columns", "with_row_numbers", "check_policy_name", "check_policy_given"]


def input_frame(table: Any) -> pl.DataFrame:
    """`table` as a Polars frame: the API takes Arrow tables too, the deciding is done in Polars."""
    frame = table if isinstance(table, pl.DataFrame) else pl.from_arrow(table)
    if not isinstance(frame, pl.DataFrame):
        raise UsageError("decide_batch takes an Arrow table or a Polars DataFrame")
    if "case_id" not in frame.columns:
        raise UsageError("the input has no `case_id` column")
    return frame


def with_known_columns(frame: pl.DataFrame, ignore_unknown: bool) -> pl.DataFrame:
    """`frame` without the unknown columns `ignore_unknown` allows; otherwise an unknown column or item field
    is an error, since a misspelt one would silently decide the case on a missing value (`columns.py`)."""
    from .columns import check_columns, check_item_fields

    frame = frame.drop(check_columns(frame.columns, ignore_unknown, internal=(ROW,)))
    check_item_fields(frame.schema, ignore_unknown)
    return frame


def with_row_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its 1-based input row number as Int64 `ROW`, the key every decision and reject is
    reported and ordered by; a caller that splits a bigger input (partition.py) passes its own numbers in."""
    if ROW not in frame.columns:
        frame = frame.with_row_index(ROW, offset=1)
    return frame.with_columns(pl.col(ROW).cast(pl.Int64))


def check_policy_name(catalog: Catalog, policy: str | None) -> None:
    """A `--policy` that names no policy at all is a usage error, not one reject per row."""
    if policy is not None:
        name = policy.partition("@")[0]
        if not catalog.versions(name):
            catalog.resolve(name, dt.date.today())      # raises the unknown policy's error, with a did-you-mean


def check_policy_given(frame: pl.DataFrame, policy: str | None) -> None:
    """Without `--policy` every row names its own, so a table with no `policy` column cannot be decided at all."""
    if policy is None and "policy" not in frame.columns:
        raise UsageError("no policy: pass --policy NAME or give the input a `policy` column")
