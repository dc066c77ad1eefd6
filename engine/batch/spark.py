"""Decide a Spark DataFrame of cases: `decide_dataframe(df, policy=..., as_of=...)`.

The recipe of docs/batch.md made into a function (the `spark` extra: pyspark, pandas, and a
Java runtime for Spark itself). Each Spark task hands its Arrow record batches to
`decide_table`, the same columnar evaluator as `frin batch`; the result is two DataFrames:

- decisions, in a declared schema (`decision_schema`): the columns of docs/batch.md, with
  one `amount_<name>` column per amount any version of the policy reports (null where the
  deciding version has no such amount);
- rejects (`row`, `case_id`, `field`, `problem`): rows that could not be decided; one bad
  row never fails a task, and no row is dropped silently.

`row` is the input row's number across the whole DataFrame (1-based, in partition order),
not its place in an Arrow batch: it is computed once on the driver from the partition sizes
and `monotonically_increasing_id`, so the input's partitioning must be deterministic (a
file read, or a cached DataFrame). Policies are read on the executors from `policies_dir`,
a path they can all see (default: ./policies if it exists, else the bundled catalog).
Both results come from one mapped DataFrame, persisted so that using both decides once.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

__all__ = ["decide_dataframe", "decision_schema", "decision_columns"]

# The fixed decision columns (docs/batch.md): the head, each output's columns (policy/outputs.py),
# then amount_<name> per reported amount.
def decision_columns() -> list[tuple[str, str]]:
    from .output import HEAD, output_columns
    kinds = {"row": "long", "as_of": "date"}
    return [(name, kinds.get(name, "string")) for name in HEAD] + output_columns()


_REJECT_COLUMNS = [("reject_field", "string"), ("reject_problem", "string"), ("kind", "string")]
_ROW = "__input_row"            # what decide_table takes as the input row number (engine.batch.layout.ROW)


def _columns(policies_dir: str, policy: str | None, include_drafts: bool) -> list[tuple[str, str]]:
    from .api import catalog_for
    catalog = catalog_for(policies_dir)
    names = [policy.partition("@")[0]] if policy else catalog.policies.names()
    amounts: list[str] = []
    for name in names:
        for version in catalog.versions(name):
            if version.is_draft and not include_drafts:
                continue
            for key in catalog.checked[version.key].amounts:
                if key not in amounts:
                    amounts.append(key)
    return decision_columns() + [(f"amount_{key}", "money") for key in amounts]


def _spark_type(kind: str):
    from pyspark.sql import types as T
    return {"long": T.LongType(), "string": T.StringType(), "date": T.DateType(),
            "money": T.DecimalType(20, 2)}[kind]


def _arrow_type(kind: str):
    import pyarrow as pa
    return {"long": pa.int64(), "string": pa.string(), "date": pa.date32(), "money": pa.decimal128(20, 2)}[kind]


def decision_schema(policy: str | None = None, policies_dir: str | Path | None = None, include_drafts: bool = False):
    """The Spark `StructType` of the decisions `decide_dataframe` returns for `policy`."""
    from pyspark.sql import types as T
    columns = _columns(_folder(policies_dir), policy, include_drafts)
    return T.StructType([T.StructField(name, _spark_type(kind)) for name, kind in columns])


def _folder(policies_dir: str | Path | None) -> str:
    if policies_dir is None:
        from ..policy.catalog_source import resolve_default
        policies_dir, _ = resolve_default("decide")
    return str(Path(policies_dir).resolve())


def _numbered(df):
    """`df` with `__input_row`: 1-based row numbers across all partitions, in partition order."""
    from pyspark.sql import functions as F
    tagged = df.withColumn("__part", F.spark_partition_id()).withColumn("__mono", F.monotonically_increasing_id())
    sizes = dict(tagged.groupBy("__part").count().collect())
    offset, offsets = 0, {}
    for part in sorted(sizes):
        offsets[part] = offset
        offset += sizes[part]
    # one flat map literal {partition: first row} (not a CASE per partition: thousands nest badly)
    start = F.element_at(F.create_map(*[F.lit(x) for item in offsets.items() for x in item]), F.col("__part")) \
        if offsets else F.lit(0)
    # monotonically_increasing_id = partition id << 33 | position in the partition
    position = F.col("__mono").bitwiseAND(F.lit((1 << 33) - 1))
    return tagged.withColumn(_ROW, (start + position + 1).cast("long")).drop("__part", "__mono")


def _decide_batches(batches, *, columns, policy, as_of, policies_dir, include_drafts):
    """What each Spark task runs: decide every Arrow batch, emit decisions and rejects in one schema."""
    import pyarrow as pa

    from .api import decide_table
    names = [name for name, _ in columns + _REJECT_COLUMNS]
    schema = pa.schema([(name, _arrow_type(kind)) for name, kind in columns + _REJECT_COLUMNS])
    for batch in batches:
        if batch.num_rows == 0:
            continue
        decisions, rejects = decide_table(pa.Table.from_batches([batch]), policy, as_of, policies_dir, include_drafts)
        for frame, kind in ((decisions, "decision"), (rejects, "reject")):
            if frame.height == 0:
                continue
            table = frame.to_arrow()
            if kind == "reject":
                table = table.rename_columns([{"field": "reject_field", "problem": "reject_problem"}.get(n, n)
                                              for n in table.column_names])
            arrays = []
            for field in schema:
                if field.name == "kind":
                    arrays.append(pa.array([kind] * frame.height, pa.string()))
                elif field.name in table.column_names:
                    arrays.append(table.column(field.name).cast(field.type))
                else:
                    arrays.append(pa.nulls(frame.height, field.type))
            yield from pa.Table.from_arrays(arrays, names=names).to_batches()


def decide_dataframe(df, policy: str | None = None, as_of: dt.date | str | None = None,
                     policies_dir: str | Path | None = None, include_drafts: bool = False) -> tuple[Any, Any]:
    """Decide every row of a Spark DataFrame in the flat layout; returns (decisions, rejects).

    Args:
        df: cases in the flat layout of docs/batch.md (as `frin batch` reads from Parquet).
        policy: NAME or NAME@VERSION; default: each row's `policy` column.
        as_of: decision date (date or YYYY-MM-DD); default: each row's `as_of`, else today.
        policies_dir: a policy folder every executor can read.
    """
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    if isinstance(as_of, str):
        from ..core.errors import UsageError
        from ..values.time import parse_date
        try:
            as_of = parse_date(as_of)
        except ValueError:
            raise UsageError(f"as_of `{as_of}` is not a date (YYYY-MM-DD)") from None
    folder = _folder(policies_dir)
    columns = _columns(folder, policy, include_drafts)
    out_schema = T.StructType([T.StructField(name, _spark_type(kind)) for name, kind in columns + _REJECT_COLUMNS])
    options = dict(columns=columns, policy=policy, as_of=as_of, policies_dir=folder, include_drafts=include_drafts)
    mapped = _numbered(df).mapInArrow(lambda batches: _decide_batches(batches, **options), out_schema).persist()
    decisions = mapped.filter(F.col("kind") == "decision").select(*[name for name, _ in columns])
    rejects = mapped.filter(F.col("kind") == "reject").select(
        "row", "case_id", F.col("reject_field").alias("field"), F.col("reject_problem").alias("problem"))
    return decisions, rejects
