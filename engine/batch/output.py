"""Decisions as a table: one row per decided case, built from columns or from a scalar `Decision`.

Columns: `row` (1-based input row), `case_id`, `as_of`, `policy`, `policy_version`,
`policy_sha256`, `uses` (`name@version#sha256`, `;`-separated), `action`, `rule`, `step`,
then the columns of each output of the registry (policy/outputs.py), in its order: money as
Decimal NOK (`fee`, `salaer`), a product as `<name>_rate` (text, "12.5 %"), `<name>_basis`
and `<name>_amount` (`commission_…`), dates as dates (`payment_deadline`, `not_before`,
`next_review`); then one `amount_<name>` column per amount the policy reports, `set_aside`
and `warnings` (the decision's warnings as `frin decide` gives them, one per line).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

from ..columnar.frame import ColumnType
from ..columnar.program import CHOSEN, ColumnarResult, OutputColumn
from ..columnar.values import Col, round_fixed
from ..policy.outputs import PRODUCT, Output, all_outputs, column_kind, columns, inputs, json_order, output_json, product_amount
from ..run.runtime import Bound, CheckedVersion
from ..values.money import TO_ORE, format_percent

__all__ = ["decisions_from_columns", "decisions_from_scalar", "row_json", "MONEY", "HEAD", "output_columns",
           "decision_columns"]

MONEY = pl.Decimal(20, 2)
WARNING_SEPARATOR = "\n"     # the `warnings` column: the decision's warnings, one per line ("" when none)
HEAD = ("row", "case_id", "as_of", "policy", "policy_version", "policy_sha256", "uses", "action", "rule", "step")
_EMPTY: dict[str, ColumnType] = {"money": MONEY, "date": pl.Date, "string": pl.String}


def output_columns() -> list[tuple[str, str]]:
    """(column, kind) of every output, in registry order; kind: money | date | string."""
    return [c for o in all_outputs() for c in columns(o)]


def decision_columns(amounts: list[str]) -> list[tuple[str, str]]:
    """Every column of a decision table, in order, (column, kind); kind: long | date | money | string.

    The head, each registry output's columns, `amount_<name>` for each of `amounts`, then
    `set_aside` and `warnings`: the one list Spark and Dask declare their schemas from.
    """
    head = [(name, {"row": "long", "as_of": "date"}.get(name, "string")) for name in HEAD]
    return head + output_columns() + [(f"amount_{key}", "money") for key in amounts] + [("set_aside", "string"), ("warnings", "string")]


def _policy_columns(main: CheckedVersion, bindings: dict[str, Bound]) -> dict[str, Any]:
    uses = ";".join(f"{b.version.name}@{b.version.effective}#{b.version.sha256}"
                    for name, b in sorted(bindings.items()) if name != main.name)
    v = main.version
    return {"policy": v.name, "policy_version": v.effective.isoformat(), "policy_sha256": v.sha256, "uses": uses}


def _money(expr: pl.Expr) -> pl.Expr:
    """Øre (Int64) as a decimal NOK column: the øre times 0.01, exact (half the CPU of a decimal division)."""
    return (expr.cast(pl.Decimal(20, 0)) * Decimal("0.01")).cast(MONEY)


def _percent(col: OutputColumn) -> pl.Expr:
    """A Percent column (fixed point at `col.scale`) as text, "12.5 %"."""
    return pl.col(col.name).map_elements(lambda v: format_percent(Decimal(v).scaleb(-col.scale)), return_dtype=pl.String)


def _value_column(kind: str, col: OutputColumn | None) -> pl.Expr:
    if col is None:
        return pl.lit(None, dtype=_EMPTY[kind])
    return _money(pl.col(col.name)) if kind == "money" else pl.col(col.name).cast(pl.Date) if kind == "date" \
        else _percent(col)


def _product_columns(o: Output, out: dict[str, OutputColumn]) -> dict[str, pl.Expr]:
    """rate (text), basis and amount (rate × basis to the øre, half up) where one is due, as `output_json` says."""
    (rate_key, _), (basis_key, _) = inputs(o)
    (rate_col, _), (basis_col, _), (amount_col, _) = columns(o)
    rate, basis = out.get(rate_key), out.get(basis_key)
    if rate is None or basis is None:
        return {rate_col: pl.lit(None, dtype=pl.String), basis_col: pl.lit(None, dtype=MONEY),
                amount_col: pl.lit(None, dtype=MONEY)}
    amount = round_fixed(Col(pl.col(rate.name) * pl.col(basis.name), "num", rate.scale + 2), TO_ORE).expr
    due = (pl.col(rate.name) != 0) & pl.col(basis.name).is_not_null()      # as product_amount
    return {rate_col: pl.when(due).then(_percent(rate)), basis_col: pl.when(due).then(_money(pl.col(basis.name))),
            amount_col: pl.when(due).then(_money(amount))}


def decisions_from_columns(result: ColumnarResult, rows: pl.Series, case_ids: pl.Series, as_of: pl.Series,
                           main: CheckedVersion, bindings: dict[str, Bound]) -> pl.DataFrame:
    """The decisions of a columnar run (all rows; the caller drops the suspect ones)."""
    rules = main.rules
    frame = result.frame.with_columns(row=rows, case_id=case_ids, as_of=as_of.cast(pl.Date))
    # the chosen rule's index picks its text (a gather: a quarter of the CPU of `replace_strict`); none where no rule
    pick = lambda values: pl.lit(pl.Series(values, dtype=pl.String)).gather(pl.col(CHOSEN))  # noqa: E731
    cols: dict[str, pl.Expr] = {"row": pl.col("row"), "case_id": pl.col("case_id"), "as_of": pl.col("as_of")}
    cols.update({k: pl.lit(v) for k, v in _policy_columns(main, bindings).items()})
    cols["action"] = pick([r.rule.action for r in rules])
    cols["rule"] = pick([r.rule.id for r in rules])
    cols["step"] = pick([r.rule.step for r in rules])
    out = result.outputs
    for o in all_outputs():
        if o.form == PRODUCT:
            cols.update(_product_columns(o, out))
        else:
            cols[o.name] = _value_column(column_kind(o.type), out.get(o.name))
    for key, col in result.amounts.items():
        cols["amount_" + key] = _money(pl.col(col.name))
    cols["set_aside"] = pl.lit("", dtype=pl.String)   # rows with a claim set aside are re-decided per case
    cols["warnings"] = pl.lit("", dtype=pl.String)    # the caller fills in the bound versions' notes
    return frame.select(**cols)


def _scalar_cells(o: Output, values: dict[str, Any]) -> dict[str, Any]:
    """One output of a scalar decision as its batch cells (the values the columnar path gives)."""
    if o.form == PRODUCT:
        amount = product_amount(o, values)
        (rate, _), (basis, _) = inputs(o)
        shown = output_json(o, values)
        cells = (shown["rate"], values[basis], amount) if amount is not None else (None, None, None)
        return {name: cell for (name, _), cell in zip(columns(o), cells)}
    value = values.get(o.name)
    if column_kind(o.type) == "string" and value is not None:
        value = output_json(o, values)
    return {o.name: value}


def decisions_from_scalar(decisions: list[tuple[int, Any]], main: CheckedVersion, bindings: dict[str, Bound],
                          schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows re-decided by the scalar evaluator, in the same columns."""
    records = []
    for row, d in decisions:
        record = {"row": row, "case_id": d.case_id, "as_of": d.as_of, **_policy_columns(main, bindings),
                  "action": d.action, "rule": d.rule.rule.id, "step": d.rule.rule.step}
        for o in all_outputs():
            record.update(_scalar_cells(o, d.outputs))
        for key, value in d.amounts.items():
            record["amount_" + key] = value
        record["set_aside"] = set_aside_text(d.set_aside)
        record["warnings"] = WARNING_SEPARATOR.join(d.warnings)
        records.append(record)
    return pl.DataFrame(records, schema=schema)


def set_aside_text(aside: list) -> str:
    """The claims set aside as `invoice:reason` joined by `;` (empty when none)."""
    return ";".join(f"{s.invoice}:{s.reason.rule.id}" for s in aside)


def row_json(row: dict) -> dict:
    """A decision row in the JSON shape of `frin decide` (money as "38.00", dates ISO)."""
    def money(v):
        return None if v is None else f"{Decimal(v):.2f}"

    def cell(kind: str, v):
        return money(v) if kind == "money" else v.isoformat() if kind == "date" and v is not None else v
    out = {"source": row["source"]} if "source" in row else {}     # a folder's rows (identity.py)
    out |= {"row": row["row"], "case_id": row["case_id"], "as_of": row["as_of"].isoformat(),
           "policy": {"name": row["policy"], "version": row["policy_version"], "sha256": row["policy_sha256"],
                      "uses": row["uses"]},
           "action": row["action"], "rule": row["rule"]}
    for o in json_order():
        cols = columns(o)
        if o.form == PRODUCT:
            out[o.name] = None if row[cols[0][0]] is None else dict(
                zip(("rate", "basis", "amount"), (cell(kind, row[name]) for name, kind in cols)))
        else:
            out[o.name] = cell(cols[0][1], row[o.name])
    out["step"] = row["step"]
    out["amounts"] = {k[len("amount_"):]: money(v) for k, v in row.items() if k.startswith("amount_") and v is not None}
    out["set_aside"] = [dict(zip(("claim", "reason"), part.rsplit(":", 1)))
                        for part in (row.get("set_aside") or "").split(";") if part]
    out["warnings"] = [w for w in (row.get("warnings") or "").split(WARNING_SEPARATOR) if w]
    return out
