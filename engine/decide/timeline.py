"""Timeline: a case projected forward, one decision after another, assuming no payment.

From the start date, decide; when the deciding rule names a `step`, record that step as an
event (its date, fee and payment deadline) and decide again on the next date: the
decision's `next_review`, else the day after its `payment_deadline`, else the next day. A
decision without a step moves on only to a later `not_before`/`next_review` (a wait);
otherwise the ladder ends there (legal review, close, hold), as it does when the same
step-less rule decides twice in a row with nothing new (monitoring). Every decision
resolves the versions in force on its own date, so a step after 1 January uses the new
year's figures. Payments given with `--pays` enter the case on their date, which is also a
decision date.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..core.errors import UsageError
from ..policy.case import case_from_data, pin_decision_date_defaults
from ..values.money import format_money, is_ore_exact, parse_money
from ..values.time import parse_date
from .decision import decide_case

if TYPE_CHECKING:
    from ..check.pipeline import Catalog
    from ..policy.case import LoadedCase
    from .decision import Decision

__all__ = ["Payment", "Row", "Timeline", "parse_payment", "project"]

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Payment:
    date: dt.date
    amount: Decimal


def parse_payment(text: str) -> Payment:
    """`AMOUNT@DATE`, as `--pays` takes it.

    >>> parse_payment("500.00@2026-04-01")
    Payment(date=datetime.date(2026, 4, 1), amount=Decimal('500.00'))
    """
    amount, at, day = text.partition("@")
    try:
        money = parse_money(amount.strip())
        date = parse_date(day.strip())
    except ValueError:
        raise UsageError(f"--pays `{text}` is not AMOUNT@DATE (e.g. 500.00@2026-04-01)") from None
    if not at or money <= 0 or not is_ore_exact(money):
        raise UsageError(f"--pays `{text}` is not AMOUNT@DATE with a positive amount in whole øre")
    return Payment(date, money)


@dataclass
class Row:
    """One decision of the projection."""

    date: dt.date
    decision: Decision
    versions: dict[str, str]        # policy name → name@effective bound on this date (main first)
    changes: list[str]              # versions that differ from the previous row
    paid: list[Payment]             # payments that entered the case on this date
    fees_so_far: Decimal            # the fees the row's total includes (costs_in_total), before this row's fee
    recorded: str | None            # the step recorded, if any


# The policy amount that holds the costs its total includes, by the names the bundled policies
# give it (Norwegian `fees`, Dutch `costs`).
COST_AMOUNTS = ("fees", "costs")


def costs_in_total(decision: Decision, events: list[dict]) -> Decimal:
    """The fees a row's total includes, on the same terms as the total (before the row's own fee).

    Why not the sum of every recorded fee: a fee the policy's total leaves out (the creditor's
    own purring, in an agency's ledger) made "fees so far" disagree with "total" (issue 20).
    A policy without such an amount: every recorded fee before this row."""
    for name in COST_AMOUNTS:
        if decision.amounts.get(name) is not None:
            return decision.amounts[name]
    return sum((e["fee"] for e in events), Decimal(0))


@dataclass
class Timeline:
    case_id: str
    policy: str
    start: dt.date
    until: dt.date | None
    payments: list[Payment]
    rows: list[Row]
    end: str                                   # why the projection stopped


def _next_date(decision: Decision, today: dt.date) -> dt.date | None:
    out = decision.outputs
    if decision.step:
        if out.get("next_review") and out["next_review"] > today:
            return out["next_review"]
        if out.get("payment_deadline") and out["payment_deadline"] >= today:
            return out["payment_deadline"] + ONE_DAY
        return today + ONE_DAY
    later = [d for d in (out.get("not_before"), out.get("next_review")) if d is not None and d > today]
    return min(later) if later else None


def _steady(rows: list[Row]) -> bool:
    """The last two decisions are the same step-less rule with no payment between: nothing will change."""
    if len(rows) < 2:
        return False
    last, before = rows[-1], rows[-2]
    return (last.recorded is None and not last.paid
            and last.decision.rule.rule.id == before.decision.rule.rule.id and before.recorded is None)


def _changes(before: dict[str, str] | None, now: dict[str, str], main: str, day: dt.date) -> list[str]:
    if before is None:
        return []
    notes = []
    for name, key in now.items():
        if before.get(name) != key:
            role = "" if name == main else "used policy "
            was = f" (was {before[name]})" if name in before else ""
            notes.append(f"{role}{key} from {day}{was}")
    return notes


def project(catalog: Catalog, case: LoadedCase, start: dt.date, until: dt.date | None = None,
            payments: Sequence[Payment] = (), policy: str | None = None, include_drafts: bool = False,
            max_steps: int = 60) -> Timeline:
    """Decide `case` on `start` and on every later date the ladder moves to.

    Raises:
        UsageError: `until` is before `start`, or `max_steps` is below 1; else as `decide_case` does.
        CaseError, EvaluationError: as `decide_case` does, on the first date that fails.
    """
    if until is not None and until < start:
        raise UsageError(f"--until {until} is before the start date {start}")
    if max_steps < 1:
        raise UsageError(f"--max-steps {max_steps}: at least one decision is needed")
    # Fields that default to the decision date (a claim's `handed_over`) keep the start date.
    data = pin_decision_date_defaults(case.raw, start)
    data.setdefault("events", [])
    data.setdefault("payments", [])
    pending = sorted(payments, key=lambda p: p.date)
    rows: list[Row] = []
    day = start
    before = None
    end = f"stopped after {max_steps} decisions (--max-steps)"
    for _ in range(max_steps):
        if until is not None and day > until:
            end = f"reached --until {until}"
            break
        paid = [p for p in pending if p.date <= day]
        pending = pending[len(paid):]
        data["payments"].extend({"date": p.date.isoformat(), "amount": format_money(p.amount)} for p in paid)
        loaded = case_from_data(data, case.path)
        decision = decide_case(catalog, loaded, day, policy, include_drafts, fast=True)
        versions = {name: b.version.key for name, b in sorted(decision.bindings.items(), key=lambda kv: kv[0] != decision.main)}
        rule = decision.rule.rule
        fees = costs_in_total(decision, loaded.data["events"])
        if rule.step:
            fee = decision.outputs.get("fee") or Decimal(0)
            deadline = decision.outputs.get("payment_deadline")
            event = {"step": rule.step, "date": day.isoformat(), "fee": format_money(fee)}
            if deadline is not None:
                event["due"] = deadline.isoformat()
            data["events"].append(event)
        rows.append(Row(day, decision, versions, _changes(before, versions, decision.main, day), paid, fees,
                        rule.step or None))
        before = versions
        following = _next_date(decision, day)
        if following is None:
            end = f"`{rule.action}` (rule `{rule.id}`) takes no step and sets no later date: the ladder ends here"
            break
        if _steady(rows) and not pending:
            end = (f"`{rule.action}` (rule `{rule.id}`) repeats with nothing new on the case: the ladder ends "
                   f"here (next review {following})")
            break
        if pending and pending[0].date < following:
            following = pending[0].date
        day = following
    return Timeline(case.case_id, rows[0].decision.version.version.name, start, until, list(payments), rows, end)
