"""The symbolic decision of one process version in one window: its rules and the law's constraints as terms.

For a window (the process version and every used version fixed), `Window` builds the
symbolic case, the loader's preconditions, the set-aside reasons (on the whole case: a
claim a reason holds leaves the claims the rules see), each rule's "this rule decides"
(its `when`, and no earlier rule's), the decision record a constraint reads, and each
constraint's "bound and broken" (`when` and not `require`). `history_is_lawful` is the
refinement used when a counterexample is not confirmed: every recorded fee as the law
judges it (`decide/history.py`), under the window's law version.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..decide.enforce import constrained
from ..decide.history import salaer_steps
from ..policy.outputs import law_fields
from ..policy.record import DECISION
from .case_model import SymbolicCase
from .kit import Kit, Opt
from .symbolic_run import NotEncodable, SymbolicRun

__all__ = ["Window", "RuleQuery"]

_NOT_ENCODABLE = (NotEncodable, KeyError, NotImplementedError)


@dataclass
class RuleQuery:
    """One rule of the window: whether it decides, whether the law binds it, and each constraint broken."""

    rule: Any                         # CheckedRule
    decides: Any                      # Bool term, or None when not encodable
    binds: Any
    broken: list[tuple[Any, Any, Any]]   # (law Bound, CheckedConstraint, Bool term or None)
    problem: str = ""


class Window:
    """One process version with its used versions fixed, decided on a day in `lo … hi`."""

    def __init__(self, kit: Kit, checked, bindings: dict, lo: dt.date, hi: dt.date, bound_n: int,
                 shared: "Window | None" = None) -> None:
        """`shared`: another version's window whose case and date this one decides too (`diff --prove`)."""
        self.s, self.checked, self.bindings, self.lo, self.hi = kit, checked, bindings, lo, hi
        z3 = kit.z3
        if shared is None:
            self.case = SymbolicCase(kit, checked.version.steps, bound_n)
            self.as_of = z3.Int("as_of")
            self.pre = self.case.preconditions(self.as_of)
            self.pre += [self.as_of >= lo.toordinal(), self.as_of <= hi.toordinal()]
        else:                       # the same case: its events must name steps this version knows too
            self.case, self.as_of = shared.case, shared.as_of
            self.pre = [z3.Implies(p, z3.Or([e["step"] == kit.text(m) for m in checked.version.steps]))
                        for p, e in self.case.data["events"]]
        self.main = checked.name
        self.view = self._view()

    def _view(self) -> dict:
        """The case the rules see: without the claims a set-aside reason holds (at least one left)."""
        z3 = self.s.z3
        data = self.case.data
        whole = SymbolicRun(self.s, data, self.as_of, self.bindings, self.main)
        bound = self.bindings[self.main]
        held = [z3.BoolVal(False)] * len(data["claims"])
        for entry in self.checked.set_aside:
            for picked, item in whole.value(entry.when, bound):
                for i, (_, claim) in enumerate(data["claims"]):
                    if item is claim:
                        held[i] = z3.Or(held[i], picked)
                        break
                else:
                    raise NotEncodable(f"set-aside reason `{entry.rule.id}` lists something other than the case's claims")
        claims = [(z3.And(p, z3.Not(h)), c) for (p, c), h in zip(data["claims"], held)]
        self.pre.append(z3.Or([p for p, _ in claims]))          # no claim left: no rule runs, nothing binds
        return {**data, "claims": claims}

    def outcome(self, fields: list[str]) -> dict[str, Any]:
        """The decision's `action`, `step` and the named outputs as terms (optional where a rule gives
        none); a case no rule decides is excluded (`pre`)."""
        s, z3 = self.s, self.s.z3
        run = SymbolicRun(s, dict(self.view), self.as_of, self.bindings, self.main)
        main = self.bindings[self.main]
        chosen = [(run.value(r.when, main), r) for r in self.checked.rules]
        self.pre.append(z3.Or([w for w, _ in chosen]))
        none = Opt(z3.BoolVal(False), None)
        out: dict[str, Any] = {}
        for name in ["action", "step", *fields]:
            value = None
            for when, r in reversed(chosen):
                if name == "action":
                    here = s.text(r.rule.action)
                elif name == "step":
                    here = Opt(z3.BoolVal(True), s.text(r.rule.step)) if r.rule.step else none
                else:
                    expr = r.outputs.get(name)
                    here = s.as_opt(run.value(expr, main)) if expr is not None else none
                value = here if value is None else s.ite(when, here, value)
            out[name] = value
        return out

    def rules(self) -> list[RuleQuery]:
        z3 = self.s.z3
        run = SymbolicRun(self.s, dict(self.view), self.as_of, self.bindings, self.main)
        main = self.bindings[self.main]
        earlier: list = []
        out = []
        pairs = constrained(self.bindings, self.main)
        for r in self.checked.rules:
            try:
                when = run.value(r.when, main)
            except _NOT_ENCODABLE as err:
                problem = f"rule `{r.rule.id}`'s condition: {err}"
                out += [RuleQuery(x, None, None, [], problem) for x in self.checked.rules[len(earlier):]]
                return [q for q in out if _may_bind(q.rule)]
            decides = z3.And(when, *[z3.Not(w) for w in earlier])
            earlier.append(when)
            if not _may_bind(r):
                continue
            try:
                record, binds = self._record(run, r, main)
            except _NOT_ENCODABLE as err:
                out.append(RuleQuery(r, None, None, [], f"rule `{r.rule.id}`'s outputs: {err}"))
                continue
            run.case[DECISION] = record
            broken = []
            for law, cc in pairs:
                try:
                    when_c = run.value(cc.when, law) if cc.when is not None else z3.BoolVal(True)
                    broken.append((law, cc, z3.And(when_c, z3.Not(run.value(cc.require, law)))))
                except _NOT_ENCODABLE:
                    broken.append((law, cc, None))
            out.append(RuleQuery(r, decides, binds, broken))
        return out

    def _record(self, run: SymbolicRun, r, main) -> tuple[dict, Any]:
        """`decision` as policy/record.py builds it from the rule's outputs and the `total` amount."""
        s, z3 = self.s, self.s.z3
        record: dict[str, Any] = {"action": s.text(r.rule.action),
                                  "step": Opt(z3.BoolVal(r.rule.step is not None),
                                              s.text(r.rule.step) if r.rule.step is not None else None)}
        charged = []
        for o in law_fields():
            expr = r.outputs.get(o.name)
            value = run.value(expr, main) if expr is not None else None
            if o.law == "charge":
                record[o.name] = s.plain(value) if value is not None else s.literal(0, o.type)
                charged.append(record[o.name] != 0)
            else:
                record[o.name] = s.as_opt(value) if value is not None else Opt(z3.BoolVal(False), None)
        total = self.checked.amounts.get("total")
        record["balance"] = s.as_opt(run.value(total, main)) if total is not None else Opt(z3.BoolVal(False), None)
        binds = z3.BoolVal(True) if r.rule.step is not None else z3.Or(charged or [z3.BoolVal(False)])
        return record, binds

    def history_is_lawful(self) -> list:
        """Every recorded fee kept by the law's judgment of the history (the window's law version)."""
        s, z3 = self.s, self.s.z3
        data = self.case.data
        events, payments = data["events"], data["payments"]
        as_salaer = sorted(salaer_steps(self.checked))          # sorted: the same terms, the same models, every run
        out = []
        for i, (present, e) in enumerate(events):
            before = [(p if j < i else z3.BoolVal(False), x) for j, (p, x) in enumerate(events)]
            paid = [(z3.And(p, x["date"] <= e["date"]), x) for p, x in payments]
            run = SymbolicRun(s, {**data, "events": before, "payments": paid}, e["date"], self.bindings, self.main)
            salaer = z3.Or([e["step"] == s.text(step) for step in as_salaer] or [z3.BoolVal(False)])
            record = {"action": e["step"], "step": Opt(z3.BoolVal(True), e["step"]), "balance": Opt(z3.BoolVal(False), None)}
            for o in law_fields():
                if o.name == "fee":
                    record[o.name] = e["fee"]
                elif o.name == "salaer":
                    record[o.name] = s.ite(salaer, e["fee"], s.literal(0, o.type))
                elif o.name == "payment_deadline":
                    record[o.name] = e["due"]
                else:
                    record[o.name] = s.literal(0, o.type) if o.law == "charge" else Opt(z3.BoolVal(False), None)
            run.case[DECISION] = record
            for law, cc in constrained(self.bindings, self.main):
                if not cc.constraint.history:
                    continue
                try:
                    when_c = run.value(cc.when, law) if cc.when is not None else z3.BoolVal(True)
                    broken = z3.And(when_c, z3.Not(run.value(cc.require, law)))
                except _NOT_ENCODABLE:
                    continue
                out.append(z3.Implies(z3.And(present, e["fee"] > 0), z3.Not(broken)))
        return out


def _may_bind(rule) -> bool:
    """A rule that takes a step or gives a charge (the law binds its decisions)."""
    charges = {o.name for o in law_fields() if o.law == "charge"}
    return rule.rule.step is not None or any(k in rule.outputs for k in charges)
