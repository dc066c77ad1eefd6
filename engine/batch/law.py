"""The law in batch: the same constraint check as `decide`, on every columnar decision.

`judge_rows` is the one entry point: the batch path asks it, and only it, which columnar
decisions the law forbids and which rows must be re-decided per case. Columnar decisions
are judged by `engine.decide.enforce.violations`, the one check every path shares, on the
row's case and the decision's `record_of(...)`. A row whose case holds a recorded fee the
law did not allow is re-decided by the scalar evaluator (which leaves the fee out and
warns); a row whose decision breaks a constraint is taken out of the decisions and
reported as a violation, never written as a lawful decision.

The check is lazy: nothing is turned into Python values unless the bound versions carry a
constraint, and then only the rows the law can bind (a decision that takes a step or
charges a cost, engine/policy/record.py `binds`) or whose events record a fee (the
history judgment) become case dicts; every other row is lawful by construction.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from ..decide.enforce import constrained, violations
from ..decide.history import judge_history
from ..policy.record import record_of
from .law_columns import ColumnarJudgment, binds, judge_columns
from .output import output_columns

__all__ = ["VIOLATIONS", "LawJudgment", "judge_rows", "violation_rows", "HISTORY_REASON"]

VIOLATIONS = {"row": pl.Int64, "case_id": pl.String, "rule": pl.String, "proposed_action": pl.String,
              "constraint": pl.String, "policy": pl.String, "source": pl.String, "problem": pl.String}
HISTORY_REASON = "a fee recorded in the case's events that the law did not allow (judged per case, the fee left out)"


@dataclass
class LawJudgment:
    """What the law says of a chunk of columnar decisions."""

    redo: set[int] = field(default_factory=set)          # rows to re-decide per case (HISTORY_REASON)
    broken: list[dict] = field(default_factory=list)     # one `violation_rows` record per constraint broken
    judged: int = 0                                      # rows checked one by one (case dicts built)
    per_case: list[str] = field(default_factory=list)    # law expressions the columns evaluated per case
    warnings: dict[int, list[str]] = field(default_factory=dict)   # row → history warnings of a case left as it was


def _fee_rows(cases: pl.DataFrame) -> pl.Series:
    """Cases whose events record a fee (their history is judged)."""
    if "events" not in cases.columns:
        return pl.Series([False] * cases.height, dtype=pl.Boolean)
    fees = pl.col("events").list.eval(pl.element().struct.field("fee").fill_null(0) != 0).list.any()
    return cases.select(fees.fill_null(False)).to_series()


def _judge_bound(bindings, main: str, decided: pl.DataFrame, cases: pl.DataFrame, steps, bound: pl.Series):
    """`judge_columns` on the rows the law binds only (the others break nothing), spread back over all rows."""
    if bound.all():
        return judge_columns(bindings, main, decided, cases, steps)
    where = bound.arg_true()
    got = judge_columns(bindings, main, decided.filter(bound), cases.filter(bound), steps) if len(where) else None
    if got is None:
        return None if len(where) else ColumnarJudgment([], pl.Series([False] * decided.height))

    def spread(values: pl.Series) -> pl.Series:
        return pl.Series([False] * decided.height, dtype=pl.Boolean).scatter(where, values)
    return ColumnarJudgment([(v, spread(b)) for v, b in got.broken], spread(got.unsure), got.per_case)


def judge_rows(catalog, main, bindings, decided: pl.DataFrame, cases: pl.DataFrame, steps: tuple[str, ...],
               include_drafts: bool) -> LawJudgment:
    """Judge columnar decisions: the rows to re-decide per case and the violation records.

    `decided` holds the decision rows (as written) in the order of `cases` (the case frame
    they were decided from, with ROW). The constraints are judged as columns
    (`law_columns.judge_columns`); a row they cannot stand for, and the history of a case
    that records a fee, are judged one by one.
    """
    from ..columnar.frame import cases_from_frame
    from .layout import ROW
    out = LawJudgment()
    if not decided.height or not constrained(bindings, main.name):
        return out
    bound = decided.select(binds(decided)).to_series()
    fee = _fee_rows(cases)
    columns = _judge_bound(bindings, main.name, decided, cases.drop(ROW), steps, bound)
    one_by_one = (bound if columns is None else bound & columns.unsure) | fee
    out.per_case = [] if columns is None else columns.per_case
    if columns is not None:
        by_columns = ~one_by_one
        for violation, broken in columns.broken:
            hit = decided.filter(broken & by_columns).select("row", "case_id", "rule", "action")
            for r, c, rule, a in hit.iter_rows():
                out.broken.extend(violation_rows(r, c, rule, a, [violation]))
        out.broken.sort(key=lambda v: v["row"])       # stable: a row's constraints stay in file order
    if not one_by_one.any():
        return out
    wanted = ["row", "case_id", "as_of", "rule", "action", "step", "amount_total"] + [c for c, _ in output_columns()]
    rows = decided.filter(one_by_one).select([c for c in wanted if c in decided.columns]).to_dicts()
    dicts = cases_from_frame(cases.filter(one_by_one), steps)
    unsure = (bound if columns is None else columns.unsure).filter(one_by_one).to_list()
    column_verdicts = [] if columns is None else [(v, b.filter(one_by_one).to_list()) for v, b in columns.broken]
    out.judged = len(rows)
    for i, (row, case, judge_here) in enumerate(zip(rows, dicts, unsure)):
        if any(e["fee"] for e in case.get("events") or ()):
            judged, warnings = judge_history(catalog, main, case, include_drafts)
            if warnings and judged["events"] != case["events"]:
                out.redo.add(row["row"])          # a fee left out: the ledger and the rules see another case
                continue
            if warnings:
                out.warnings[row["row"]] = warnings  # nothing left out (a fee no law could judge): the columns stand
        if columns is not None and not judge_here:
            found = [v for v, broken in column_verdicts if broken[i]]
        else:
            record = record_of(row["action"], row["step"], row, row.get("amount_total"))
            found = violations(bindings, main.name, case, row["as_of"], record)
        out.broken.extend(violation_rows(row["row"], row["case_id"], row["rule"], row["action"], found))
    out.broken.sort(key=lambda v: v["row"])
    return out


def violation_rows(row: int, case_id: str, rule: str, action: str, broken) -> list[dict]:
    return [{"row": row, "case_id": case_id, "rule": rule, "proposed_action": action, "constraint": v.name,
             "policy": v.policy, "source": v.constraint.source, "problem": v.constraint.said("en")} for v in broken]
