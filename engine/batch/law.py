"""The law in batch: the same judgment as `decide`, on every columnar decision.

`judge_rows` is the one entry point: the batch path asks it, and only it, which columnar
decisions the law forbids and which rows must be re-decided per case. Columnar decisions
are judged by `engine.decide.enforce.judge` (the constraints, reading the law's own view
of the case, and every reported amount above that view) and by the stale-figure holds,
the judgment every path shares, on the row's case and outputs. A row whose case holds a
recorded fee the law did not allow is re-decided by the scalar evaluator (which sets the
unlawful part aside and warns); a row whose history only warns (a fee no version of the
law could judge) keeps its columnar decision, with the history's warnings; a row whose
decision breaks the law is taken out of the decisions and reported as a violation, never
written as a lawful decision.

The check is lazy: no row becomes a Python case dict unless the bound versions carry a
constraint (a policy with no law, such as the benchmark ladder, pays nothing for it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from ..core.errors import EvaluationError

from ..decide.enforce import constrained, judge
from ..decide.history import judge_history
from ..decide.stale import stale_figures, stale_violations
from .output import output_columns

__all__ = ["VIOLATIONS", "LawJudgment", "judge_rows", "violation_rows", "HISTORY_REASON"]

VIOLATIONS = {"row": pl.Int64, "case_id": pl.String, "rule": pl.String, "proposed_action": pl.String,
              "constraint": pl.String, "policy": pl.String, "source": pl.String, "problem": pl.String}
HISTORY_REASON = ("a fee recorded in the case's events that the law did not allow (judged per case, "
                  "the unlawful part set aside)")


@dataclass
class LawJudgment:
    """What the law says of a chunk of columnar decisions."""

    redo: set[int] = field(default_factory=set)          # rows to re-decide per case (HISTORY_REASON)
    broken: list[dict] = field(default_factory=list)     # one `violation_rows` record per constraint broken
    judged: int = 0                                      # rows judged one by one (case dicts built)
    warnings: dict[int, list[str]] = field(default_factory=dict)   # row → history warnings of a case left as it was


def judge_rows(catalog, main, bindings, decided: pl.DataFrame, cases: pl.DataFrame, steps: tuple[str, ...],
               include_drafts: bool, allow_stale: bool = False) -> LawJudgment:
    """Judge columnar decisions: the rows to re-decide per case and the violation records
    (`allow_stale`: no stale-figure holds; the rows' warnings say which figures were stale).

    `decided` holds the decision rows (as written) in the order of `cases` (the case frame
    they were decided from, with ROW).
    """
    from ..columnar.frame import cases_from_frame
    out = LawJudgment()
    if not decided.height or not constrained(bindings, main.name):
        return out
    stale_on: dict = {}          # decision date → the stale-figure holds (decide/stale.py)
    amount_columns = [c for c in decided.columns if c.startswith("amount_")]
    wanted = ["row", "case_id", "as_of", "rule", "action", "step", *amount_columns] + [c for c, _ in output_columns()]
    rows = decided.select([c for c in wanted if c in decided.columns]).to_dicts()
    out.judged = len(rows)
    for row, case in zip(rows, cases_from_frame(cases, steps)):
        if any(e["fee"] for e in case.get("events") or ()):
            judged, warnings = judge_history(catalog, main, case, include_drafts, row["as_of"])
            if warnings and judged["events"] != case["events"]:
                out.redo.add(row["row"])          # a fee lowered: the ledger and the rules see another case
                continue
            if warnings:
                out.warnings[row["row"]] = warnings   # nothing changed (a fee no law could judge): the columns stand
        amounts = {c[len("amount_"):]: row[c] for c in amount_columns}
        try:
            broken, _ = judge(bindings, main, case, row["as_of"], row["action"], row["step"], row, amounts)
        except EvaluationError:
            out.redo.add(row["row"])              # the law cannot judge it: decided per case, which rejects it with why
            continue
        if row["as_of"] not in stale_on and not allow_stale:
            stale_on[row["as_of"]] = stale_violations(stale_figures(catalog, catalog.bind(main, row["as_of"], include_drafts),
                                                                    row["as_of"]), catalog.locales)
        broken = broken + stale_on.get(row["as_of"], [])
        out.broken.extend(violation_rows(row["row"], row["case_id"], row["rule"], row["action"], broken))
    return out


def violation_rows(row: int, case_id: str, rule: str, action: str, broken) -> list[dict]:
    return [{"row": row, "case_id": case_id, "rule": rule, "proposed_action": action, "constraint": v.name,
             "policy": v.policy, "source": v.constraint.source, "problem": v.constraint.said("en")} for v in broken]
