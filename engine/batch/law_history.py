"""Which cases' recorded fees the law may not have allowed, judged as columns (`decide/history.py`).

`judge_history` judges each fee recorded in a case's events as the decision that charged
it: on the event's date, with the events before it as the history, the payments made by
then, and the law in force that day (a salær at the sats of `sats_day`). Here every fee
event of a chunk becomes one row of a frame built that way (its case's columns, `events`
cut to the ones before it, `payments` to the ones made by then, the decision date the
event's date, `decision` the recorded letter), grouped by the law versions bound, and the
history constraints run over it as columns (`law_columns.constraint_flags`).

Where every fee of a case is allowed, `judge_history` would return the case unchanged and
without a warning, which is what the columns stand for. A fee on a day no version
of the law is in force is kept with `judge_history`'s warning (the same `Notice`). A case is
left to `judge_history` (the per-case path: it lowers what the law did not allow, warns, and
the batch re-decides the row) when one of its fees breaks a constraint or might fail in one;
so the prefix each fee is judged on here is the judged one whenever the case is not sent there.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import polars as pl

from ..columnar.frame import AS_OF
from ..core.errors import UsageError
from ..decide.charge_part import recorded_outputs
from ..decide.enforce import constrained
from ..decide.history import salaer_steps
from ..decide.notice import Notice
from ..policy.outputs import law_fields
from ..policy.record import DECISION
from .law_columns import constraint_flags

__all__ = ["history_to_judge", "FeeVerdicts", "BROKEN", "UNSURE"]

BROKEN = "a recorded fee the law may not have allowed (judge_history sets the excess aside)"
UNSURE = "a recorded fee whose judgment might fail as columns (judge_history names the error)"


def _fee_events(cases: pl.DataFrame) -> pl.DataFrame:
    """One row per event with a fee: `pos` (row of `cases`), `index` (in its list), step, date, fee, due."""
    if "events" not in cases.columns:
        return pl.DataFrame(schema={"pos": pl.Int64, "index": pl.Int64})
    long = (cases.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("pos"), "events")
            .with_columns(pl.col("events").list.len().alias("__n")).explode("events")
            .filter(pl.col("events").is_not_null())
            .with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over("pos").alias("index")).unnest("events"))
    return long.filter(pl.col("fee").fill_null(0) != 0)


def _sats_days(cases: pl.DataFrame) -> np.ndarray:
    """`history.sats_day` of every row: the day of the last payment once the payments by the decision
    date cover the principal (undisputed claims less credit), else the decision date."""
    principal = pl.col("claims").list.eval(pl.when(~pl.element().struct.field("disputed").fill_null(False)).then(
        pl.element().struct.field("amount") - pl.element().struct.field("credited").fill_null(0)).otherwise(0)).list.sum()
    got = cases.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("pos"), pl.col(AS_OF).cast(pl.Int64).alias("as_of"),
                       principal.fill_null(0).alias("principal"))
    if "payments" in cases.columns:
        pays = (cases.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("pos"), pl.col(AS_OF).cast(pl.Int64).alias("__to"),
                             "payments").explode("payments").filter(pl.col("payments").is_not_null())
                .select("pos", "__to", pl.col("payments").struct.field("date"), pl.col("payments").struct.field("amount"))
                .filter(pl.col("date") <= pl.col("__to")).group_by("pos")
                .agg(pl.col("amount").sum().alias("paid"), pl.col("date").max().cast(pl.Int64).alias("last")))
        got = got.join(pays, on="pos", how="left", maintain_order="left")
    else:
        got = got.with_columns(pl.lit(None, dtype=pl.Int64).alias("paid"), pl.lit(None, dtype=pl.Int64).alias("last"))
    day = pl.when(pl.col("paid").is_not_null() & (pl.col("paid") >= pl.col("principal"))).then(pl.col("last")
                                                                                               ).otherwise(pl.col("as_of"))
    return got.select(day).to_series().to_numpy()


def _bind(catalog, main, day: int, include_drafts: bool, memo: dict):
    if day not in memo:
        from ..columnar.frame import from_day
        on = from_day(day)
        assert on is not None           # a day number is a date
        try:
            memo[day] = catalog.bound(main, on, include_drafts)
        except UsageError:
            memo[day] = None
    return memo[day]


def _judge_frame(main, cases: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Each fee event's case as its decision saw it (events before it, payments by its date), with `decision`."""
    frame = cases.select(pl.exclude("events", "payments")).gather(events.get_column("pos"))
    cut = cases.select(pl.col("events")).gather(events.get_column("pos")).with_columns(
        events.get_column("index").alias("__i")).select(pl.col("events").list.slice(0, pl.col("__i")))
    frame = frame.with_columns(cut.get_column("events"), pl.Series(AS_OF, events.get_column("date").cast(pl.Int32)))
    if "payments" in cases.columns:
        pays = cases.select("payments").gather(events.get_column("pos")).with_columns(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("__e"), pl.Series("__day", events.get_column("date")))
        kept = (pays.explode("payments").filter(pl.col("payments").is_not_null()
                                               & (pl.col("payments").struct.field("date") <= pl.col("__day")))
                .group_by("__e").agg(pl.col("payments")))
        joined = pays.select("__e").join(kept, on="__e", how="left", maintain_order="left").get_column("payments")
        frame = frame.with_columns(joined.fill_null(pl.lit([], dtype=cases.schema["payments"])).alias("payments"))
    # the recorded letter as the decision that sent it (`record_of`): its fee, as salær too where the
    # process charges the step as salær, and its payment deadline; a charge it does not give is 0
    fee = events.get_column("fee").cast(pl.Int64)
    part_fee = pl.Series(np.where(events.get_column("__salaer").to_numpy(), fee.to_numpy(), 0))
    due = events.get_column("due").cast(pl.Int32) if "due" in events.columns else None
    # which outputs the recorded letter gives, by role (`charge_part.recorded_outputs`): 1 marks the fee
    # (the charge, and the part where the step is charged as it), 2 the deadline
    full, plain = recorded_outputs(main, 1, True, 2), recorded_outputs(main, 1, False, 2)
    given = {name: (fee if plain.get(name) == 1 else part_fee) if value == 1 else due if value == 2 else None
             for name, value in full.items()}
    record = {f"{DECISION}.action": events.get_column("step"), f"{DECISION}.step": events.get_column("step"),
              f"{DECISION}.balance": pl.Series([None] * events.height, dtype=pl.Int64)}
    for o in law_fields():
        value = given.get(o.name)
        if value is None:
            value = pl.Series([0 if o.law == "charge" else None] * events.height,
                              dtype=pl.Int64 if o.law == "charge" else pl.Int32)
        record[f"{DECISION}.{o.name}"] = value
    return frame.with_columns(pl.lit(True).alias("__binds"), **{k: pl.Series(v).alias(k) for k, v in record.items()})


@dataclass
class FeeVerdicts:
    """What the columns say of the recorded fees of a frame of cases, by row position: `to_judge`,
    the rows `judge_history` must judge, `why` each was marked, `notes` the law expressions run per
    case, `warned` the history warnings of rows the columns stand for (`judge_history`'s list) and
    `verdicts` the columns' verdicts on the fees of the rows to judge (event index → the constraints
    its recorded fee breaks, in `violations`' order), for `judge_history(verdicts=...)`."""

    to_judge: np.ndarray
    why: np.ndarray
    notes: list[str] = field(default_factory=list)
    warned: dict[int, list[Notice]] = field(default_factory=dict)
    verdicts: dict[int, dict] = field(default_factory=dict)
    given: list[str] = field(default_factory=list)      # the reasons in the order they were first given

    @property
    def reasons(self) -> dict[str, int]:
        """why → rows."""
        counts: dict[str, int] = {}
        for reason in self.why[self.to_judge].tolist():
            counts[reason] = counts.get(reason, 0) + 1
        return {reason: counts[reason] for reason in self.given if reason in counts}

    def part(self, start: int, stop: int) -> "FeeVerdicts":
        """The verdicts of rows `start`..`stop` (a group's cases in a frame of several), renumbered from 0."""
        def mine(found: dict) -> dict:
            return {p - start: v for p, v in found.items() if start <= p < stop}
        return FeeVerdicts(self.to_judge[start:stop], self.why[start:stop], self.notes, mine(self.warned),
                           mine(self.verdicts), self.given)


def history_to_judge(catalog, main, cases: pl.DataFrame, steps, include_drafts: bool) -> FeeVerdicts:
    """The columns' verdicts on every recorded fee of `cases` (`FeeVerdicts`), judged as the decision
    that charged it: each fee event a row of a frame grouped by the law versions bound on its day."""
    out = np.zeros(cases.height, dtype=bool)
    why = np.full(cases.height, None, dtype=object)
    given: list[str] = []
    notes: list[str] = []
    events = _fee_events(cases)
    if not events.height:
        return FeeVerdicts(out, why)
    as_salaer = salaer_steps(main)
    events = events.with_columns(pl.col("step").is_in(sorted(as_salaer)).alias("__salaer"))
    # a recorded charge part (Norway's salær) is judged by the law of the day its jurisdiction
    # names (`charge_part.judging_day`): the day payments covered the principal, else the decision date
    principal_paid = getattr(main.jurisdiction, "part_judged_on", "charged") == "principal_paid"
    sats = _sats_days(cases) if principal_paid and events.get_column("__salaer").any() else None
    pos = events.get_column("pos").to_numpy()
    index = events.get_column("index").to_numpy()
    # the versions bound per distinct (fee day, sats day of a salær fee), not per fee: thousands of
    # fees share a few hundred days
    day = events.get_column("date").cast(pl.Int64).to_numpy()
    salaer_on = (np.where(events.get_column("__salaer").to_numpy(), sats[pos], np.iinfo(np.int64).min)
                 if sats is not None else np.full(len(day), np.iinfo(np.int64).min))
    # one int64 per pair (two day numbers, each well inside 32 bits): a 1-D unique, not np.unique(axis=0)
    on32 = np.where(salaer_on == np.iinfo(np.int64).min, np.iinfo(np.int32).min, salaer_on).astype(np.int64)
    _, first, inverse = np.unique(((day + 2 ** 31) << 32) | (on32 + 2 ** 31), return_index=True, return_inverse=True)
    pairs = np.stack([day[first], salaer_on[first].astype(np.int64)], axis=1)
    memo: dict = {}
    binding_of: dict = {}          # versions' keys → bindings, in the order of their first fee
    group_of: dict = {}            # versions' keys → group number
    pair_group = np.full(len(pairs), -1, dtype=np.int64)
    key_of: dict[int, tuple] = {}
    for k in np.argsort(first, kind="stable").tolist():
        date, on = pairs[k].tolist()
        bound = _bind(catalog, main, date, include_drafts, memo)
        if bound is None:
            continue
        if on != np.iinfo(np.int64).min:
            bound = _bind(catalog, main, on, include_drafts, memo) or bound
        if id(bound) not in key_of:         # `_bind` gives one object per day: its key once
            key_of[id(bound)] = tuple(sorted(b.version.key for b in bound.values()))
        key = key_of[id(bound)]
        binding_of.setdefault(key, bound)
        pair_group[k] = group_of.setdefault(key, len(group_of))
    groups = pair_group[inverse.reshape(-1)]
    unchecked = groups < 0

    def mark(positions, reason: str) -> None:
        fresh = np.unique(positions)
        fresh = fresh[~out[fresh]]
        if len(fresh):
            out[fresh] = True
            why[fresh] = reason
            given.extend([reason] if reason not in given else [])
    judged: list[tuple] = []        # per group: positions, event indices, broken flags, violations, unsure
    for key, bindings in binding_of.items():
        if not constrained(bindings, main.name):
            continue
        mine = groups == group_of[key]
        group = events.filter(pl.Series(mine))
        flags = constraint_flags(bindings, main.name, _judge_frame(main, cases, group), steps, history=True)
        if flags is None:
            mark(pos[mine], UNSURE)
            continue
        found, result, per_case = flags
        notes += [n for n in per_case if n not in notes]
        broken = [c for c in result.columns if c.startswith("v")]
        hit = result.select(pl.any_horizontal(broken) if broken else pl.lit(False)).to_series().to_numpy()
        mark(pos[mine][hit], BROKEN)
        unsure = result.get_column("unsure").to_numpy()
        mark(pos[mine][unsure], UNSURE)
        judged.append((pos[mine], index[mine], result.select(broken).to_numpy() if broken else None, found, unsure))
    # a fee on a day no version of the law is in force is kept, with a warning (`judge_history`
    # words it the same way): where the case's other fees are all allowed, the columns stand
    warned: dict[int, list[Notice]] = {}
    if unchecked.any():
        left = events.filter(pl.Series(unchecked) & pl.Series(~out[events.get_column("pos").to_numpy()]))
        made: dict[tuple, Notice] = {}      # a Notice is immutable: one per (index, step, day, fee), shared by rows
        for p, *what in left.select("pos", "index", "step", pl.col("date").cast(pl.Date), "fee").iter_rows():
            key = tuple(what)
            if key not in made:
                index, step, date, fee = key
                made[key] = Notice("fee_unchecked", index=index, step=step, day=date, fee=Decimal(fee).scaleb(-2))
            warned.setdefault(p, []).append(made[key])
    verdicts: dict[int, dict] = {}
    for positions, indices, flags, found, unsure in judged:
        for k in np.nonzero(out[positions] & ~unsure)[0]:
            broken = [] if flags is None else [v for v, b in zip(found, flags[k]) if b]
            verdicts.setdefault(int(positions[k]), {})[int(indices[k])] = broken
    return FeeVerdicts(out, why, notes, warned, verdicts, given)
