"""Which input row a decision or a reject is: `row`, and `source` where the rows come from files.

`frin batch`, Spark (`spark.py`) and Dask (`dask.py`) name a row the same way, so their
results can be joined and compared row by row (docs/batch.md, "Row identity"):

- `row` is the row's 1-based number in its file, as `frin batch FILE` counts it (a JSON
  Lines row: its line number); for a table that did not come from files (an Arrow or Polars
  table, a Spark or Dask DataFrame built in memory), its number across the table.
- `source` is the file's path relative to the deepest folder holding all the input's files,
  with `/` between folders (`part-0.parquet`, `2026/03/cases.parquet`). `frin batch FOLDER`
  adds it as the first column; Spark and Dask always have it (null for rows not read from
  files).

A folder's files are those with a batch format suffix (.parquet, .csv, .jsonl, …) below
it, in the order of their names; names starting with `.` or `_` are skipped at any depth,
as Spark and Hadoop skip them (`_SUCCESS`, `.part-0.crc`).
"""
from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote, urlparse

import polars as pl

from ..core.errors import UsageError
from .io import FORMATS

__all__ = ["SOURCE", "input_files", "source_names", "file_key", "with_source"]

SOURCE = "source"
_HIDDEN = (".", "_")


def input_files(folder: str | Path) -> list[Path]:
    """The case files of a folder, in name order; a usage error when there is none."""
    root = Path(folder)
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS
             and not any(part.startswith(_HIDDEN) for part in p.relative_to(root).parts)]
    if not files:
        raise UsageError(f"folder `{folder}` holds no case file ({', '.join(sorted(set(FORMATS)))}); "
                         "give a folder of case files, or one file")
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def file_key(location: str) -> str:
    """A file's path as a plain `/`-separated path: a URI's scheme dropped and its escapes decoded
    (`file:/tmp/a%20b.parquet` → `/tmp/a b.parquet`, `s3a://bucket/x.parquet` → `bucket/x.parquet`)."""
    parsed = urlparse(location)
    if parsed.scheme and len(parsed.scheme) > 1:         # not a Windows drive letter
        return unquote(parsed.netloc + parsed.path)
    return Path(location).resolve().as_posix()


def source_names(locations: Iterable[str]) -> dict[str, str]:
    """Each file's `source`: its path relative to the deepest folder holding them all."""
    keys = {loc: file_key(str(loc)) for loc in locations}
    if not keys:
        return {}
    root = posixpath.commonpath([posixpath.dirname(k) for k in keys.values()])
    return {loc: posixpath.relpath(key, root) for loc, key in keys.items()}


def with_source(frame: pl.DataFrame, source: str | None) -> pl.DataFrame:
    """`frame` with `source` as its first column."""
    return frame.select(pl.lit(source, dtype=pl.String).alias(SOURCE), pl.exclude(SOURCE))
