"""`decision`: what a constraint sees of the decision it judges, as a typed record.

A constraint reads the proposed decision as `decision.<field>`: the action, the step it
records, the outputs the registry shows to the law that its jurisdiction's decisions carry
(policy/outputs.py: the charge, and Norway's salær, 0 when it charges none, and the payment deadline it gives), and `balance`, what the debtor owed before it (the process's `total` amount;
none if the process reports no total). One builder for every evaluator's result.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..lang import types as T
from ..policy.outputs import law_fields

if TYPE_CHECKING:
    from .jurisdiction import Jurisdiction

__all__ = ["DECISION", "decision_type", "record_of", "binds", "charges"]

DECISION = "decision"
_ZERO = Decimal("0.00")


def decision_type(steps: tuple[str, ...], jurisdiction: Jurisdiction | None = None) -> T.Record:
    """The record type of `decision`: action, step (an enum of the law's step names), each
    output the registry shows to the law that `jurisdiction`'s decisions carry
    (policy/outputs.py: a charge as Money, another output as optional), and balance."""
    fields = [("action", T.TEXT), ("step", T.Optional(T.Enum("Step", steps)))]
    fields += [(o.name, o.type if o.law == "charge" else T.Optional(o.type)) for o in law_fields(jurisdiction)]
    return T.Record("decision", (*fields, ("balance", T.Optional(T.MONEY))))


def record_of(action: str, step: str | None, outputs: dict[str, Any], balance: Any) -> dict:
    """The run-time value of `decision` from a rule's output values (by name; a charge the
    rule does not give is 0 NOK: nothing is charged)."""
    record: dict[str, Any] = {"action": action, "step": step}
    for o in law_fields():
        value = outputs.get(o.name)
        record[o.name] = _ZERO if value is None and o.law == "charge" else value
    record["balance"] = balance
    return record


def charges() -> tuple[str, ...]:
    """The outputs that charge the debtor (the law binds a decision that charges one)."""
    return tuple(o.name for o in law_fields() if o.law == "charge")


def binds(record: dict) -> bool:
    """The law binds what a decision does: a decision that takes a step or charges a cost."""
    return record["step"] is not None or any(record[name] != 0 for name in charges())
