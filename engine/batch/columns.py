"""The columns of the flat batch layout, derived from the case schema, and the unknown-column check.

A misspelt column (`debtor_canpay` for `debtor_can_pay`) would otherwise be ignored and the
field taken as missing or defaulted, so the case decided differently without a word.
Unknown columns are an error naming the closest known ones; `--ignore-unknown` (or
`ignore_unknown=True`) is the explicit way to carry extra columns through.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from ..core.diagnostics import did_you_mean
from ..core.errors import UsageError
from ..core.schema_check import load_schema

__all__ = ["known_columns", "check_columns", "check_item_fields", "describe_columns"]

_META = ("case_id", "as_of", "policy")


@lru_cache(maxsize=1)
def _schema_parts() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(records: name → fields, lists: name → item fields) from schemas/case.schema.json."""
    props = load_schema("case.schema.json")["properties"]
    records, lists = {}, {}
    for key, spec in props.items():
        if spec.get("type") == "object":
            records[key] = list(spec.get("properties", {}))
        elif spec.get("type") == "array":
            lists[key] = list(spec.get("items", {}).get("properties", {}))
    return records, lists


@lru_cache(maxsize=1)
def known_columns() -> tuple[str, ...]:
    """Every column name the flat layout reads, in documentation order."""
    records, lists = _schema_parts()
    out = list(_META)
    for record, fields in records.items():
        out += [f"{record}_{f}" for f in fields]
    out += list(lists)
    out += [f"claim_{f}" for f in lists.get("claims", ())]
    return tuple(out)


def _also_accepted() -> set[str]:
    """The dotted spelling of record fields (`debtor.kind`) that the layout also reads."""
    records, _ = _schema_parts()
    return {f"{r}.{f}" for r, fields in records.items() for f in fields}


def check_columns(columns: Iterable[str], ignore_unknown: bool = False, internal: Iterable[str] = ()) -> list[str]:
    """The unknown columns (empty when all are known); raises `UsageError` unless `ignore_unknown`."""
    known = set(known_columns()) | _also_accepted() | set(internal)
    unknown = [c for c in columns if c not in known]
    if unknown and not ignore_unknown:
        hints = [f"`{c}`: {did_you_mean(c, known_columns())}" for c in unknown if did_you_mean(c, known_columns())]
        raise UsageError(
            f"unknown column(s) {', '.join(f'`{c}`' for c in unknown)}"
            + (f" ({'; '.join(hints)})" if hints else "")
            + f". Known columns: {', '.join(known_columns())}. "
            "Rename the column, or pass --ignore-unknown to decide without it (docs/batch.md lists every column)")
    return unknown


def check_item_fields(schema: dict, ignore_unknown: bool = False) -> None:
    """Unknown fields inside list-of-struct columns (Parquet, Arrow) are an error too, as unknown columns are.

    (JSON text cells are checked row by row: an unknown key there is a reject of its row.)
    """
    import polars as pl
    _, lists = _schema_parts()
    for name, known in lists.items():
        dtype = schema.get(name)
        if ignore_unknown or not isinstance(dtype, pl.List) or not isinstance(dtype.inner, pl.Struct):
            continue
        unknown = [f.name for f in dtype.inner.fields if f.name not in known]
        if unknown:
            hints = [h for h in (did_you_mean(u, known) for u in unknown) if h]
            raise UsageError(f"column `{name}` has unknown field(s) {', '.join(f'`{u}`' for u in unknown)}"
                             + (f" ({'; '.join(hints)})" if hints else "")
                             + f". Known fields: {', '.join(known)}. Rename them, or pass --ignore-unknown")


def describe_columns() -> str:
    """The known columns as one line per group (for docs and tests)."""
    records, lists = _schema_parts()
    lines = [", ".join(_META)]
    lines += [", ".join(f"{r}_{f}" for f in fields) for r, fields in records.items()]
    lines.append(", ".join(lists))
    lines.append(", ".join(f"claim_{f}" for f in lists.get("claims", ())))
    return "\n".join(lines)
