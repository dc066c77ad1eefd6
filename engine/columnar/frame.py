"""The columnar case frame: one row per case, typed from the case schema.

`frame_schema(steps)` derives the Polars schema from `case.schema.json` (the same record
types the checker uses); `frame_from_cases` builds a frame from loaded cases (run-time
values), and `cases_from_frame` turns rows back into run-time case dicts, which is what the
per-case fallback and the scalar re-check of suspect rows need.
"""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any, Iterable, overload

import polars as pl
from polars.datatypes import DataTypeClass

from ..lang import types as T
from ..policy.case import case_type

__all__ = ["EPOCH", "AS_OF", "frame_schema", "root_columns", "frame_from_cases", "cases_from_frame",
           "to_day", "from_day", "dtype_of", "item_fields", "item_struct", "list_item", "ColumnType", "collect"]

EPOCH = dt.date(1970, 1, 1)
AS_OF = "__as_of"                       # the decision date of each row, as a day number
_ORDINAL = EPOCH.toordinal()


def collect(lazy: pl.LazyFrame) -> pl.DataFrame:
    """`lazy` run by Polars' in-memory engine. A columnar run collects a few hundred small queries per
    chunk (each aggregate, each step of pending columns); Polars 2 runs `collect()` on its streaming
    engine by default, whose setup per query costs more than such a query: kravia's 100,000-row
    chunk took 4.90–5.12 s CPU that way and 4.42–4.76 s in memory, a 1,000-row one 1.10–1.31 s and
    0.85–0.91 s (three alternating runs each, load 5–6). Eager DataFrame methods use that engine already."""
    return lazy.collect(engine=_in_memory_engine())


@functools.cache
def _in_memory_engine() -> Any:
    """Polars' name of its in-memory engine: "in-memory" (since 1.2x), "cpu" before it."""
    try:
        pl.LazyFrame({"a": [1]}).collect(engine="in-memory")
    except (TypeError, ValueError):
        return "cpu"
    return "in-memory"


@overload
def to_day(value: dt.date) -> int: ...
@overload
def to_day(value: None) -> None: ...
@overload
def to_day(value: dt.date | None) -> int | None: ...
def to_day(value: dt.date | None) -> int | None:
    """A date as days since 1970-01-01.

    >>> to_day(dt.date(1970, 1, 2)), to_day(None)
    (1, None)
    """
    return None if value is None else value.toordinal() - _ORDINAL


def from_day(value: int | None) -> dt.date | None:
    return None if value is None else dt.date.fromordinal(value + _ORDINAL)

ColumnType = pl.DataType | DataTypeClass     # Polars takes a dtype class (pl.Int64) or instance


def item_fields(typ: T.ListOf) -> tuple[tuple[str, T.Type], ...]:
    """The fields of a list's items: the case schema's lists are lists of records."""
    if not isinstance(typ.item, T.Record):
        raise TypeError(f"{typ} is not a list of records")
    return typ.item.fields


def list_item(typ: T.Type) -> T.Record:
    """The record type of a list field's items (`typ` a list of records, possibly optional)."""
    inner = T.unwrap(typ)
    if not isinstance(inner, T.ListOf) or not isinstance(inner.item, T.Record):
        raise TypeError(f"{typ} is not a list of records")
    return inner.item


def item_struct(typ: T.Type) -> pl.Struct:
    """The struct type of a list field's items (`typ` a list of records, possibly optional)."""
    return pl.Struct({k: dtype_of(t) for k, t in list_item(typ).fields})


def dtype_of(typ: T.Type) -> ColumnType:
    """The column type of a case field: Money → Int64 øre, Date → Int32 days, lists → list of struct,
    a closed set of names (the policy's steps, a debtor's kind) → a Polars Enum of its members.

    An Enum column is a small integer code per row: comparing it with a name is an integer
    compare (a string compare of `betalingsoppfordring_lett` reads 25 bytes a row), and its values
    read back as the names. Literals stay text: Polars compares an Enum with any text, a name
    outside the members being unequal to every row, as in the scalar evaluator."""
    typ = T.unwrap(typ)
    if isinstance(typ, T.Enum) and typ.members:
        return pl.Enum(list(typ.members))
    if typ == T.MONEY:
        return pl.Int64
    if typ == T.DATE:
        return pl.Int32
    if typ == T.BOOL:
        return pl.Boolean
    if typ == T.NUMBER:
        return pl.String                 # no Number field exists in the schema today
    if isinstance(typ, T.ListOf):
        return pl.List(item_struct(typ))
    return pl.String


def root_columns(steps: tuple[str, ...]) -> dict[str, T.Type]:
    """Column name → type: records are flattened (`debtor.kind`), lists stay nested."""
    out: dict[str, T.Type] = {}
    for key, typ in case_type(steps).fields:
        inner = T.unwrap(typ)
        if isinstance(inner, T.Record):
            for sub, sub_type in inner.fields:
                out[f"{key}.{sub}"] = sub_type
        else:
            out[key] = typ
    return out


def frame_schema(steps: tuple[str, ...]) -> dict[str, ColumnType]:
    schema = {name: dtype_of(typ) for name, typ in root_columns(steps).items()}
    schema[AS_OF] = pl.Int32
    return schema


# How a run-time value of each scalar type is stored in a column, and read back.
_TO_COLUMN = {T.MONEY: lambda v: int(v * 100), T.DATE: to_day, T.NUMBER: str}
_FROM_COLUMN = {T.MONEY: lambda v: Decimal(v).scaleb(-2), T.DATE: from_day, T.NUMBER: Decimal}


def _convert(value: Any, typ: T.Type, codec: dict) -> Any:
    """`value` through `codec` (`_TO_COLUMN` or `_FROM_COLUMN`), list items field by field."""
    typ = T.unwrap(typ)
    if value is None:
        return None
    if isinstance(typ, T.ListOf):
        return [{k: _convert(item.get(k), t, codec) for k, t in item_fields(typ)} for item in value]
    convert = codec.get(typ)
    return value if convert is None else convert(value)


def frame_from_cases(cases: Iterable[dict], as_of: Iterable[dt.date], steps: tuple[str, ...]) -> pl.DataFrame:
    """A frame from run-time case dicts (as `case_from_data` gives them) and their decision dates."""
    columns = root_columns(steps)
    data: dict[str, list] = {name: [] for name in columns}
    days: list[int | None] = []
    for case, day in zip(cases, as_of):
        for name, typ in columns.items():
            root, _, sub = name.partition(".")
            value = case.get(root)
            if sub:
                value = None if value is None else value.get(sub)
            data[name].append(_convert(value, typ, _TO_COLUMN))
        days.append(to_day(day))
    data[AS_OF] = days
    return pl.DataFrame(data, schema=frame_schema(steps))


def _python_form(expr: pl.Expr, typ: T.Type) -> pl.Expr | None:
    """`expr` (frame form) cast so that Polars' own conversion gives the run-time value; None: convert in Python."""
    typ = T.unwrap(typ)
    if typ == T.MONEY:
        return (expr.cast(pl.Decimal(38, 2)) / 100).cast(pl.Decimal(38, 2))     # øre → Decimal with two places
    if typ == T.DATE:
        return expr.cast(pl.Date)
    if isinstance(typ, T.ListOf):
        fields = []
        for k, t in item_fields(typ):
            form = _python_form(pl.element().struct.field(k), t)
            if form is None:
                return None
            fields.append(form.alias(k))
        return expr.list.eval(pl.struct(fields))
    if typ == T.NUMBER:
        return None
    return expr


def cases_from_frame(frame: pl.DataFrame, steps: tuple[str, ...], roots: Iterable[str] | None = None) -> list[dict]:
    """Rows back to run-time case dicts (only the `roots` fields when given).

    Polars does the conversion (øre → Decimal, day numbers → dates, records as structs) and
    hands out the dicts; only a type it has no form for is converted here in Python.
    """
    wanted = set(roots) if roots is not None else None
    columns = {n: t for n, t in root_columns(steps).items()
               if (wanted is None or n.partition(".")[0] in wanted) and n in frame.columns}
    if not frame.height:
        return []
    forms: dict[str, dict[str, pl.Expr]] = {}
    python: dict[str, T.Type] = {}
    for name, typ in columns.items():
        form = _python_form(pl.col(name), typ)
        if form is None:
            python[name] = typ
            continue
        root, _, sub = name.partition(".")
        forms.setdefault(root, {})[sub] = form.alias(sub or root)
    exprs = [pl.struct(list(parts.values())).alias(root) if "" not in parts else parts[""]
             for root, parts in forms.items()]
    out = frame.select(exprs).to_dicts() if exprs else [{} for _ in range(frame.height)]
    for name, typ in python.items():
        root, _, sub = name.partition(".")
        for case, value in zip(out, frame.get_column(name).to_list()):
            decoded = _convert(value, typ, _FROM_COLUMN)
            if sub:
                case.setdefault(root, {})[sub] = decoded
            else:
                case[root] = decoded
    return out
