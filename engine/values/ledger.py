"""The case ledger: claims, costs and payments over time, with late interest between them.

Interest (simple, actual/365, split at every rate change) runs on each claim's unpaid
principal from the day after its due date. A payment first settles the interest accrued
up to and including its date, then is shared out over the buckets `costs`, `interest`
and `principal` in the order the policy states; principal is paid oldest claim first.
A cost counts from its own date, so a payment never pays a fee charged after it.

Amounts are kept exact while the ledger runs; the result is rounded to the øre (half
up) once, at the end, so the order of payments never accumulates rounding error.

The § 3a compensation (forsinkelsesrenteloven § 3a, business debtors) is a cost like the
fees: it falls due the day after the oldest claim's due date (when late interest can be
claimed) and payments settle it in the `costs` bucket. It is offset against the collection
costs, never added to them (inkassoforskriften §§ 1-5 and 2-6): the costs owed are at
every moment the larger of the compensation and the fees charged so far, so each charge
adds only what lifts that larger amount.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from .interest import anniversary, compounds, simple_interest
from .money import round_ore

__all__ = ["BUCKETS", "parse_order", "settle"]

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


def _fmt(amount: Decimal) -> str:
    return f"{round_ore(amount):.2f}"


def _accrue(claims: list[_Claim], start: dt.date, end: dt.date, schedule) -> Decimal:
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
             ) -> list[tuple[dt.date, Decimal, str]]:
    """Dated cost charges up to `to`: each fee, and the § 3a compensation offset against them."""
    fees = sorted(((e["date"], e["fee"]) for e in costs if e["fee"] and e["date"] <= to), key=lambda x: x[0])
    comp_day = min((c.due for c in book), default=None)
    comp_day = comp_day + dt.timedelta(days=1) if comp_day is not None else None
    if not compensation or comp_day is None or comp_day > to:
        return [(day, fee, "cost") for day, fee in fees]
    items = sorted([(day, 1, fee) for day, fee in fees] + [(comp_day, 0, compensation)], key=lambda x: (x[0], x[1]))
    level = fees_so_far = _ZERO
    comp = _ZERO
    out = []
    for day, kind, amount in items:
        if kind == 0:
            comp = amount
        else:
            fees_so_far += amount
        new_level = max(comp, fees_so_far)
        if new_level > level:
            what = "§ 3a compensation (offset against fees)" if kind == 0 else "cost"
            out.append((day, new_level - level, what if new_level - level == amount else f"{what}, {_fmt(amount)} less the offset"))
        level = new_level
    return out


def settle(claims: Iterable[dict], costs: Iterable[dict], payments: Iterable[dict], to: dt.date,
           schedule: list[tuple[dt.date, Decimal]], order: str, creditor_order: str | None = None,
           compensation: Decimal | None = None, journal: list[str] | None = None) -> dict[str, Any]:
    """Run the ledger up to `to`; payments marked `to: creditor` may follow their own order.

    `compensation`, when given, is the § 3a amount: a cost from the day after the oldest
    claim's due date, offset against the fees (see the module docstring).
    `journal`, when given, receives one line per step of the computation (for explain).

    >>> rates = [(dt.date(2026, 1, 1), Decimal("0.12"))]
    >>> claims = [{"due": dt.date(2026, 1, 15), "amount": Decimal("1000"), "credited": Decimal(0)}]
    >>> fees = [{"date": dt.date(2026, 2, 1), "fee": Decimal("38")}]
    >>> pays = [{"date": dt.date(2026, 3, 1), "amount": Decimal("100")}]
    >>> r = settle(claims, fees, pays, dt.date(2026, 3, 31), rates, "costs, interest, principal")
    >>> r["costs"], r["interest"], r["principal"], r["total"]    # by hand: see tests/test_ledger.py
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
    note = journal.append if journal is not None else (lambda line: None)
    note(f"principal {_fmt(sum((c.unpaid for c in book), _ZERO))} in {len(book)} claim(s), "
         f"interest from the day after each due date")
    for payment in paid_in:
        day = payment["date"]
        new_interest = _accrue(book, cursor, day, schedule)
        accrued += new_interest
        unpaid_interest += new_interest
        cursor = max(cursor, day)
        while charge_at < len(charges) and charges[charge_at][0] <= day:
            unpaid_costs += charges[charge_at][1]
            note(f"{charges[charge_at][0]}  {charges[charge_at][2]} {_fmt(charges[charge_at][1])}")
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
            taken.append(f"{bucket} {_fmt(take)}")
        note(f"{day}  interest so far {_fmt(accrued)}; paid {_fmt(payment['amount'])} to the {payer}: "
             + ", ".join(taken) + (f", overpaid {_fmt(left)}" if left > 0 else ""))
        overpaid += left
    new_interest = _accrue(book, cursor, to, schedule)
    accrued += new_interest
    unpaid_interest += new_interest
    for day, fee, what in charges[charge_at:]:
        unpaid_costs += fee
        note(f"{day}  {what} {_fmt(fee)}")

    note(f"{to}  interest accrued {_fmt(accrued)} in all; unpaid: principal {_fmt(sum((c.unpaid for c in book), _ZERO))}, "
         f"interest {_fmt(unpaid_interest)}, costs {_fmt(unpaid_costs)}")

    principal = round_ore(sum((c.unpaid for c in book), _ZERO))
    interest, costs_left = round_ore(unpaid_interest), round_ore(unpaid_costs)
    return {
        "principal": principal, "interest": interest, "costs": costs_left,
        "total": principal + interest + costs_left,
        "interest_accrued": round_ore(accrued), "paid": round_ore(paid), "overpaid": round_ore(overpaid),
    }
