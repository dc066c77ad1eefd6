"""Reading cases and writing decisions: Parquet, CSV and JSON Lines, chosen by file suffix.

JSON Lines rows are case documents exactly as case files, read by a columnar JSON reader
and checked as columns (`jsonl.py`); a line a column check flags is checked as `frin
decide` checks a case file (same messages). CSV is read as text throughout, so money keeps
its exact digits.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import polars as pl

from ..core.errors import UsageError
from .chunk import CHUNK_ROWS
from .layout import ROW

__all__ = ["FORMATS", "CHUNK_ROWS", "REJECT_COLUMNS", "format_of", "read_cases", "decision_sink", "rejects_sink", "flat_row"]

FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_RECORDS = ("creditor", "debtor", "agreement")
_LISTS = ("claims", "payments", "events")


def format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"`{path}`: unknown format `{suffix or '(none)'}` (use .parquet, .csv or .jsonl)")
    return FORMATS[suffix]


def read_cases(path: str | Path, chunk_rows: int | None = None, ignore_unknown: bool = False,
               delimiter: str = ",", notice=None) -> Iterator[tuple[pl.DataFrame, list[dict]]]:
    """Chunks of (flat frame with ROW, rejects found while reading); every input row is in exactly one.

    Parquet and CSV stream through Polars' lazy scan in batches of `chunk_rows`, JSON Lines
    line by line, so a file of millions of rows is never held whole. Unknown columns are an error (`columns.check_columns`);
    with `ignore_unknown` the columns left out are named to `notice` (a function of one text), never dropped unsaid.
    """
    from .columns import check_columns
    chunk_rows = chunk_rows or CHUNK_ROWS
    kind = format_of(path)
    if not Path(path).is_file():
        raise UsageError(f"`{path}` does not exist" if not Path(path).exists() else f"`{path}` is not a file")
    if kind == "jsonl":
        yield from _read_jsonl(path, chunk_rows)
        return
    try:
        lazy = (pl.scan_parquet(path) if kind == "parquet"
                else pl.scan_csv(path, infer_schema=False, separator=delimiter))
        names = lazy.collect_schema().names()
    except (pl.exceptions.PolarsError, OSError) as err:
        raise UsageError(f"cannot read `{path}` as {kind}: {str(err).splitlines()[0]}") from None
    if kind == "csv":
        _check_delimiter(path, names, delimiter)
    unknown = check_columns(names, ignore_unknown)
    if unknown and notice is not None:
        notice(f"`{path}`: --ignore-unknown: deciding without the column(s) {', '.join(f'`{c}`' for c in unknown)}")
    start = 0
    try:
        # streamed batches: each file is read once, whatever its size (a slice per chunk would re-scan CSV)
        for frame in lazy.drop(unknown).collect_batches(chunk_size=chunk_rows):
            if frame.height == 0:
                continue
            yield frame.with_row_index(ROW, offset=start + 1).with_columns(pl.col(ROW).cast(pl.Int64)), []
            start += frame.height
    except (pl.exceptions.PolarsError, OSError) as err:
        raise UsageError(f"cannot read `{path}` as {kind} (after row {start}): {str(err).splitlines()[0]}") from None


def _check_delimiter(path, names: list[str], delimiter: str) -> None:
    """A header read as one column holding another common delimiter (`;` from a spreadsheet in a
    comma-decimal locale, a tab) is a file written with that delimiter: say so, with the option."""
    if len(names) != 1:
        return
    for other, shown in ((";", ";"), ("\t", "\\t"), ("|", "|")):
        if other != delimiter and other in names[0]:
            raise UsageError(f"`{path}`: the header is one column `{names[0][:60]}`, which holds `{shown}`: the file "
                             f"seems to be separated by `{shown}`, not `{delimiter}`; pass --delimiter '{shown}'")


def flat_row(doc: dict) -> dict:
    """A case document (as in a case file) as one row of the flat layout, lists as JSON text."""
    row = {k: doc.get(k) for k in ("case_id", "as_of", "policy")}
    for record in _RECORDS:
        for key, value in (doc.get(record) or {}).items():
            row[f"{record}_{key}"] = value if isinstance(value, (str, bool, type(None))) else str(value)
    for name in _LISTS:
        row[name] = json.dumps(doc.get(name, []), default=str)
    return row


def _parse_line(raw: bytes, where: str) -> dict:
    """One JSON Lines row as a checked case document; raises ValueError or CaseError with the reason."""
    from ..core.document import LIMITS
    from ..policy.case import case_from_data
    if len(raw) > LIMITS["bytes"]:
        raise ValueError(f"the line is {len(raw)} bytes; a case is at most {LIMITS['bytes']}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"the line is not UTF-8 (byte 0x{raw[err.start]:02x} at column {err.start + 1})") from None
    try:
        doc = json.loads(text)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    except ValueError as err:
        raise ValueError(f"is not JSON: {err}") from None
    if not isinstance(doc, dict):
        raise ValueError("a case must be a JSON object")
    case_from_data(doc, where)
    return doc


def _read_jsonl(path, chunk_rows: int) -> Iterator[tuple[pl.DataFrame, list[dict]]]:
    """Chunks of valid case documents as flat rows; an invalid line becomes rejects (its line number is its row).

    The file is read a block of lines at a time (`lines.line_blocks`, no Python object per
    line), each block read by a columnar JSON reader and checked as columns
    (`jsonl.read_lines`); the lines a column check flags are checked one by one as `frin
    decide` checks a case (`_parse_line`), so a rejected line has the per-case message.
    Lines are read as bytes, so a bad byte rejects its line only.
    """
    from ..core.document import LIMITS
    from .jsonl import read_lines
    from .lines import line_blocks
    for block in line_blocks(path, chunk_rows, LIMITS["bytes"]):
        good, doubtful_numbers, doubtful_lines = read_lines(block)
        if good is not None and good.height:
            yield good, []
        pairs = sorted(list(zip(doubtful_numbers, doubtful_lines)) + block.too_long)
        if pairs:
            yield from _line_by_line(path, pairs)


def _line_by_line(path, pairs: list[tuple[int, bytes]]) -> Iterator[tuple[pl.DataFrame, list[dict]]]:
    """Lines checked one at a time, as a case file is (`_parse_line`)."""
    from ..core.errors import CaseError
    rows: list[dict] = []
    rejects: list[dict] = []
    for number, raw in pairs:
        try:
            doc = _parse_line(raw, f"{path}:{number}")
        except (ValueError, CaseError, RecursionError) as err:
            problems = ([d.message for d in err.diagnostics] if isinstance(err, CaseError)
                        else ["the case is nested too deeply"] if isinstance(err, RecursionError) else [str(err)])
            rejects.extend({"row": number, "case_id": _case_id_of(raw), "field": field_of(p), "problem": p}
                           for p in problems)
        else:
            flat = flat_row(doc)
            flat[ROW] = number
            rows.append(flat)
    yield _frame(rows), rejects


_ROOTS = r"(?:case_id|as_of|policy|creditor|debtor|agreement|claims|payments|events)"
_PATH = _ROOTS + r"(?:\[\d+\]|\.[a-z_]+)*"
_FIELD_PATTERNS = (re.compile(rf" for (?P<field>{_PATH})$"),                    # `x` is not a valid date for as_of
                   re.compile(rf"^unknown key `(?P<key>[^`]+)` in (?:the document|(?P<field>{_PATH}))$"),
                   re.compile(rf"^(?P<field>{_PATH}) needs `(?P<key>[^`]+)`"),   # debtor needs `kind`
                   re.compile(rf"^(?P<field>{_PATH})(?=[ :])"))  # claims[0].amount must be text


def field_of(message: str) -> str:
    """The field a case check's message names (`claims[0].amount`), as the rejects' `field`
    column of CSV and Parquet rows says it; "" when the problem is the line itself (not JSON).

    >>> field_of("`2026-13-01` is not a valid date for as_of"), field_of("debtor needs `kind`")
    ('as_of', 'debtor.kind')
    >>> field_of("unknown key `extra` in the document"), field_of("the line is not UTF-8 (byte 0xff at column 3)")
    ('extra', '')
    """
    for pattern in _FIELD_PATTERNS:
        m = pattern.search(message)
        if m:
            parts = m.groupdict()
            return ".".join(p for p in (parts.get("field"), parts.get("key")) if p)
    return ""


def _frame(rows: list[dict]) -> pl.DataFrame:
    return (pl.DataFrame(rows, infer_schema_length=None) if rows
            else pl.DataFrame(schema={ROW: pl.Int64, "case_id": pl.String}))


def _case_id_of(raw: bytes) -> str | None:
    """The `case_id` of a rejected line when it is readable text, else None (never a neighbour's)."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    value = doc.get("case_id") if isinstance(doc, dict) else None
    return value if isinstance(value, str) else None


def decision_sink(path: str | Path):
    """Where decisions go: written whole on commit (JSON Lines in the JSON shape of `frin decide`)."""
    from .output import row_json
    from .sink import TableSink
    return TableSink(path, format_of(path), to_json=row_json)


REJECT_COLUMNS = {"row": pl.Int64, "case_id": pl.String, "field": pl.String, "problem": pl.String}


def rejects_sink(path: str | Path):
    """Where rejected rows go (`row, case_id, field, problem`); CSV unless the suffix says otherwise."""
    from .sink import TableSink
    return TableSink(path, FORMATS.get(Path(path).suffix.lower(), "csv"), schema=REJECT_COLUMNS)
