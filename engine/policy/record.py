"""`decision`: what a constraint sees of the decision it judges, as a typed record.

A constraint reads the proposed decision as `decision.<field>`: the action, the step it
records, the fee and salær it charges (0 NOK when it charges none), the payment deadline
it gives, and `balance`, what the debtor owed before it (the process's `total` amount;
none if the process reports no total). One builder for every evaluator's result.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..lang import types as T

__all__ = ["DECISION", "decision_type", "record_of", "binds"]

DECISION = "decision"
_ZERO = Decimal("0.00")


def decision_type(steps: tuple[str, ...]) -> T.Record:
    """The record type of `decision`; `step` is an enum of the law's step names."""
    return T.Record("decision", (
        ("action", T.TEXT),
        ("step", T.Optional(T.Enum("Step", steps))),
        ("fee", T.MONEY),
        ("salaer", T.MONEY),
        ("payment_deadline", T.Optional(T.DATE)),
        ("balance", T.Optional(T.MONEY)),
    ))


def record_of(action: str, step: str | None, fee: Any, salaer: Any, payment_deadline: dt.date | None,
              balance: Any) -> dict:
    """The run-time value of `decision` (None money becomes 0 NOK: nothing is charged)."""
    return {"action": action, "step": step, "fee": _ZERO if fee is None else fee,
            "salaer": _ZERO if salaer is None else salaer, "payment_deadline": payment_deadline,
            "balance": balance}


def binds(record: dict) -> bool:
    """The law binds what a decision does: a decision that takes a step or charges a cost."""
    return record["step"] is not None or record["fee"] != 0 or record["salaer"] != 0
