"""`frin log export`: the log as one Parquet file, every column as stored (JSON columns as text).

Read by any Parquet reader (Polars, DuckDB, Spark, pandas) for the supervisor's questions
("every decision on this case", "every decision by this version"); written through a
temporary file and renamed, so a failed export never leaves half a file.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .backend import DecisionLog
from .record import COLUMNS

__all__ = ["export_parquet"]

BATCH_ROWS = 10_000


def export_parquet(log: DecisionLog, target: str | Path, after: int = 0) -> int:
    """Write every record with seq > after to `target`; the number of records written."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    schema = pa.schema([(c, pa.int64() if c == "seq" else pa.string()) for c in COLUMNS])
    target = Path(target)
    fd, temporary = tempfile.mkstemp(prefix=".frist-export-", suffix=".parquet", dir=target.parent or ".")
    os.close(fd)
    count = 0
    try:
        with pq.ParquetWriter(temporary, schema, compression="zstd") as writer:
            rows: list = []
            for record in log.records(after):
                rows.append(record.as_row())
                if len(rows) >= BATCH_ROWS:
                    writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                    count += len(rows)
                    rows = []
            if rows or not count:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                count += len(rows)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return count
