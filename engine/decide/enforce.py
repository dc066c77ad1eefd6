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
from ..policy.record import DECISION, binds

__all__ = ["Violation", "constrained", "violations"]


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
    """Every constraint that binds `main`: those of the policies it uses (transitively)."""
    return [(b, cc) for name, b in sorted(bindings.items()) if name != main for cc in b.checked.constraints]


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
    run = Run({**case, DECISION: record}, as_of, bindings, main)
    evaluator = Evaluator(run)
    found = []
    for bound, checked in pairs:
        c = checked.constraint
        if history and not c.history:
            continue
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
