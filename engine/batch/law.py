"""The law in batch: the same constraint check as `decide`, on every columnar decision.

Columnar decisions are judged by `engine.decide.enforce.violations`, the one check
every path shares, on the row's case and the decision's `record_of(...)`. A row whose
case holds a recorded fee the law did not allow is re-decided by the scalar evaluator
(which leaves the fee out and warns); a row whose decision breaks a constraint is taken
out of the decisions and reported as a violation, never written as a lawful decision.
Only rows that take a step, charge a cost or hold a recorded fee are judged (the law
binds nothing else: engine/policy/record.py `binds`).
"""
from __future__ import annotations

import datetime as dt

import polars as pl

from ..decide.enforce import constrained, judge
from ..decide.history import judge_history
from ..decide.stale import stale_figures, stale_violations
from .output import output_columns

__all__ = ["VIOLATIONS", "judge_rows", "violation_rows"]

VIOLATIONS = {"row": pl.Int64, "case_id": pl.String, "rule": pl.String, "proposed_action": pl.String,
              "constraint": pl.String, "policy": pl.String, "source": pl.String, "problem": pl.String}


def judge_rows(catalog, main, bindings, decided: pl.DataFrame, cases: list[dict], include_drafts: bool):
    """Split columnar decisions: (row numbers to re-decide per case, violation records).

    `decided` holds the decision rows (as written) in the order of `cases`.
    """
    if not any(constrained(catalog.bind(main, d, include_drafts), main.name) for d in _days(decided)):
        return set(), []
    redo, found = set(), []
    stale_on: dict = {}          # decision date → the stale-figure holds (decide/stale.py): batch decides none anyway
    amount_columns = [c for c in decided.columns if c.startswith("amount_")]
    wanted = ["row", "case_id", "as_of", "rule", "action", "step", *amount_columns] + [c for c, _ in output_columns()]
    rows = decided.select([c for c in wanted if c in decided.columns]).to_dicts()
    for row, case in zip(rows, cases):
        if any(e["fee"] for e in case.get("events") or ()):
            _, warnings = judge_history(catalog, main, case, include_drafts, row["as_of"])
            if warnings:
                redo.add(row["row"])
                continue
        amounts = {c[len("amount_"):]: row[c] for c in amount_columns}
        broken, _ = judge(bindings, main, case, row["as_of"], row["action"], row["step"], row, amounts)
        if row["as_of"] not in stale_on:
            stale_on[row["as_of"]] = stale_violations(stale_figures(catalog, catalog.bind(main, row["as_of"], include_drafts),
                                                                    row["as_of"]))
        broken = broken + stale_on[row["as_of"]]
        found.extend(violation_rows(row["row"], row["case_id"], row["rule"], row["action"], broken))
    return redo, found


def violation_rows(row: int, case_id: str, rule: str, action: str, broken) -> list[dict]:
    return [{"row": row, "case_id": case_id, "rule": rule, "proposed_action": action, "constraint": v.name,
             "policy": v.policy, "source": v.constraint.source, "problem": v.constraint.said("en")} for v in broken]


def _days(decided: pl.DataFrame) -> list[dt.date]:
    return decided.get_column("as_of").unique().to_list() if decided.height else []
