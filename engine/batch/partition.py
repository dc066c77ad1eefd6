"""One partition of a distributed run decided: what Spark's tasks and Dask's workers both call.

A distributed engine needs the result's columns before it has seen a row, so they are
declared here from the output registry (`output.decision_columns`) and the amounts the
policy's versions report: a new output reaches Spark and Dask without an edit to either.
Each partition's decisions and rejects come back as one Arrow table in one schema (the
decision columns, then `reject_field`, `reject_problem`, `kind`), so one pass over the input
gives both; the engine then splits it by `kind`.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl

from ..core.errors import UsageError
from ..values.time import parse_date
from .identity import SOURCE
from .layout import ROW

__all__ = ["declared_columns", "mapped_columns", "arrow_schema", "REJECT_COLUMNS", "policy_folder", "as_of_date",
           "check_input", "decide_part", "DECISION", "REJECT"]

DECISION, REJECT = "decision", "reject"
REJECT_COLUMNS = [SOURCE, "row", "case_id", "field", "problem"]
_MAPPED_TAIL = [("reject_field", "string"), ("reject_problem", "string"), ("kind", "string")]


def policy_folder(policies_dir: str | Path | None) -> str:
    """The policy folder as an absolute path the workers read: as given, else ./policies when it
    exists here, else the catalog bundled with the package (as every other entry point)."""
    if policies_dir is None:
        from ..policy.catalog_source import resolve_default
        policies_dir, _ = resolve_default("batch")
    return str(Path(policies_dir).resolve())


def as_of_date(as_of: dt.date | str | None) -> dt.date | None:
    if isinstance(as_of, str):
        try:
            return parse_date(as_of)
        except ValueError:
            raise UsageError(f"as_of `{as_of}` is not a date (YYYY-MM-DD)") from None
    return as_of


def declared_columns(folder: str, policy: str | None, include_drafts: bool) -> list[tuple[str, str]]:
    """(column, kind) of the decisions: `source`, then every decision column, with one
    `amount_<name>` per amount any version of `policy` (else of any policy) reports."""
    from .api import catalog_for
    from .output import decision_columns
    catalog = catalog_for(folder)
    names = [policy.partition("@")[0]] if policy else catalog.policies.names()
    amounts: list[str] = []
    for name in names:
        for version in catalog.versions(name):
            if version.is_draft and not include_drafts:
                continue
            amounts += [key for key in catalog.checked[version.key].amounts if key not in amounts]
    return [(SOURCE, "string")] + decision_columns(amounts)


def mapped_columns(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The one schema a partition returns: the decision columns, then the reject's and `kind`."""
    return columns + _MAPPED_TAIL


def arrow_schema(columns: list[tuple[str, str]]):
    import pyarrow as pa
    kinds = {"long": pa.int64(), "string": pa.string(), "date": pa.date32(), "money": pa.decimal128(20, 2)}
    return pa.schema([(name, kinds[kind]) for name, kind in columns])


def check_input(schema, policy: str | None, as_of: dt.date | None, folder: str, include_drafts: bool,
                ignore_unknown: bool) -> list[str]:
    """Decide an empty table of the input's Arrow `schema` on the driver, so what is wrong with the
    whole run (an unknown column or policy) is a `UsageError` here, not a failed task on a worker.
    Returns the unknown columns (dropped when `ignore_unknown`)."""
    from .api import decide_table
    from .columns import check_columns
    names = [n for n in schema.names if n != ROW]
    unknown = check_columns(names, ignore_unknown)
    empty = pl.from_arrow(schema.empty_table().select(names))
    decide_table(empty, policy, as_of, folder, include_drafts, ignore_unknown=ignore_unknown)
    return unknown


def decide_part(frame: pl.DataFrame, source: str | None, read_rejects: list[dict], *, columns: list[tuple[str, str]],
                policy: str | None, as_of: dt.date | None, policies_dir: str, include_drafts: bool,
                ignore_unknown: bool = False) -> Any:
    """Decide the rows of one file (or of a table not read from files: `source` None).

    `frame` is in the flat layout with ROW, each row's identity (identity.py);
    `read_rejects` are rows rejected while reading (a JSON Lines line that is not a case).
    Returns an Arrow table in `mapped_columns(columns)`: every row decided or rejected.
    """
    import pyarrow as pa

    from .api import decide_table
    schema = arrow_schema(mapped_columns(columns))
    parts = []
    if read_rejects:
        parts.append((pl.DataFrame(read_rejects, schema={"row": pl.Int64, "case_id": pl.String, "field": pl.String,
                                                         "problem": pl.String}), REJECT))
    if frame.height:
        decisions, rejects = decide_table(frame, policy, as_of, policies_dir, include_drafts,
                                          ignore_unknown=ignore_unknown)
        parts += [(decisions, DECISION), (rejects, REJECT)]
    tables = []
    for part, kind in parts:
        if part.height == 0:
            continue
        part = part.rename({"field": "reject_field", "problem": "reject_problem"}, strict=False)
        given = {SOURCE: pl.lit(source, dtype=pl.String), "kind": pl.lit(kind)}
        arrow = part.with_columns(**given).to_arrow()
        arrays = [arrow.column(f.name).cast(f.type) if f.name in arrow.column_names else pa.nulls(len(arrow), f.type)
                  for f in schema]
        tables.append(pa.Table.from_arrays(arrays, schema=schema))
    return pa.concat_tables(tables) if tables else schema.empty_table()
