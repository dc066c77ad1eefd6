"""Decide a Spark DataFrame of cases: `decide_dataframe(df, policy=..., as_of=...)`.

The `spark` extra (pyspark, pandas, and a Java runtime for Spark itself). Each Spark task
hands its Arrow record batches to `partition.decide_part`, the same columnar evaluator as
`frin batch`; the result is two DataFrames from one mapped pass (persisted, so using both
decides each row once):

- decisions, in a declared schema (`decision_schema`): `source`, then the columns of
  `frin batch` in its order, taken from the output registry (`output.decision_columns`),
  with one `amount_<name>` column per amount any version of the policy reports (null where
  the deciding version has no such amount);
- rejects (`source`, `row`, `case_id`, `field`, `problem`): rows that could not be decided;
  one bad row never fails a task, and no row is dropped silently.

A row's identity is the one `frin batch` gives (identity.py). Read from files, `source` is
the file's path relative to the folder holding them and `row` its number in the file:
Parquet's own row index (`_metadata.row_index`), else counted on the driver per file split
(`_metadata.file_block_start`) and offset by `monotonically_increasing_id`. A DataFrame not
read from files is numbered across its partitions in order, `source` null; its partitioning
must then be deterministic (a cached DataFrame). What is wrong with the whole run (an unknown
column or policy) is a `UsageError` on the driver, before any task runs.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

from .identity import SOURCE, file_key, source_names
from .layout import ROW
from .partition import DECISION, REJECT, REJECT_COLUMNS, as_of_date, check_input, decide_part, declared_columns, mapped_columns, policy_folder

__all__ = ["decide_dataframe", "decision_schema"]

_FILE = "__source_file"             # the row's file (a URI, as Spark names it), null when not read from files


def _spark_type(kind: str):
    from pyspark.sql import types as T
    return {"long": T.LongType(), "string": T.StringType(), "date": T.DateType(),
            "money": T.DecimalType(20, 2)}[kind]


def _struct(columns: list[tuple[str, str]]):
    from pyspark.sql import types as T
    return T.StructType([T.StructField(name, _spark_type(kind)) for name, kind in columns])


def decision_schema(policy: str | None = None, policies_dir: str | Path | None = None, include_drafts: bool = False):
    """The Spark `StructType` of the decisions `decide_dataframe` returns for `policy`."""
    return _struct(declared_columns(policy_folder(policies_dir), policy, include_drafts))


def _metadata_fields(df) -> list[str]:
    """The fields of the file-source `_metadata` column, or [] when `df` is not read from files."""
    try:
        return list(df.select("_metadata").schema["_metadata"].dataType.names)
    except Exception:   # noqa: BLE001 - AnalysisException (classic) or its Connect twin: not a file read
        return []


def _identified(df):
    """`df` with `_FILE` and ROW: each row's file and its 1-based number there (or across `df`)."""
    from pyspark.sql import functions as F
    fields = _metadata_fields(df)
    if "row_index" in fields:
        return (df.withColumn(_FILE, F.col("_metadata.file_path"))
                .withColumn(ROW, (F.col("_metadata.row_index") + 1).cast("long")))
    mono = F.monotonically_increasing_id()
    if "file_block_start" in fields:
        keys = [F.col("_metadata.file_path"), F.col("_metadata.file_block_start")]
        tagged = df.withColumn(_FILE, keys[0]).withColumn("__block", keys[1]).withColumn("__mono", mono)
        splits = tagged.groupBy(_FILE, "__block").agg(F.count("*").alias("n"), F.min("__mono").alias("first")).collect()
        base: dict[str, int] = {}
        seen: dict[Any, int] = {}
        # a file's splits in file order; a split's rows lie together in one task, in file order
        for file, block, n, first in sorted(splits, key=lambda s: (s[0], s[1])):
            base[f"{file}#{block}"] = seen.get(file, 0) - first
            seen[file] = seen.get(file, 0) + n
        key = F.concat_ws("#", F.col(_FILE), F.col("__block").cast("string"))
        return tagged.withColumn(ROW, (_lookup(base, key) + F.col("__mono") + 1).cast("long")).drop("__block", "__mono")
    tagged = df.withColumn("__part", F.spark_partition_id()).withColumn("__mono", mono)
    sizes = dict(tagged.groupBy("__part").count().collect())
    offset, offsets = 0, {}
    for part in sorted(sizes):
        offsets[part] = offset
        offset += sizes[part]
    # monotonically_increasing_id = partition id << 33 | position in the partition
    position = F.col("__mono").bitwiseAND(F.lit((1 << 33) - 1))
    return (tagged.withColumn(ROW, (_lookup(offsets, F.col("__part")) + position + 1).cast("long"))
            .withColumn(_FILE, F.lit(None).cast("string")).drop("__part", "__mono"))


def _lookup(values: dict, key):
    """`values[key]` as one flat map literal (not a CASE per entry: thousands nest badly)."""
    from pyspark.sql import functions as F
    if not values:
        return F.lit(0)
    return F.element_at(F.create_map(*[F.lit(x) for item in values.items() for x in item]), key)


def _decide_batches(batches, *, sources: dict[str, str], **options):
    """What each Spark task runs: decide every Arrow batch, one file's rows at a time."""
    import polars as pl
    for batch in batches:
        if batch.num_rows == 0:
            continue
        frame = cast(pl.DataFrame, pl.from_arrow(batch))    # a record batch gives a frame; the stub also allows a Series
        for (file,), part in frame.partition_by(_FILE, maintain_order=True, as_dict=True).items():
            source = None if file is None else sources[file_key(file)]
            yield from decide_part(part.drop(_FILE), source, [], **options).to_batches()


def decide_dataframe(df, policy: str | None = None, as_of: dt.date | str | None = None,
                     policies_dir: str | Path | None = None, include_drafts: bool = False,
                     ignore_unknown: bool = False) -> tuple[Any, Any]:
    """Decide every row of a Spark DataFrame in the flat layout; returns (decisions, rejects).

    Args:
        df: cases in the flat layout of docs/batch.md (as `frin batch` reads from Parquet).
        policy: NAME or NAME@VERSION; default: each row's `policy` column.
        as_of: decision date (date or YYYY-MM-DD); default: each row's `as_of`, else today.
        policies_dir: a policy folder every executor can read (default: ./policies when it
            exists on the driver, else the catalog bundled with the package).
        ignore_unknown: decide without the columns the flat layout does not know.

    Raises:
        UsageError (on the driver): an unknown column or policy, a bad `as_of`.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import to_arrow_schema

    as_of = as_of_date(as_of)
    folder = policy_folder(policies_dir)
    unknown = check_input(to_arrow_schema(df.schema), policy, as_of, folder, include_drafts, ignore_unknown)
    columns = declared_columns(folder, policy, include_drafts)
    identified = _identified(df).drop(*unknown)
    files = df.inputFiles() if _metadata_fields(df) else []
    sources = {file_key(f): name for f, name in source_names(files).items()}
    options = dict(columns=columns, policy=policy, as_of=as_of, policies_dir=folder, include_drafts=include_drafts,
                   ignore_unknown=ignore_unknown)
    mapped = identified.mapInArrow(lambda batches: _decide_batches(batches, sources=sources, **options),
                                   _struct(mapped_columns(columns))).persist()
    decisions = mapped.filter(F.col("kind") == DECISION).select(*[name for name, _ in columns])
    rejects = mapped.filter(F.col("kind") == REJECT).select(
        SOURCE, "row", "case_id", F.col("reject_field").alias("field"), F.col("reject_problem").alias("problem"))
    assert rejects.columns == REJECT_COLUMNS
    return decisions, rejects
