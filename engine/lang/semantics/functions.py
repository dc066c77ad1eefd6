"""The built-in functions: the only functions a policy can call, one `Function` entry each.

An entry holds the type rule (argument types → result type, or a message saying what is
wrong), the scalar implementation over run-time values, whether it needs the policy's
business-day calendar, and its column form (`columnar`), or None: the columnar evaluator
then runs it per case. Nothing else is callable from policy text. Adding a function is
adding one entry here (docs/architecture.md, "Adding a function").

The rounding functions are named for the currency's units (`round_minor`, `round_major`,
`floor_major`); the Norwegian names the language began with (`round_ore`, `round_kr`,
`floor_kr`) stay as documented aliases (`ALIASES`): the same entry under another name, so
every evaluator, the checker and the prover give them one meaning.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any, Callable

from ...core.errors import EvaluationError
from ...values.interest import interest_on
from ...values.money import DOWN_TO_KR, TO_KR, TO_ORE, floor_kr, round_kr, round_ore
from .. import types as T
from .business_days import BUSINESS_DAY_FUNCTIONS
from .entry import Function
from .entry import fixed_signature as _fixed
from .tables import TABLE_FUNCTIONS, lookup_bracket

__all__ = ["FUNCTIONS", "LEDGER", "ALIASES", "lookup_bracket"]


def _same_orderable(args: list[T.Type]) -> T.Type | str:
    first = args[0]
    if first not in (T.MONEY, T.NUMBER, T.PERCENT, T.DATE, T.DAYS, T.MONTHS):
        return f"cannot take the minimum or maximum of {first}"
    for i, got in enumerate(args[1:], 2):
        if got != first:
            return f"argument {i} must be {first} like the first, not {got}"
    return first


def _numeric_same(args: list[T.Type]) -> T.Type | str:
    if args[0] not in (T.MONEY, T.NUMBER, T.PERCENT, T.DAYS):
        return f"argument 1 must be a number, amount or duration, not {args[0]}"
    return args[0]


def _interest_check(args: list[T.Type]) -> T.Type | str:
    amount, start, end, schedule = args
    if amount != T.MONEY:
        return f"argument 1 must be Money, not {amount}"
    if start != T.DATE or end != T.DATE:
        return "arguments 2 and 3 must be Dates (from, to)"
    if schedule != T.Schedule(T.PERCENT):
        return f"argument 4 must be a schedule of rates (Schedule[Percent]), not {schedule}"
    return T.MONEY


_LEDGER_LISTS = (
    ("claims", (("due", T.DATE), ("amount", T.MONEY))),
    ("costs", (("date", T.DATE), ("fee", T.MONEY))),
    ("payments", (("date", T.DATE), ("amount", T.MONEY))),
)
LEDGER = T.Record("Ledger", tuple((name, T.MONEY) for name in (
    "principal", "interest", "costs", "total", "interest_accrued", "paid", "overpaid")))


def _settle_check(args: list[T.Type]) -> T.Type | str:
    for i, (arg, (what, fields)) in enumerate(zip(args, _LEDGER_LISTS), 1):
        item = arg.item if isinstance(arg, T.ListOf) else None
        if not isinstance(item, T.Record) or any(item.field(f) != t for f, t in fields):
            need = ", ".join(f"{f}: {t}" for f, t in fields)
            return f"argument {i} must be a list of {what} (records with {need}), not {arg}"
    if args[3] != T.DATE:
        return f"argument 4 must be the Date to settle to, not {args[3]}"
    if args[4] != T.Schedule(T.PERCENT):
        return f"argument 5 must be a schedule of rates (Schedule[Percent]), not {args[4]}"
    for i, arg in enumerate(args[5:7], 6):
        if arg != T.TEXT:
            return f'argument {i} must be an allocation order such as "costs, interest, principal", not {arg}'
    if len(args) == 8 and args[7] != T.MONEY:
        return f"argument 8 must be the fixed compensation offset against the costs (Money), not {args[7]}"
    return LEDGER


def _settle(*args):
    from ...values.ledger import settle
    try:
        return settle(*args)
    except ValueError as err:
        raise EvaluationError(str(err), help='write the order as "costs, interest, principal"') from None


def _settle_steps(*args: Any) -> list:
    """The ledger's computation as structured events (values/ledger.py `LedgerEvent`), for explain."""
    from ...values.ledger import settle
    events: list = []
    settle(*args, journal=events)
    return events


def _minmax(pick):
    return lambda *args: pick(args)


# ── column forms (k: the columnar kit; args: the argument columns) ────────────
def _col_minmax(name: str) -> Callable:
    def form(k, args, node):
        err = k.any_err(*(a.err for a in args))
        args = k.align(*args)
        pick = k.pl.min_horizontal if name == "min" else k.pl.max_horizontal
        return k.Col(pick(*(a.expr for a in args)), args[0].kind, args[0].scale, err)
    return form


def _col_abs(k, args, node):
    return k.replace(args[0], expr=args[0].expr.abs(), is_const=False)


def _col_round(rounding):
    return lambda k, args, node: k.round_fixed(args[0], rounding)


def _col_days_between(k, args, node):
    int64 = k.pl.Int64
    return k.Col(args[1].expr.cast(int64) - args[0].expr.cast(int64), "num", 0, k.any_err(*(a.err for a in args)))


FUNCTIONS: dict[str, Function] = {f.name: f for f in [
    Function("min", (2, None), _same_orderable, _minmax(min), _col_minmax("min"), doc="the smallest of its arguments"),
    Function("max", (2, None), _same_orderable, _minmax(max), _col_minmax("max"), doc="the largest of its arguments"),
    Function("abs", (1, 1), _numeric_same, abs, _col_abs, doc="absolute value"),
    Function("round_minor", (1, 1), _fixed(T.MONEY, result=T.MONEY), round_ore, _col_round(TO_ORE),
             doc="round to the currency's minor unit (0.01: øre, cent, öre), half up"),
    Function("round_major", (1, 1), _fixed(T.MONEY, result=T.MONEY), round_kr, _col_round(TO_KR),
             doc="round to whole units of the currency (krone, euro, krona), half up"),
    Function("floor_major", (1, 1), _fixed(T.MONEY, result=T.MONEY), floor_kr, _col_round(DOWN_TO_KR),
             doc="round down to whole units of the currency"),
    Function("days_between", (2, 2), _fixed(T.DATE, T.DATE, result=T.NUMBER),
             lambda a, b: Decimal((b - a).days), _col_days_between, doc="calendar days from the first date to the second"),
    *TABLE_FUNCTIONS,
    Function("interest", (4, 4), _interest_check, interest_on,
             doc="interest, actual/365, across rate changes: simple, or compounded yearly where the schedule says so"),
    Function("settle", (6, 8), _settle_check, _settle, steps=_settle_steps,
             doc="the ledger (principal, interest, costs, total, …) after payments, in the stated order; "
                 "argument 8: a fixed compensation owed from the day after the oldest due date, offset "
                 "against the fees (Norway: forsinkelsesrenteloven § 3a)"),
    *BUSINESS_DAY_FUNCTIONS,
]}

# The Norwegian names the language began with → the neutral entry each stands for (docs/language.md).
ALIASES = {"round_ore": "round_minor", "round_kr": "round_major", "floor_kr": "floor_major"}
FUNCTIONS.update({alias: replace(FUNCTIONS[name], name=alias, alias_of=name,
                                    doc=f"{FUNCTIONS[name].doc} (alias of `{name}`)")
                  for alias, name in ALIASES.items()})
