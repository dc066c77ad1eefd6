"""`frin validate --prove`: every rule that takes a step or charges a cost, against every
constraint that binds it, over every case up to a bound, in every window of law versions.

One query per process version × window (the used versions fixed) × rule × constraint:
is there a case where this rule decides and the constraint binds but does not hold?

- unsatisfiable: the rule keeps the constraint for every case with up to N claims, events
  and payments decided in the window (`proved`, a note stating both);
- satisfiable: the model is written as a case file and decided by the engine; only when
  `decide` blocks that case with the same constraint is it reported (`breaks-law`). A
  counterexample `decide` does not confirm is refined and solved again, a few times: the
  recorded fees as the law judges them (dated where the window's law versions judge them),
  no failing evaluation, `+ months` exact around the model's days, `next_business_day` at
  them, for a constraint reading `decision.balance` the cases whose law balance is exactly 0
  (`Window.paid_in_full`), else that model excluded; then `not-proved` (a warning), as when
  the solver gives up. The refinements only narrow the search for a counterexample: a proof
  never rests on them. z3's seeds are fixed (`kit.new_solver`): a run is reproducible.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import yaml

from ..core.diagnostics import Diagnostic, Severity
from ..core.errors import FristError
from ..decide.enforce import constrained
from ..policy.case import case_from_data
from ..policy.versions import valid_until
from ..verify.static import constraint_diagnostic
from .kit import Kit, load_z3, new_solver
from .queries import Window, reads_balance
from .symbolic_run import NotEncodable

__all__ = ["prove_catalog", "prover", "ProofReport", "OPEN_WINDOW_DAYS", "DEFAULT_BOUND", "MAX_BOUND"]

DEFAULT_BOUND = 3
MAX_BOUND = 8
OPEN_WINDOW_DAYS = 730        # a window with no later version: proved for this many days from its start
REFINEMENTS = 6


@dataclass
class ProofReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    queries: int = 0
    proved: int = 0
    seconds: float = 0.0


def prove_catalog(catalog, bound: int = DEFAULT_BOUND, timeout_ms: int = 10_000, only: set[str] | None = None,
                  on: dt.date | None = None) -> ProofReport:
    """Prove every process version of `catalog` (or those named in `only`; only the window
    holding the day `on`, when given) against the law."""
    z3 = load_z3()
    report = ProofReport()
    started = time.perf_counter()
    for checked in catalog.checked.values():
        if not checked.rules or (only is not None and checked.name not in only):
            continue
        for lo, hi, bindings in windows(catalog, checked):
            if on is not None and not lo <= on <= hi:
                continue
            if not constrained(bindings, checked.name):
                continue
            _prove_window(z3, catalog, checked, bindings, lo, hi, bound, timeout_ms, report)
    report.seconds = time.perf_counter() - started
    return report


def prover(bound: int, timeout_s: float):
    """`--prove` for `validate` and `test`: the options and the solver checked now (a usage error,
    exit 2, before any work), and the function giving the proof's diagnostics for the process
    versions named in `only` (all: None), less those the boundary search already `found`."""
    from ..core.errors import UsageError
    if not 1 <= bound <= MAX_BOUND:
        raise UsageError(f"--prove-bound must be 1 to {MAX_BOUND}, not {bound}")
    if not timeout_s > 0:
        raise UsageError(f"--prove-timeout must be more than 0 seconds, not {timeout_s:g}")
    load_z3()

    def prove(catalog, found: list[Diagnostic], only: set[str] | None) -> list[Diagnostic]:
        report = prove_catalog(catalog, bound, int(timeout_s * 1000), only)
        seen = {(d.code, d.message, d.span) for d in found}       # the search may report the same breach
        return [d for d in report.diagnostics if (d.code, d.message, d.span) not in seen]
    return prove


def windows(catalog, checked) -> list[tuple[dt.date, dt.date, dict]]:
    """The process version's days cut at every used version's start: (first, last, bindings)."""
    start = checked.version.effective
    until = valid_until(catalog.versions(checked.name), checked.version)
    cuts = {start}
    for name in catalog.bind(checked, start, True):
        for v in catalog.versions(name):
            if v.effective > start and (until is None or v.effective <= until):
                cuts.add(v.effective)
    days = sorted(cuts)
    ends = [d - dt.timedelta(days=1) for d in days[1:]] + [until or days[-1] + dt.timedelta(days=OPEN_WINDOW_DAYS)]
    return [(lo, hi, catalog.bind(checked, lo, True)) for lo, hi in zip(days, ends)]


def _prove_window(z3, catalog, checked, bindings, lo, hi, bound, timeout_ms, report: ProofReport) -> None:
    kit = Kit(z3)
    spec = checked.version.key
    laws = ", ".join(sorted(b.version.key for n, b in bindings.items() if n != checked.name))
    where = f"for every case with up to {bound} claims, events and payments decided {lo} … {hi} ({laws})"
    try:
        window = Window(kit, checked, bindings, lo, hi, bound)
        rules = window.rules()
    except (NotEncodable, KeyError, NotImplementedError, z3.Z3Exception) as err:
        report.diagnostics.append(_not_proved(checked.rules[0], None, f"{where}: the case could not be encoded ({err})"))
        return
    solver = new_solver(z3, timeout_ms)
    solver.add(*window.pre)
    proved, total = 0, 0
    lawful = None
    for q in rules:
        if q.decides is None:
            report.diagnostics.append(_not_proved(q.rule, None, f"{where}: {q.problem}"))
            continue
        for law, cc, broken in q.broken:
            total += 1
            report.queries += 1
            if broken is None:
                report.diagnostics.append(_not_proved(q.rule, cc, f"{where}: the constraint could not be encoded"))
                continue
            solver.push()
            solver.add(*kit.axioms)
            solver.add(q.decides, q.binds, broken)
            solver.push()                           # the proof reads the process's total as the balance
            solver.add(z3.Not(window.exact_view))
            verdict = solver.check()
            if verdict != z3.sat:
                solver.pop()
                solver.pop()
                if verdict == z3.unsat:
                    proved += 1
                else:
                    report.diagnostics.append(_not_proved(q.rule, cc, f"{where}: the solver gave up "
                                                          f"({solver.reason_unknown()})"))
                continue
            found, scoped, narrowed = None, True, False
            for attempt in range(REFINEMENTS):
                model = solver.model()
                day = dt.date.fromordinal(model.eval(window.as_of, model_completion=True).as_long())
                found = _confirm(catalog, spec, window.case.case_file(model, day), day, law.version.key, cc.constraint.id)
                if found is not None:
                    break
                if attempt == 0:
                    # search among cases that decide without an error, keep their fees, and (for a
                    # constraint reading the balance) whose law balance the encoding knows exactly
                    solver.pop()
                    scoped = False
                    if lawful is None:
                        lawful = window.history_is_lawful(judges(catalog, checked, bindings))
                    solver.add(*lawful, *[z3.Not(f) for f in kit.failures])
                    balance = reads_balance(bindings, law, cc)
                    solver.add(*(window.paid_in_full() if balance else [z3.Not(window.exact_view)]))
                    if "settle" in kit.abstract_used and not balance:
                        solver.push()               # first among cases with no payment (the ledger
                        solver.add(*window.no_payments())       # owes all the principal), then any
                        narrowed = True
                found, narrowed = search_again(z3, solver, kit, model, window, narrowed)
                if not found:
                    break
            if narrowed:
                solver.pop()
            if scoped:
                solver.pop()
            solver.pop()
            if found is not None:
                decision, violation, text = found
                report.diagnostics.append(constraint_diagnostic(decision.rule, violation, spec, law.version.key, text,
                                                                "found by --prove; "))
            else:
                report.diagnostics.append(_not_proved(q.rule, cc, f"{where}: a case the solver found is not confirmed "
                                                      f"by `decide` (the abstract functions or the law's view of "
                                                      f"the recorded fees differ), after {REFINEMENTS} refinements"))
    report.proved += proved
    if total and proved == total:
        abstract = ", ".join(sorted(kit.abstract_used)) or "none"
        first = rules[0].rule if rules else checked.rules[0]
        report.diagnostics.append(Diagnostic(
            "proved", f"{spec}: {len(rules)} rule(s) keep all {total // max(len(rules), 1)} constraint(s) of "
            f"{laws} {where.partition(' (')[0]}", first.rule.span, severity=Severity.NOTE,
            help=f"bound {bound}; window {lo} … {hi}; abstract functions: {abstract} (docs/law-enforces.md, \"proved\")"))


def judges(catalog, checked, bindings) -> list[tuple[int, int | None, dict]]:
    """The spans of days (day numbers, first and last; None: open) between the start dates of the
    used versions, each with the versions in force then: what judges a recorded fee of that day
    (`decide/history.py` binds the process on the fee's date)."""
    days = sorted({v.effective for name in bindings if name != checked.name for v in catalog.versions(name)})
    out = []
    for lo, after in zip(days, days[1:] + [None]):
        try:
            judged_by = catalog.bind(checked, lo, True)
        except FristError:
            continue                    # nothing binds then: left unconstrained, the search may still be refined
        out.append((lo.toordinal(), after.toordinal() - 1 if after is not None else None, judged_by))
    return out


def search_again(z3, solver, kit, model, window, narrowed: bool) -> tuple[bool, bool]:
    """After a model `decide` did not confirm: refine the abstract functions where the model got
    them wrong (else exclude the model) and solve again; when a narrowed search (one `push`) runs
    dry, drop the narrowing and solve once more. (another model found, still narrowed)"""
    solver.add(*kit.axioms)
    refined = kit.refine(model)
    if refined and not all(z3.is_true(model.eval(r, model_completion=True)) for r in refined):
        solver.add(*refined)
    else:
        solver.add(exclude_model(z3, model, window))
    if solver.check() == z3.sat:
        return True, narrowed
    if not narrowed:
        return False, False
    solver.pop()
    solver.add(*kit.axioms)
    return solver.check() == z3.sat, False


def exclude_model(z3, model, window):
    """Not this model's decision date and case (the next model must differ somewhere)."""
    terms = [window.as_of]
    for decl in model.decls():
        if decl.arity() == 0 and ("!" in decl.name()):
            terms.append(decl())
    return z3.Or([t != model.eval(t, model_completion=True) for t in terms])


def _confirm(catalog, spec: str, data: dict, day: dt.date, law_key: str, constraint_id: str):
    """`decide` on the case file: the decision, the violation and the case text when the same constraint holds it."""
    from ..decide.decision import decide_case
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=120).rstrip()
    try:
        case = case_from_data(yaml.safe_load(text), "<prove>")
        decision = decide_case(catalog, case, day, spec, include_drafts=True)
    except FristError:
        return None
    for v in decision.violations:
        if v.policy == law_key and v.constraint.id == constraint_id:
            return decision, v, text
    return None


def _not_proved(rule, cc, why: str) -> Diagnostic:
    what = f"rule `{rule.rule.id}`" + (f" and {cc.constraint.id}" if cc is not None else "")
    return Diagnostic("not-proved", f"{what}: not proved {why}", rule.rule.span, severity=Severity.WARNING,
                      help="the boundary search still checks it; a larger --prove-timeout or a simpler "
                           "expression may let the solver decide")
