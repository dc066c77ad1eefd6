"""The law's view of every case of a frame (`run/law_view.py` `law_view`), as columns.

The same figures `law_view` gives one case: principal per claim less credit (undisputed
claims), statutory interest over the law's rate periods, the costs the law lets be charged
(the recorded fees, offset against the § 3a compensation), every payment settled in the
law's allocation order (`ledger.settle_columns`), and the balance. Rows the columns do not
stand for carry a reason in `law_per_case` (a compounding schedule, a day before the
schedule, a rounding too close to call, a negative amount): the caller judges those per case.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from ..core.errors import EvaluationError
from ..run.law_view import view_spec
from ..values.interest import compounds, value_on
from ..values.ledger import parse_order
from .frame import AS_OF, to_day
from .ledger import RateLookup, settle_columns

__all__ = ["VIEW_COLUMNS", "law_view_columns", "COMPOUNDING_REASON"]

VIEW_COLUMNS = ("principal_unpaid", "interest_accrued", "interest", "costs_charged", "costs", "paid", "overpaid",
                "balance")
COMPOUNDING_REASON = "the law's interest compounds yearly (the columnar ledger runs simple interest only)"


def _long(cases: pl.DataFrame, column: str, fields: dict[str, pl.Expr]) -> dict[str, np.ndarray]:
    """The items of list column `column` as NumPy arrays, with `row` (0-based position in `cases`)."""
    if column not in cases.columns:
        return {"row": np.zeros(0, dtype=np.int64), **{k: np.zeros(0, dtype=np.int64) for k in fields}}
    items = (cases.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("row"), pl.col(column))
             .explode(column).filter(pl.col(column).is_not_null()))
    out = items.select(pl.col("row"), **{k: e for k, e in fields.items()})
    return {k: out.get_column(k).to_numpy() for k in out.columns}


def _field(column: str, name: str) -> pl.Expr:
    return pl.col(column).struct.field(name)


def law_view_columns(bindings: dict, main, cases: pl.DataFrame) -> pl.DataFrame | None:
    """One row per case of `cases` (a case frame: Int64 øre, Int32 days, with AS_OF): each
    `VIEW_COLUMNS` figure in øre, and `law_per_case` (null, or why the row needs `law_view`).
    None when the process's jurisdiction names no view or its law is not bound."""
    spec = view_spec(main)
    if spec is None or spec.policy not in bindings:
        return None
    law = bindings[spec.policy].checked
    n = cases.height
    if not n:
        return pl.DataFrame(schema={**{f"law_{k}": pl.Int64 for k in VIEW_COLUMNS}, "law_per_case": pl.String})
    to = cases.get_column(AS_OF).cast(pl.Int64).to_numpy()
    kind_column = (cases.get_column("debtor.kind").fill_null("consumer") if "debtor.kind" in cases.columns
                   else pl.Series([None] * n, dtype=pl.String).fill_null("consumer"))
    # the debtor kinds as codes into `names` (a few kinds over many rows: no per-row Python)
    names = kind_column.unique(maintain_order=True).to_list()
    codes = kind_column.replace_strict(names, list(range(len(names))), return_dtype=pl.Int64).to_numpy()
    claims = _long(cases, "claims", {
        "due": _field("claims", "due").cast(pl.Int64),
        "unpaid": (_field("claims", "amount") - _field("claims", "credited").fill_null(0)).cast(pl.Int64),
        "undisputed": ~_field("claims", "disputed").fill_null(False)})
    claims = {k: v[claims["undisputed"]] for k, v in claims.items() if k != "undisputed"}
    fees = _long(cases, "events", {"date": _field("events", "date").cast(pl.Int64),
                                   "fee": _field("events", "fee").fill_null(0).cast(pl.Int64)})
    fees = {k: v[fees["fee"] != 0] for k, v in fees.items()}
    payments = _long(cases, "payments", {"date": _field("payments", "date").cast(pl.Int64),
                                         "amount": _field("payments", "amount").cast(pl.Int64)})
    has_claims = np.bincount(claims["row"], minlength=n) > 0
    first_due = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_due, claims["row"], claims["due"])
    # the § 3a compensation on the oldest due date, where the debtor's kind has one (øre; 0: none)
    compensation = np.zeros(n, dtype=np.int64)
    for code, kind in enumerate(names):
        name = spec.compensation_for(kind)
        if not name or name not in law.params:
            continue
        rows = np.nonzero((codes == code) & has_claims)[0]
        memo: dict[int, int] = {}
        for i in rows:
            day = int(first_due[i])
            if day not in memo:
                try:
                    memo[day] = int(value_on(law.params[name], _date(day)) * 100)
                except EvaluationError:      # no entry that early: no compensation
                    memo[day] = 0
            compensation[i] = memo[day]
    fees_by_today = np.zeros(n, dtype=np.int64)
    upto = fees["date"] <= to[fees["row"]]
    np.add.at(fees_by_today, fees["row"][upto], fees["fee"][upto])
    comp_counts = (compensation != 0) & has_claims & (first_due < to)
    charged = np.where(comp_counts, np.maximum(fees_by_today, compensation), fees_by_today)
    out = {name: np.zeros(n, dtype=object) for name in VIEW_COLUMNS}
    reasons = np.full(n, None, dtype=object)
    order = parse_order(spec.order)
    days = [to, claims["due"], payments["date"], fees["date"]]
    low = int(min(d.min() for d in days if len(d)))
    high = int(max(d.max() for d in days if len(d)))
    for rate_name in {spec.interest_for(k) for k in names}:
        rows = np.nonzero(np.isin(codes, [c for c, k in enumerate(names) if spec.interest_for(k) == rate_name]))[0]
        schedule = law.params.get(rate_name) if rate_name else None
        if schedule is None:
            schedule = [(_date(low - 1), 0)]
        if compounds(schedule):
            reasons[rows] = COMPOUNDING_REASON
            continue
        ledger = settle_columns(len(rows), to[rows], _pick(claims, rows, n), _pick(fees, rows, n),
                                _pick(payments, rows, n), RateLookup(schedule, low, high, to_day), order,
                                compensation[rows])
        for name, got in (("principal_unpaid", ledger.principal), ("interest_accrued", ledger.interest_accrued),
                          ("interest", ledger.interest), ("costs", ledger.costs), ("paid", ledger.paid),
                          ("overpaid", ledger.overpaid), ("balance", ledger.total)):
            out[name][rows] = got
        reasons[rows] = ledger.per_case
    out["costs_charged"] = charged.astype(object)
    frame = pl.DataFrame({f"law_{k}": pl.Series(v.tolist(), dtype=pl.Int64) for k, v in out.items()})
    return frame.with_columns(pl.Series("law_per_case", reasons.tolist(), dtype=pl.String))


def _pick(long: dict[str, np.ndarray], rows: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """The items of `rows` (positions among n), renumbered 0..len(rows)-1."""
    if len(rows) == n:
        return long
    new = np.full(n, -1, dtype=np.int64)
    new[rows] = np.arange(len(rows))
    keep = new[long["row"]] >= 0
    return {**{k: v[keep] for k, v in long.items()}, "row": new[long["row"][keep]]}


def _date(day: int):
    from .frame import from_day
    return from_day(day)
