"""The law's own view of a case: what the law lets be owed, computed by the engine.

A process reports its own figures (`amounts.interest`, `amounts.fees`, `amounts.total`) and
chooses its own fees; the law must not take them on trust. The law's view is computed from
the case's facts (claims, recorded fees as judged by the law, payments) and the law's own
figures (the statutory interest schedule, the compensation, the allocation order), which
the jurisdiction file names under `law.view` (docs/law-enforces.md):

- `principal`: per claim (invoice → amount less credit notes), the claims being collected
  (undisputed; those set aside are not in the case the view is given);
- `interest_accrued`: statutory interest on the unpaid principal from the day after each
  due date (simple, actual/365, split at every rate change; compounded yearly where the
  schedule says so), and `interest`: the part payments have not settled;
- `costs_charged`: the costs the law lets be charged so far: the recorded fees it allowed
  (history judged first: `decide/history.py`) and the fixed compensation, offset against
  them; `costs`: the part payments have not settled;
- `paid`, `overpaid`, and `balance`: principal + interest + costs unpaid, every payment
  settled in the law's allocation order.

The law's order (costs, interest, principal in both bundled jurisdictions) keeps the
principal, on which interest runs, as high as any order can: no process's own order can
owe more interest or a larger total than the law's view, which is why amounts are judged
as upper bounds (`exceeds`). One implementation, read by `decide` (`decide/enforce.py`),
`batch`, `validate`'s search, and anything else that needs to know what the law allows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..core.errors import EvaluationError
from ..values.interest import value_on
from ..values.ledger import settle
from ..values.money import round_ore

if TYPE_CHECKING:
    from ..policy.jurisdiction import LawViewSpec
    from .runtime import CheckedVersion

__all__ = ["LawView", "law_view", "view_spec", "AMOUNT_BOUNDS"]

_ZERO = Decimal("0.00")

# amount name a process may report → the field of the view it may not exceed (the costs under
# either name the bundled processes use)
AMOUNT_BOUNDS = {"interest": "interest_accrued", "fees": "costs_charged", "costs": "costs_charged", "total": "balance"}


@dataclass(frozen=True)
class LawView:
    """The law's ledger of one case on one day (module docstring). Money exact to the øre."""

    as_of: dt.date
    law: str                                    # the law version whose figures it read, name@effective
    source: str                                 # the jurisdiction's `law.view.source`
    principal: dict[str, Decimal]               # invoice → amount less credit (undisputed claims)
    principal_unpaid: Decimal
    interest_accrued: Decimal
    interest: Decimal
    costs_charged: Decimal
    costs: Decimal
    paid: Decimal
    overpaid: Decimal
    balance: Decimal
    rates: tuple = field(default=(), repr=False)    # the interest schedule it used, newest first

    def to_json(self) -> dict[str, Any]:
        money = {k: f"{getattr(self, k):.2f}" for k in ("principal_unpaid", "interest_accrued", "interest",
                                                        "costs_charged", "costs", "paid", "overpaid", "balance")}
        return {"law": self.law, "as_of": self.as_of.isoformat(),
                "principal": {k: f"{v:.2f}" for k, v in self.principal.items()}, **money, "source": self.source}

    def bound_of(self, amount: str) -> Decimal | None:
        """The most the law lets a process report as `amount` (None: an amount the law does not judge)."""
        name = AMOUNT_BOUNDS.get(amount)
        return getattr(self, name) if name is not None else None

    def exceeds(self, amounts: dict[str, Any], charged: Decimal = _ZERO) -> list[tuple[str, Decimal, Decimal]]:
        """(amount, reported, the law's bound) for every reported amount above the law's view.

        `charged`: what the decision itself charges (fee or salær, judged by the constraints);
        a process may count it in its fees and total already.
        """
        out = []
        for name, value in amounts.items():
            bound = self.bound_of(name)
            if bound is None or value is None:
                continue
            if name != "interest":
                bound = bound + charged
            if value > bound:
                out.append((name, value, bound))
        return out


def view_spec(main: CheckedVersion) -> LawViewSpec | None:
    """The jurisdiction's `law.view` for the checked process version `main` (None: none)."""
    j = main.jurisdiction
    return j.view if j is not None else None


def law_view(bindings: dict, main: CheckedVersion, case: dict, as_of: dt.date) -> LawView | None:
    """The law's view of `case` on `as_of` (None when the process's jurisdiction names no view
    or its law is not bound).

    Args:
        bindings: name → Bound (the process and, by its jurisdiction, its law: `Catalog.bind`).
        main: the process's CheckedVersion.
        case: the case's run-time data as the evaluators see it: recorded fees already judged
            (an unlawful part set to 0) and claims set aside already removed.
    """
    spec = view_spec(main)
    if spec is None or spec.policy not in bindings:
        return None
    law = bindings[spec.policy].checked
    kind = (case.get("debtor") or {}).get("kind") or "consumer"
    rate_name = spec.interest_for(kind)
    rates = law.params.get(rate_name) if rate_name else None
    claims = [c for c in case.get("claims") or () if not c.get("disputed", False)]
    if rates is None:
        rates = [(dt.date.min, Decimal(0))]
    compensation = None
    comp_name = spec.compensation_for(kind)
    if comp_name and claims and comp_name in law.params:
        first_due = min(c["due"] for c in claims)
        try:
            compensation = value_on(law.params[comp_name], first_due)
        except EvaluationError:     # no entry that early: no compensation is the debtor's side
            compensation = None
    events = case.get("events") or ()
    payments = case.get("payments") or ()
    ledger = settle(claims, events, payments, as_of, rates, spec.order, None, compensation)
    fees = sum((e["fee"] for e in events if e["fee"] and e["date"] <= as_of), _ZERO)
    charged = max(fees, compensation) if compensation and claims and min(c["due"] for c in claims) < as_of else fees
    return LawView(
        as_of=as_of, law=law.version.key, source=spec.source,
        principal={str(c.get("invoice")): round_ore(c["amount"] - c.get("credited", _ZERO)) for c in claims},
        principal_unpaid=ledger["principal"], interest_accrued=ledger["interest_accrued"], interest=ledger["interest"],
        costs_charged=round_ore(charged), costs=ledger["costs"], paid=ledger["paid"], overpaid=ledger["overpaid"],
        balance=ledger["total"], rates=tuple(rates))
