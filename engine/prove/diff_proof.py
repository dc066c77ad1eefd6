"""`frin diff --prove OLD NEW`: do two versions decide every case the same way, up to a bound?

For each window of the new version (its used versions fixed; the old version bound to the
versions in force on the window's first day, from its own catalog), one symbolic case and
one decision date are decided by both versions, and for the action, the step and each value
output the diff compares, one query asks whether the two differ. Unsatisfiable: the field is
the same for every case with up to N claims, events and payments decided in the window, that
both versions decide (a case one version cannot decide, or where every claim is set aside,
is left out). Satisfiable: the case is decided by both versions with the engine and reported
only when their decisions really differ in that field; otherwise the model is refined and
excluded a few times, then `not-proved`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from ..core.errors import FristError
from ..lang.semantics.symbolic import SYMBOLIC_COMPARISONS
from ..policy.case import case_from_data
from ..policy.outputs import VALUE, all_outputs, output_json
from .kit import Kit, load_z3, new_solver
from .prover import REFINEMENTS, judges, search_again, windows
from .queries import Window
from .symbolic_run import NotEncodable

__all__ = ["prove_same"]


def prove_same(old, new, bound: int = 3, timeout_ms: int = 10_000, on: dt.date | None = None) -> list[dict[str, Any]]:
    """One entry per window (only the one holding `on`, when given) and field: `verdict` same /
    differs (with the case, as both versions decide it) / not-proved."""
    z3 = load_z3()
    fields = [o.name for o in all_outputs() if o.form == VALUE and o.diff]
    out = []
    for lo, hi, new_bindings in windows(new.catalog, new.checked):
        if on is not None and not lo <= on <= hi:
            continue
        base = {"window": [lo.isoformat(), hi.isoformat()], "bound": bound}
        kit = Kit(z3)
        try:
            old_bindings = old.catalog.bind(old.checked, lo, True)
            after = Window(kit, new.checked, new_bindings, lo, hi, bound)
            before = Window(kit, old.checked, old_bindings, lo, hi, bound, shared=after)
            terms = (before.outcome(fields), after.outcome(fields))
        except (FristError, NotEncodable, KeyError, NotImplementedError, z3.Z3Exception) as err:
            out.append({**base, "field": "*", "verdict": "not-proved", "why": str(err)})
            continue
        solver = new_solver(z3, timeout_ms)
        solver.add(*after.pre, *before.pre, *kit.axioms)
        lawful = []                 # refinements: both histories as the law judges them (prover.py)
        for side, window, bindings in ((new, after, new_bindings), (old, before, old_bindings)):
            lawful += window.history_is_lawful(judges(side.catalog, side.checked, bindings))
        for name in ["action", "step", *fields]:
            differs = SYMBOLIC_COMPARISONS["!="](kit, terms[0][name], terms[1][name])
            out.append({**base, "field": name, **_query(z3, solver, kit, after, differs, old, new, name, lawful)})
    return out


def _query(z3, solver, kit, window, differs, old, new, name: str, lawful: list) -> dict[str, Any]:
    solver.push()
    solver.add(differs)
    narrowed = False
    try:
        verdict = solver.check()
        if verdict == z3.unsat:
            return {"verdict": "same"}
        if verdict == z3.unknown:
            return {"verdict": "not-proved", "why": f"the solver gave up ({solver.reason_unknown()})"}
        for attempt in range(REFINEMENTS):
            model = solver.model()
            day = dt.date.fromordinal(model.eval(window.as_of, model_completion=True).as_long())
            data = window.case.case_file(model, day)
            found = _confirm(old, new, data, day, name)
            if found is not None:
                return {"verdict": "differs", **found}
            if attempt == 0:            # search among cases both decide without an error, fees kept
                solver.add(*[z3.Not(f) for f in kit.failures], *lawful)
                if "settle" in kit.abstract_used:
                    solver.push()       # first among cases with no payment (prover.py)
                    solver.add(*window.no_payments())
                    narrowed = True
            again, narrowed = search_again(z3, solver, kit, model, window, narrowed)
            if not again:
                break
        return {"verdict": "not-proved", "why": "a case the solver found is not confirmed by deciding it"}
    finally:
        if narrowed:
            solver.pop()
        solver.pop()


def _confirm(old, new, data: dict, day: dt.date, name: str) -> dict[str, Any] | None:
    """Both versions' decisions on the case file, when they differ in `name`."""
    from ..decide.decision import decide_case
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=120).rstrip()
    shown = []
    for side in (old, new):
        v = side.checked.version
        try:
            case = case_from_data(yaml.safe_load(text), "<prove>")
            decision = decide_case(side.catalog, case, day, f"{v.name}@{v.effective.isoformat()}", include_drafts=v.is_draft)
        except FristError:
            return None
        record = decision.to_dict(include_trace=False)
        value = (record.get(name) if name in ("action", "step") else
                 output_json(next(o for o in all_outputs() if o.name == name), decision.outputs))
        if value is None and decision.blocked:
            # a held decision has no outputs: say which constraint held it, not "None"
            value = "held by " + ", ".join(r["rule"] for r in record.get("reasons", []))
        shown.append(value)
    if shown[0] == shown[1]:
        return None
    return {"old": shown[0], "new": shown[1], "case": text}
