"""Columnar evaluator: a checked policy version → Polars expressions over a frame of cases.

The second evaluator beside `engine/run/compiler.py` (one case at a time). It reads the same
checked AST (parser and checker shared; no rule is written twice) and decides a whole
frame at once, one pass per rule in priority order (`program.py`).

Representation, and why:

- One row per case. Money, Number and Percent are Int64 fixed point with a scale known at
  compile time (case money is øre, scale 2; `12.25 %` is 1225 at scale 4), so +, −, ×,
  comparisons and the named roundings are exact integer operations and give the scalar
  evaluator's Decimal results digit for digit. Dates are Int32 day numbers, durations
  Int64 days or month counts (`offset_by` clamps to the month's end, as pendulum does).
- Case lists (claims, payments, events) stay nested as list-of-struct columns, the shape
  Parquet and Arrow carry them in. An aggregate whose item and `where` read only the item
  becomes a Polars list expression (`list.eval`/`list.agg`, inlined in its definition);
  one that reads per-case values from outside the list (`as_of`, definitions), which
  `list.eval` cannot see, explodes its list into a long table, gathers those values by row
  index and groups by row (`aggregate.py`).
- Columns are added to one lazy query (`ColumnarRun.add_columns`), collected only when rows
  are needed: after the rule passes, for a per-case fallback, for the result.
- What has no exact vectorised form (division of non-constants, `interest`, inherently
  sequential functions such as a payment ledger, nested aggregates) is evaluated per case
  over the same columns, from Python the scalar compiler emits (`fallback.py`).
- Rows that *might* fail in the scalar evaluator (a division by zero, a date outside a
  schedule, a Money output not exact to the øre, no rule matching) are flagged `suspect`
  and re-decided by the scalar evaluator, which also gives the exact error message.
"""
from __future__ import annotations

__all__ = ["evaluate", "frame_from_cases", "ColumnarResult"]


def __getattr__(name: str):
    if name == "evaluate":
        from .program import evaluate
        return evaluate
    if name == "frame_from_cases":
        from .frame import frame_from_cases
        return frame_from_cases
    if name == "ColumnarResult":
        from .program import ColumnarResult
        return ColumnarResult
    raise AttributeError(name)
