"""Reading cases and writing decisions: Parquet, CSV and JSON Lines, chosen by file suffix.

JSON Lines rows are case documents exactly as case files; each is checked as `frist
decide` checks a case file (same messages), then put in the flat layout with its lists as
JSON text. CSV is read as text throughout, so money keeps its exact digits.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import polars as pl

from ..errors import UsageError
from .layout import ROW

__all__ = ["FORMATS", "format_of", "read_cases", "write_decisions", "write_rejects", "flat_row"]

FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_RECORDS = ("creditor", "debtor", "agreement")
_LISTS = ("claims", "payments", "events")


def format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"`{path}`: unknown format `{suffix or '(none)'}` (use .parquet, .csv or .jsonl)")
    return FORMATS[suffix]


def read_cases(path: str | Path, chunk_rows: int = 250_000) -> Iterator[tuple[pl.DataFrame, list[dict]]]:
    """Chunks of (flat frame with ROW, rejects found while reading)."""
    kind = format_of(path)
    if not Path(path).exists():
        raise UsageError(f"`{path}` does not exist")
    try:
        if kind == "jsonl":
            yield from _read_jsonl(path, chunk_rows)
            return
        frame = pl.read_parquet(path) if kind == "parquet" else pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as err:
        raise UsageError(f"cannot read `{path}` as {kind}: {str(err).splitlines()[0]}") from None
    frame = frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    for start in range(0, max(frame.height, 1), chunk_rows):
        yield frame.slice(start, chunk_rows), []


def flat_row(doc: dict) -> dict:
    """A case document (as in a case file) as one row of the flat layout, lists as JSON text."""
    row = {k: doc.get(k) for k in ("case_id", "as_of", "policy")}
    for record in _RECORDS:
        for key, value in (doc.get(record) or {}).items():
            row[f"{record}_{key}"] = value if isinstance(value, (str, bool, type(None))) else str(value)
    for name in _LISTS:
        row[name] = json.dumps(doc.get(name, []), default=str)
    return row


def _read_jsonl(path, chunk_rows: int) -> Iterator[tuple[pl.DataFrame, list[dict]]]:
    """Chunks of valid case documents as flat rows; an invalid line becomes rejects (its line number is its row)."""
    from ..case import case_from_data
    from ..errors import CaseError
    rows, rejects = [], []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            doc = None
            try:
                doc = json.loads(line)
                if not isinstance(doc, dict):
                    raise ValueError("a case must be a JSON object")
                case_from_data(doc, f"{path}:{number}")
            except (ValueError, CaseError) as err:
                problems = [d.message for d in err.diagnostics] if isinstance(err, CaseError) else [str(err)]
                case_id = doc.get("case_id") if isinstance(doc, dict) else None   # None: the line is no object
                rejects.extend({"row": number, "case_id": case_id, "field": "", "problem": p} for p in problems)
                continue
            flat = flat_row(doc)
            flat[ROW] = number
            rows.append(flat)
            if len(rows) >= chunk_rows:
                yield pl.DataFrame(rows, infer_schema_length=None), rejects
                rows, rejects = [], []
    if rows or rejects:
        yield (pl.DataFrame(rows, infer_schema_length=None) if rows
               else pl.DataFrame(schema={ROW: pl.Int64, "case_id": pl.String})), rejects


def write_decisions(frame: pl.DataFrame, path: str | Path) -> None:
    from .output import row_json
    kind = format_of(path)
    if kind == "parquet":
        frame.write_parquet(path)
    elif kind == "csv":
        frame.write_csv(path)
    else:
        with open(path, "w", encoding="utf-8") as handle:
            for row in frame.iter_rows(named=True):
                handle.write(json.dumps(row_json(row), ensure_ascii=False) + "\n")


def write_rejects(rejects: pl.DataFrame, path: str | Path) -> None:
    kind = FORMATS.get(Path(path).suffix.lower(), "csv")
    if kind == "parquet":
        rejects.write_parquet(path)
    elif kind == "jsonl":
        rejects.write_ndjson(path)
    else:
        rejects.write_csv(path)
