"""A symbolic case: every case a policy can be asked to decide, up to N claims, events and payments.

The shape comes from the case schema (`policy.case.case_type`, the record types the
checker uses): each Money field is a whole number of øre, each Date a day number, each
optional field a `(defined, value)` pair, each list N slots with a `present` flag (a
prefix: slot i only if slot i-1). The preconditions are exactly the checks the case
loader and `decide` make (`policy/case.py`: the schema, `_semantic_checks`,
`check_steps`, `check_not_after`) and nothing more, so a proof covers every case that
loads. `case_file` turns a model back into a case file.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..lang import types as T
from ..policy.case import case_type
from .kit import MAX_DAY, MIN_DAY, Kit, Opt

__all__ = ["SymbolicCase"]

_FIXED = {"case_id": "PROVE"}          # fields no rule reads: fixed, so the case file is readable
_NOT_IN_CASE = ("as_of", "policy")     # the decision date is the query's; the policy is pinned


class SymbolicCase:
    """The case's symbolic value (`data`, as the evaluators' dict) and its loader preconditions."""

    def __init__(self, kit: Kit, steps: tuple[str, ...], bound: int) -> None:
        self.s, self.bound = kit, bound
        self.type = case_type(steps)
        self.pre: list = []
        self.data: dict[str, Any] = {}
        for name, typ in self.type.fields:
            if name in _NOT_IN_CASE:
                self.data[name] = Opt(kit.z3.BoolVal(False), None)
            elif name in _FIXED:
                self.data[name] = kit.text(_FIXED[name])
            else:
                self.data[name] = self._make(name, typ)

    # ── the shape ─────────────────────────────────────────────────────────────
    def _make(self, name: str, typ: T.Type) -> Any:
        s, z3 = self.s, self.s.z3
        if isinstance(typ, T.Optional):
            return Opt(s.fresh(f"{name}?", "Bool"), self._make(name, typ.inner))
        if isinstance(typ, T.Record):
            return {key: self._make(f"{name}.{key}", t) for key, t in typ.fields}
        if isinstance(typ, T.ListOf):
            slots, before = [], None
            for i in range(self.bound):
                present = s.fresh(f"{name}[{i}]", "Bool")
                if before is not None:
                    self.pre.append(z3.Implies(present, before))
                slots.append((present, self._make(f"{name}[{i}]", typ.item)))
                before = present
            return slots
        if typ == T.MONEY:
            return z3.ToReal(s.fresh(name, "Int"))
        if typ == T.DATE:
            day = s.fresh(name, "Int")
            self.pre += [day >= MIN_DAY, day <= MAX_DAY]
            return day
        if typ == T.BOOL:
            return s.fresh(name, "Bool")
        if isinstance(typ, T.Enum):
            code = s.fresh(name, "Int")
            self.pre.append(z3.Or([code == s.text(m) for m in typ.members]))
            return code
        if typ == T.TEXT:
            return s.fresh(name, "Int")
        return s.fresh(name, "Real")

    # ── the loader's checks ───────────────────────────────────────────────────
    def preconditions(self, as_of) -> list:
        """`policy/case.py`'s checks, one for one (the schema's shape is in the slots)."""
        z3 = self.s.z3
        d = self.data
        out = list(self.pre)
        out.append(d["claims"][0][0])                                         # claims: minItems 1
        earliest = []
        for present, c in d["claims"]:
            out.append(z3.Implies(present, c["amount"] > 0))                  # invalid-amount
            out.append(z3.Implies(present, z3.And(c["credited"] >= 0, c["credited"] <= c["amount"])))
            issued = c["issued"]
            out.append(z3.Implies(z3.And(present, issued.defined), c["due"] >= issued.value))   # invalid-date
            earliest.append((present, self.s.ite(issued.defined, issued.value, c["due"])))
            handed = c["handed_over"]
            out.append(z3.Implies(z3.And(present, handed.defined), handed.value <= as_of))     # after-decision-date
        claims = d["claims"]
        for i, (present, c) in enumerate(claims):                         # duplicate-invoice
            out += [z3.Implies(z3.And(present, earlier), c["invoice"] != other["invoice"]) for earlier, other in claims[:i]]
        for present, p in d["payments"]:
            out.append(z3.Implies(present, p["amount"] > 0))
            out += [z3.Implies(z3.And(present, q), p["date"] >= first) for q, first in earliest]
            out.append(z3.Implies(present, p["date"] <= as_of))
        events = d["events"]
        for i, (present, e) in enumerate(events):
            out.append(z3.Implies(present, e["fee"] >= 0))
            out.append(z3.Implies(present, e["date"] <= as_of))
            if i:
                out.append(z3.Implies(present, e["date"] >= events[i - 1][1]["date"]))     # events-out-of-order
        return out

    # ── back to a case file ───────────────────────────────────────────────────
    def case_file(self, model, as_of: dt.date) -> dict:
        """The model's case as a case file's data (YAML-ready: strings for money and dates)."""
        out: dict[str, Any] = {"case_id": _FIXED["case_id"], "as_of": as_of.isoformat()}
        for name, typ in self.type.fields:
            if name in _NOT_IN_CASE or name in _FIXED:
                continue
            value = self._read(model, self.data[name], typ)
            if value is not _ABSENT:
                out[name] = value
        return out

    def _read(self, model, value: Any, typ: T.Type) -> Any:
        z3 = self.s.z3
        if isinstance(typ, T.Optional):
            if not z3.is_true(model.eval(value.defined, model_completion=True)):
                return _ABSENT
            return self._read(model, value.value, typ.inner)
        if isinstance(typ, T.Record):
            fields = {k: self._read(model, value[k], t) for k, t in typ.fields}
            return {k: v for k, v in fields.items() if v is not _ABSENT}
        if isinstance(typ, T.ListOf):
            return [self._read(model, item, typ.item) for present, item in value
                    if z3.is_true(model.eval(present, model_completion=True))]
        got = model.eval(value, model_completion=True)
        if typ == T.BOOL:
            return z3.is_true(got)
        if typ == T.DATE:
            return dt.date.fromordinal(got.as_long()).isoformat()
        if isinstance(typ, T.Enum) or typ == T.TEXT:
            return self.s.text_of(got.as_long())
        number = Fraction(got.as_fraction()) if z3.is_rational_value(got) else Fraction(got.as_long())
        if typ == T.MONEY:
            return f"{Decimal(number.numerator) / Decimal(number.denominator) / 100:.2f}"
        return str(Decimal(number.numerator) / Decimal(number.denominator))


_ABSENT = object()
