"""The prover's preconditions are the case loader's checks: never stronger, never weaker.

Never stronger (or a proof would cover fewer cases than exist): every case of the corpus
(tests/cases, cases with up to N claims, events and payments) satisfies them, with each
symbolic field set to the case's value and the decision date to the case's `as_of`. Never
weaker (or a counterexample could be a file the loader refuses): cases the solver picks
under them, pushed to the edges (the earliest and latest dates, the smallest amounts, full
credits, many items), are all accepted by the loader and by `decide`'s own checks.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

z3 = pytest.importorskip("z3")

from engine.lang import types as T
from engine.policy.case import case_from_data, check_not_after, check_steps, load_case
from engine.prove.case_model import SymbolicCase
from engine.prove.kit import Kit

ROOT = Path(__file__).resolve().parents[2]
STEPS = ("reminder", "purring", "inkassovarsel", "betalingsoppfordring", "betalingsoppfordring_tungt",
         "sms_reminder", "call", "long_term_monitoring", "herinnering", "veertiendagenbrief", "incassokosten",
         "paminnelse", "inkassokrav", "amorteringsplan")       # every step the corpus records (tests/cases/se-*)
BOUND = 3


def _equal(kit, sym, value, typ) -> list:
    """Constraints setting the symbolic value `sym` to the run-time `value`."""
    if isinstance(typ, T.Optional):
        if value is None:
            return [z3.Not(sym.defined)]
        return [sym.defined] + _equal(kit, sym.value, value, typ.inner)
    if isinstance(typ, T.Record):
        return [c for key, t in typ.fields for c in _equal(kit, sym[key], value[key], t)]
    if isinstance(typ, T.ListOf):
        out = []
        for i, (present, item) in enumerate(sym):
            out.append(present if i < len(value) else z3.Not(present))
            if i < len(value):
                out += _equal(kit, item, value[i], typ.item)
        return out
    if typ == T.TEXT:
        return []
    return [sym == kit.literal(value, typ)]


def _corpus():
    for path in sorted((ROOT / "tests" / "cases").rglob("*.yaml")):
        case = load_case(path)
        data = case.data
        if max(len(data["claims"]), len(data["events"]), len(data["payments"])) <= BOUND and data.get("as_of"):
            yield path.relative_to(ROOT).as_posix(), data


CORPUS = list(_corpus())


def test_the_corpus_has_cases_to_check():
    assert len(CORPUS) > 50


@pytest.mark.parametrize("name,data", CORPUS[::3], ids=[n for n, _ in CORPUS[::3]])
def test_every_corpus_case_meets_the_preconditions(name, data):
    kit = Kit(z3)
    case = SymbolicCase(kit, STEPS, BOUND)
    as_of = z3.Int("as_of")
    solver = z3.Solver()
    solver.add(*case.preconditions(as_of), as_of == data["as_of"].toordinal())
    for key, typ in case.type.fields:
        if key not in ("as_of", "policy", "case_id"):
            solver.add(*_equal(kit, case.data[key], data[key], typ))
    assert solver.check() == z3.sat


@pytest.mark.parametrize("edge", ["earliest", "latest", "small", "full"])
def test_cases_the_solver_picks_load(edge):
    kit = Kit(z3)
    case = SymbolicCase(kit, STEPS, BOUND)
    as_of = z3.Int("as_of")
    opt = z3.Optimize()
    opt.add(*case.preconditions(as_of))
    d = case.data
    opt.add(*[p for p, _ in d["claims"] + d["events"] + d["payments"]])          # every slot used
    days = [c["due"] for _, c in d["claims"]] + [e["date"] for _, e in d["events"]] + [as_of]
    if edge == "earliest":
        opt.minimize(z3.Sum(days))
    elif edge == "latest":
        opt.maximize(z3.Sum(days))
    elif edge == "small":
        opt.minimize(z3.Sum([c["amount"] for _, c in d["claims"]] + [p["amount"] for _, p in d["payments"]]))
    else:
        opt.add(*[c["credited"] == c["amount"] for _, c in d["claims"]])
    assert opt.check() == z3.sat
    model = opt.model()
    day = dt.date.fromordinal(model.eval(as_of).as_long())
    loaded = case_from_data(case.case_file(model, day), "<prove>")
    check_steps(loaded, STEPS, "all steps")
    check_not_after(loaded, day)
