"""The part of a charge the law caps on its own (the output registry's `charge_part` role:
Norway's salær), as the history check (history.py) judges it in a recorded letter.

Which output plays the role, which steps charge it and which law version judges it are the
jurisdiction's data, not the engine's: the jurisdiction file names the output
(`outputs: {charge_part: salaer}`) and, under `law`, the day whose law version judges a
recorded part (`charge_part_judged_on`): `charged` (the letter's own date, as every other fee)
or `principal_paid` (the day payments covered the principal, else the decision date: Norway's
inkassoforskriften § 2-2 last ledd, the sats in force when the principal is paid, the same day
a new salær is charged at).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from ..policy.outputs import by_role

if TYPE_CHECKING:
    from ..run.runtime import CheckedVersion

__all__ = ["part_steps", "judging_day", "recorded_outputs"]

_ZERO = Decimal("0.00")


def _roles(main: CheckedVersion) -> dict:
    return by_role(main.jurisdiction)


def part_steps(main: CheckedVersion) -> frozenset[str]:
    """Steps the process charges as the charge's part (a rule recording the step gives that output)."""
    part = _roles(main).get("charge_part")
    if part is None:
        return frozenset()
    return frozenset(r.rule.step for r in main.rules if r.rule.step is not None and part.name in r.outputs)


def judging_day(main: CheckedVersion, case: dict, as_of: dt.date | None) -> dt.date | None:
    """The day whose law version judges a recorded charge part, or None: its own date."""
    j = main.jurisdiction
    if as_of is None or j is None or getattr(j, "part_judged_on", "charged") != "principal_paid":
        return None
    claims = [c for c in case.get("claims") or () if not c.get("disputed", False)]
    principal = sum((c["amount"] - c.get("credited", _ZERO) for c in claims), _ZERO)
    paid = [p for p in case.get("payments") or () if p["date"] <= as_of]
    if paid and sum((p["amount"] for p in paid), _ZERO) >= principal:
        return max(p["date"] for p in paid)
    return as_of


Fee = TypeVar("Fee")
Due = TypeVar("Due")


def recorded_outputs(main: CheckedVersion, fee: Fee, as_part: bool, due: Due) -> dict[str, Fee | Due | None]:
    """A recorded letter as the decision that sent it, by role: its charge (and the charge's part,
    where the process charges the step as that) and its deadline (generic: the columnar history
    passes role markers in place of a Decimal fee and a date)."""
    roles = _roles(main)
    given: dict[str, Fee | Due | None] = {roles["charge"].name: fee, roles["deadline"].name: due}
    if "charge_part" in roles:
        given[roles["charge_part"].name] = fee if as_part else None
    return given
