"""The case checks as column expressions: every row checked at once, only flagged rows explained.

`to_case_frame` converts and checks the flat layout in a few whole-column passes:
each field through the same conversion as `layout.checked_case_frame` (`convert_flagged`:
the value and a flag where it has a problem), the list items converted on their flattened
values and put back into lists by their offsets (no explode, group-by and join per list),
and the item and cross checks (`claims[i].amount` positive, events in order, nothing
after the decision date, ...) as list expressions. A row no check flags is valid, so its
converted values are the case frame. The rows a check flags, usually none, go through
`layout.checked_case_frame`, which names every problem (row, field, message) exactly as
it always has; a flagged row that turns out valid is decided like any other. CSV's JSON
text cells are parsed and checked there too (they need Python's JSON reader).
"""
from __future__ import annotations

from functools import lru_cache
from typing import cast

import numpy as np
import polars as pl
import pyarrow as pa

from ..columnar.frame import AS_OF, collect, dtype_of, item_struct, list_item, root_columns
from ..lang import types as T
from .layout import REJECTS, ROW, checked_case_frame, convert_flagged, schema_defaults, source_column

__all__ = ["to_case_frame", "flag_case_frame"]

_NEWEST = pl.CompatLevel.newest()


def _typed_lists(frame: pl.DataFrame) -> pl.DataFrame:
    """List columns with no item type (all empty or null: `list<null>`) as lists of the raw item struct."""
    fixes = {}
    schema = frame.schema           # made anew by each `frame.schema`
    for name, typ in root_columns(()).items():
        dtype = schema.get(name)
        if isinstance(T.unwrap(typ), T.ListOf) and (dtype == pl.Null or dtype == pl.List(pl.Null)):
            item = list_item(typ)
            raw = pl.Struct({k: pl.Boolean if T.unwrap(t) == T.BOOL else pl.String for k, t in item.fields})
            fixes[name] = pl.col(name).cast(pl.List(raw))
    return frame.with_columns(**fixes) if fixes else frame


def _list_values(frame: pl.DataFrame, name: str) -> tuple[pl.DataFrame, np.ndarray]:
    """(the items of list column `name` as a frame, one column per field; offsets into it per row)."""
    column = frame.get_column(name)
    column = column.fill_null(pl.Series([[]], dtype=column.dtype)) if column.null_count() else column
    arr = column.rechunk().to_arrow(compat_level=_NEWEST)      # Polars' own string views: no copy either way
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    offsets = np.asarray(arr.offsets, dtype=np.int64)
    values = arr.values.slice(offsets[0], offsets[-1] - offsets[0])
    offsets = offsets - offsets[0]
    if len(values):
        items = cast(pl.DataFrame, pl.from_arrow(pa.Table.from_struct_array(values)))   # a table gives a frame
    else:
        dtype = column.dtype
        assert isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)   # lists of records (`_typed_lists`)
        items = pl.DataFrame(schema={f.name: f.dtype for f in dtype.inner.fields})
    return items, offsets


def _as_lists(items: pl.DataFrame, offsets: np.ndarray, struct_type: pl.Struct, name: str) -> pl.Series:
    """Converted item columns back into one list-of-struct column with the same offsets."""
    values = items.select(pl.struct(*[pl.col(f.name).cast(f.dtype) for f in struct_type.fields]).alias(name))
    struct = values.to_series().to_arrow(compat_level=_NEWEST)
    if isinstance(struct, pa.ChunkedArray):
        struct = struct.combine_chunks() if struct.num_chunks else pa.array([], type=struct.type)
    lists = pa.LargeListArray.from_arrays(pa.array(offsets, type=pa.int64()), struct)
    return pl.Series(name, lists).cast(pl.List(struct_type))


def _any_per_row(flags: pl.Series, offsets: np.ndarray) -> np.ndarray:
    """Per row: whether any of its items' flags is set."""
    flags = flags.fill_null(False)
    if not flags.any():                 # the usual case: no item flagged
        return np.zeros(len(offsets) - 1, dtype=bool)
    counts = np.concatenate([[0], np.cumsum(flags.to_numpy().astype(np.int64))])
    return (counts[offsets[1:]] - counts[offsets[:-1]]) > 0


def _item_rules(name: str, steps: tuple[str, ...]) -> list[pl.Expr]:
    """The item and cross checks of `layout` (`_item_checks`, `_cross_checks`) over converted items.

    The items frame carries `__as_of` (the row's decision date), `__start` (first item of
    its list) and, for payments, `__first` (the row's first invoice date). An invoice twice
    in one case is `_repeated_invoices`, asked only of the cases with more than one claim.
    """
    col = pl.col
    if name == "claims":
        return [col("amount") <= 0, (col("amount") > 0) & ((col("credited") < 0) | (col("credited") > col("amount"))),
                col("due") < col("issued"), col("handed_over") > col("__as_of")]
    if name == "payments":
        return [col("amount") <= 0, col("date") > col("__as_of"), col("date") < col("__first")]
    # a step outside `steps` is flagged by its conversion already (`events[].step` is the Enum of `steps`)
    return [col("fee") < 0, ~col("__start") & (col("date") < col("date").shift(1)), col("date") > col("__as_of")]


def _repeated_invoices(invoices: pl.Series, lengths: np.ndarray) -> pl.Series:
    """Per claim: its invoice is given by an earlier claim of the same case (the case loader's
    DUPLICATE_INVOICE), grouped only over the claims of cases with more than one."""
    shared = np.repeat(lengths > 1, lengths)
    cases = np.repeat(np.arange(len(lengths)), lengths)
    some = pl.DataFrame({"case": cases[shared], "invoice": invoices.filter(pl.Series(shared))})
    repeated = some.select(pl.col("invoice").is_not_null() & (pl.int_range(pl.len()).over(["case", "invoice"]) > 0))
    out = np.zeros(len(shared), dtype=bool)
    out[shared] = repeated.to_series().to_numpy()
    return pl.Series(out)


def _per_item(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each row's value once per item of its list (`np.repeat`); where no list holds two items, the
    rows with one picked by a mask (a third of `np.repeat`'s CPU), or `values` itself when each holds one."""
    if lengths.max(initial=0) > 1:
        return np.repeat(values, lengths)
    return values if lengths.all() else values[lengths.astype(bool)]


@lru_cache(maxsize=64)
def _item_plan(name: str, typ: T.Type, schema: tuple, steps: tuple[str, ...]) -> tuple[dict[str, pl.Expr], pl.Expr, pl.Expr]:
    """(converted value per field, Boolean: a conversion failed, Boolean: an item or cross check fails) of
    list `name`'s items whose raw (field, dtype) are `schema`: built once per layout and steps, since
    building the expressions costs about as much Python as Polars spends running them on a chunk."""
    present = dict(schema)
    defaults = schema_defaults()
    values, flags = {}, []
    for field, ftype in list_item(typ).fields:
        raw = pl.col(field) if field in present else pl.lit(None)
        values[field], flag, _ = convert_flagged(raw, present.get(field, pl.Null), ftype, defaults.get(f"{name}.{field}"))
        flags.append(flag)
    rules = pl.any_horizontal([r.fill_null(False) for r in _item_rules(name, steps)])
    return values, pl.any_horizontal(flags), rules


def _lists(frame: pl.DataFrame, name: str, typ: T.Type, steps: tuple[str, ...],
           days: np.ndarray, first: np.ndarray | None) -> tuple[pl.Series, np.ndarray, np.ndarray | None] | None:
    """(converted list column, per-row flag, per-row first invoice day for claims), or None when the layout has no such column.

    The flag covers the conversion of every item and the item and cross checks (`_item_rules`),
    and for claims a row without one.
    """
    struct_type = item_struct(typ)
    if name in frame.columns:
        items, offsets = _list_values(frame, name)
    elif name == "claims" and any(c.startswith("claim_") for c in frame.columns):
        items = frame.select(pl.col(c).alias(c[len("claim_"):]) for c in frame.columns if c.startswith("claim_"))
        offsets = np.arange(frame.height + 1, dtype=np.int64)
    else:
        return None
    values, flag, rules = _item_plan(name, typ, tuple(items.schema.items()), steps)
    fields = [f.name for f in struct_type.fields]
    if not items.height:
        empty = pl.DataFrame(schema={f.name: f.dtype for f in struct_type.fields})
        firsts = np.full(frame.height, np.iinfo(np.int64).min) if name == "claims" else None
        # a case needs at least one claim
        return _as_lists(empty, offsets, struct_type, name), np.full(frame.height, name == "claims"), firsts
    lengths = np.diff(offsets)
    context = {"__as_of": _per_item(days, lengths)}         # only what the list's rules read (`_item_rules`)
    if name == "events":
        starts = np.zeros(len(items), dtype=bool)
        starts[offsets[:-1][lengths > 0]] = True
        context["__start"] = starts
    if name == "payments" and first is not None:
        context["__first"] = _per_item(first, lengths)
    # lazy, so the conversion a value and its flag share is computed once (eager select does not)
    converted = items.lazy().select(**values, __bad=flag).with_columns(
        **{k: pl.Series(v) for k, v in context.items()})
    checked = collect(converted.select(*fields, bad=pl.col("__bad") | rules,
                                       first=pl.col("issued") if name == "claims" else pl.lit(None)))
    bad_items = checked.get_column("bad")
    if name == "claims" and (lengths > 1).any():
        bad_items = bad_items | _repeated_invoices(checked.get_column("invoice"), lengths)
    row_bad = _any_per_row(bad_items, offsets)
    if name == "claims":
        row_bad = row_bad | (lengths == 0)      # a case needs at least one claim
    firsts = None
    if name == "claims":
        # the first invoice day per row, known only when every claim gives `issued` (as
        # engine.policy.case); otherwise a day before every payment's
        low = np.iinfo(np.int64).min
        day = checked.get_column("first").cast(pl.Int64).fill_null(low).to_numpy()
        firsts = np.full(frame.height, low)
        nonempty = lengths > 0
        if (lengths == 1).all():           # one claim a row (the usual case): its own issue day
            firsts = day
        elif nonempty.any():
            starts_at = offsets[:-1][nonempty]
            unknown = np.minimum.reduceat(day, starts_at) == low
            firsts[nonempty] = np.where(unknown, low, np.minimum.reduceat(np.where(day == low, np.iinfo(np.int64).max, day), starts_at))
    return _as_lists(checked.select(fields), offsets, struct_type, name), row_bad, firsts


@lru_cache(maxsize=64)
def _base_plan(schema: tuple, steps: tuple[str, ...]) -> tuple[dict[str, pl.Expr], pl.Expr]:
    """(converted value per case field that is not a list, Boolean: a conversion failed) of a layout whose
    (column, dtype) are `schema`: built once per layout and steps (`_item_plan` says why)."""
    dtypes = dict(schema)
    columns = pl.DataFrame(schema=dtypes)       # `source_column` reads the names only
    defaults = schema_defaults()
    out, flags = {}, []
    for name, typ in root_columns(steps).items():
        if isinstance(T.unwrap(typ), T.ListOf):
            continue
        source = source_column(columns, name)
        raw = pl.col(source) if source else pl.lit(None)
        out[name], flag, _ = convert_flagged(raw, dtypes[source] if source else pl.Null, typ, defaults.get(name))
        flags.append(flag)
    return out, pl.any_horizontal(flags)


def flag_case_frame(frame: pl.DataFrame, steps: tuple[str, ...], as_of: pl.Series) -> tuple[pl.DataFrame, pl.Series] | None:
    """(case frame of every row, Boolean: the row has a problem), or None when a list column is JSON text."""
    columns = root_columns(steps)
    lists = {n: t for n, t in columns.items() if isinstance(T.unwrap(t), T.ListOf)}
    schema = frame.schema
    for name in lists:
        dtype = schema.get(name)
        if dtype is not None and not (isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)):
            return None
    days_series = as_of.cast(pl.Date).cast(pl.Int32)
    out, flag = _base_plan(tuple(schema.items()), steps)
    base = collect(frame.lazy().select(pl.col(ROW), pl.lit(days_series).alias(AS_OF), **out, __bad=flag))
    bad = base.get_column("__bad").to_numpy().copy()
    days = days_series.cast(pl.Int64).fill_null(0).to_numpy()
    added: list[pl.Expr | pl.Series] = []
    first: np.ndarray | None = None
    for name in ("claims", "payments", "events"):          # claims first: payments are checked against them
        typ = lists[name]
        got = _lists(frame, name, typ, steps, days, first)
        if got is None:
            added.append(pl.lit([], dtype=dtype_of(typ)).alias(name))
            if name == "claims":
                bad = np.ones(frame.height, dtype=bool)
                first = np.full(frame.height, np.iinfo(np.int64).min)
            continue
        added.append(got[0])
        bad = bad | got[1]
        if name == "claims":
            first = got[2]
    return base.drop("__bad").with_columns(added), pl.Series("bad", bad, dtype=pl.Boolean)


def to_case_frame(frame: pl.DataFrame, steps: tuple[str, ...], as_of: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(case frame of the valid rows, with ROW; rejects: row, field, problem).

    `frame` must carry ROW (the 1-based input row); `as_of` gives each row's decision date.
    Checked as columns; the flagged rows are explained by `layout.checked_case_frame`.
    """
    frame = _typed_lists(frame)
    flagged = flag_case_frame(frame, steps, as_of) if frame.height else None
    if flagged is None:
        return checked_case_frame(frame, steps, as_of)
    base, bad = flagged
    if not bad.any():
        return base, pl.DataFrame(schema=REJECTS)
    good, rejects = checked_case_frame(frame.filter(bad), steps, as_of.filter(bad))
    cases = pl.concat([base.filter(~bad), good.select(base.columns)], how="vertical_relaxed").sort(ROW)
    return cases, rejects
