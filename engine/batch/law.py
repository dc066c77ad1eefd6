"""The law in batch: the same judgment as `decide`, on every columnar decision.

`judge_rows` is the one entry point: the batch path asks it, and only it, which columnar
decisions the law forbids and which rows must be re-decided per case. Columnar decisions
are judged as columns (`law_columns.py`: the constraints compiled like rules, reading the
law's own view of each case computed as columns, `columnar/law_view.py`, as
`decision.balance`, and every reported amount above that view) and by the stale-figure
holds; that is `engine.decide.enforce.judge`, the judgment every path shares, which still
judges, on the row's case dict, every row the columns cannot stand for (the reasons are
counted in `LawJudgment.reasons`). A case whose events record a fee has its history judged
per case (`judge_history`, by compiled code where nothing raises, as `decide`'s fast path
judges it: the same verdict): a row whose case holds a recorded fee the law did not allow is
re-decided by the scalar evaluator (which sets the unlawful part aside and warns); a row
whose history only warns (a fee no version of the law could judge) keeps its columnar
decision, with the history's warnings; a row whose decision breaks the law is taken out of
the decisions and reported as a violation, never written as a lawful decision.

The check is lazy: no row becomes a Python case dict unless the bound versions carry a
constraint and the row needs one (a policy with no law, such as the benchmark ladder, pays
nothing for it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from ..core.errors import EvaluationError
from ..decide.enforce import constrained, judge
from ..decide.history import judge_history
from ..decide.notice import Notice
from ..decide.stale import stale_figures, stale_violations
from .law_columns import judge_columns
from .law_history import FeeVerdicts, history_to_judge
from .output import output_columns

__all__ = ["VIOLATIONS", "LawJudgment", "judge_rows", "violation_rows", "HISTORY_REASON", "history_for_groups", "judge_histories"]

VIOLATIONS = {"row": pl.Int64, "case_id": pl.String, "rule": pl.String, "proposed_action": pl.String,
              "constraint": pl.String, "policy": pl.String, "source": pl.String, "problem": pl.String}
NO_COLUMNS_REASON = "a constraint of the law has no column form"
HISTORY_REASON = ("a fee recorded in the case's events that the law did not allow (judged per case, "
                  "the unlawful part set aside)")


@dataclass
class LawJudgment:
    """What the law says of a chunk of columnar decisions."""

    redo: set[int] = field(default_factory=set)          # rows to re-decide per case (HISTORY_REASON)
    broken: list[dict] = field(default_factory=list)     # one `violation_rows` record per constraint broken
    judged: int = 0                                      # rows judged one by one (case dicts built)
    warnings: dict[int, list[Notice]] = field(default_factory=dict)   # row → history warnings of a case left as it was
    reasons: dict[str, int] = field(default_factory=dict)          # why rows were judged one by one → rows
    per_case: list[str] = field(default_factory=list)              # law expressions the columns evaluated per case
    lowered: dict[int, tuple[dict, list]] = field(default_factory=dict)   # row of `redo` → (case as judged, warnings)


def judge_rows(catalog, main, bindings, decided: pl.DataFrame, cases: pl.DataFrame, steps: tuple[str, ...],
               include_drafts: bool, history: bool = True, allow_stale: bool = False,
               fees: FeeVerdicts | None = None) -> LawJudgment:
    """Judge columnar decisions: the rows to re-decide per case and the violation records
    (`allow_stale`: no stale-figure holds; the rows' warnings say which figures were stale).

    `decided` holds the decision rows (as written) in the order of `cases` (the case frame
    they were decided from, with ROW). `history`: judge the recorded fees too (False when the
    caller judged them on the whole case already); `fees`: the columns' verdicts on them, found
    already for `cases` (`history_for_groups`: every group of a chunk at once). The constraints and the amounts are judged as columns
    (`law_columns.judge_columns`, over the law's view as columns); a row they cannot stand
    for is judged by `judge` on its case dict, and the history of a case that records a fee
    by `judge_history`, one by one.
    """
    from ..columnar.frame import cases_from_frame
    from .layout import ROW
    out = LawJudgment()
    if not decided.height or not constrained(bindings, main.name):
        return out
    columns = judge_columns(bindings, main, decided, cases.drop(ROW), steps)
    if history:
        found = fees if fees is not None else history_to_judge(catalog, main, cases.drop(ROW), steps, include_drafts)
        to_judge, history_reasons, history_notes = found.to_judge, found.reasons, found.notes
        warned, verdicts = found.warned, found.verdicts
    else:       # judged already on the whole case (claims a set-aside reason took out: batch/aside.py)
        to_judge, history_reasons, history_notes, warned, verdicts = np.zeros(decided.height, dtype=bool), {}, [], {}, {}
    fee = pl.Series(to_judge, dtype=pl.Boolean)
    if columns is None:
        unsure = pl.Series([True] * decided.height)
        out.reasons[NO_COLUMNS_REASON] = decided.height
    else:
        unsure = columns.unsure
        out.reasons.update(columns.reasons)
        out.per_case = list(columns.per_case)
    out.reasons.update(history_reasons)
    out.per_case += [n for n in history_notes if n not in out.per_case]
    one_by_one = (unsure | fee).to_list()
    unsure_rows = unsure.to_list()
    amount_columns = [c for c in decided.columns if c.startswith("amount_")]
    wanted = ["row", "case_id", "as_of", "rule", "action", "step", *amount_columns] + [c for c, _ in output_columns()]
    picked = pl.Series(one_by_one)
    rows = iter(decided.filter(picked).select([c for c in wanted if c in decided.columns]).to_dicts())
    dicts = iter(cases_from_frame(cases.filter(picked), steps))
    stale_on: dict = {}          # decision date → the stale-figure holds (decide/stale.py)
    days = decided.get_column("as_of")
    if not allow_stale:
        for day in days.unique().to_list():
            stale_on[day] = stale_violations(stale_figures(catalog, catalog.bound(main, day, include_drafts), day),
                                             catalog.locales)
    # only the rows something happens to are walked (a 100,000-row chunk's loop was most of this function)
    held = [day for day, holds in stale_on.items() if holds]
    walked = set(np.nonzero((picked | days.is_in(held) if held else picked).to_numpy())[0].tolist()) | set(warned)
    walked |= set(columns.broken) if columns is not None else set()
    order = sorted(walked)
    heads = decided.select("row", "case_id", "as_of", "rule", "action")[order].rows() if order else []
    for pos, (number, case_id, day, rule, action) in zip(order, heads):
        broken = [] if columns is None else columns.broken.get(pos, [])
        if pos in warned and not fee[pos]:
            out.warnings[number] = warned[pos]    # fees no law could judge, the others allowed: the columns stand
        if one_by_one[pos]:
            out.judged += 1
            row, case = next(rows), next(dicts)
            if history and any(e["fee"] for e in case.get("events") or ()):
                judged, warnings = judge_history(catalog, main, case, include_drafts, day, verdicts.get(pos),
                                                 compiled=True)
                if warnings and judged["events"] != case["events"]:
                    out.redo.add(number)          # a fee lowered: the ledger and the rules see another case
                    out.lowered[number] = (judged, warnings)
                    continue
                if warnings:
                    out.warnings[number] = warnings   # nothing changed (a fee no law could judge): the columns stand
            if unsure_rows[pos]:
                amounts = {c[len("amount_"):]: row[c] for c in amount_columns}
                try:
                    broken, _ = judge(bindings, main, case, day, action, row["step"], row, amounts)
                except EvaluationError:
                    out.redo.add(number)          # the law cannot judge it: decided per case, which rejects it with why
                    continue
        broken = broken + stale_on.get(day, [])
        if broken:
            out.broken.extend(violation_rows(number, case_id, rule, action, broken))
    return out


def violation_rows(row: int, case_id: str, rule: str, action: str, broken) -> list[dict]:
    return [{"row": row, "case_id": case_id, "rule": rule, "proposed_action": action, "constraint": v.name,
             "policy": v.policy, "source": v.constraint.source, "problem": v.constraint.said("en")} for v in broken]


def history_for_groups(catalog, groups: list, include_drafts: bool) -> dict[int, FeeVerdicts]:
    """Group number → the columns' verdicts on its cases' recorded fees (`history_to_judge`), for
    `groups` ((main version, bindings, number, case frame with ROW) each): the groups deciding with the
    same main version are judged as one frame, so each version of the law the fees' days bind is
    compiled and run once per chunk, not once per group. Groups the law does not bind are left out."""
    from .layout import ROW
    by_main: dict[int, list] = {}
    for main, bindings, number, cases in groups:
        if cases.height and constrained(bindings, main.name):
            by_main.setdefault(id(main), []).append((main, number, cases))
    out: dict[int, FeeVerdicts] = {}
    for same in by_main.values():
        main = same[0][0]
        frames = [cases.drop(ROW) for _, _, cases in same]
        found = history_to_judge(catalog, main, pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0],
                                 main.version.steps, include_drafts)
        start = 0
        for (_, number, cases), frame in zip(same, frames):
            out[number] = found.part(start, start + frame.height)
            start += frame.height
    return out


def judge_histories(catalog, main, cases: pl.DataFrame, steps: tuple[str, ...], include_drafts: bool,
                    found: FeeVerdicts) -> tuple[dict[int, tuple[dict, list]], dict[int, list[Notice]]]:
    """(row → (case as judged, warnings) where a recorded fee was lowered, row → the history's warnings
    of a case left as it was) for `cases` (with ROW) before any rule runs: `judge_history` on each case
    the columns' verdicts `found` send to it, the columns' own warnings on the others."""
    from ..columnar.frame import AS_OF, cases_from_frame
    from .layout import ROW
    rows = cases.get_column(ROW).to_list()
    warnings = {rows[p]: w for p, w in found.warned.items() if not found.to_judge[p]}
    lowered: dict[int, tuple[dict, list]] = {}
    picked = cases.filter(pl.Series(found.to_judge, dtype=pl.Boolean))
    days = picked.get_column(AS_OF).cast(pl.Date).to_list()
    for pos, row, day, case in zip(np.nonzero(found.to_judge)[0].tolist(), picked.get_column(ROW).to_list(), days,
                                   cases_from_frame(picked, steps)):
        if not any(e["fee"] for e in case.get("events") or ()):
            continue
        judged, notes = judge_history(catalog, main, case, include_drafts, day, found.verdicts.get(pos),
                                     compiled=True)
        if notes and judged["events"] != case["events"]:
            lowered[row] = (judged, notes)      # a fee lowered: the ledger and the rules see another case
        elif notes:
            warnings[row] = notes               # nothing changed (a fee no law could judge)
    return lowered, warnings
