"""Boundary cases for `frin validate`: every process decided where its thresholds bite.

For each process version and each version of the policies it uses (drafts included) the
search walks the ladder as `frin timeline` does, from a set of start cases: claims
around every salær band limit (± 1 øre), consumer and business, with and without VAT,
a history the law forbids (a varsel before the due date, one with a short deadline, a
70 NOK purring), a debtor who has paid everything. At each state it decides on every day
a duration the policies name (14 days, 28 days, 6 months, ...) reaches from the due date,
the last letter and its deadline, ± 1 day. Every decision is judged by the law's
constraints (`enforce.violations`, the same check decide runs), with stale figures allowed
(a figure past its review date is the catalog's state, not the rule's fault). It reports:

- `breaks-law` (error): a rule's proposal breaks a constraint, with the case printed;
- `rule-never-fires` (warning): no generated case reaches the rule, with the reason:
  shadowed (its `when` held, an earlier rule decided: that case is printed) or its
  `when` never held in the cases tried (the search is not a proof).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import yaml

from ..lang import types as T
from ..policy.case import case_from_data
from ..core.errors import FristError
from ..run.evaluator import Evaluator
from ..run.runtime import Run
from ..values.time import Months, add_duration
from ..decide.enforce import constrained
from .static import constant_violations, constraint_diagnostic, figures, unreachable_rules
from ..policy.record import record_of
from ..core.diagnostics import Diagnostic, Severity

__all__ = ["law_problems"]

_WALK = 9           # letters per walk
_BASE = Decimal("1250.00")


def law_problems(catalog) -> list[Diagnostic]:
    """Every process version checked against the constraints of the policies it uses."""
    out: list[Diagnostic] = []
    for checked in catalog.checked.values():
        if not checked.rules:
            continue
        out += unreachable_rules(checked)
        days = _windows(catalog, checked)
        laws = [catalog.bind(checked, d, True) for d in days]
        if not any(constrained(b, checked.name) for b in laws):
            continue            # bound by no constraint: nothing to search for
        reported: set = set()          # (rule, constraint): once, whichever finds it first
        out += constant_violations(checked, laws, reported)
        out += _Search(catalog, checked, days, reported).run()
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
            self.amounts = self._amounts(bindings)
            starts = self._starts(day)
            if 0 < n < len(self.days) - 1:
                starts = starts[:2]     # the special histories once at each end; every version walks the ladder
            for i, start in enumerate(starts):
                self._walk(start, long=i < 2, variants=i == 0)
        return list(self.broken.values()) + self._unfired()

    # ── the cases ─────────────────────────────────────────────────────────────
    def _amounts(self, bindings) -> list[Decimal]:
        """The base amount and every salær band limit of the used policies, ± 1 øre."""
        out = {_BASE}
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
        due = day + dt.timedelta(days=3)
        base = {"case_id": "SEARCH", "creditor": {"vat_registered": True}, "debtor": {"kind": "consumer"},
                "claims": [{"invoice": "1", "amount": str(_BASE), "due": due.isoformat()}], "events": [], "payments": []}
        starts = [base, _with(base, debtor={"kind": "business"})]
        starts.append(_with(base, debtor={"kind": "consumer", "can_pay": False}))
        starts.append(_with(base, claims=[{"invoice": "1", "amount": str(_BASE), "due": due.isoformat(), "disputed": True}]))
        # one claim disputed beside one that is not: a rule on "any claim disputed" is reached
        # only where something undisputed is still owed
        starts.append(_with(base, claims=[*base["claims"], {"invoice": "2", "amount": str(_BASE), "due": due.isoformat(),
                                                            "disputed": True}]))
        paid = (due + dt.timedelta(days=20)).isoformat()
        starts.append(_with(base, payments=[{"date": paid, "amount": "5000.00"}]))
        starts.append(_with(base, payments=[{"date": paid, "amount": str(_BASE), "to": "creditor"}]))
        claim = base["claims"][0]
        starts.append(_with(base, claims=[{**claim, "credited": str(_BASE)}]))
        starts.append(_with(base, claims=[{**claim, "credited": "250.00"}]))
        starts.append(_with(base, claims=[{**claim, "amount": "50.00"}]))
        starts.append(_with(base, claims=[{**claim, "handed_over": None}]))
        starts.append(_with(base, claims=[{**claim, "handed_over": (due + dt.timedelta(days=4 * 365)).isoformat()}]))
        letter = "inkassovarsel" if "inkassovarsel" in self.steps else None
        if letter:
            early = due - dt.timedelta(days=2)
            starts.append(_with(base, events=[{"step": letter, "date": early.isoformat(), "fee": "0.00",
                                               "due": (early + dt.timedelta(days=14)).isoformat()}]))
            late = due + dt.timedelta(days=20)
            starts.append(_with(base, events=[{"step": letter, "date": late.isoformat(), "fee": "0.00",
                                               "due": (late + dt.timedelta(days=7)).isoformat()}]))
        if "purring" in self.steps:
            sent = due + dt.timedelta(days=8)
            starts.append(_with(base, events=[{"step": "purring", "date": sent.isoformat(), "fee": "70.00",
                                               "due": (sent + dt.timedelta(days=14)).isoformat()}]))
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
            if variants and (out.get("fee") or out.get("salaer")):
                for variant in self._variants(data):
                    self._decide(variant, day)
            event = {"step": decision.rule.rule.step, "date": day, "fee": out.get("fee") or Decimal("0.00"),
                     "due": out.get("payment_deadline")}
            data = {**data, "events": data["events"] + [event]}

    def _decide(self, data: dict, day: dt.date):
        from ..policy.case import LoadedCase
        from ..decide.decision import decide_case
        try:
            case = LoadedCase(data, data, None, "<search>")
            decision = decide_case(self.catalog, case, day, self.spec, include_drafts=True, fast=True, allow_stale=True)
        except FristError:
            return None
        except Exception:   # noqa: BLE001 - an evaluator's own bug: the examples' evaluator parity reports it with its example
            return None
        self.fired.add(decision.rule.rule.index)
        self.count += 1
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
                from ..policy.case import LoadedCase
                from ..decide.history import judge_history
                from ..decide.decision import decide_case
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
