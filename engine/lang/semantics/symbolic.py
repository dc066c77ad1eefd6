"""The symbolic forms of the semantics table: what each entry means over SMT terms.

A parallel table keyed exactly like the entries it belongs to (`OPERATORS`' keys, the
names of `FUNCTIONS`, `AGGREGATES` and `COMPARISONS`, `UNARY`'s operators), so each
meaning still has one place: the scalar form beside it is the reference, and
tests/lang/test_symbolic_semantics.py checks every symbolic form against it on random values.
`engine/prove` walks the checked AST and takes every operation from here, as the other
drivers do from their forms.

Like the columnar forms, a symbolic form receives a kit as its first argument
(`engine/prove/kit.py`: `s.z3`, `s.ite`, `s.Opt`, the abstract functions), so this
module never imports the solver. The encoding:

- Money is a real number of øre (a case's amounts are whole øre; `* 12.25 %` may leave a
  fraction until a rounding), rounded exactly (`round_minor` is half away from zero to a
  whole øre, `round_major` to 100 øre, `floor_major` down to 100 øre; the aliases the same);
- Number and Percent are rationals (a Percent is its fraction); Date is a day number
  (`date.toordinal()`), day and month durations are whole numbers;
- an optional value is `s.Opt(defined, value)`; a list is slots `(present, item)`;
- bracket tables and schedules (constant rows) are `ite` chains;
- `+ months`, `next_business_day`, `add_business_days`, `is_business_day`, `interest` and
  `settle` are abstract: the kit gives uninterpreted terms with axioms that a test checks
  against the engine (`ABSTRACT` lists them).
"""
from __future__ import annotations

from typing import Any, Callable

from .. import types as T
from .functions import ALIASES

__all__ = ["SYMBOLIC_OPERATORS", "SYMBOLIC_UNARY", "SYMBOLIC_COMPARISONS", "SYMBOLIC_FUNCTIONS",
           "SYMBOLIC_AGGREGATES", "ABSTRACT", "round_half_up", "round_floor"]

MONEY, NUMBER, PERCENT, DATE, DAYS, MONTHS = T.MONEY, T.NUMBER, T.PERCENT, T.DATE, T.DAYS, T.MONTHS

# The entries whose symbolic form is an uninterpreted term with axioms (docs/law-enforces.md, "proved").
ABSTRACT = ("+ months", "- months", "next_business_day", "add_business_days", "is_business_day", "interest", "settle")


# ── exact roundings over real øre ─────────────────────────────────────────────
def round_half_up(s: Any, x: Any, unit: int) -> Any:       # s: the prover's Kit; x: a z3 real
    """`x` rounded to a multiple of `unit`, ties away from zero (Decimal ROUND_HALF_UP)."""
    z3 = s.z3
    up = z3.ToReal(z3.ToInt(x / unit + z3.RealVal("1/2"))) * unit
    down = -z3.ToReal(z3.ToInt(-x / unit + z3.RealVal("1/2"))) * unit
    return z3.If(x >= 0, up, down)


def round_floor(s: Any, x: Any, unit: int) -> Any:
    z3 = s.z3
    return z3.ToReal(z3.ToInt(x / unit)) * unit


# ── operators ─────────────────────────────────────────────────────────────────
def _arith(op: str) -> Callable:
    return {"+": lambda s, a, b: a + b, "-": lambda s, a, b: a - b,
            "*": lambda s, a, b: a * b, "/": lambda s, a, b: a / b}[op]


def _whole(s, x):
    """A day or month count times a Number: whole (a fraction is an evaluation error in the scalar form)."""
    return s.z3.ToInt(x) if s.z3.is_real(x) else x


def _dur_times(s, a, b):
    return _whole(s, a * b)


def _date_months(sign: int, date_first: bool = True) -> Callable:
    def form(s, a, b):
        date, months = (a, b) if date_first else (b, a)
        return s.add_months(date, months if sign > 0 else -months)
    return form


_PLAIN_SIGNATURES = [
    ("+", MONEY, MONEY), ("-", MONEY, MONEY), ("*", MONEY, NUMBER), ("*", NUMBER, MONEY),
    ("*", MONEY, PERCENT), ("*", PERCENT, MONEY), ("/", MONEY, NUMBER), ("/", MONEY, MONEY),
    ("+", NUMBER, NUMBER), ("-", NUMBER, NUMBER), ("*", NUMBER, NUMBER), ("/", NUMBER, NUMBER),
    ("+", PERCENT, PERCENT), ("-", PERCENT, PERCENT), ("*", PERCENT, NUMBER), ("*", NUMBER, PERCENT),
    ("/", PERCENT, NUMBER), ("+", NUMBER, PERCENT), ("-", NUMBER, PERCENT),
    ("+", DATE, DAYS), ("-", DATE, DAYS), ("+", DAYS, DATE), ("-", DATE, DATE),
    ("+", DAYS, DAYS), ("-", DAYS, DAYS), ("+", MONTHS, MONTHS), ("-", MONTHS, MONTHS),
]
# Money / Money is a Number: øre / øre is the same ratio as kroner / kroner.
SYMBOLIC_OPERATORS: dict[tuple[str, T.Type, T.Type], Callable] = {
    **{(op, left, right): _arith(op) for op, left, right in _PLAIN_SIGNATURES},
    ("+", DATE, MONTHS): _date_months(1), ("-", DATE, MONTHS): _date_months(-1),
    ("+", MONTHS, DATE): _date_months(1, date_first=False),
    ("*", DAYS, NUMBER): _dur_times, ("*", NUMBER, DAYS): _dur_times,
    ("*", MONTHS, NUMBER): _dur_times, ("*", NUMBER, MONTHS): _dur_times,
}

SYMBOLIC_UNARY: dict[str, Callable] = {
    "-": lambda s, x: -x,
    "not": lambda s, x: s.z3.Not(x),
}


# ── comparisons (an optional operand is `s.Opt`; `none` is `s.Opt(False, None)`) ─
def _equal(s, a, b):
    z3 = s.z3
    if isinstance(a, s.Opt) or isinstance(b, s.Opt):
        a, b = s.as_opt(a), s.as_opt(b)
        if a.value is None or b.value is None:
            return z3.And(z3.Not(a.defined), z3.Not(b.defined)) if a.value is None and b.value is None else \
                z3.Not(b.defined if a.value is None else a.defined)
        return z3.And(a.defined == b.defined, z3.Or(z3.Not(a.defined), a.value == b.value))
    return a == b


def _order(op: Callable) -> Callable:
    # an ordering with an undefined optional is an evaluation error in the scalar form: no decision
    return lambda s, a, b: op(s.plain(a), s.plain(b))


SYMBOLIC_COMPARISONS: dict[str, Callable] = {
    "==": _equal,
    "!=": lambda s, a, b: s.z3.Not(_equal(s, a, b)),
    "<": _order(lambda a, b: a < b), "<=": _order(lambda a, b: a <= b),
    ">": _order(lambda a, b: a > b), ">=": _order(lambda a, b: a >= b),
}


# ── functions ─────────────────────────────────────────────────────────────────
def _extreme(pick_left: Callable) -> Callable:
    def form(s, *args):
        out = args[0]
        for x in args[1:]:
            out = s.ite(pick_left(x, out), x, out)
        return out
    return form


def _abs(s, x):
    return s.ite(x >= 0, x, -x)


def _first_row(s: Any, rows: Any, key: Any, holds: Callable, value_type: T.Type, key_type: T.Type) -> Any:
    """The value of the first row whose bound holds for the key; past the last row the scalar
    form raises (no decision), here the last row's value stands in."""
    out = s.literal(rows[-1][1], value_type)
    if rows and rows[-1][0] is not None:         # no row without a bound: past the last, the scalar form raises
        s.failure(s.z3.Not(holds(key, s.literal(rows[-1][0], key_type))))
    for bound, value in reversed(rows):
        if bound is None:
            out = s.literal(value, value_type)
            continue
        out = s.ite(holds(key, s.literal(bound, key_type)), s.literal(value, value_type), out)
    return out


def _lookup(s, table, key, types):
    return s.over_rows(table, lambda rows: _first_row(s, rows, key, lambda k, b: k <= b, types[0].value, types[0].key))


def _value_on(s, schedule, date, types):
    return s.over_rows(schedule, lambda rows: _first_row(s, rows, date, lambda k, b: k >= b, types[0].value, DATE))


def _progressive(s, amount, table, types):
    return s.over_rows(table, lambda rows: _progressive_rows(s, amount, rows, types))


def _progressive_rows(s, amount, table, types):
    key = types[1].key
    total, lower = s.literal(0, key), 0
    for up_to, rate in table:
        top = amount if up_to is None else s.ite(amount < s.literal(up_to, key), amount, s.literal(up_to, key))
        low = s.literal(lower, key)
        total = total + s.ite(amount > low, (top - low) * s.literal(rate, T.NUMBER), s.literal(0, key))
        if up_to is None:
            break
        lower = up_to
    return total


def _days_between(s, a, b):
    return s.z3.ToReal(b - a)


# Forms taking `types` (the argument types) get them as a keyword; the calendar functions get
# the policy's calendar from the kit's abstract functions (`s.next_business_day(calendar, d)`).
SYMBOLIC_FUNCTIONS: dict[str, Callable] = {
    "min": _extreme(lambda x, acc: x < acc),
    "max": _extreme(lambda x, acc: x > acc),
    "abs": _abs,
    "round_minor": lambda s, x: round_half_up(s, x, 1),
    "round_major": lambda s, x: round_half_up(s, x, 100),
    "floor_major": lambda s, x: round_floor(s, x, 100),
    "days_between": _days_between,
    "lookup": _lookup,
    "value_on": _value_on,
    "progressive": _progressive,
    "interest": lambda s, amount, start, end, schedule, types: s.interest(amount, start, end, schedule),
    "settle": lambda s, *args, types: s.settle(args, types),
    "next_business_day": lambda s, calendar, d: s.next_business_day(calendar, d),
    "add_business_days": lambda s, calendar, d, n: s.add_business_days(calendar, d, n),
    "is_business_day": lambda s, calendar, d: s.is_business_day(calendar, d),
}
SYMBOLIC_FUNCTIONS.update({alias: SYMBOLIC_FUNCTIONS[name] for alias, name in ALIASES.items()})   # one meaning
TAKES_TYPES = frozenset({"lookup", "value_on", "progressive", "interest", "settle"})


# ── aggregates: `slots` are (picked, item) pairs, picked a Bool term ─────────
def _sum(s, slots, result):
    zero = s.literal(0, result)
    total = zero
    for picked, item in slots:
        total = total + s.ite(picked, item, zero)
    return total


def _count(s, slots, result):
    z3 = s.z3
    return z3.Sum([z3.If(p, z3.RealVal(1), z3.RealVal(0)) for p, _ in slots]) if slots else z3.RealVal(0)


def _fold_extreme(better: Callable) -> Callable:
    def form(s, slots, result):
        z3 = s.z3
        defined, value = z3.BoolVal(False), None
        for picked, item in slots:      # keeps the first extreme element, as min()/max() do
            take = z3.And(picked, z3.Or(z3.Not(defined), better(item, value))) if value is not None else picked
            value = item if value is None else s.ite(take, item, value)
            defined = z3.Or(defined, picked)
        return s.Opt(defined, value)
    return form


def _first(s, slots, result):
    z3 = s.z3
    defined, value = z3.BoolVal(False), None
    for picked, item in reversed(slots):
        value = item if value is None else s.ite(picked, item, value)
        defined = z3.Or(defined, picked)
    return s.Opt(defined, value)


def _last(s, slots, result):
    z3 = s.z3
    defined, value = z3.BoolVal(False), None
    for picked, item in slots:
        value = item if value is None else s.ite(picked, item, value)
        defined = z3.Or(defined, picked)
    return s.Opt(defined, value)


SYMBOLIC_AGGREGATES: dict[str, Callable] = {
    "sum": _sum,
    "count": _count,
    "any": lambda s, slots, result: s.z3.Or([s.z3.And(p, x) for p, x in slots] or [s.z3.BoolVal(False)]),
    "all": lambda s, slots, result: s.z3.And([s.z3.Implies(p, x) for p, x in slots] or [s.z3.BoolVal(True)]),
    "min": _fold_extreme(lambda x, acc: x < acc),
    "max": _fold_extreme(lambda x, acc: x > acc),
    "first": _first,
    "last": _last,
    "select": lambda s, slots, result: list(slots),
}


def form_of(kind: str, key: Any) -> Callable:
    """The symbolic form of one entry (`kind`: operator, unary, comparison, function, aggregate)."""
    tables: dict[str, dict[Any, Callable]] = {
        "operator": SYMBOLIC_OPERATORS, "unary": SYMBOLIC_UNARY, "comparison": SYMBOLIC_COMPARISONS,
        "function": SYMBOLIC_FUNCTIONS, "aggregate": SYMBOLIC_AGGREGATES}
    return tables[kind][key]
