"""The case's history judged by the law: what the law did not allow of a recorded fee is not owed.

Each fee recorded in a case's events is judged as the decision that charged it would be
judged today: on the event's date, with the events before it (already judged) as the
history and the law's version in force on that date (a charge's part the law caps on its own,
such as Norway's salær: the version on the day its jurisdiction names, charge_part.py). A fee that breaks a
constraint becomes a warning (with the constraint's source, and how much of it is owed) and
is lowered to the largest amount the law allowed (0 where the letter could cost nothing)
before the case reaches any evaluator, so the ledger never adds the excess to what the
debtor owes. The letter
itself stays in the history (it was sent). Constraints marked `history: false` (such as
the deadline a new letter must state) are not applied to recorded letters.
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from ..core.errors import UsageError
from ..policy.record import record_of
from ..run.prefix_filter import Prefix, PrefixFilters
from ..run.runtime import CheckedVersion
from .charge_part import judging_day, part_steps, recorded_outputs
from .enforce import constrained, violations
from .notice import Notice

if TYPE_CHECKING:
    from ..check.pipeline import Catalog

__all__ = ["judge_history", "salaer_steps"]

_ZERO = Decimal("0.00")
_ORE = Decimal("0.01")


salaer_steps = part_steps      # the name engine/prove reads (the steps charged as the charge's part)


_MEMO_LIMIT = 4096     # judgments kept per catalog (one per history and, with salær in it, per sats day)


def judge_history(catalog: Catalog, main: CheckedVersion, case: dict, include_drafts: bool = False,
                  as_of: dt.date | None = None, verdicts: dict[int, list] | None = None,
                  compiled: bool = False) -> tuple[dict, list[Notice]]:
    """The case with the unlawful part of every recorded fee set aside, and one warning per such fee.

    `as_of`: the decision date; a recorded charge part (salær) is judged on `charge_part.judging_day` (NO: § 2-2 last
    ledd), the same sats a new salær is charged at. Without it, at the sats of the letter's date.
    `verdicts`: event index → the constraints its recorded fee breaks, judged already on the same
    history (the batch's columns, `batch/law_history.py`); used while no earlier fee was lowered.
    `compiled`: fees judged by compiled code where nothing raises (`enforce.violations`; decide's `fast`).
    """
    events = case.get("events") or []
    if not any(e["fee"] for e in events):
        return case, []
    as_salaer = part_steps(main)
    day = judging_day(main, case, as_of) if any(e["fee"] and e["step"] in as_salaer for e in events) else None
    # the memo lives on the catalog, so a judgment is never read back by another catalog
    memo = catalog.judged_histories
    # the day the charge parts are judged on matters only through the versions in force then
    # (the law search decides a history on many days under one version)
    on_day = None if day is None else _versions(_bound(catalog, main, day, include_drafts))
    key = (main.version.key, include_drafts, on_day,
           repr([case.get(k) for k in ("claims", "payments", "events", "debtor", "creditor", "agreement")]))
    if key in memo:
        kept, warnings = memo[key]
        return {**case, "events": kept}, list(warnings)
    if len(memo) > _MEMO_LIMIT:
        own = {k: memo[k] for k in (_FEES,) if k in memo}     # it has its own limit
        memo.clear()
        memo.update(own)
    judged, warnings = _judge(catalog, main, case, include_drafts, day, memo.setdefault(_HINTS, {}), verdicts or {},
                              compiled)
    memo[key] = (judged["events"], tuple(warnings))
    return judged, warnings


def _bound(catalog: Catalog, main: CheckedVersion, day: dt.date, include_drafts: bool) -> dict | None:
    """The versions in force on `day` (kept by the catalog), None where none is (a letter dated before
    the catalog's first version is warned of, not judged)."""
    try:
        return catalog.bound(main, day, include_drafts)
    except UsageError:
        return None


def _versions(bindings: dict | None) -> tuple | None:
    """The versions bound, by identity: what a judgment depends on of the day it binds."""
    return None if bindings is None else tuple((name, id(b.checked)) for name, b in bindings.items())


# a history of up to this many events may be judged by compiled code, which walks every event before
# each fee; a longer one by the reference evaluator, whose PrefixFilters keep it linear (issue 18)
_COMPILED_UP_TO = 16
_NODES = itertools.count()
_FEES = ("judged fees",)      # the memo's entry of `_JudgedFees` edges
_HINTS = ("lawful parts found",)     # the memo's entry of `_lawful_part` hints: (versions, step, salær, fee) → øre


def _judge(catalog: Catalog, main: CheckedVersion, case: dict, include_drafts: bool, salaer_day: dt.date | None,
           hints: dict | None = None, verdicts: dict | None = None, compiled: bool = False) -> tuple[dict, list[Notice]]:
    events = case["events"]
    as_salaer = part_steps(main)
    code = main.jurisdiction.currency if main.jurisdiction is not None else ""
    # each fee is judged with the events before it: `kept` itself, judged so far (a growing
    # Prefix, never copied), whose aggregates the filters follow incrementally
    kept = Prefix.growing()
    warnings: list[Notice] = []
    filters = PrefixFilters()
    def bind(day):
        return _bound(catalog, main, day, include_drafts)
    seen: dict[int, tuple] = {}      # id(bindings) → (bindings, kept alive, its versions)

    def versions_of(bindings):
        if id(bindings) not in seen:
            seen[id(bindings)] = (bindings, _versions(bindings))
        return seen[id(bindings)][1]
    # a fee's verdict depends only on the history judged before it, the rest of the case and the
    # versions judging it: `_JudgedFees` keeps it per (that history, the event, those versions), so
    # a history one letter longer than one judged before (the law search's walks, a batch's cases
    # sharing a start) judges its new fees only. Not with `verdicts` (they are the batch's own).
    fees = None if verdicts else _JudgedFees.of(catalog, main, case, include_drafts)
    lowered = False             # a fee before this one was lowered: the history differs from the recorded one
    for i, event in enumerate(events):
        bindings, salaer = None, False
        if event["fee"]:
            salaer = event["step"] in as_salaer
            bindings = bind(event["date"])
            if bindings is not None and salaer and salaer_day is not None:
                # § 2-2 last ledd: the salær caps use the sats in force when the principal is paid
                bindings = bind(salaer_day) or bindings
        if fees is not None:
            known = fees.get(event, versions_of(bindings) if event["fee"] else None)
            if known is not None:
                judged, notes, was_lowered = known
                kept.append(judged)
                warnings += notes
                lowered = lowered or was_lowered
                continue
        judged, notes = event, []
        if event["fee"]:
            if bindings is None:
                notes = [Notice("fee_unchecked", index=i, step=event["step"], day=event["date"], fee=event["fee"])]
            elif constrained(bindings, main.name):
                judged, notes = _judge_fee(main, case, i, event, bindings, salaer, kept, filters, code, hints,
                                           verdicts.get(i) if verdicts and not lowered else None,
                                           compiled and len(events) <= _COMPILED_UP_TO)
        was_lowered = judged["fee"] != event["fee"]
        if fees is not None:
            fees.put((judged, tuple(notes), was_lowered))
        lowered = lowered or was_lowered
        warnings += notes
        kept.append(judged)
    return {**case, "events": list(kept)}, warnings


def _judge_fee(main: CheckedVersion, case: dict, i: int, event: dict, bindings: dict, salaer: bool, kept: Prefix,
               filters: PrefixFilters, code: str, hints: dict | None, verdict: list | None,
               compiled: bool = False) -> tuple[dict, list[Notice]]:
    """Recorded fee `i` judged with the events `kept` before it: the event as owed, and its warnings."""
    day = event["date"]
    then = {**case, "events": kept, "payments": [p for p in case.get("payments") or () if p["date"] <= day]}
    known: dict = {}    # the law's definitions of `then` on `day`, shared by every amount tried

    def broken_at(fee):
        # the recorded letter as the decision that sent it: its fee (as salær too where
        # the process charges the step as salær) and its payment deadline
        given = recorded_outputs(main, fee, salaer, event["due"])
        return violations(bindings, main.name, then, day, record_of(event["step"], event["step"], given, None),
                          history=True, reuse=known, filters=filters, compiled=compiled)
    # the history so far is the recorded one while no fee was lowered: a verdict on it stands
    broken = list(verdict) if verdict is not None else broken_at(event["fee"])
    if not broken:
        return event, []
    hint_key = (tuple(sorted(b.version.key for b in bindings.values())), event["step"], salaer, event["fee"])
    owed = _lawful_part(event["fee"], broken_at, None if hints is None else hints.get(hint_key))
    if hints is not None:
        hints[hint_key] = owed
    notes = [Notice("fee_partly_owed" if owed else "fee_not_owed", index=i, step=event["step"], day=day,
                    fee=event["fee"], owed=owed, currency=code, constraint=v.constraint, rule=v.name) for v in broken]
    return {**event, "fee": owed}, notes


class _JudgedFees:
    """The judged fees of every history seen by one catalog, as a tree: a node is a history judged
    so far (its root: the case without its events, the process version, drafts or not), an edge
    the next event with the versions that judged its fee (by identity; none for an event without
    a fee), leading to the event as owed and its warnings. A walk of one history keeps its node."""

    _LIMIT = 200_000        # edges kept per catalog before they are dropped (a fresh start, never a wrong one)

    def __init__(self, edges: dict, root: object) -> None:
        self.edges, self.node = edges, root
        self.edge: tuple = ()
        self.fresh = False      # at a node made by this walk: nothing leads on from it yet

    @classmethod
    def of(cls, catalog: Catalog, main: CheckedVersion, case: dict, include_drafts: bool) -> _JudgedFees:
        edges = catalog.judged_histories.setdefault(_FEES, {})
        if len(edges) > cls._LIMIT:
            edges.clear()
        return cls(edges, (main.version.key, include_drafts, repr({k: v for k, v in case.items() if k != "events"})))

    def get(self, event: dict, versions: tuple | None) -> tuple | None:
        """(event as owed, its warnings, lowered) when this history's next event was judged before
        by `versions` (None: no fee); the node moves on. Else None, and `put` records it."""
        self.edge = (self.node, repr(event), versions)
        if self.fresh:
            return None
        found = self.edges.get(self.edge)
        if found is None:
            return None
        self.node = found[0]
        return found[1]

    def put(self, judged: tuple) -> None:
        """The event `get` missed, as judged: (event as owed, its warnings, lowered)."""
        node = next(_NODES)     # a fresh node: no two edges lead to the same one
        self.edges[self.edge] = (node, judged)
        self.node, self.fresh = node, True


def _lawful_part(fee: Decimal, broken_at: Callable[[Decimal], list], hint: Decimal | None = None) -> Decimal:
    """The largest amount up to `fee` (to the øre) the law allowed for the letter: what the law
    forbids is only the excess (a cap) or the whole fee (a letter that may not cost anything).
    Lawfulness falls as the fee rises (every bundled constraint is a cap or a `fee > 0` test), so
    a fee barred outright is found by one judgment (at 0.01) and a cap by a binary search over øre
    (about 20 judgments). `hint`: the part found for the same fee of the same step under the same
    versions in another case (a batch holds thousands); since lawfulness falls as the fee rises,
    the hint lawful and one øre more not is that same boundary, found in two judgments; a wrong
    hint only narrows the search's bounds."""
    low, high = 1, int(fee * 100)            # low: lawful; high: not
    guess = int(hint * 100) if hint is not None else 0
    if low < guess < high and not broken_at(Decimal(guess) / 100):
        # lawful at the hint, so at 0.01 too (lawfulness falls as the fee rises): that judgment is skipped
        if guess + 1 == high or broken_at(Decimal(guess + 1) / 100):
            return (Decimal(guess) / 100).quantize(Decimal("0.01"))
        low = guess + 1
    elif broken_at(_ORE):                    # the letter may cost nothing (or is unlawful): nothing is owed
        return _ZERO
    elif low < guess < high:
        high = guess
    while high - low > 1:
        middle = (low + high) // 2
        if broken_at(Decimal(middle) / 100):
            high = middle
        else:
            low = middle
    return (Decimal(low) / 100).quantize(Decimal("0.01"))
