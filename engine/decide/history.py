"""The case's history judged by the law: recorded fees the law did not allow are not owed.

Each fee recorded in a case's events is judged as the decision that charged it would be
judged today: on the event's date, with the events before it (already judged) as the
history and the law's version in force on that date. A fee that breaks a constraint
becomes a warning (with the constraint's source) and is set to 0 (in the policy's currency) before the case
reaches any evaluator, so the ledger never adds it to what the debtor owes. The letter
itself stays in the history (it was sent). Constraints marked `history: false` (such as
the deadline a new letter must state) are not applied to recorded letters.
"""
from __future__ import annotations

from decimal import Decimal

from ..core.errors import UsageError
from ..run.runtime import CheckedVersion
from .enforce import constrained, violations
from .notice import Notice
from ..policy.record import record_of

__all__ = ["judge_history", "salaer_steps"]

_ZERO = Decimal("0.00")


def salaer_steps(main: CheckedVersion) -> frozenset[str]:
    """Steps the process charges as salær (a rule recording the step has a `salaer` output)."""
    return frozenset(r.rule.step for r in main.rules if r.rule.step is not None and "salaer" in r.outputs)


_MEMO: dict = {}       # the judgment does not depend on the decision date: one per history


def judge_history(catalog, main: CheckedVersion, case: dict, include_drafts: bool = False) -> tuple[dict, list[str]]:
    """The case with every unlawful recorded fee set to 0, and one warning per such fee."""
    events = case.get("events") or []
    if not any(e["fee"] for e in events):
        return case, []
    key = (id(catalog), main.version.key, include_drafts,
           repr([case.get(k) for k in ("claims", "payments", "events", "debtor", "creditor", "agreement")]))
    if key in _MEMO:
        kept, warnings = _MEMO[key]
        return {**case, "events": kept}, list(warnings)
    if len(_MEMO) > 4096:
        _MEMO.clear()
    judged, warnings = _judge(catalog, main, case, include_drafts)
    _MEMO[key] = (judged["events"], tuple(warnings))
    return judged, warnings


def _judge(catalog, main: CheckedVersion, case: dict, include_drafts: bool) -> tuple[dict, list[str]]:
    events = case["events"]
    as_salaer = salaer_steps(main)
    kept: list[dict] = []
    warnings: list[Notice] = []
    for i, event in enumerate(events):
        if event["fee"]:
            day = event["date"]
            try:
                bindings = catalog.bind(main, day, include_drafts)
            except UsageError:
                warnings.append(Notice("fee_unchecked", index=i, step=event["step"], day=day, fee=event["fee"]))
                kept.append(event)
                continue
            if constrained(bindings, main.name):
                then = {**case, "events": list(kept),
                        "payments": [p for p in case.get("payments") or () if p["date"] <= day]}
                # the recorded letter as the decision that sent it: its fee (as salær too where
                # the process charges the step as salær) and its payment deadline
                given = {"fee": event["fee"], "salaer": event["fee"] if event["step"] in as_salaer else None,
                         "payment_deadline": event["due"]}
                record = record_of(event["step"], event["step"], given, None)
                broken = violations(bindings, main.name, then, day, record, history=True)
                if broken:
                    code = main.jurisdiction.currency if main.jurisdiction is not None else ""
                    warnings += [Notice("fee_not_owed", index=i, step=event["step"], day=day, fee=event["fee"],
                                        currency=code, constraint=v.constraint, rule=v.name) for v in broken]
                    event = {**event, "fee": _ZERO}
        kept.append(event)
    return {**case, "events": kept}, warnings
