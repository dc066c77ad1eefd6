"""JSON Lines read by a columnar reader, checked as columns; only doubtful lines checked one by one.

A chunk of lines is parsed by a columnar JSON reader (pyarrow's) into the flat layout (records
unnested to `<record>_<field>`, lists as list-of-struct), without a second trip through
JSON text. What the case schema and `engine.policy.case` check per document is asked of
the whole chunk at once, and any line that might fail one of them is *flagged*:

- the reader (pyarrow's, given the schema's JSON types) fails the block on any value of
  another type than its key takes, or a line that is not one JSON object;
- its text: a `null` (the reader cannot tell it from a missing key);
- the parsed columns: a key the schema does not know (the reader adds it as a column);
- the values: `validate.flag_case_frame` (types, enums, required fields, amounts, dates,
  the item checks), an empty `case_id` or invoice, a `policy` not of the schema's form,
  money not exactly of the schema's pattern.

A flagged line goes through `io.parse_line`, the check `frin decide` makes, so its
reject has exactly the per-case message; one that passes is decided like the others. A
block Polars cannot parse (a line that is not JSON) is split in halves until the bad
lines are alone, so one bad line never sends its neighbours down the slow path.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import polars as pl

from ..columnar.frame import ColumnType
from ..core.schema_check import load_schema
from .layout import ROW
from .lines import LineBlock

__all__ = ["read_block", "read_lines", "expected_schema"]

_MONEY = r"^-?\d+(\.\d{1,2})?$"
_SMALL = 4                   # a block this small that the reader cannot parse is checked line by line


@lru_cache(maxsize=1)
def expected_schema() -> dict[str, ColumnType]:
    """The raw (as written) Polars type of every key a case document may hold."""
    props = load_schema("case.schema.json")["properties"]

    def raw(spec: dict) -> ColumnType:
        return pl.Boolean if spec.get("type") == "boolean" else pl.String
    out: dict[str, ColumnType] = {}
    for key, spec in props.items():
        if spec.get("type") == "object":
            out[key] = pl.Struct({k: raw(s) for k, s in spec["properties"].items()})
        elif spec.get("type") == "array":
            out[key] = pl.List(pl.Struct({k: raw(s) for k, s in spec["items"]["properties"].items()}))
        else:
            out[key] = pl.String
    return out


def _text_problems(text: pl.Series) -> pl.Series:
    """Lines holding a JSON `null` (the reader cannot tell it from a missing key; the schema refuses it)."""
    return text.str.contains(r"[:\[,]\s*null\b").fill_null(True)


def _shape_problems(parsed: pl.DataFrame) -> pl.Expr:
    """Rows holding a key the schema does not know or a value of another shape than the schema's."""
    expected = expected_schema()
    flags: list[pl.Expr] = []
    for name, dtype in parsed.schema.items():
        want = expected.get(name)
        if want is None or dtype == pl.Null:
            flags.append(pl.col(name).is_not_null() if want is None else pl.lit(False))
            continue
        if isinstance(want, pl.Struct) and isinstance(dtype, pl.Struct):
            inner = {f.name: f.dtype for f in want.fields}
            flags += [pl.col(name).struct.field(f.name).is_not_null() for f in dtype.fields
                      if f.dtype != pl.Null and inner.get(f.name) != f.dtype]
        elif (isinstance(want, pl.List) and isinstance(want.inner, pl.Struct) and isinstance(dtype, pl.List)
              and isinstance(dtype.inner, pl.Struct)):
            inner = {f.name: f.dtype for f in want.inner.fields}
            flags += [pl.col(name).list.eval(pl.element().struct.field(f.name).is_not_null()).list.any().fill_null(False)
                      for f in dtype.inner.fields if f.dtype != pl.Null and inner.get(f.name) != f.dtype]
        elif isinstance(want, pl.List) and dtype == pl.List(pl.Null):
            continue
        elif want != dtype:
            flags.append(pl.col(name).is_not_null())
    return pl.any_horizontal(flags) if flags else pl.lit(False)


def _flat(parsed: pl.DataFrame) -> pl.DataFrame:
    """The parsed documents in the flat layout: records as `<record>_<field>`, lists as they are."""
    expected = expected_schema()
    columns: list[pl.Expr] = []
    for name, want in expected.items():
        if name == "$schema":
            continue
        if isinstance(want, pl.Struct):
            have = parsed.schema.get(name)
            fields = [f.name for f in have.fields] if isinstance(have, pl.Struct) else []
            columns += [pl.col(name).struct.field(f).alias(f"{name}_{f}") for f in fields if f in {w.name for w in want.fields}]
        elif name in parsed.columns:
            columns.append(pl.col(name))
    return parsed.select(columns)


def _value_problems(flat: pl.DataFrame) -> pl.Series:
    """Rows a value check of the case schema or `engine.policy.case` may reject."""
    from ..values.time import DATE_MAX
    from .validate import flag_case_frame
    steps = tuple(flat.select(pl.col("events").list.eval(pl.element().struct.field("step")).explode().unique()
                              .drop_nulls()).to_series().to_list()) if "events" in flat.columns else ()
    far = pl.Series([DATE_MAX] * flat.height, dtype=pl.Date)
    checked = flag_case_frame(flat.with_row_index(ROW), steps, far)
    flags = checked[1] if checked is not None else pl.Series([True] * flat.height)
    extra = [pl.col("case_id").is_null() | (pl.col("case_id") == "")] if "case_id" in flat.columns else [pl.lit(True)]
    if "policy" in flat.columns:
        extra.append(~pl.col("policy").str.contains(r"^[a-z][a-z0-9-]*(@\d{4}-\d{2}-\d{2})?$").fill_null(True))
    if "claims" in flat.columns and isinstance(flat.schema["claims"], pl.List):
        fields = {f.name for f in flat.schema["claims"].inner.fields} if isinstance(flat.schema["claims"].inner, pl.Struct) else set()
        if "invoice" in fields:
            extra.append(pl.col("claims").list.eval(pl.element().struct.field("invoice") == "").list.any().fill_null(False))
    for name, money in (("claims", ("amount", "credited")), ("payments", ("amount",)), ("events", ("fee",))):
        dtype = flat.schema.get(name)
        fields = {f.name for f in dtype.inner.fields} if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct) else set()
        for field in money:
            if field in fields:
                value = pl.element().struct.field(field)
                extra.append(pl.col(name).list.eval(value.is_not_null() & ~value.str.contains(_MONEY)).list.any().fill_null(False))
    return flags | flat.select(pl.any_horizontal(extra)).to_series()


def _arrow_type(dtype: ColumnType):
    import pyarrow as pa
    if isinstance(dtype, pl.Struct):
        return pa.struct([(f.name, _arrow_type(f.dtype)) for f in dtype.fields])
    if isinstance(dtype, pl.List):
        return pa.list_(_arrow_type(dtype.inner))
    return pa.bool_() if dtype == pl.Boolean else pa.string()


@lru_cache(maxsize=1)
def _parse_options():
    """The schema's keys with their JSON types (a value of another type fails the block); other keys inferred."""
    import pyarrow as pa
    import pyarrow.json as pj
    schema = pa.schema([(k, _arrow_type(v)) for k, v in expected_schema().items()])
    return pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer", newlines_in_values=False)


def _parse(lines: list[bytes]) -> pl.DataFrame | None:
    """The lines as a frame; None if any line fails."""
    return _parse_buffer(b"\n".join(lines), len(lines))


def _parse_buffer(data, count: int) -> pl.DataFrame | None:
    """`count` lines of JSON text in one buffer as a frame (pyarrow's JSON reader: strict about
    types, ~7× Polars' here); None if any line fails or the lines are not `count` objects."""
    import pyarrow as pa
    import pyarrow.json as pj
    try:
        table = pj.read_json(pa.BufferReader(pa.py_buffer(data)), parse_options=_parse_options())
    except (pa.ArrowException, OSError, ValueError):
        return None
    frame = pl.from_arrow(table)
    return frame if isinstance(frame, pl.DataFrame) and frame.height == count else None


def read_block(numbers: list[int], lines: list[bytes]) -> tuple[pl.DataFrame | None, list[int], list[bytes]]:
    """(flat frame with ROW of the lines that pass every column check, numbers and text of the others)."""
    parsed = _parse(lines) if lines else None
    if parsed is None:
        if len(lines) <= _SMALL:
            return None, numbers, lines
        half = len(lines) // 2
        a, an, al = read_block(numbers[:half], lines[:half])
        b, bn, bl = read_block(numbers[half:], lines[half:])
        frames = [f for f in (a, b) if f is not None and f.height]
        return (pl.concat(frames, how="diagonal_relaxed") if frames else None), an + bn, al + bl
    text = pl.Series("line", [raw.decode("utf-8", errors="replace") for raw in lines], dtype=pl.String)
    return _checked(parsed, text, np.asarray(numbers, dtype=np.int64), lines.__getitem__)


def read_lines(block: LineBlock) -> tuple[pl.DataFrame | None, list[int], list[bytes]]:
    """`read_block` of a block of lines, without a Python object per line when the block is `plain`:
    its buffer goes to the reader as it is, and its text to the checks as one Arrow string array."""
    if block.plain and len(block.numbers):
        parsed = _parse_buffer(block.data, len(block.numbers))
        if parsed is not None:
            import pyarrow as pa
            offsets = np.append(block.starts, block.ends[-1])
            strings = pa.LargeStringArray.from_buffers(len(block.numbers), pa.py_buffer(offsets), pa.py_buffer(block.data))
            return _checked(parsed, pl.Series("line", strings), block.numbers, block.line)
    return read_block(block.numbers.tolist(), block.lines())


def _checked(parsed: pl.DataFrame, text: pl.Series, numbers: np.ndarray, line_of) -> tuple[pl.DataFrame, list[int], list[bytes]]:
    """(flat frame with ROW of the parsed lines every column check passes, numbers and text of the others)."""
    flat = _flat(parsed)
    bad = _text_problems(text) | parsed.select(_shape_problems(parsed)).to_series() | _value_problems(flat)
    doubtful = bad.arg_true().to_list()
    good = flat.filter(~bad).with_columns(pl.Series(ROW, numbers, dtype=pl.Int64).filter(~bad))
    return good, [int(numbers[i]) for i in doubtful], [line_of(i) for i in doubtful]
