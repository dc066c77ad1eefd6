"""Deciding one group of rows (same policy, same bound versions): columns first, per case only where needed.

The columnar evaluator decides every valid row; the law (`law.judge_rows`) judges the
decisions. Rows whose claims `set_aside:` reasons hold are cut down (or, every claim held,
decided by the first reason) and rows whose recorded fee the law lowered are decided on the
case as judged, all as columns: where the law binds the group, in `decide_case`'s order
(the fees judged, the claims cut, then one columnar run: `_decide_judged_first`), else in a
second columnar pass for the cut rows; the rows the columnar result still cannot stand for
are re-decided by the scalar evaluator (`decide_case`, the one `frin decide` runs), each for
a reason the run's report names (a reason or an evaluation that might fail, no rule matching). Every decision row carries the
decision's warnings (`warnings` column), the columnar ones from the bound versions.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import polars as pl

from ..core.errors import FristError
from ..decide.decision import decide_case, review_notes
from ..decide.notice import Notice
from ..decide.stale import stale_figures, stale_warnings
from ..policy.case import LoadedCase
from .aside import AsideRows, split_aside, whole_aside
from .law import HISTORY_REASON, judge_histories, judge_rows, violation_rows
from .law_history import FeeVerdicts
from .layout import REJECTS, ROW
from .output import WARNING_SEPARATOR

__all__ = ["BatchReport", "decide_group", "INTERNAL", "SET_ASIDE_REASON", "SUSPECT_REASON", "WARNING_SEPARATOR"]

INTERNAL = "internal error"     # the problem text of a row that hit a bug (the run goes on; exit 101)
SET_ASIDE_REASON = ("a `set_aside:` reason (or, every claim held, the amounts or the law's judgment of the case "
                    "without claims) might fail as columns, or a reason still holds a claim of the case cut down")
SUSPECT_REASON = ("the columnar evaluation might fail or matched no rule (division by zero, a date outside a "
                  "schedule, money not exact to the øre): the scalar evaluator decides it and names any error")
_SAMPLE = 10                    # row numbers kept per reason in the report


@dataclass
class BatchReport:
    """What a run decided per case and why, and how many warnings its decisions carry."""

    per_case: dict[str, int] = field(default_factory=dict)           # reason → rows re-decided per case
    per_case_rows: dict[str, list[int]] = field(default_factory=dict)  # reason → the first row numbers
    per_case_expressions: list[str] = field(default_factory=list)    # expressions evaluated per case (every row)
    law_judged: int = 0                                              # rows the law check read as case dicts
    law_per_row: dict[str, int] = field(default_factory=dict)        # why → rows the law judged per row, not as columns
    set_aside_columns: int = 0       # rows with claims a set-aside reason took out, decided as columns
    history_columns: int = 0         # rows whose recorded fee the law lowered, decided on the case as judged
    warnings: int = 0                                                # warning lines over all decisions
    rows_with_warnings: int = 0

    def add_rows(self, reason: str, rows: list[int]) -> None:
        if rows:
            self.per_case[reason] = self.per_case.get(reason, 0) + len(rows)
            kept = self.per_case_rows.setdefault(reason, [])
            kept.extend(rows[:max(0, _SAMPLE - len(kept))])

    def add_law(self, judged: int, reasons: Mapping[str, int], expressions: Sequence[str]) -> None:
        """Rows the law judged per row (`judged`, by reason) and the law's expressions it evaluated per case."""
        self.law_judged += judged
        for reason, count in reasons.items():
            self.law_per_row[reason] = self.law_per_row.get(reason, 0) + count
        self.per_case_expressions += [f"law {e}" for e in expressions if f"law {e}" not in self.per_case_expressions]

    def merge(self, other: "BatchReport") -> None:
        for reason, count in other.per_case.items():
            self.per_case[reason] = self.per_case.get(reason, 0) + count
            kept = self.per_case_rows.setdefault(reason, [])
            kept.extend(other.per_case_rows.get(reason, [])[:max(0, _SAMPLE - len(kept))])
        self.per_case_expressions += [e for e in other.per_case_expressions if e not in self.per_case_expressions]
        self.law_judged += other.law_judged
        self.set_aside_columns += other.set_aside_columns
        self.history_columns += other.history_columns
        for reason, count in other.law_per_row.items():
            self.law_per_row[reason] = self.law_per_row.get(reason, 0) + count
        self.warnings += other.warnings
        self.rows_with_warnings += other.rows_with_warnings

    def to_dict(self) -> dict:
        return {"per_case": {reason: {"rows": count, "first_rows": sorted(self.per_case_rows.get(reason, []))}
                             for reason, count in self.per_case.items()},
                "per_case_expressions": list(self.per_case_expressions), "law_judged": self.law_judged,
                "law_per_row": dict(self.law_per_row), "set_aside_columns": self.set_aside_columns,
                "history_columns": self.history_columns,
                "warnings": self.warnings, "rows_with_warnings": self.rows_with_warnings}


def _review_warnings(table: pl.DataFrame, bindings, stale_on=None) -> pl.Expr:
    """The bound versions' review notes on each row's decision date (as `decide` gives them), then,
    with `stale_on` (`--allow-stale`: day → the stale figures' warnings), the stale figures used."""
    # a figure's review note starts the day after its review date: without `stale_on`, the days between
    # two review dates (a window) have the same notes, found once
    reviews = sorted({p.review_by for b in bindings.values() for p in b.version.parameters.values()
                      if p.review_by is not None})
    if not reviews and stale_on is None:
        return pl.lit("", dtype=pl.String)
    texts: dict[int, str] = {}

    def text(day) -> str:
        if stale_on is not None:
            return WARNING_SEPARATOR.join(review_notes(bindings, day) + stale_on(day))
        window = bisect_left(reviews, day)
        if window not in texts:
            texts[window] = WARNING_SEPARATOR.join(review_notes(bindings, day))
        return texts[window]
    notes = {day: text(day) for day in table.get_column("as_of").unique().to_list()}
    if not any(notes.values()):
        return pl.lit("", dtype=pl.String)
    return pl.col("as_of").replace_strict(list(notes), list(notes.values()), return_dtype=pl.String)


def _with_history_warnings(table: pl.DataFrame, found: Mapping[int, Sequence[str]]) -> pl.DataFrame:
    """The history's warnings before the review notes (as `decide_case` lists them) on the rows in `found`."""
    extra = pl.DataFrame({"row": list(found), "__history": [WARNING_SEPARATOR.join(w) for w in found.values()]},
                         schema={"row": pl.Int64, "__history": pl.String})
    joined = table.join(extra, on="row", how="left", maintain_order="left")
    both = pl.when(pl.col("warnings") == "").then(pl.col("__history")).otherwise(
        pl.col("__history") + WARNING_SEPARATOR + pl.col("warnings"))
    return joined.with_columns(pl.when(pl.col("__history").is_null()).then(pl.col("warnings")).otherwise(both)
                               .alias("warnings")).drop("__history")


def _lowered(cases: pl.DataFrame, redo: pl.Series, lowered: dict, steps) -> AsideRows | None:
    """The `redo` rows whose recorded fees the law lowered (`law.LawJudgment.lowered`) with their events
    as judged (`reduced`), as they came (`originals`), and each row's `texts` entry empty: the judged case
    is decided as columns, as `decide_case` decides it after `judge_history`. `judge_history` changes
    only fees (every letter stays in the history), so only the fees are written into the events."""
    rows = cases.get_column(ROW)
    mine = redo & rows.is_in(sorted(lowered))
    if not mine.any():
        return None
    originals = cases.filter(mine)
    fees = [[None if e["fee"] is None else int(e["fee"] * 100) for e in lowered[r][0]["events"]]
            for r in originals.get_column(ROW).to_list()]
    counts = originals.select(pl.col("events").list.len()).to_series().to_list()
    if any(len(f) != n for f, n in zip(fees, counts)):
        return _lowered_by_dicts(originals, lowered, steps)
    patch = pl.DataFrame({"__pos": [p for p, f in enumerate(fees) for _ in f],
                          "__k": [k for f in fees for k in range(len(f))], "__fee": [x for f in fees for x in f]},
                         schema={"__pos": pl.UInt32, "__k": pl.Int64, "__fee": pl.Int64})
    long = (originals.select("events").with_row_index("__pos").explode("events")
            .with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over("__pos").alias("__k"))
            .join(patch, on=["__pos", "__k"], how="left", maintain_order="left")
            .with_columns(pl.col("events").struct.with_fields(pl.coalesce(pl.col("__fee"), pl.field("fee")).alias("fee"))))
    events = long.group_by("__pos", maintain_order=True).agg("events").get_column("events")
    reduced = originals.with_columns(events.cast(originals.schema["events"]))
    return AsideRows(reduced, originals, {r: "" for r in originals.get_column(ROW).to_list()})


def _lowered_by_dicts(originals: pl.DataFrame, lowered: dict, steps) -> AsideRows:
    """`_lowered` through the judged case dicts' events as a frame (a history whose letters changed in number)."""
    from ..columnar.frame import AS_OF, frame_from_cases
    judged = [lowered[r][0] for r in originals.get_column(ROW).to_list()]
    days = originals.get_column(AS_OF).cast(pl.Date).to_list()
    events = frame_from_cases(judged, days, steps).get_column("events")
    reduced = originals.with_columns(events.cast(originals.schema["events"]))
    return AsideRows(reduced, originals, {r: "" for r in originals.get_column(ROW).to_list()})


def _decide_whole(catalog, main, bindings, cases: pl.DataFrame, history: dict, include_drafts: bool,
                  allow_stale: bool) -> tuple[pl.DataFrame, list[dict]]:
    """(decisions, violation records) of rows whose every claim a `set_aside:` reason holds (`aside.whole_aside`),
    as `decide_case` decides them: the first reason decides, no outputs, the amounts of the case
    without claims or costs (its events dropped), the law's judgment on that case, the history's
    warnings (`history`, judged on the whole case) then the versions' notes. A row the columns
    cannot stand for (an amount that may fail, the law unsure) is left out of both: it stays per case."""
    from ..columnar.frame import AS_OF
    from ..columnar.program import CHOSEN, ColumnarRun
    from .output import decisions_from_columns
    steps = main.version.steps
    bare = cases.drop("__text", "__first").with_columns(
        **{c: pl.lit([], dtype=cases.schema[c]) for c in ("claims", "events") if c in cases.columns})
    result = ColumnarRun(bindings, main.name, bare.drop(ROW), steps).amounts_only()
    result.frame = result.frame.with_columns(cases.get_column("__first").cast(pl.Int32).alias(CHOSEN))
    reasons = replace(main, rules=main.set_aside)       # the set-aside reasons decided as if they were the rules
    table = decisions_from_columns(result, bare.get_column(ROW), bare.get_column("case_id"),
                                   bare.get_column(AS_OF).cast(pl.Date), reasons, bindings)
    stale_on = (lambda day: stale_warnings(stale_figures(catalog, bindings, day))) if allow_stale else None
    table = table.with_columns(cases.get_column("__text").alias("set_aside"),
                               _review_warnings(table, bindings, stale_on).alias("warnings"))
    mine = set(table.get_column("row").to_list())
    found = {r: w for r, w in history.items() if r in mine}
    if found:
        table = _with_history_warnings(table, found)
    law = judge_rows(catalog, main, bindings, table, bare, steps, include_drafts, history=False, allow_stale=allow_stale)
    left = law.redo | set(table.get_column("row").filter(result.suspect).to_list())
    broken = [b for b in law.broken if b["row"] not in left]
    gone = left | {b["row"] for b in broken}
    return table.filter(~pl.col("row").is_in(sorted(gone))), broken


def decide_group(catalog, main, bindings, spec: str, cases: pl.DataFrame, include_drafts: bool,
                 report: BatchReport, allow_stale: bool = False, originals: pl.DataFrame | None = None,
                 history: dict[int, list[Notice]] | None = None, judged: set[int] | None = None,
                 fee_verdicts: FeeVerdicts | None = None) -> tuple[pl.DataFrame, list[pl.DataFrame], list[dict]]:
    """(decisions, rejects frames, violation records) of one group's valid case frame (with ROW);
    `allow_stale` as `decide --allow-stale` (decide/stale.py).

    `originals`: the rows as they came, when `cases` has claims a `set_aside:` reason took out
    (`aside.py`): a row decided per case is decided from its original, and its recorded fees
    were judged there already (`history`: row → the warnings of that judgment). `judged`: the rows
    whose `cases` line is the case as the law judged its history (a fee lowered), the one `decide`
    asks the set-aside reasons about: theirs are answered as columns here too. `fee_verdicts`: the columns'
    verdicts on the recorded fees of `cases`, found for the whole chunk (`law.history_for_groups`).
    """
    from ..columnar.frame import AS_OF, cases_from_frame
    from ..columnar.program import evaluate
    from .output import decisions_from_columns, decisions_from_scalar

    if originals is None and fee_verdicts is not None:
        return _decide_judged_first(catalog, main, bindings, spec, cases, include_drafts, report, allow_stale,
                                    fee_verdicts)
    steps = main.version.steps
    rows, ids = cases.get_column(ROW), cases.get_column("case_id")
    result = evaluate(bindings, main.name, cases.drop(ROW), steps)
    report.per_case_expressions += [f for f in result.fallbacks if f not in report.per_case_expressions]
    table = decisions_from_columns(result, rows, ids, cases.get_column(AS_OF).cast(pl.Date), main, bindings)
    stale_on = (lambda day: stale_warnings(stale_figures(catalog, bindings, day))) if allow_stale else None
    table = table.with_columns(_review_warnings(table, bindings, stale_on).alias("warnings"))
    assert result.aside is not None         # a full run (not amounts_only) marks the set-aside rows
    aside, suspect = result.aside, result.suspect & ~result.aside
    law = judge_rows(catalog, main, bindings, table, cases, steps, include_drafts, history=originals is None,
                     allow_stale=allow_stale, fees=fee_verdicts)
    if history:
        mine = set(rows.to_list())
        law.warnings.update({r: w for r, w in history.items() if r in mine})
    report.add_law(law.judged, law.reasons, law.per_case)
    if law.warnings:
        table = _with_history_warnings(table, law.warnings)
    redo = rows.is_in(sorted(law.redo)) & ~aside & ~suspect
    low = None
    if originals is None and law.lowered:       # a fee lowered: the judged case decided as columns, not per case
        low = _lowered(cases, rows.is_in(sorted(law.redo)) & ~suspect, law.lowered, steps)
        if low is not None:
            redo = redo & ~rows.is_in(sorted(low.texts))
            aside = aside & ~rows.is_in(sorted(low.texts))
            report.history_columns += len(low.texts)
    # the rows a reason holds a claim of: the claims taken out as columns, the rest decided as columns
    may_cut = ~rows.is_in(sorted(law.redo))
    if originals is not None:       # a second pass: only the judged cases' reasons are `decide`'s own
        may_cut = may_cut & rows.is_in(sorted(judged or ()))
    cut = None
    if aside.any():
        cut = split_aside(main, bindings, cases, aside & may_cut, steps, result.claims_aside)
        if cut is not None:
            aside = aside & ~rows.is_in(sorted(cut.texts))
            report.set_aside_columns += len(cut.texts)
    whole, whole_rows = None, set()
    whole_law: list[dict] = []
    if aside.any():
        found_whole = whole_aside(main, cases, aside & may_cut, result.claims_aside)
        if found_whole is not None:
            whole, whole_law = _decide_whole(catalog, main, bindings, found_whole, law.warnings, include_drafts,
                                             allow_stale)
            whole_rows = set(whole.get_column("row").to_list()) | {b["row"] for b in whole_law}
            aside = aside & ~rows.is_in(sorted(whole_rows))
            report.set_aside_columns += len(whole_rows)
    report.add_rows(SET_ASIDE_REASON, rows.filter(aside).to_list())
    report.add_rows(SUSPECT_REASON, rows.filter(suspect).to_list())
    report.add_rows(HISTORY_REASON, rows.filter(redo).to_list())
    again_mask = aside | suspect | redo
    # a row decided again per case is judged there (its columnar decision does not stand for it)
    moved = set(cut.texts if cut else ()) | set(low.texts if low else ())     # decided in the second pass
    broken_rows = {b["row"] for b in law.broken} - set(rows.filter(again_mask).to_list()) - moved - whole_rows
    law_rows = [b for b in law.broken if b["row"] in broken_rows] + whole_law
    if broken_rows:
        keep = ~rows.is_in(sorted(broken_rows))
        cases, table, again_mask = cases.filter(keep), table.filter(keep), again_mask.filter(keep)
    rejects: list[pl.DataFrame] = []
    if moved or whole_rows:
        done = cases.get_column(ROW).is_in(sorted(moved | whole_rows))
        cases, table, again_mask = cases.filter(~done), table.filter(~done), again_mask.filter(~done)
    if again_mask.any():
        again = cases.filter(again_mask)
        if originals is not None:       # decide_case reads the whole case, claims set aside included
            again = originals.join(again.select(ROW), on=ROW, how="semi", maintain_order="left")
        scalar, failed = [], []
        for row, day, data in zip(again.get_column(ROW).to_list(), again.get_column(AS_OF).cast(pl.Date).to_list(),
                                  cases_from_frame(again, steps)):
            try:
                case = LoadedCase(data, data, None, f"row {row}")
                decision = decide_case(catalog, case, day, policy=spec, include_drafts=include_drafts, fast=True,
                                       allow_stale=allow_stale)
                if decision.blocked:
                    law_rows.extend(violation_rows(row, decision.case_id, decision.rule.rule.id,
                                                   decision.rule.rule.action, decision.violations))
                else:
                    scalar.append((row, decision))
            except FristError as err:
                failed.append({"row": row, "field": "", "problem": getattr(err, "message", str(err))})
            except Exception as err:  # noqa: BLE001 - a bug in one row must not lose the others
                failed.append({"row": row, "field": "", "problem": f"{INTERNAL}: {type(err).__name__}: {err} "
                                                                     "(a bug in Frist; please report it)"})
        table = pl.concat([table.filter(~again_mask), decisions_from_scalar(scalar, main, bindings, table.schema)])
        if failed:
            rejects.append(pl.DataFrame(failed, schema=REJECTS))
    if whole is not None:
        table = pl.concat([table, whole.select(table.columns)])
    counts = table.select(pl.col("warnings").str.count_matches(WARNING_SEPARATOR).add(1)
                          .filter(pl.col("warnings") != "").sum().alias("n"),
                          (pl.col("warnings") != "").sum().alias("rows")).row(0)
    report.warnings += int(counts[0] or 0)
    report.rows_with_warnings += int(counts[1] or 0)
    if low is not None:         # one second pass for both: the cut rows and the rows as the law judged them
        fees = {r: w for r, w in law.warnings.items() if cut is not None and r in cut.texts}
        fees.update((r, law.lowered[r][1]) for r in low.texts)
        cut = AsideRows(pl.concat([cut.reduced, low.reduced]) if cut else low.reduced,
                        pl.concat([cut.originals, low.originals]) if cut else low.originals, cut.texts if cut else {})
    elif cut is not None:
        fees = {r: w for r, w in law.warnings.items() if r in cut.texts}
    if cut is not None:         # `decide_case` reads the rows as they came: the first pass's originals
        more, found, broken = decide_group(catalog, main, bindings, spec, cut.reduced, include_drafts, report,
                                           allow_stale, originals=cut.originals if originals is None else originals,
                                           history=fees, judged=set(low.texts) if low is not None else None)
        table = pl.concat([table, _with_aside_texts(more, cut.texts)])
        rejects += found
        law_rows += broken
    return table, rejects, law_rows


def _with_aside_texts(table: pl.DataFrame, texts: dict[int, str]) -> pl.DataFrame:
    """`table` with the `set_aside` text of each row in `texts` (the claims cut out before it was decided)."""
    if not texts:
        return table
    extra = pl.DataFrame({"row": list(texts), "__aside": list(texts.values())}, schema={"row": pl.Int64, "__aside": pl.String})
    return table.join(extra, on="row", how="left", maintain_order="left").with_columns(
        pl.when(pl.col("set_aside") == "").then(pl.col("__aside").fill_null("")).otherwise(pl.col("set_aside"))
        .alias("set_aside")).drop("__aside")


def _replaced(cases: pl.DataFrame, part: pl.DataFrame) -> pl.DataFrame:
    """`cases` (with ROW) with each row of `part` in place of the row of the same number, in the same order."""
    order = cases.select(ROW).with_row_index("__pos")
    kept = cases.filter(~pl.col(ROW).is_in(part.get_column(ROW).implode()))
    merged = pl.concat([kept, part.select(cases.columns)], how="vertical")
    return merged.join(order, on=ROW, how="left").sort("__pos").drop("__pos")


def _decide_judged_first(catalog, main, bindings, spec: str, cases: pl.DataFrame, include_drafts: bool,
                         report: BatchReport, allow_stale: bool, found: FeeVerdicts
                         ) -> tuple[pl.DataFrame, list[pl.DataFrame], list[dict]]:
    """`decide_group` in the order `decide_case` works, so that one columnar run decides the group: the
    recorded fees judged first (`found`, the columns' verdicts; `judge_history` on the cases they send
    to it), then the `set_aside:` reasons asked of each case as judged and the claims they hold cut out
    (`ColumnarRun.set_aside_only`), then the rules run once over the judged, cut-down cases (the rows
    as they came kept for the per-case path), instead of a second run for the cut and lowered rows."""
    from ..columnar.program import ColumnarRun
    steps = main.version.steps
    report.add_law(int(found.to_judge.sum()), found.reasons, found.notes)
    lowered, warnings = judge_histories(catalog, main, cases, steps, include_drafts, found)
    judged = cases
    if lowered:
        low = _lowered(cases, pl.Series([True] * cases.height, dtype=pl.Boolean), lowered, steps)
        assert low is not None          # every row of `lowered` is a row of `cases`
        judged = _replaced(cases, low.reduced)
        warnings.update((r, w) for r, (_, w) in lowered.items())
        report.history_columns += len(lowered)
    flagged, claims = ColumnarRun(bindings, main.name, judged.drop(ROW), steps).set_aside_only()
    cut = split_aside(main, bindings, judged, flagged, steps, claims) if flagged.any() else None
    texts = cut.texts if cut is not None else {}
    if cut is not None:
        judged = _replaced(judged, cut.reduced)
        report.set_aside_columns += len(texts)
    uncut = set(cases.get_column(ROW).to_list()) - set(texts)
    table, rejects, law_rows = decide_group(catalog, main, bindings, spec, judged, include_drafts, report,
                                            allow_stale, originals=cases, history=warnings, judged=uncut)
    return _with_aside_texts(table, texts), rejects, law_rows
