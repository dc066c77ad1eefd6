"""The solver kit the symbolic forms receive (`engine/lang/semantics/symbolic.py`).

It holds what the forms share: the z3 module (imported here, lazily, from the optional
`prove` extra), `ite` over every kind of symbolic value, literals, optional values
(`Opt`), interned texts, and the abstract functions with their axioms. An abstract
function is an uninterpreted term; each application adds its axioms to `axioms`, which
the query asserts. tests/prove/test_prove_axioms.py checks every axiom against the engine.

- `d + k months` (k a constant): `lo_k <= f(d) - d <= hi_k`, the least and greatest day
  counts over one whole 400-year Gregorian cycle (the calendar repeats after it), and
  f is monotone between the applications in one query; a non-constant k gets the loose
  bounds 28k - 3 .. 31k + 3 days (mirrored for a negative k);
- `next_business_day(d)`: `d <= f(d) <= d + NEXT_BUSINESS_DAY_GAP`, monotone, and f(f(d)) = f(d);
- `interest(amount, from, to)`: 0 when `to <= from` or the amount is 0, else at least 0
  for an amount of at least 0;
- `settle(...)`: whole øre, none negative, `total = principal + interest + costs`, the
  principal left at most the undisputed claims' and at least that less the payments;
- `add_business_days`, `is_business_day`: no axioms.

`refine` states the date functions as the engine computes them around a model's days (for a
spurious counterexample only); `new_solver` fixes z3's random seeds.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ..core.errors import UsageError
from ..core.names import install_line
from ..lang import types as T
from ..lang.semantics import LEDGER
from ..values.time import DATE_MAX, DATE_MIN, Months, add_months

__all__ = ["Opt", "Choice", "Kit", "ProverMissing", "load_z3", "new_solver", "months_near", "month_bounds", "NEXT_BUSINESS_DAY_GAP", "MIN_DAY", "MAX_DAY"]

NEXT_BUSINESS_DAY_GAP = 6          # Easter: Maundy Thursday → the Tuesday after Easter Monday is 5
MIN_DAY, MAX_DAY = DATE_MIN.toordinal(), DATE_MAX.toordinal()     # the years a case file may name (parse_date)


class ProverMissing(UsageError):
    """`--prove` without the solver: a usage error (exit 2) naming the install line."""


def load_z3():
    """The z3 module, or a usage error saying how to install the `prove` extra."""
    try:
        import z3
    except ImportError:
        raise ProverMissing("`--prove` needs the SMT solver z3, which is not installed: "
                            f"{install_line('prove')} (or: pip install z3-solver)") from None
    return z3


MONTHS_NEAR = 6        # a refinement makes `+ months` exact this many months either side of the model's day
SEED = 0        # z3's random seeds: the same query gives the same model (and case file) on every run


def new_solver(z3, timeout_ms: int):
    """A solver with fixed random seeds, so a run is reproducible: the model z3 picks, and with it
    the counterexample printed, depends on the seeds (and only a timeout may still vary with load)."""
    z3.set_param("smt.random_seed", SEED)
    z3.set_param("sat.random_seed", SEED)
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.set("random_seed", SEED)
    return solver


def _fresh_context(z3) -> None:
    """Start a new z3 main context: a kit's terms then get the same ids, and z3 the same search and
    model, whatever queries ran before in the process (z3's term ids order its search). z3 has no
    public reset; `main_ctx()` makes a new context when the module's `_main_ctx` is None. The old
    context lives on while terms of it do."""
    core = getattr(z3, "z3", None)
    if core is not None and hasattr(core, "_main_ctx"):
        core._main_ctx = None


@dataclass(frozen=True)
class Opt:
    """An optional value: `defined` a Bool term, `value` a term (None for the literal `none`)."""

    defined: Any
    value: Any


@lru_cache(maxsize=64)
def month_bounds(months: int) -> tuple[int, int]:
    """The fewest and most days `add_months(d, months)` moves any date, over a 400-year cycle."""
    start = dt.date(2000, 1, 1).toordinal()
    gaps = [add_months(dt.date.fromordinal(n), months).toordinal() - n for n in range(start, start + 146097)]
    return min(gaps), max(gaps)


@dataclass(frozen=True)
class Choice:
    """`if cond then a else b` over two constant tables or schedules (rows, not terms)."""

    cond: Any
    then: Any
    else_: Any


def _is_slots(v) -> bool:
    """A term, an optional, a record or a list of slots: anything but constant rows."""
    if isinstance(v, list):
        return all(isinstance(x, tuple) and len(x) == 2 and not _is_constant(x[0]) for x in v)
    return not _is_constant(v)


def _is_constant(v) -> bool:
    return isinstance(v, (Decimal, int, dt.date, Months, str, tuple, Choice)) and not isinstance(v, bool) or v is None


OptValue = Opt      # the class, under a name Kit's methods can annotate with (Kit.Opt shadows it)


class Kit:
    """One query's symbolic vocabulary; `axioms` grows as abstract functions are applied."""

    Opt = Opt

    def __init__(self, z3=None) -> None:
        self.z3 = z3 or load_z3()
        _fresh_context(self.z3)
        self.axioms: list = []
        self.texts: dict[str, int] = {}
        self.abstract_used: set[str] = set()
        self._apps: dict[str, list] = {}
        self._fresh = 0
        self._functions: dict[str, Any] = {}
        self.applied: list[tuple[Any, Any, Any]] = []     # (engine function of a date, argument, result)
        self.failures: list = []        # terms under which an evaluation may fail (a date before a schedule)
        self._memo: dict[tuple, Any] = {}
        self._months: list[tuple[Any, Any, int]] = []     # (day, result, constant months) of `+ months`

    # ── values ────────────────────────────────────────────────────────────────
    def fresh(self, prefix: str, sort: str = "Real"):
        self._fresh += 1
        return getattr(self.z3, sort)(f"{prefix}!{self._fresh}")

    def text(self, value: str):
        code = self.texts.setdefault(value, len(self.texts) + 1)
        return self.z3.IntVal(code)

    def text_of(self, code: int) -> str:
        for value, c in self.texts.items():
            if c == code:
                return value
        return f"text-{code}"

    def literal(self, value: Any, typ: T.Type | None):
        z3 = self.z3
        if value is None:
            return Opt(z3.BoolVal(False), None)
        if isinstance(typ, T.Optional):
            return self.literal(value, typ.inner)
        if isinstance(value, bool):
            return z3.BoolVal(value)
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dt.date):
            return z3.IntVal(value.toordinal())
        if isinstance(value, Months):
            return z3.IntVal(value.count)
        if typ in (T.DAYS, T.MONTHS):
            return z3.IntVal(int(value))
        if typ == T.MONEY:
            return z3.RealVal(str(Decimal(value) * 100))
        return z3.RealVal(str(Decimal(value)))

    def over_rows(self, rows, form):
        """`form(rows)` for constant rows, or chosen per branch of a `Choice`."""
        if isinstance(rows, Choice):
            return self.ite(rows.cond, self.over_rows(rows.then, form), self.over_rows(rows.else_, form))
        return form(rows)

    def as_opt(self, v) -> OptValue:
        return v if isinstance(v, Opt) else Opt(self.z3.BoolVal(True), v)

    def plain(self, v):
        return v.value if isinstance(v, Opt) else v

    def ite(self, cond, a, b):
        z3 = self.z3
        if a is b:
            return a
        if isinstance(a, Opt) or isinstance(b, Opt):
            a, b = self.as_opt(a), self.as_opt(b)
            if a.value is None and b.value is None:
                return Opt(z3.BoolVal(False), None)
            if a.value is None or b.value is None:
                value = b.value if a.value is None else a.value
            else:
                value = self.ite(cond, a.value, b.value)
            return Opt(z3.If(cond, a.defined, b.defined), value)
        if isinstance(a, dict):
            return {k: self.ite(cond, a[k], b[k]) for k in a}
        if not _is_slots(a) or not _is_slots(b):
            return Choice(cond, a, b)               # two constant tables or schedules: chosen where used
        if isinstance(a, list):
            if len(a) != len(b):
                raise NotImplementedError("a choice between lists of different lengths")
            return [(self.ite(cond, pa, pb), self.ite(cond, xa, xb)) for (pa, xa), (pb, xb) in zip(a, b)]
        if z3.is_int(a) and z3.is_real(b):
            a = z3.ToReal(a)
        elif z3.is_real(a) and z3.is_int(b):
            b = z3.ToReal(b)
        return z3.If(cond, a, b)

    # ── abstract functions ────────────────────────────────────────────────────
    def _function(self, name: str, *sorts):
        if name not in self._functions:
            self._functions[name] = self.z3.Function(name, *sorts)
        return self._functions[name]

    def _monotone(self, key: str, arg, out) -> None:
        z3 = self.z3
        for other_arg, other_out in self._apps.setdefault(key, []):
            self.axioms.append(z3.Implies(arg <= other_arg, out <= other_out))
            self.axioms.append(z3.Implies(other_arg <= arg, other_out <= out))
        self._apps[key].append((arg, out))

    def add_months(self, d, months):
        z3 = self.z3
        self.abstract_used.add("+ months")
        k = z3.simplify(months)
        if z3.is_int_value(k):
            count = k.as_long()
            f = self._function(f"add_months_{count}".replace("-", "minus_"), z3.IntSort(), z3.IntSort())
            out = f(d)
            lo, hi = month_bounds(count)
            self.axioms.append(z3.And(out - d >= lo, out - d <= hi))
            self._monotone(f"months{count}", d, out)
            self.applied.append((lambda day, k=count: add_months(day, k), d, out))
            self._months.append((d, out, count))
            return out
        f = self._function("add_months", z3.IntSort(), z3.IntSort(), z3.IntSort())
        out = f(d, months)
        self.axioms.append(z3.If(months >= 0, z3.And(out - d >= 28 * months - 3, out - d <= 31 * months + 3),
                                 z3.And(d - out >= -28 * months - 3, d - out <= -31 * months + 3)))
        return out

    def next_business_day(self, calendar, d):
        z3 = self.z3
        self.abstract_used.add("next_business_day")
        f = self._function(f"next_business_day_{_calendar_name(calendar)}", z3.IntSort(), z3.IntSort())
        out = f(d)
        self.axioms += [out >= d, out <= d + NEXT_BUSINESS_DAY_GAP, f(out) == out]
        self._monotone(f"nbd{_calendar_name(calendar)}", d, out)
        if calendar is not None:
            self.applied.append((calendar.next_business_day, d, out))
        return out

    def refine(self, model) -> list:
        """The abstract date functions at the model's arguments, as the engine computes them (for
        `+ months` with a constant count, exactly in the months around the argument,
        `months_near`: a point value alone lets the next model move the date by a day)."""
        z3 = self.z3
        out = []
        for d, result, count in self._months:
            day = model.eval(d, model_completion=True)
            if z3.is_int_value(day) and MIN_DAY <= day.as_long() <= MAX_DAY:
                out += months_near(z3, d, result, count, dt.date.fromordinal(day.as_long()))
        for engine, arg, result in self.applied:
            day = model.eval(arg, model_completion=True)
            if not z3.is_int_value(day) or not MIN_DAY <= day.as_long() <= MAX_DAY:
                continue
            try:
                value = engine(dt.date.fromordinal(day.as_long())).toordinal()
            except (ValueError, OverflowError, ArithmeticError):
                continue
            out.append(z3.Implies(arg == day, result == value))
        return out

    def add_business_days(self, calendar, d, n):
        z3 = self.z3
        self.abstract_used.add("add_business_days")
        f = self._function(f"add_business_days_{_calendar_name(calendar)}", z3.IntSort(), z3.IntSort(), z3.IntSort())
        return f(d, z3.ToInt(n))

    def is_business_day(self, calendar, d):
        z3 = self.z3
        self.abstract_used.add("is_business_day")
        return self._function(f"is_business_day_{_calendar_name(calendar)}", z3.IntSort(), z3.BoolSort())(d)

    def failure(self, term) -> None:
        """The evaluation fails where `term` holds (no decision: the search may leave such cases out)."""
        self.failures.append(term)

    def _same_call(self, name: str, args) -> tuple:
        """A key equal for two calls with the same argument terms: an abstract function is a function."""
        return (name, _shape(args))

    def interest(self, amount, start, end, schedule):
        z3 = self.z3
        self.abstract_used.add("interest")
        key = self._same_call("interest", (amount, start, end, schedule))
        if key in self._memo:
            return self._memo[key]
        out = self._memo[key] = self.fresh("interest")
        self.axioms.append(z3.If(z3.Or(end <= start, amount == 0), out == 0, z3.Implies(amount >= 0, out >= 0)))
        return out

    def settle(self, args, types):
        z3 = self.z3
        self.abstract_used.add("settle")
        key = self._same_call("settle", args)
        if key in self._memo:
            return self._memo[key]
        fields = self._memo[key] = {name: z3.ToReal(self.fresh(f"ledger_{name}", "Int")) for name, _ in LEDGER.fields}
        self.axioms += [v >= 0 for v in fields.values()]
        self.axioms.append(fields["total"] == fields["principal"] + fields["interest"] + fields["costs"])
        self.axioms += self._principal_left(fields["principal"], args)
        return fields

    def _principal_left(self, left, args) -> list:
        """The principal `settle` leaves unpaid: at most the undisputed claims' principal, and at
        least that less the payments made by its date (a payment settles at most its amount)."""
        z3 = self.z3
        try:
            claims, _, payments, to = list(args)[:4]
            principal = z3.Sum([z3.If(z3.And(p, z3.Not(c["disputed"])), c["amount"] - c["credited"], 0)
                                for p, c in claims] or [z3.RealVal(0)])
            paid = z3.Sum([z3.If(z3.And(p, x["date"] <= to), x["amount"], 0) for p, x in payments] or [z3.RealVal(0)])
            return [left <= principal, left >= principal - paid]
        except (TypeError, KeyError, ValueError, z3.Z3Exception):
            return []                   # not the case's own claims and payments: nothing more is known


def months_near(z3, day, result, months: int, around: dt.date, span: int = MONTHS_NEAR):
    """`result == add_months(day, months)` exactly for every `day` in the `span` months either side
    of `around`'s month: within one month the engine's function is linear but for the clamp at the
    target month's end (`values/time.add_months`, domstolloven § 148), so each month is one
    implication. tests/prove/test_prove_axioms.py checks it against the engine."""
    out = []
    start = around.replace(day=1)
    for shift in range(-span, span + 1):
        try:
            first = add_months(start, shift)
            last = add_months(first, 1) - dt.timedelta(days=1)
            target = add_months(first, months)
        except (ValueError, OverflowError):
            continue
        length = (add_months(target, 1) - target).days
        offset = day - first.toordinal()
        out.append(z3.Implies(z3.And(day >= first.toordinal(), day <= last.toordinal()),
                              result == target.toordinal() + z3.If(offset <= length - 1, offset, length - 1)))
    return out


def _shape(value) -> Any:
    """A hashable, structural rendering of a symbolic value."""
    if isinstance(value, (list, tuple)):
        return tuple(_shape(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _shape(v)) for k, v in value.items())
    if isinstance(value, Opt):
        return ("opt", _shape(value.defined), _shape(value.value))
    if isinstance(value, Choice):
        return ("choice", _shape(value.cond), _shape(value.then), _shape(value.else_))
    sexpr = getattr(value, "sexpr", None)
    return sexpr() if sexpr is not None else repr(value)


def _calendar_name(calendar) -> str:
    return "".join(ch for ch in repr(calendar) if ch.isalnum()) or "none"
