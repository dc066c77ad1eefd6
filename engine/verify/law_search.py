"""Boundary cases for `frin validate`: every process decided where its thresholds bite.

For each process version and each version of the policies it uses (drafts included) the
search walks the ladder as `frin timeline` does, from a set of start cases: claims
around every band limit of the laws' Money tables (± 1 øre), consumer and business, with
and without VAT, histories the law forbids (for each step the law declares: a letter sent
before the due date, one with too short a deadline, one with an excess fee), a debtor who
has paid everything, each agreement term of the case schema set. The amounts, steps and
terms come from the policies (search_figures.py), so every jurisdiction's ladder is searched
alike. At each state it decides on every day
a duration the policies name (14 days, 28 days, 6 months, ...) reaches from the due date,
the last letter and its deadline, ± 1 day. Every decision is judged by the law's
constraints (`enforce.violations`, the same check decide runs), with stale figures allowed
(a figure past its review date is the catalog's state, not the rule's fault). It reports:

- `breaks-law` (error): a rule's proposal breaks a constraint, with the case printed;
- `rule-never-fires` (warning): no generated case reaches the rule, with the reason:
  shadowed (its `when` held, an earlier rule decided: that case is printed) or its
  `when` never held in the cases tried (the search is not a proof).

`law_problems(catalog, tried)` also counts, per jurisdiction and constraint, the generated
decisions the constraint was tried on (its `when` held); `frin validate` prints them, and a
constraint tried on no case is one the search did not exercise. A ladder reaches some
constraints at one step only (a payment-plan fee, a reminder fee): after the walks, each
constraint judged on fewer than `_FILL` decisions of a process is topped up from the states
where it held, the claim amount (search_figures.fill_amounts), the kind of debtor, the VAT
status and the day varied, so every constraint of every jurisdiction is judged about as often.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import yaml

from ..core.diagnostics import Diagnostic, Severity
from ..core.errors import FristError
from ..decide.enforce import constrained
from ..lang import types as T
from ..policy.case import case_from_data, root_fields
from ..policy.outputs import by_role
from ..policy.record import charges, record_of
from ..run.evaluator import Evaluator
from ..run.runtime import Run
from ..values.time import Months, add_duration
from .search_figures import constraints_by_jurisdiction, fill_amounts, search_figures
from .static import constant_violations, constraint_diagnostic, figures, unreachable_rules

__all__ = ["law_problems", "constraints_by_jurisdiction", "tried_report"]

_WALK = 9           # letters per walk
_FILL = 200         # decisions per process each constraint is topped up to (Norway's walks alone reach 225+)
_FILL_STATES = 40   # states kept per constraint to vary in the top-up
_SHIFTS = (0, 1, 2, 7)      # days after a state's day the top-up decides on


def tried_report(catalog, tried: Counter, codes=None, text=lambda line: line) -> list[str]:
    """`frin validate`'s lines: per jurisdiction (of `codes`, None: all), each constraint of its
    laws and the generated decisions it was tried on (0: the search never exercised it).
    `text`: the reader's words for a sentence (`--lang`); a row of names and counts stays as it is."""
    rows = {code: names for code, names in constraints_by_jurisdiction(catalog).items() if codes is None or code in codes}
    if not rows:
        return []
    width = max(len(name) for names in rows.values() for name in names)
    searched = {c.jurisdiction.code for c in catalog.checked.values() if c.rules and c.jurisdiction is not None}
    out = [text("law search: generated decisions each constraint was tried on (its `when` held)")]
    for code, names in rows.items():
        if code not in searched:    # a law checked alone: the search decides only through processes
            out.append(text(f"  {code:<3} not searched: no process of {code} among the policies checked (the search "
                            f"decides a process's cases); validate the folder that holds them, e.g. `frin validate policies`"))
            continue
        out += [f"  {code:<3} {name:<{width}} {tried[(code, name)]:>7}" for name in names]
    return out


def law_problems(catalog, tried: Counter | None = None, only: set[str] | None = None) -> list[Diagnostic]:
    """Every process version (of the processes named in `only`, None: all) checked against the
    constraints of the policies it uses. `tried`, when given, counts (jurisdiction,
    "law/constraint") → generated decisions judged by it."""
    from .cache import searched  # a process version searched clean before is not searched again
    from .reach import chosen_versions
    out: list[Diagnostic] = []
    for checked in chosen_versions(catalog, only):
        if checked.rules:
            out += searched(catalog, checked, tried, process_problems)
    return out


def process_problems(catalog, checked, tried: Counter) -> list[Diagnostic]:
    """`law_problems` of one process version (with rules); its counts added to `tried`."""
    out = list(unreachable_rules(checked))
    days = _windows(catalog, checked)
    laws = [catalog.bind(checked, d, True) for d in days]
    if not any(constrained(b, checked.name) for b in laws):
        return out              # bound by no constraint: nothing to search for
    reported: set = set()          # (rule, constraint): once, whichever finds it first
    out += constant_violations(checked, laws, reported)
    search = _Search(catalog, checked, days, reported)
    out += search.run()
    code = checked.jurisdiction.code if checked.jurisdiction is not None else ""
    tried.update({(code, name): n for name, n in search.tried_by.items()})
    return out


def _windows(catalog, checked) -> list[dt.date]:
    """One start day per version of each used policy in force while `checked` is."""
    from ..policy.versions import valid_until
    until = valid_until(catalog.versions(checked.name), checked.version)
    days = {checked.version.effective}
    for used in [*checked.version.uses.values(), *catalog.laws_of(checked)]:
        for u in catalog.versions(used):
            if (until is None or u.effective < until) and u.effective >= checked.version.effective:
                days.add(u.effective)
    return sorted(days)


class _Search:
    def __init__(self, catalog, checked, days: list[dt.date], reported: set | None = None) -> None:
        self.catalog, self.checked, self.days = catalog, checked, days
        self.reported = reported if reported is not None else set()
        self.steps = checked.version.steps
        self.fired: set[int] = set()
        self.tried: list[tuple[dict, dt.date]] = []
        self.broken: dict[tuple[str, str], Diagnostic] = {}
        self.count = 0
        self.tried_by: Counter = Counter()      # "policy/constraint" → decisions it was tried on
        self.held: dict[str, list] = {}         # "policy/constraint" → states (data, day) where it was tried
        self.fill_amounts: set[Decimal] = set()
        self.charge = by_role(checked.jurisdiction)["charge"].name     # what a letter recorded in the walk costs
        self.spec = f"{checked.name}@{checked.version.effective}"

    def run(self) -> list[Diagnostic]:
        for example in self.checked.version.examples:       # the policy's own examples count as tried cases
            try:
                case = case_from_data({k: v for k, v in example.case.items() if k not in ("policy", "as_of")}, "<example>")
            except FristError:
                continue
            day = example.as_of or example.case.get("as_of")
            if isinstance(day, dt.date):
                self._decide(case.data, day)
        for n, day in enumerate(self.days):
            bindings = self.catalog.bind(self.checked, day, True)
            self.figures = search_figures(bindings, self.checked.name, self.steps)
            self.amounts = self._amounts(bindings)
            self.fill_amounts |= set(fill_amounts(bindings, self.checked.name, self.figures.base))
            starts = self._starts(day)
            if 0 < n < len(self.days) - 1:
                starts = starts[:2]     # the special histories once at each end; every version walks the ladder
            for i, start in enumerate(starts):
                self._walk(start, long=i < 2, variants=i == 0)
        self._fill()
        return list(self.broken.values()) + self._unfired()

    def _fill(self) -> None:
        """Top up each constraint tried on fewer than `_FILL` decisions: the states where it held,
        round robin, with the claim amount, the debtor's kind, the VAT status and the day varied
        (at most 4 × `_FILL` decisions each, so a `when` that the variants leave is not chased)."""
        amounts = sorted(self.fill_amounts)
        kinds = [(k, v) for k in ("consumer", "business") for v in (True, False)]
        for name, states in list(self.held.items()):
            states, budget = list(states), 4 * _FILL
            for shift in _SHIFTS:
                for kind, vat in kinds:
                    for amount in amounts:
                        for data, day in states:
                            if self.tried_by[name] >= _FILL or budget <= 0:
                                break
                            budget -= 1
                            claims = [{**data["claims"][0], "amount": amount}] + data["claims"][1:]
                            self._decide({**data, "claims": claims, "debtor": {**data["debtor"], "kind": kind},
                                          "creditor": {**data["creditor"], "vat_registered": vat}},
                                         day + dt.timedelta(days=shift))

    # ── the cases ─────────────────────────────────────────────────────────────
    def _amounts(self, bindings) -> list[Decimal]:
        """The base amount and every band limit of the used policies' Money tables, ± 1 øre."""
        out = {self.figures.base}
        for b in bindings.values():
            for p in b.version.parameters.values():
                if isinstance(p.type, T.Table) and p.type.key == T.MONEY:
                    for key, _ in b.checked.params[p.name]:
                        if key is not None:
                            out |= {key - Decimal("0.01"), key, key + Decimal("0.01")}
        return sorted(a for a in out if a > 0)

    def _variants(self, data: dict) -> list[dict]:
        """The same case for every amount at a band limit, and for each kind of debtor and VAT status."""
        out = [{**data, "claims": [{**data["claims"][0], "amount": a}] + data["claims"][1:]} for a in self.amounts]
        for kind in ("consumer", "business"):
            for vat in (True, False):
                out.append({**data, "debtor": {**data["debtor"], "kind": kind}, "creditor": {**data["creditor"], "vat_registered": vat}})
        return out

    def _starts(self, day: dt.date) -> list[dict]:
        due, f = day + dt.timedelta(days=3), self.figures
        base_amount = str(f.base)
        base: dict[str, Any] = {"case_id": "SEARCH", "creditor": {"vat_registered": True}, "debtor": {"kind": "consumer"},
                "claims": [{"invoice": "1", "amount": base_amount, "due": due.isoformat()}], "events": [], "payments": []}
        starts = [base, _with(base, debtor={"kind": "business"})]
        starts.append(_with(base, debtor={"kind": "consumer", "can_pay": False}))
        starts.append(_with(base, claims=[{"invoice": "1", "amount": base_amount, "due": due.isoformat(), "disputed": True}]))
        # one claim disputed beside one that is not: a rule on "any claim disputed" is reached
        # only where something undisputed is still owed
        starts.append(_with(base, claims=[*base["claims"], {"invoice": "2", "amount": base_amount, "due": due.isoformat(),
                                                            "disputed": True}]))
        paid = (due + dt.timedelta(days=20)).isoformat()
        starts.append(_with(base, payments=[{"date": paid, "amount": str(f.base * 4)}]))
        starts.append(_with(base, payments=[{"date": paid, "amount": base_amount, "to": "creditor"}]))
        claim = base["claims"][0]
        starts.append(_with(base, claims=[{**claim, "credited": base_amount}]))
        starts.append(_with(base, claims=[{**claim, "credited": str(f.base / 5)}]))
        starts.append(_with(base, claims=[{**claim, "amount": str(f.base / 25)}]))
        starts.append(_with(base, claims=[{**claim, "handed_over": None}]))
        starts.append(_with(base, claims=[{**claim, "handed_over": (due + dt.timedelta(days=4 * 365)).isoformat()}]))
        agreement = T.unwrap(root_fields(self.steps).get("agreement", T.TEXT))
        for name, typ in agreement.fields if isinstance(agreement, T.Record) else ():
            if T.unwrap(typ) == T.BOOL:     # each term a case may record as agreed (a payment plan, ...)
                starts.append(_with(base, agreement={name: True}))
        for step in f.letter_steps:         # the histories the law forbids, for each step it declares
            early = due - dt.timedelta(days=2)
            starts.append(_with(base, events=[{"step": step, "date": early.isoformat(), "fee": "0.00",
                                               "due": (early + dt.timedelta(days=f.term)).isoformat()}]))
            late = due + dt.timedelta(days=20)
            starts.append(_with(base, events=[{"step": step, "date": late.isoformat(), "fee": "0.00",
                                               "due": (late + dt.timedelta(days=f.short)).isoformat()}]))
            sent = due + dt.timedelta(days=f.short + 1)
            starts.append(_with(base, events=[{"step": step, "date": sent.isoformat(), "fee": str(f.excess_fee),
                                               "due": (sent + dt.timedelta(days=f.term)).isoformat()}]))
        return starts

    def _durations(self, bindings, short: bool) -> set:
        out = {1}
        for b in bindings.values():
            for name, typ in b.checked.param_types.items():
                if typ in (T.DAYS, T.MONTHS):
                    value = b.checked.params[name]
                    if not short or (typ == T.DAYS and value <= 100) or value == Months(6):
                        out.add(value)
        return out

    def _probe_days(self, data: dict, bindings) -> list[dt.date]:
        """Every day a named duration reaches from the due date (no letters yet) or the last letter and its deadline, ± 1."""
        events = data["events"]
        if events:
            last = events[-1]
            refs = [last["date"]] + ([last["due"]] if last["due"] else [])
        else:
            refs = [min(c["due"] for c in data["claims"])]
        floor = max([x["date"] for x in events + data["payments"]], default=refs[0] - dt.timedelta(days=30))
        days = set()
        for ref in refs:
            for d in self._durations(bindings, short=bool(events)):
                for at in (add_duration(ref, d), add_duration(ref, -d)) if not events else (add_duration(ref, d),):
                    days |= {at - dt.timedelta(days=1), at, at + dt.timedelta(days=1)}
        return sorted(d for d in days if d >= floor)

    # ── deciding ──────────────────────────────────────────────────────────────
    def _walk(self, raw: dict, long: bool, variants: bool = False) -> None:
        """Decide on the probe days in order; the first step taken (then its next day) moves the walk on."""
        due = min(dt.date.fromisoformat(c["due"]) for c in raw["claims"])
        pin = (due + dt.timedelta(days=1)).isoformat()
        raw = _with(raw, claims=[{k: v for k, v in {**c, "handed_over": c.get("handed_over", pin)}.items() if v is not None}
                                 for c in raw["claims"]])
        try:
            case = case_from_data(raw, "<search>")
        except FristError:
            return
        data = case.data
        start = self.catalog.bind(self.checked, due, True)
        for day in self._probe_days(data, start) if long else ():   # the long thresholds (time bar, ...) once
            if day > due + dt.timedelta(days=100):
                self._decide(data, day)
        for _ in range(_WALK):
            bindings = self.catalog.bind(self.checked, due, True)
            stepped, after = None, 0
            for day in self._probe_days(data, bindings):
                decision = self._decide(data, day)
                if stepped is not None:
                    after += 1
                    if after >= 2:
                        break
                elif decision is not None and decision.rule.rule.step:
                    stepped = (day, decision)
                elif decision is not None and not long and decision.action != "wait":
                    return          # a special start (paid, disputed, ...) that ends the ladder
            if stepped is None:
                return
            day, decision = stepped
            out = decision.proposed if decision.blocked else decision.outputs
            if variants and any(out.get(name) for name in charges()):
                for variant in self._variants(data):
                    self._decide(variant, day)
            event = {"step": decision.rule.rule.step, "date": day, "fee": out.get(self.charge) or Decimal("0.00"),
                     "due": out.get("payment_deadline")}
            data = {**data, "events": data["events"] + [event]}

    def _decide(self, data: dict, day: dt.date):
        from ..decide.decision import decide_case
        from ..policy.case import LoadedCase
        try:
            case = LoadedCase(data, data, None, "<search>")
            decision = decide_case(self.catalog, case, day, self.spec, include_drafts=True, fast=True, allow_stale=True)
        except FristError:
            return None
        except Exception:   # noqa: BLE001 - an evaluator's own bug: the examples' evaluator parity reports it with its example
            return None
        self.fired.add(decision.rule.rule.index)
        self.count += 1
        self.tried_by.update(decision.tried)
        for name in decision.tried:
            held = self.held.setdefault(name, [])
            if len(held) < _FILL_STATES:
                held.append((data, day))
        if (self.count < 200 or self.count % 7 == 0) and len(self.tried) < 400:
            self.tried.append((data, day))
        for v in decision.violations:
            key = (decision.rule.rule.id, v.constraint.id)
            if key not in self.broken and key not in self.reported:
                rule = decision.rule.rule
                balance = decision.law_view.balance if decision.law_view is not None else None
                record = record_of(rule.action, rule.step, decision.proposed, balance)
                self.broken[key] = constraint_diagnostic(
                    decision.rule, v, self.checked.version.key, v.policy, _case_text(data, day),
                    compared=figures(decision.bindings, decision.main, data, day, record, v),
                    amounts=self.checked.amounts)
        return decision

    def _unfired(self) -> list[Diagnostic]:
        out = []
        rules = self.checked.rules
        after_catch_all = False
        for r in rules:
            if after_catch_all:
                break
            if r.rule.index in self.fired:
                if r.rule.when.__class__.__name__ == "Literal" and r.rule.when.value is True:
                    after_catch_all = True
                continue
            shown = self._holds(r)
            if shown is not None:
                data, day, by = shown
                help = f"in this case its `when` holds but rule `{by}` decides first:\n{_case_text(data, day)}"
                out.append(Diagnostic("rule-shadowed", f"rule `{r.rule.id}` fired in none of the generated cases: "
                                      f"earlier rules decided wherever its condition held", r.rule.span,
                                      severity=Severity.WARNING, help=help))
            else:
                out.append(Diagnostic("rule-never-fires", f"rule `{r.rule.id}`: its `when` held in none of the "
                                      f"{len(self.tried)} generated cases", r.rule.span, severity=Severity.WARNING,
                                      help="check the condition; a case file in tests/cases that reaches it shows it can fire"))
        return out

    def _holds(self, rule):
        """A tried case where `rule`'s `when` holds, with the rule that decided it."""
        for data, day in self.tried:
            try:
                from ..decide.decision import decide_case
                from ..decide.history import judge_history
                from ..policy.case import LoadedCase
                bindings = self.catalog.bind(self.checked, day, True)
                clean, _ = judge_history(self.catalog, self.checked, data, True, day)
                run = Run(clean, day, bindings, self.checked.name)
                if Evaluator(run).value(rule.when, bindings[self.checked.name]):
                    decided = decide_case(self.catalog, LoadedCase(data, data, None, "<search>"), day, self.spec,
                                          include_drafts=True, fast=True, allow_stale=True)
                    return data, day, decided.rule.rule.id
            except FristError:
                continue
        return None


def _with(data: dict, **changes) -> dict:
    return {**data, **changes}


def _case_text(data: dict, day: dt.date) -> str:
    """A run-time case as a case file (defaults and empty fields left out)."""
    def plain(v, key=""):
        if isinstance(v, dict):
            return {k: plain(x, k) for k, x in v.items() if x is not None and x != [] and not (x is False and k != "vat_registered")
                    and not (k == "credited" and x == 0) and not (k == "to" and x == "collector")}
        if isinstance(v, list):
            return [plain(x) for x in v]
        if isinstance(v, Decimal):
            return f"{v:.2f}"
        if isinstance(v, dt.date):
            return v.isoformat()
        return v
    doc = {"case_id": data["case_id"], "as_of": day.isoformat(), **plain({k: v for k, v in data.items() if k != "case_id"})}
    doc = {k: v for k, v in doc.items() if v not in ({}, [])}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=None, width=120).rstrip()
