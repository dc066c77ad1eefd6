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
from ..lang import ast
from ..lang.ast import walk
from ..policy.outputs import law_fields
from ..policy.record import DECISION
from ..run.law_view import view_spec
from .case_model import SymbolicCase
from .kit import Kit, Opt
from .symbolic_run import NotEncodable, SymbolicRun

__all__ = ["Window", "RuleQuery", "reads_balance"]

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
        self.exact_view = z3.Bool(f"law_view_exact_{checked.version.key}")     # see `_balance`
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
        self.pre.append(z3.Not(self._law_view_fails(claims)))    # no decision: nothing binds either
        return {**data, "claims": claims}

    def _law_view_fails(self, claims: list) -> Any:
        """Where the law's own view of the case (`run/law_view.py`, read by every decision) cannot
        be computed, so `decide` gives no decision: interest falls due on a day before the law's
        interest schedule starts (`values/interest.value_on` raises).

        Exactly (never a case `decide` decides): an undisputed claim `c` due before the day
        before the schedule's first entry, decided after its due date, where the payments made
        by its due date are less than the principal of the claims due by then. The ledger
        (`values/ledger.settle`) pays principal oldest claim first, so one of those claims is
        still unpaid after `c`'s due date, and its interest from the day after its own due date
        (before the schedule starts) is computed at the next payment or on the decision date."""
        s, z3 = self.s, self.s.z3
        spec = view_spec(self.checked)
        if spec is None or spec.policy not in self.bindings:
            return z3.BoolVal(False)
        law = self.bindings[spec.policy].checked
        kind = (self.case.data.get("debtor") or {}).get("kind")
        payments = self.case.data["payments"]
        undisputed = [(z3.And(p, z3.Not(c["disputed"])), c) for p, c in claims]
        out = []
        for name in sorted({n for _, n in spec.interest}):
            schedule = law.params.get(name)
            if not schedule:
                continue
            first = min(day for day, _ in schedule).toordinal()
            kinds = [k for k, n in spec.interest if n == name]
            is_kind = _is_kind(s, kind, kinds)
            for present, c in undisputed:
                paid = z3.Sum([z3.If(z3.And(p, pay["date"] <= c["due"]), pay["amount"], 0) for p, pay in payments] or [z3.RealVal(0)])
                owed = z3.Sum([z3.If(z3.And(q, d["due"] <= c["due"]), d["amount"] - d["credited"], 0) for q, d in undisputed])
                out.append(z3.And(is_kind, present, c["due"] + 1 < first, self.as_of > c["due"], paid < owed))
        return z3.Or(out) if out else z3.BoolVal(False)

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
        record["balance"] = self._balance(run, main)
        binds = z3.BoolVal(True) if r.rule.step is not None else z3.Or(charged or [z3.BoolVal(False)])
        return record, binds

    def _balance(self, run: SymbolicRun, main) -> Opt:
        """`decision.balance`: the law's view's balance (`enforce.judge`), none without a view.

        The law's ledger (interest, costs, payments in the law's order) is not encoded; the
        proof reads the process's own `total` in its place (docs/law-enforces.md, "proved"), and
        for a process with no `total`, an unknown whole number of øre no less than 0 and than the
        undisputed principal less the payments (what the law's ledger keeps owing at least).
        Where `exact_view` holds, the case is one whose law balance is known exactly (`paid_in_full`:
        0), the refinement a counterexample reading the balance gets when `decide` does not
        confirm it."""
        s, z3 = self.s, self.s.z3
        spec = view_spec(self.checked)
        if spec is None or spec.policy not in self.bindings:
            return Opt(z3.BoolVal(False), None)
        total = self.checked.amounts.get("total")
        if total is not None:
            own = s.as_opt(run.value(total, main))
        else:
            unknown = z3.ToReal(s.fresh("law_balance", "Int"))
            principal = z3.Sum([z3.If(z3.And(p, z3.Not(c["disputed"])), c["amount"] - c["credited"], 0)
                                for p, c in self.view["claims"]] or [z3.RealVal(0)])
            paid = z3.Sum([z3.If(p, x["amount"], 0) for p, x in self.case.data["payments"]] or [z3.RealVal(0)])
            self.pre += [unknown >= 0, unknown >= principal - paid]
            own = Opt(z3.BoolVal(True), unknown)
        return s.ite(self.exact_view, Opt(z3.BoolVal(True), z3.RealVal(0)), own)

    def no_payments(self) -> list:
        """Cases with no payment: the ledger (`settle`) then leaves all the principal unpaid, a
        refinement to try first where a model's abstract ledger was spurious."""
        return [self.s.z3.Not(p) for p, _ in self.case.data["payments"]]

    def paid_in_full(self) -> list:
        """Cases whose law balance is exactly 0 (`run/law_view.py`, `values/ledger.settle`): no fee
        recorded, no § 3a compensation for the debtor's kind, every payment made by the earliest
        due date of the undisputed claims (so no interest runs) and together at least their
        principal."""
        s, z3 = self.s, self.s.z3
        spec = view_spec(self.checked)
        if spec is None or spec.policy not in self.bindings:
            return [z3.Not(self.exact_view)]            # no view: the balance is none, exactly, already
        law = self.bindings[spec.policy].checked
        data = self.case.data
        claims = [(z3.And(p, z3.Not(c["disputed"])), c) for p, c in self.view["claims"]]
        payments = data["payments"]
        compensated = [k for k, n in spec.compensation if n in law.params]
        out = [z3.Implies(p, e["fee"] == 0) for p, e in data["events"]]
        if compensated:
            out.append(z3.Not(_is_kind(s, (data.get("debtor") or {}).get("kind"), compensated)))
        out += [z3.Implies(z3.And(p, q), pay["date"] <= c["due"]) for p, pay in payments for q, c in claims]
        paid = z3.Sum([z3.If(p, pay["amount"], 0) for p, pay in payments] or [z3.RealVal(0)])
        out.append(paid >= z3.Sum([z3.If(q, c["amount"] - c["credited"], 0) for q, c in claims]))
        return [*out, self.exact_view]

    def history_is_lawful(self, judges: list[tuple[int, int | None, dict]] | None = None) -> list:
        """Every recorded fee kept by the law's judgment of the history (`decide/history.py`): a fee
        dated in a span of `judges` (first and last day numbers, last None: open; the bindings in
        force then) is judged by those versions, as `decide` judges it; a fee dated before every
        span is kept unchecked, as `decide` keeps it. Without `judges`: the window's versions, for
        every date."""
        z3 = self.s.z3
        events = self.case.data["events"]
        out = []
        for i, (present, e) in enumerate(events):
            charged = z3.And(present, e["fee"] > 0)
            for lo, hi, bindings in judges if judges is not None else [(None, None, self.bindings)]:
                dated = ([e["date"] >= lo] if lo is not None else []) + ([e["date"] <= hi] if hi is not None else [])
                for lawful in self._fee_kept(i, bindings):
                    out.append(z3.Implies(z3.And(charged, *dated), lawful))
        return out

    def _fee_kept(self, i: int, bindings: dict) -> list:
        """The history constraints of `bindings` that event `i`'s fee keeps (as the letter that sent it)."""
        s, z3 = self.s, self.s.z3
        data = self.case.data
        events, payments = data["events"], data["payments"]
        present, e = events[i]
        as_salaer = sorted(salaer_steps(self.checked))          # sorted: the same terms, the same models, every run
        before = [(p if j < i else z3.BoolVal(False), x) for j, (p, x) in enumerate(events)]
        paid = [(z3.And(p, x["date"] <= e["date"]), x) for p, x in payments]
        run = SymbolicRun(s, {**data, "events": before, "payments": paid}, e["date"], bindings, self.main)
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
        out = []
        for law, cc in constrained(bindings, self.main):
            if not cc.constraint.history:
                continue
            try:
                when_c = run.value(cc.when, law) if cc.when is not None else z3.BoolVal(True)
                out.append(z3.Not(z3.And(when_c, z3.Not(run.value(cc.require, law)))))
            except _NOT_ENCODABLE:
                continue
        return out


def reads_balance(bindings: dict, law, cc) -> bool:
    """Whether the constraint reads `decision.balance` (itself or through its policy's definitions)."""
    seen: set = set()

    def reads(node) -> bool:
        for n in walk(node):
            if isinstance(n, ast.Path) and n.ref is not None:
                if n.ref.kind == "field" and n.ref.name == DECISION and n.fields[:1] == ("balance",):
                    return True
                if n.ref.kind == "def" and (n.ref.scope, n.ref.name) not in seen:
                    seen.add((n.ref.scope, n.ref.name))
                    scope = law if n.ref.scope == law.version.name else bindings.get(n.ref.scope)
                    if scope is not None and reads(scope.checked.definitions[n.ref.name]):
                        return True
        return False
    return any(reads(x) for x in (cc.when, cc.require) if x is not None)


def _is_kind(s, kind, kinds: list[str]):
    """The case's debtor is of one of `kinds` (a case without a kind is a consumer's: `law_view`)."""
    z3 = s.z3
    if kind is None:
        return z3.BoolVal("consumer" in kinds)
    if isinstance(kind, Opt):
        if kind.value is None:
            return z3.BoolVal("consumer" in kinds)
        return z3.If(kind.defined, z3.Or([kind.value == s.text(k) for k in kinds]), z3.BoolVal("consumer" in kinds))
    return z3.Or([kind == s.text(k) for k in kinds])


def _may_bind(rule) -> bool:
    """A rule that takes a step or gives a charge (the law binds its decisions)."""
    charges = {o.name for o in law_fields() if o.law == "charge"}
    return rule.rule.step is not None or any(k in rule.outputs for k in charges)
