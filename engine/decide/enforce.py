"""Judging one decision against the constraints of the policies its process uses.

This is the one implementation every path shares: `decide` and `explain` (reference
evaluator), `--no-trace` (compiled) and `batch` (columnar) each build the decision's
`record_of(...)` from their result and call `violations`. Constraints are evaluated by
the reference evaluator, in their own policy's scope, with `decision` added to the case.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core.errors import EvaluationError
from ..run.evaluator import Evaluator
from ..policy.model import Constraint
from ..run.runtime import Bound, CheckedConstraint, Run
from ..policy.record import DECISION, binds, record_of
from ..run.law_view import LawView, law_view

__all__ = ["Violation", "constrained", "violations", "judge", "amount_violations"]


@dataclass(frozen=True)
class Violation:
    """A constraint a proposed decision (or a recorded fee) breaks."""

    policy: str                 # the constraining version, name@effective
    constraint: Constraint

    @property
    def name(self) -> str:
        return f"{self.policy.partition('@')[0]}/{self.constraint.id}"

    @property
    def where(self) -> str:
        span = self.constraint.span
        return f"{span.path}:{span.line}:{span.col}"

    def to_json(self) -> dict:
        c = self.constraint
        return {"constraint": c.id, "policy": self.policy, "source": c.source, "text": dict(c.text), "at": self.where}


def constrained(bindings: dict[str, Bound], main: str) -> list[tuple[Bound, CheckedConstraint]]:
    """Every constraint that binds `main`: those of its jurisdiction's law and of the policies it
    uses (transitively), and those an earlier law version had that the bound one dropped
    without citing a repeal (`Bound.carried`)."""
    return [(b, cc) for name, b in sorted(bindings.items()) if name != main
            for b, cc in [(b, cc) for cc in b.checked.constraints] + list(b.carried)]


def violations(bindings: dict[str, Bound], main: str, case: dict, as_of: dt.date, record: dict,
               history: bool = False) -> list[Violation]:
    """The constraints `record` (a `record_of` the proposed decision) breaks, in file order.

    Args:
        case: the case's run-time data (as the evaluators saw it).
        history: judging a fee recorded in the case's events (skips `history: false` ones).

    Raises:
        EvaluationError: a constraint cannot be evaluated (the decision cannot be shown lawful).
    """
    pairs = constrained(bindings, main)
    if not pairs or not binds(record):
        return []
    evaluators: dict[int, Evaluator] = {}

    def evaluator_for(bound: Bound) -> Evaluator:
        # a carried constraint reads the definitions of the earlier version it was written in
        key = 0 if bindings.get(bound.version.name) is bound else id(bound)
        if key not in evaluators:
            own = bindings if key == 0 else {**bindings, bound.version.name: bound}
            evaluators[key] = Evaluator(Run({**case, DECISION: record}, as_of, own, main))
        return evaluators[key]

    found = []
    for bound, checked in pairs:
        c = checked.constraint
        if history and not c.history:
            continue
        evaluator = evaluator_for(bound)
        try:
            if checked.when is not None and not evaluator.value(checked.when, bound):
                continue
            holds = evaluator.value(checked.require, bound)
        except EvaluationError as err:
            err.message = f"constraint `{c.id}` of {bound.version.key}: {err.message}"
            raise
        if not holds:
            found.append(Violation(bound.version.key, c))
    return found


_AMOUNT_TEXT = {
    "interest": "The interest reported ({reported}) is more than the statutory interest the law's view of the case "
                "allows ({bound}).",
    "fees": "The fees reported ({reported}) are more than the costs the law allows in this case ({bound}).",
    "costs": "The costs reported ({reported}) are more than the costs the law allows in this case ({bound}).",
    "total": "The total reported ({reported}) is more than the law's view of what the debtor owes ({bound}).",
}


def amount_violations(view: LawView, amounts: dict, record: dict, span) -> list[Violation]:
    """The reported amounts above the law's view (`LawView.exceeds`), one violation each."""
    charged = max((record.get(name) or 0 for name in ("fee", "salaer")), default=0)
    out = []
    for name, reported, bound in view.exceeds(amounts, charged):
        text = _AMOUNT_TEXT[name].format(reported=f"{reported:.2f}", bound=f"{bound:.2f}")
        c = Constraint(f"{name}-within-the-law", None, None, view.source, {"en": text}, span)
        out.append(Violation(view.law, c))
    return out


def judge(bindings: dict[str, Bound], main, case: dict, as_of: dt.date, action: str, step: str | None,
          outputs: dict, amounts: dict) -> tuple[list[Violation], LawView | None]:
    """Everything the law says of a proposed decision: the constraints it breaks (reading the
    law's own balance as `decision.balance`, never the process's `total`) and every reported
    amount above the law's view of the case. The one judgment `decide`, `batch` and
    `validate` share; `main` is the process's CheckedVersion, `case` its run-time data
    (history judged, claims set aside removed).
    """
    view = law_view(bindings, main, case, as_of)
    balance = view.balance if view is not None else None
    record = record_of(action, step, outputs, balance)
    found = violations(bindings, main.name, case, as_of, record)
    if view is not None:
        spec = main.jurisdiction.view
        found += amount_violations(view, amounts, record, spec.span)
    return found, view
