"""Decide cases on a Dask cluster: `decide_dask(cases, policy=..., as_of=...)` → (decisions, rejects).

The `dask` extra (`dask[distributed]`). Two inputs, one result (docs/batch.md, "Dask"):

- a path, a folder of case files or one file (.parquet, .csv, .jsonl): each file is one
  partition, read on a worker by `frin batch`'s own reader (`io.read_cases`, chunk by chunk)
  and decided there, so every row has the identity `frin batch FOLDER` gives it (`source`,
  the file's path under the folder, and `row`, its number in the file; identity.py);
- a Dask DataFrame in the flat layout: its partitions are decided where they are, and
  `row` counts across the DataFrame in partition order (`source` null); the partition
  sizes are counted first, one pass.

Both come back as lazy Dask DataFrames with declared columns (those of Spark's
`decision_schema`, from the output registry: `partition.declared_columns`), as pandas
columns backed by Arrow so money stays decimal and dates stay dates. They come from one
mapped frame: compute them together (`dask.compute(decisions, rejects)`) and each row is
decided once. Functions the workers run are module-level here, so they are pickled by
name and imported on the workers under the installed package (`frist_inkasso.engine.batch.dask`).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

from .identity import SOURCE, input_files, source_names
from .layout import ROW
from .partition import DECISION, REJECT, REJECT_COLUMNS, arrow_schema, as_of_date, check_input, decide_part, declared_columns, mapped_columns, policy_folder

__all__ = ["decide_dask"]


def _pandas(table) -> Any:
    import pandas as pd
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _decide_file(path: str, source: str, *, options: dict) -> Any:
    """What a worker runs for one file: read it as `frin batch` does, decide it chunk by chunk."""
    import pyarrow as pa

    from .io import read_cases
    parts = [decide_part(chunk, source, read_rejects, **options)
             for chunk, read_rejects in read_cases(path, ignore_unknown=options["ignore_unknown"])]
    schema = arrow_schema(mapped_columns(options["columns"]))
    return _pandas(pa.concat_tables(parts) if parts else schema.empty_table())


def _decide_frame(part: Any, *, offsets: tuple[int, ...], drop: tuple[str, ...], options: dict,
                  partition_info: dict | None = None) -> Any:
    """What a worker runs for one partition of a Dask DataFrame: its rows numbered from its offset."""
    import polars as pl
    import pyarrow as pa
    start = offsets[partition_info["number"]] if partition_info else 0
    # a table gives a frame; the stub also allows a Series
    frame = cast(pl.DataFrame, pl.from_arrow(pa.Table.from_pandas(part.drop(columns=list(drop)), preserve_index=False)))
    frame = frame.with_row_index(ROW, offset=start + 1).with_columns(pl.col(ROW).cast(pl.Int64))
    return _pandas(decide_part(frame, None, [], **options))


def decide_dask(cases: Any, policy: str | None = None, as_of: dt.date | str | None = None,
                policies_dir: str | Path | None = None, include_drafts: bool = False,
                ignore_unknown: bool = False) -> tuple[Any, Any]:
    """Decide every case on the current Dask scheduler; returns lazy (decisions, rejects).

    Args:
        cases: a folder of case files, one case file (str or Path), or a Dask DataFrame in
            the flat layout of docs/batch.md.
        policy: NAME or NAME@VERSION; default: each row's `policy` column.
        as_of: decision date (date or YYYY-MM-DD); default: each row's `as_of`, else today.
        policies_dir: a policy folder every worker can read (default: ./policies when it
            exists here, else the catalog bundled with the package).
        ignore_unknown: decide without the columns the flat layout does not know.

    Raises:
        UsageError (here, before any task): an unknown policy or column, a bad `as_of`, a
        folder without case files. (An unknown column of a file is found by its worker.)
    """
    import dask.dataframe as dd
    import pyarrow as pa

    as_of = as_of_date(as_of)
    folder = policy_folder(policies_dir)
    columns = declared_columns(folder, policy, include_drafts)
    options = dict(columns=columns, policy=policy, as_of=as_of, policies_dir=folder, include_drafts=include_drafts,
                   ignore_unknown=ignore_unknown)
    meta = _pandas(arrow_schema(mapped_columns(columns)).empty_table())
    if isinstance(cases, (str, Path)):
        check_input(pa.schema([("case_id", pa.string()), ("policy", pa.string())]), policy, as_of, folder,
                    include_drafts, ignore_unknown)     # the policy and date; each file's columns on its worker
        path = Path(cases)
        if not path.exists():
            from ..core.errors import UsageError
            raise UsageError(f"`{cases}` does not exist")
        files = [str(f) for f in (input_files(path) if path.is_dir() else [path])]
        names = source_names(files)
        mapped = dd.from_map(_decide_file, files, [names[f] for f in files], meta=meta, options=options,
                             label="frist-decide-file", enforce_metadata=False)
    else:
        unknown = check_input(pa.Schema.from_pandas(cases._meta, preserve_index=False), policy, as_of, folder,
                              include_drafts, ignore_unknown)
        sizes = cases.map_partitions(len).compute()
        offsets = tuple(sum(sizes[:i]) for i in range(len(sizes)))
        mapped = cases.map_partitions(_decide_frame, offsets=offsets, drop=tuple(unknown), options=options, meta=meta,
                                      enforce_metadata=False, align_dataframes=False)
    decisions = mapped[mapped["kind"] == DECISION][[name for name, _ in columns]]
    rejects = mapped[mapped["kind"] == REJECT][[SOURCE, "row", "case_id", "reject_field", "reject_problem"]]
    rejects = rejects.rename(columns={"reject_field": "field", "reject_problem": "problem"})
    assert list(rejects.columns) == REJECT_COLUMNS
    return decisions, rejects
