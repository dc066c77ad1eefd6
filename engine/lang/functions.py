"""The built-in function registry: the only functions a policy can call.

Each entry has a signature check (argument types → result type, or a message saying what
is wrong), an implementation over run-time values, and whether it needs the policy's
business-day calendar. The checker, the evaluator and the compiler all read this table;
nothing else is callable from policy text.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from . import types as T
from ..core.errors import EvaluationError
from ..values.interest import simple_interest, value_on
from ..values.money import floor_kr, round_kr, round_ore

__all__ = ["Function", "FUNCTIONS", "AGGREGATES", "lookup_bracket", "value_on", "simple_interest"]

Check = Callable[[list[T.Type]], "T.Type | str"]


@dataclass(frozen=True)
class Function:
    name: str
    arity: tuple[int, int | None]            # (min, max); None = any number
    check: Check
    impl: Callable[..., Any]
    needs_calendar: bool = False
    doc: str = ""


def _fixed(*params: T.Type, result: T.Type) -> Check:
    def check(args: list[T.Type]) -> T.Type | str:
        for i, (got, want) in enumerate(zip(args, params), 1):
            if got != want:
                return f"argument {i} must be {want}, not {got}"
        return result
    return check


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


def _lookup_check(args: list[T.Type]) -> T.Type | str:
    table, key = args
    if not isinstance(table, T.Table):
        return f"argument 1 must be a bracket table, not {table}"
    if key != table.key:
        return f"argument 2 must be {table.key} (the table's `up_to` type), not {key}"
    return table.value


def _value_on_check(args: list[T.Type]) -> T.Type | str:
    schedule, date = args
    if not isinstance(schedule, T.Schedule):
        return f"argument 1 must be a dated schedule, not {schedule}"
    if date != T.DATE:
        return f"argument 2 must be Date, not {date}"
    return schedule.value


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
        return f"argument 8 must be the § 3a compensation (Money), not {args[7]}"
    return LEDGER


def _settle(*args):
    from ..values.ledger import settle
    try:
        return settle(*args)
    except ValueError as err:
        raise EvaluationError(str(err), help='write the order as "costs, interest, principal"') from None


def lookup_bracket(table: list[tuple[Any, Any]], key: Any) -> Any:
    """The value of the first bracket whose `up_to` is at least `key` (the last has none).

    >>> lookup_bracket([(Decimal(500), "a"), (None, "b")], Decimal("500.01"))
    'b'
    """
    for up_to, value in table:
        if up_to is None or key <= up_to:
            return value
    raise EvaluationError(f"no bracket covers {key}", help="give the last bracket no `up_to`")


def _minmax(pick):
    return lambda *args: pick(args)


FUNCTIONS: dict[str, Function] = {f.name: f for f in [
    Function("min", (2, None), _same_orderable, _minmax(min), doc="the smallest of its arguments"),
    Function("max", (2, None), _same_orderable, _minmax(max), doc="the largest of its arguments"),
    Function("abs", (1, 1), _numeric_same, abs, doc="absolute value"),
    Function("round_ore", (1, 1), _fixed(T.MONEY, result=T.MONEY), round_ore, doc="round to øre, half up"),
    Function("round_kr", (1, 1), _fixed(T.MONEY, result=T.MONEY), round_kr, doc="round to whole kroner, half up"),
    Function("floor_kr", (1, 1), _fixed(T.MONEY, result=T.MONEY), floor_kr, doc="round down to whole kroner"),
    Function("days_between", (2, 2), _fixed(T.DATE, T.DATE, result=T.NUMBER),
             lambda a, b: Decimal((b - a).days), doc="calendar days from the first date to the second"),
    Function("lookup", (2, 2), _lookup_check, lookup_bracket, doc="value of the bracket containing the key"),
    Function("value_on", (2, 2), _value_on_check, value_on, doc="a schedule's value on a date"),
    Function("interest", (4, 4), _interest_check, simple_interest,
             doc="simple interest, actual/365, across rate changes"),
    Function("settle", (6, 8), _settle_check, _settle,
             doc="the ledger (principal, interest, costs, total, …) after payments, in the stated order; "
                 "argument 8: the § 3a compensation, a cost offset against the fees"),
    Function("next_business_day", (1, 1), _fixed(T.DATE, result=T.DATE),
             lambda cal, d: cal.next_business_day(d), needs_calendar=True, doc="the date, or the next business day"),
    Function("add_business_days", (2, 2), _fixed(T.DATE, T.NUMBER, result=T.DATE),
             lambda cal, d, n: cal.add_business_days(d, int(n)), needs_calendar=True, doc="count business days"),
    Function("is_business_day", (1, 1), _fixed(T.DATE, result=T.BOOL),
             lambda cal, d: cal.is_business_day(d), needs_calendar=True, doc="not a weekend or public holiday"),
]}

# Aggregates over a comprehension: name → (allowed item types or None for any, result rule)
AGGREGATES: dict[str, str] = {
    "sum": "the total",
    "count": "how many",
    "any": "whether any holds",
    "all": "whether all hold",
    "min": "the smallest (none if empty)",
    "max": "the largest (none if empty)",
    "first": "the first (none if empty)",
    "last": "the last (none if empty)",
    "select": "the list of the items (to pass a filtered list to a function)",
}
