"""Decisions as a table: one row per decided case, built from columns or from a scalar `Decision`.

Columns: `row` (1-based input row), `case_id`, `as_of`, `policy`, `policy_version`,
`policy_sha256`, `uses` (`name@version#sha256`, `;`-separated), `action`, `rule`, `step`,
`fee`, `salaer` (Decimal NOK), `commission_rate` (text, "12.5 %"), `commission_basis`,
`commission_amount`, `payment_deadline`, `not_before`, `next_review` (dates), and one
`amount_<name>` column per amount the policy reports.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

from ..columnar.program import CHOSEN, ColumnarResult
from ..columnar.values import Col, round_fixed
from ..run.runtime import Bound, CheckedVersion
from ..values.money import TO_ORE, format_percent, round_ore

__all__ = ["decisions_from_columns", "decisions_from_scalar", "row_json", "MONEY", "DATES"]

MONEY = pl.Decimal(20, 2)
DATES = ("payment_deadline", "not_before", "next_review")
_OUT_MONEY = ("fee", "salaer")


def _policy_columns(main: CheckedVersion, bindings: dict[str, Bound]) -> dict[str, Any]:
    uses = ";".join(f"{b.version.name}@{b.version.effective}#{b.version.sha256}"
                    for name, b in sorted(bindings.items()) if name != main.name)
    v = main.version
    return {"policy": v.name, "policy_version": v.effective.isoformat(), "policy_sha256": v.sha256, "uses": uses}


def _money(expr: pl.Expr) -> pl.Expr:
    """Øre (Int64) as a decimal NOK column."""
    return (expr.cast(MONEY) / 100).cast(MONEY)


def decisions_from_columns(result: ColumnarResult, rows: pl.Series, case_ids: pl.Series, as_of: pl.Series,
                           main: CheckedVersion, bindings: dict[str, Bound]) -> pl.DataFrame:
    """The decisions of a columnar run (all rows; the caller drops the suspect ones)."""
    rules = main.rules
    frame = result.frame.with_columns(row=rows, case_id=case_ids, as_of=as_of.cast(pl.Date))
    pick = lambda values: pl.col(CHOSEN).replace_strict(  # noqa: E731
        list(range(len(rules))), values, default=None, return_dtype=pl.String)
    cols: dict[str, pl.Expr] = {"row": pl.col("row"), "case_id": pl.col("case_id"), "as_of": pl.col("as_of")}
    cols.update({k: pl.lit(v) for k, v in _policy_columns(main, bindings).items()})
    cols["action"] = pick([r.rule.action for r in rules])
    cols["rule"] = pick([r.rule.id for r in rules])
    cols["step"] = pick([r.rule.step for r in rules])
    out = result.outputs
    for key in _OUT_MONEY:
        cols[key] = _money(pl.col(out[key].name)) if key in out else pl.lit(None, dtype=MONEY)
    rate, basis = out.get("commission_rate"), out.get("commission_basis")
    if rate is not None and basis is not None:
        amount = round_fixed(Col(pl.col(rate.name) * pl.col(basis.name), "num", rate.scale + 2), TO_ORE).expr
        due = (pl.col(rate.name) != 0) & pl.col(basis.name).is_not_null()   # as Decision.commission_json
        cols["commission_rate"] = pl.when(due).then(pl.col(rate.name).map_elements(
            lambda v: format_percent(Decimal(v).scaleb(-rate.scale)), return_dtype=pl.String))
        cols["commission_basis"] = pl.when(due).then(_money(pl.col(basis.name)))
        cols["commission_amount"] = pl.when(due).then(_money(amount))
    else:
        cols["commission_rate"] = pl.lit(None, dtype=pl.String)
        cols["commission_basis"] = cols["commission_amount"] = pl.lit(None, dtype=MONEY)
    for key in DATES:
        cols[key] = pl.col(out[key].name).cast(pl.Date) if key in out else pl.lit(None, dtype=pl.Date)
    for key, col in result.amounts.items():
        cols["amount_" + key] = _money(pl.col(col.name))
    cols["set_aside"] = pl.lit("", dtype=pl.String)   # rows with a claim set aside are re-decided per case
    return frame.select(**cols)


def decisions_from_scalar(decisions: list[tuple[int, Any]], main: CheckedVersion, bindings: dict[str, Bound],
                          schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows re-decided by the scalar evaluator, in the same columns."""
    records = []
    for row, d in decisions:
        commission = d.commission_json()
        record = {"row": row, "case_id": d.case_id, "as_of": d.as_of, **_policy_columns(main, bindings),
                  "action": d.action, "rule": d.rule.rule.id, "step": d.rule.rule.step,
                  "fee": d.outputs.get("fee"), "salaer": d.outputs.get("salaer"),
                  "commission_rate": commission["rate"] if commission else None,
                  "commission_basis": d.outputs["commission_basis"] if commission else None,
                  "commission_amount": round_ore(d.outputs["commission_rate"] * d.outputs["commission_basis"])
                  if commission else None}
        for key in DATES:
            record[key] = d.outputs.get(key)
        for key, value in d.amounts.items():
            record["amount_" + key] = value
        record["set_aside"] = set_aside_text(d.set_aside)
        records.append(record)
    return pl.DataFrame(records, schema=schema)


def set_aside_text(aside: list) -> str:
    """The claims set aside as `invoice:reason` joined by `;` (empty when none)."""
    return ";".join(f"{s.invoice}:{s.reason.rule.id}" for s in aside)


def row_json(row: dict) -> dict:
    """A decision row in the JSON shape of `frist decide` (money as "38.00", dates ISO)."""
    def money(v):
        return None if v is None else f"{Decimal(v):.2f}"
    out = {"row": row["row"], "case_id": row["case_id"], "as_of": row["as_of"].isoformat(),
           "policy": {"name": row["policy"], "version": row["policy_version"], "sha256": row["policy_sha256"],
                      "uses": row["uses"]},
           "action": row["action"], "rule": row["rule"], "fee": money(row["fee"]), "salaer": money(row["salaer"])}
    for key in DATES:
        out[key] = None if row[key] is None else row[key].isoformat()
    out["commission"] = None if row["commission_rate"] is None else {
        "rate": row["commission_rate"], "basis": money(row["commission_basis"]),
        "amount": money(row["commission_amount"])}
    out["step"] = row["step"]
    out["amounts"] = {k[len("amount_"):]: money(v) for k, v in row.items() if k.startswith("amount_") and v is not None}
    out["set_aside"] = [dict(zip(("claim", "reason"), part.rsplit(":", 1)))
                        for part in (row.get("set_aside") or "").split(";") if part]
    return out
