"""`frin batch --log`: each decided row as a log record, and a logged row decided again.

A batch row is logged as the row it was read as, every value as text the way a CSV file
carries it (money "1050.00", dates ISO, the claims/payments/events lists as JSON text): that
document is hashed, kept, and decided again by `frin replay` through the same batch path.
The row's decision is the decision JSON of `frin decide` (batch/output.py's `row_json`),
without the trace and its input row number, which goes to the record's request.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, Callable

from .backend import DecisionLog
from .record import Record, canonical, new_record

if TYPE_CHECKING:
    import polars as pl

    from ..check.pipeline import Catalog

__all__ = ["row_document", "row_decision", "log_rows", "decide_row_again"]


def _text(value: Any) -> Any:
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=str, ensure_ascii=False)
    return value


def row_document(row: dict, internal: set[str]) -> bytes:
    return canonical({k: _text(v) for k, v in row.items() if k not in internal}).encode("utf-8")


def row_decision(row: dict) -> dict:
    from ..batch.output import row_json
    out = row_json(row)
    out.pop("row", None)
    uses = []
    for part in filter(None, (out["policy"].get("uses") or "").split(";")):
        key, _, sha = part.partition("#")
        name, _, version = key.partition("@")
        uses.append({"name": name, "version": version, "sha256": sha})
    out["policy"] = {**out["policy"], "uses": uses}
    out.setdefault("warnings", [])
    return out


def log_rows(log: DecisionLog, decided: pl.DataFrame, chunk: pl.DataFrame, request: dict, keep_case: bool = True,
             catalog: Catalog | None = None) -> int:
    """Append every decided row of a chunk (one transaction) before the batch's output is committed.

    `catalog`: the catalog (or policy folder) the rows were decided with, for each record's `inputs`."""
    from ..batch.layout import ROW
    from .inputs import catalog_of, decision_inputs
    catalog = catalog_of(catalog)
    rows = {row[ROW]: row for row in chunk.iter_rows(named=True)}
    makes: list[Callable[[int, str], Record]] = []
    for row in decided.iter_rows(named=True):
        document = row_document(rows[row["row"]], {ROW})
        decision = row_decision(row)
        inputs = decision_inputs(catalog, decision, bool(request.get("include_drafts"))) if catalog is not None else None
        makes.append(partial(new_record, source="batch", document=document, keep_case=keep_case, decision=decision,
                             request={**request, "row": row["row"]}, inputs=inputs))
    return len(log.append_all(makes)) if makes else 0


def decide_row_again(catalog: Catalog, document: bytes, policy: str, as_of: str, include_drafts: bool,
                     allow_stale: bool = False) -> dict:
    """The logged row decided through the batch path with `catalog` and the logged options; its
    decision as logged."""
    import polars as pl

    from ..batch.api import decide_table
    from ..core.errors import UsageError
    frame = pl.DataFrame([json.loads(document)])
    decided, rejects = decide_table(frame, policy, as_of, catalog, include_drafts, allow_stale=allow_stale)
    if decided.height != 1:
        problems = "; ".join(str(p) for p in rejects.get_column("problem").to_list())
        raise UsageError(f"the logged row is rejected when decided again: {problems}")
    return row_decision(decided.row(0, named=True))
