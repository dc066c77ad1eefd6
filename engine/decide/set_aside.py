"""Claims one by one: which claims a policy's `set_aside:` reasons take out of the case.

The law judges each claim on its own: a time-barred claim is barred, a disputed claim is
stopped (inkassoloven § 17 second ledd), while the other claims against the same debtor
may still be collected (foreldelsesloven §§ 2–3 run per claim). A policy lists the
reasons in `set_aside:`, each a list expression over the case's claims
(`select(c for c in claims where …)`); a claim takes the first reason that holds it.

The reasons are evaluated on the whole case. The rules and amounts then run on the case
with only the remaining claims, so every figure (the ledger, the salær band, the
commission basis) covers exactly the claims being collected. When no claim remains, the
case is decided by the first reason, in policy order, that set a claim aside, and its
amounts are those of a case with no claim and no costs: only what was paid shows (a
time-barred claim's interest and costs are barred with it, foreldelsesloven § 24, and no
costs may be claimed on a disputed claim, inkassoloven § 17 second ledd).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..core.errors import EvaluationError
from ..run.compiled_values import CompiledValues
from ..run.evaluator import Evaluator
from ..run.plan import needs
from ..run.runtime import Bound, CheckedRule, CheckedVersion, Run

__all__ = ["SetAside", "set_aside", "remaining_case", "deciding_reason", "set_aside_json"]


@dataclass(frozen=True)
class SetAside:
    """One claim taken out of the case, and the reason (a `set_aside:` entry) that took it."""

    claim: dict
    reason: CheckedRule

    @property
    def invoice(self) -> str:
        return self.claim["invoice"]


def set_aside(case: dict, as_of: dt.date, bindings: dict[str, Bound], main: CheckedVersion,
              compiled: bool = False) -> list[SetAside]:
    """The claims the main version's reasons set aside, in the case's claim order. `compiled`:
    the reasons by compiled code where nothing raises (run/compiled_values.py; the same claims)."""
    if not main.set_aside:
        return []
    taken: dict[int, CheckedRule] = {}
    if compiled:
        try:
            values = CompiledValues(bindings, case, as_of)
            for entry in main.set_aside:
                for claim in values.value(entry.when, main.name):
                    taken.setdefault(id(claim), entry)
            return [SetAside(c, taken[id(c)]) for c in case["claims"] if id(c) in taken]
        except Exception:   # noqa: BLE001 - anything raised: the reference evaluator decides, with its errors
            taken = {}
    run = Run(case, as_of, bindings, main.name)
    evaluator = Evaluator(run)
    bound = run.bound(main.name)
    done: set = set()
    for entry in main.set_aside:
        try:
            for policy, name in needs(entry.when, bindings, done):
                evaluator.definition(policy, name)
            held = evaluator.value(entry.when, bound)
        except EvaluationError as err:
            err.message = f"set-aside reason `{entry.rule.id}`: {err.message}"
            raise
        for claim in held:
            taken.setdefault(id(claim), entry)
    return [SetAside(c, taken[id(c)]) for c in case["claims"] if id(c) in taken]


def remaining_case(case: dict, aside: list[SetAside]) -> dict:
    """The case with only the claims being collected (the same dict when none is set aside)."""
    if not aside:
        return case
    gone = {id(s.claim) for s in aside}
    return {**case, "claims": [c for c in case["claims"] if id(c) not in gone]}


def deciding_reason(main: CheckedVersion, aside: list[SetAside]) -> CheckedRule:
    """When no claim remains: the first reason, in policy order, that set a claim aside."""
    used = {id(s.reason) for s in aside}
    return next(entry for entry in main.set_aside if id(entry) in used)


def set_aside_json(aside: list[SetAside]) -> list[dict[str, Any]]:
    """`[{claim, reason, source, text}]` for the decision JSON."""
    return [{"claim": s.invoice, "reason": s.reason.rule.id, "source": s.reason.rule.source,
             "text": dict(s.reason.rule.explain)} for s in aside]
