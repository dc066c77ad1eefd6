"""The case ledger: claims, costs and payments over time, with late interest between them.

Interest (simple, actual/365, split at every rate change) runs on each claim's unpaid
principal from the day after its due date. A payment first settles the interest accrued
up to and including its date, then is shared out over the buckets `costs`, `interest`
and `principal` in the order the policy states; principal is paid oldest claim first.
A cost counts from its own date, so a payment never pays a fee charged after it.

Amounts are kept exact while the ledger runs; the result is rounded to the øre (half
up) once, at the end, so the order of payments never accumulates rounding error.

A fixed compensation (Norway: forsinkelsesrenteloven § 3a, business debtors) is a cost like the
fees: it falls due the day after the oldest claim's due date (when late interest can be
claimed) and payments settle it in the `costs` bucket. It is offset against the collection
costs, never added to them (inkassoforskriften §§ 1-5 and 2-6): the costs owed are at
every moment the larger of the compensation and the fees charged so far, so each charge
adds only what lifts that larger amount.

`settle(..., journal=[])` records how the ledger ran as structured events (`LedgerEvent`):
kinds and figures, no sentence. explain/words.py writes them in the reader's language from the
locale file's `ledger` phrases, so an explanation has no English left in it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from .interest import Schedule, anniversary, compounds, simple_interest
from .money import round_ore

__all__ = ["BUCKETS", "parse_order", "settle", "LedgerEvent", "EVENT_FIGURES"]

BUCKETS = ("costs", "interest", "principal")
_ZERO = Decimal(0)


def parse_order(text: str) -> tuple[str, ...]:
    """`"costs, interest, principal"` → the buckets in that order; each exactly once.

    >>> parse_order("interest,costs , principal")
    ('interest', 'costs', 'principal')
    """
    order = tuple(part.strip() for part in text.split(","))
    if sorted(order) != sorted(BUCKETS):
        raise ValueError(f"an allocation order names each of {', '.join(BUCKETS)} once, not `{text}`")
    return order


@dataclass
class _Claim:
    due: dt.date
    unpaid: Decimal
    capitalised: Decimal = _ZERO        # unpaid interest added to the base after a year (compounding)
    year_interest: Decimal = _ZERO      # interest of the running year, not yet capitalised
    years: int = 1                      # the next anniversary: due + `years` years


@dataclass(frozen=True)
class LedgerEvent:
    """One step of the ledger's computation (`kind`, one of EVENT_FIGURES) and its figures:
    amounts as exact Decimals (rounded when shown), days as dates, `payer` "collector" or
    "creditor", `taken` ((bucket, amount), ...) the buckets a payment settled, in order."""

    kind: str
    figures: dict


# Each kind of event and the figures it carries: a locale's `ledger` phrase of that kind may use them.
EVENT_FIGURES = {
    "opening": ("principal", "claims"),
    "cost": ("day", "amount", "full"),
    "cost_offset": ("day", "amount", "full"),
    "compensation": ("day", "amount", "full"),
    "compensation_offset": ("day", "amount", "full"),
    "payment": ("day", "interest", "amount", "payer", "taken", "overpaid"),
    "closing": ("day", "accrued", "principal", "interest", "costs"),
}


def _accrue(claims: list[_Claim], start: dt.date, end: dt.date, schedule: Schedule) -> Decimal:
    """Interest on the claims' unpaid principal for the days after `start` up to `end`; with a
    compounding schedule, each claim's unpaid interest of a full year (from its due date) is
    added to what its interest runs on (art. 6:119 lid 2 BW)."""
    if not compounds(schedule):
        return sum((simple_interest(c.unpaid, max(start, c.due), end, schedule) for c in claims if c.unpaid > 0), _ZERO)
    total = _ZERO
    for c in claims:
        cursor = max(start, c.due)
        while cursor < end:
            upto = min(anniversary(c.due, c.years), end)
            part = simple_interest(c.unpaid + c.capitalised, cursor, upto, schedule) if upto > cursor else _ZERO
            c.year_interest += part
            total += part
            if upto == anniversary(c.due, c.years):
                c.capitalised += c.year_interest
                c.year_interest = _ZERO
                c.years += 1
            cursor = max(cursor, upto)
    return total


def _pay_interest(claims: list[_Claim], amount: Decimal) -> None:
    """A payment of interest lowers the capitalised interest first (the oldest), claim by claim."""
    for c in claims:
        for attr in ("capitalised", "year_interest"):
            take = min(amount, getattr(c, attr))
            setattr(c, attr, getattr(c, attr) - take)
            amount -= take


def _charges(book: list[_Claim], costs: Iterable[dict], to: dt.date, compensation: Decimal | None
             ) -> list[tuple[dt.date, Decimal, str, Decimal]]:
    """Dated cost charges up to `to` as (day, amount, event kind, full amount): each fee, and the
    fixed compensation offset against them (an offset charge adds less than its full amount)."""
    fees = sorted(((e["date"], e["fee"]) for e in costs if e["fee"] and e["date"] <= to), key=lambda x: x[0])
    comp_day = min((c.due for c in book), default=None)
    comp_day = comp_day + dt.timedelta(days=1) if comp_day is not None else None
    if not compensation or comp_day is None or comp_day > to:
        return [(day, fee, "cost", fee) for day, fee in fees]
    items = sorted([(day, 1, fee) for day, fee in fees] + [(comp_day, 0, compensation)], key=lambda x: (x[0], x[1]))
    level = fees_so_far = _ZERO
    comp = _ZERO
    out: list[tuple[dt.date, Decimal, str, Decimal]] = []
    for day, kind, amount in items:
        if kind == 0:
            comp = amount
        else:
            fees_so_far += amount
        new_level = max(comp, fees_so_far)
        if new_level > level:
            what = "compensation" if kind == 0 else "cost"
            out.append((day, new_level - level, what if new_level - level == amount else f"{what}_offset", amount))
        level = new_level
    return out


def settle(claims: Iterable[dict], costs: Iterable[dict], payments: Iterable[dict], to: dt.date,
           schedule: list[tuple[dt.date, Decimal]], order: str, creditor_order: str | None = None,
           compensation: Decimal | None = None, *, journal: list[LedgerEvent] | None = None) -> dict[str, Any]:
    """Run the ledger up to `to`; payments marked `to: creditor` may follow their own order.

    `compensation`, when given, is a fixed compensation: a cost from the day after the oldest
    claim's due date, offset against the fees (see the module docstring).
    `journal`, when given, receives a `LedgerEvent` per step of the computation (for explain).

    >>> rates = [(dt.date(2026, 1, 1), Decimal("0.12"))]
    >>> claims = [{"due": dt.date(2026, 1, 15), "amount": Decimal("1000"), "credited": Decimal(0)}]
    >>> fees = [{"date": dt.date(2026, 2, 1), "fee": Decimal("38")}]
    >>> pays = [{"date": dt.date(2026, 3, 1), "amount": Decimal("100")}]
    >>> r = settle(claims, fees, pays, dt.date(2026, 3, 31), rates, "costs, interest, principal")
    >>> r["costs"], r["interest"], r["principal"], r["total"]    # by hand: see tests/values/test_ledger.py
    (Decimal('0.00'), Decimal('9.40'), Decimal('952.79'), Decimal('962.19'))
    """
    orders = {"collector": parse_order(order)}
    orders["creditor"] = parse_order(creditor_order) if creditor_order else orders["collector"]
    book = sorted((_Claim(c["due"], c["amount"] - c.get("credited", _ZERO))
                   for c in claims if not c.get("disputed", False)), key=lambda c: c.due)
    charges = _charges(book, costs, to, compensation)
    compounding = compounds(schedule)
    paid_in = sorted((p for p in payments if p["date"] <= to), key=lambda p: p["date"])

    unpaid_costs = accrued = unpaid_interest = overpaid = _ZERO
    paid = _ZERO
    cursor = min((c.due for c in book), default=to)
    charge_at = 0
    def note(kind: str, **figures: Any) -> None:
        if journal is not None:
            journal.append(LedgerEvent(kind, figures))
    note("opening", principal=sum((c.unpaid for c in book), _ZERO), claims=len(book))
    for payment in paid_in:
        day = payment["date"]
        new_interest = _accrue(book, cursor, day, schedule)
        accrued += new_interest
        unpaid_interest += new_interest
        cursor = max(cursor, day)
        while charge_at < len(charges) and charges[charge_at][0] <= day:
            charged_on, amount, kind, full = charges[charge_at]
            unpaid_costs += amount
            note(kind, day=charged_on, amount=amount, full=full)
            charge_at += 1
        left = payment["amount"]
        paid += left
        payer = payment.get("to", "collector")
        taken = []
        for bucket in orders[payer]:
            if left <= 0:
                break
            if bucket == "costs":
                take = min(left, unpaid_costs)
                unpaid_costs -= take
            elif bucket == "interest":
                take = min(left, unpaid_interest)
                unpaid_interest -= take
                if compounding:
                    _pay_interest(book, take)
            else:
                take = _ZERO
                for claim in book:
                    part = min(left - take, claim.unpaid)
                    claim.unpaid -= part
                    take += part
            left -= take
            taken.append((bucket, take))
        note("payment", day=day, interest=accrued, amount=payment["amount"], payer=payer, taken=tuple(taken),
             overpaid=left if left > 0 else None)
        overpaid += left
    new_interest = _accrue(book, cursor, to, schedule)
    accrued += new_interest
    unpaid_interest += new_interest
    for day, fee, kind, full in charges[charge_at:]:
        unpaid_costs += fee
        note(kind, day=day, amount=fee, full=full)

    note("closing", day=to, accrued=accrued, principal=sum((c.unpaid for c in book), _ZERO),
         interest=unpaid_interest, costs=unpaid_costs)

    principal = round_ore(sum((c.unpaid for c in book), _ZERO))
    interest, costs_left = round_ore(unpaid_interest), round_ore(unpaid_costs)
    return {
        "principal": principal, "interest": interest, "costs": costs_left,
        "total": principal + interest + costs_left,
        "interest_accrued": round_ore(accrued), "paid": round_ore(paid), "overpaid": round_ore(overpaid),
    }
