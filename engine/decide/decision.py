"""Deciding a case: pick the versions in force, run the rules in order, build a `Decision`.

The first rule whose `when` holds decides (`semantics.choice`, shared by every evaluator). A definition is evaluated just before the
first expression that needs it; if evaluating a rule fails, the decision fails with an
`EvaluationError` naming the rule (never a silent skip). `Decision.to_json` is
deterministic: same input, byte-identical output.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..check.pipeline import Catalog
from ..core.errors import EvaluationError, UsageError
from ..lang import ast
from ..lang import types as T
from ..lang.render import to_json
from ..lang.semantics import first_match, no_rule_matches
from ..policy.case import LoadedCase, check_not_after, check_steps
from ..policy.outputs import VALUE, json_order, output_json
from ..policy.versions import valid_until
from ..run.evaluator import Evaluator
from ..run.plan import needs
from ..run.runtime import Bound, CheckedRule, CheckedVersion, RuleOutcome, Run, Trace
from ..values.money import DECIMAL_CONTEXT, is_ore_exact
from .enforce import judge
from .history import judge_history
from .notice import Notice
from .set_aside import SetAside, deciding_reason, remaining_case, set_aside, set_aside_json
from .stale import stale_figures, stale_violations, stale_warnings

if TYPE_CHECKING:
    from ..run.compiler import CompiledPolicy

__all__ = ["Decision", "decide_case", "enforce_law", "choose_policy", "FORMAT_VERSION", "BLOCKED_ACTION"]

FORMAT_VERSION = 1
BLOCKED_ACTION = "legal_review"      # what a decision the law forbids becomes (docs/language.md)


@dataclass
class Decision:
    case_id: str
    as_of: dt.date
    bindings: dict[str, Bound]
    main: str
    rule: CheckedRule
    outputs: dict[str, Any]
    amounts: dict[str, Any]
    trace: Trace | None = None
    warnings: list[Notice] = field(default_factory=list)     # str subclasses: the English text, and its parts
    set_aside: list[SetAside] = field(default_factory=list)      # claims taken out of the case, with why
    # What the law forbids in the rule's proposal (engine/constraints). When non-empty the
    # decision is blocked: the action is BLOCKED_ACTION, `outputs` are empty and
    # `proposed` keeps what the rule wanted, for the audit trail.
    violations: list = field(default_factory=list)
    proposed: dict[str, Any] = field(default_factory=dict)
    law_view: Any = None            # the law's own view of the case (run/law_view.py), None without one
    # The constraints the decision was judged by ("policy/constraint" whose `when` held): what the
    # law search counts per constraint (verify/law_search.py); not part of the decision JSON.
    tried: list = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.violations)

    @property
    def action(self) -> str:
        return BLOCKED_ACTION if self.blocked else self.rule.rule.action

    @property
    def step(self) -> str | None:
        return None if self.blocked else self.rule.rule.step

    @property
    def version(self) -> CheckedVersion:
        return self.bindings[self.main].checked

    def policy_json(self, catalog: Catalog | None = None) -> dict:
        main = self.version.version
        uses = [{"name": b.version.name, "version": b.version.effective.isoformat(), "sha256": b.version.sha256}
                for name, b in sorted(self.bindings.items()) if name != self.main]
        return {"name": main.name, "version": main.effective.isoformat(), "sha256": main.sha256,
                "status": main.status, "uses": uses}

    def to_dict(self, include_trace: bool = True) -> dict:
        rule = self.rule.rule
        out: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "case_id": self.case_id,
            "as_of": self.as_of.isoformat(),
            "policy": self.policy_json(),
            "action": self.action,
            "rule": rule.id,
        }
        mine = json_order(self.version.jurisdiction)     # its jurisdiction's outputs (policy/outputs.py)
        for o in mine:
            out[o.name] = output_json(o, self.outputs)
        out["step"] = self.step
        out["amounts"] = {k: to_json(v, T.MONEY) for k, v in self.amounts.items()}
        out["set_aside"] = set_aside_json(self.set_aside)
        if self.blocked:
            out["reasons"] = [{"rule": v.name, "text": dict(v.constraint.text), "source": v.constraint.source}
                              for v in self.violations]
            proposed = {"action": rule.action, "step": rule.step}
            proposed.update({o.name: output_json(o, self.proposed) for o in mine if o.form == VALUE})
            out["violations"] = [{**v.to_json(), "proposed": proposed} for v in self.violations]
        else:
            out["reasons"] = [{"rule": rule.id, "text": dict(rule.explain), "source": rule.source}]
        out["warnings"] = [str(w) for w in self.warnings]
        if include_trace and self.trace is not None:
            from .trace_json import trace_to_json
            out["trace"] = trace_to_json(self.trace, self.bindings, self.main)
        return out

    def to_json(self, include_trace: bool = True) -> str:
        return json.dumps(self.to_dict(include_trace), indent=2, ensure_ascii=False, sort_keys=False)


def choose_policy(case: LoadedCase, override: str | None) -> tuple[str, str | None]:
    """`name` or `name@YYYY-MM-DD` from --policy, else from the case."""
    spec = override or case.data.get("policy")
    if not spec:
        raise UsageError("the case names no policy: add `policy: <name>` to it or pass --policy")
    name, _, pinned = spec.partition("@")
    return name, pinned or None


def decide_case(catalog: Catalog, case: LoadedCase, as_of: dt.date, policy: str | None = None,
                include_drafts: bool = False, trace: bool = False, fast: bool = False,
                allow_stale: bool = False) -> Decision:
    """Decide one case.

    Args:
        trace: record every value for explain (reference evaluator).
        fast: use the compiled function (no trace); same decisions, see tests/parity/test_parity.py.
        allow_stale: decide even with a figure past its review date and no later version
            (decide/stale.py); the decision's warnings then name each such figure.
    """
    name, pinned = choose_policy(case, policy)
    main = catalog.resolve(name, as_of, include_drafts, pinned)
    if not main.rules:
        raise UsageError(f"policy `{name}` has no rules: it is meant to be used by other policies")
    check_steps(case, main.version.steps, main.version.key)
    check_not_after(case, as_of)
    bindings = catalog.bound(main, as_of, include_drafts)
    with decimal.localcontext(DECIMAL_CONTEXT):
        judged, history = judge_history(catalog, main, case.data, include_drafts, as_of, compiled=fast and not trace)
        aside = set_aside(judged, as_of, bindings, main, compiled=fast and not trace)
        data = remaining_case(judged, aside)
        outputs: dict
        if not data["claims"]:
            # Every claim set aside: the first reason decides, and nothing is owed but what
            # was paid (a case's costs follow its claims: no claim, no cost to collect).
            data = {**data, "events": []}
            run = Run(data, as_of, bindings, main.name, trace=Trace() if trace else None)
            chosen, outputs, amounts = deciding_reason(main, aside), {}, _run_amounts(run, main)
            run_trace = run.trace
        elif fast and not trace:
            chosen, outputs, amounts = _run_compiled(catalog, bindings, main, data, as_of, case.case_id)
            run_trace = None
        else:
            run = Run(data, as_of, bindings, main.name, trace=Trace() if trace else None)
            chosen, outputs, amounts = _run_rules(run, main, case.case_id)
            run_trace = run.trace
        outputs = {k: _exact(v, chosen.outputs[k], f"`{k}` of rule `{chosen.rule.id}`") for k, v in outputs.items()}
        amounts = {k: _exact(v, main.amounts[k], f"amount `{k}`") for k, v in amounts.items()}
        decision = Decision(case.case_id, as_of, bindings, main.name, chosen, outputs, amounts, run_trace, set_aside=aside)
        stale = stale_figures(catalog, bindings, as_of)
        decision.warnings = history + review_notes(bindings, as_of) + (stale_warnings(stale) if allow_stale else [])
        enforce_law(decision, data, compiled=fast and not trace)
        if stale and not allow_stale:
            if not decision.violations:
                decision.proposed, decision.outputs = decision.outputs, {}
            decision.violations = decision.violations + stale_violations(stale, catalog.locales)
    return decision


def enforce_law(decision: Decision, data: dict, compiled: bool = False) -> Decision:
    """Block `decision` if its rule's proposal breaks a constraint or reports an amount above the
    law's view of the case (`enforce.judge`: the one check for every evaluator; `compiled`: its
    constraints by compiled code where nothing raises, the same verdict)."""
    outputs, rule = decision.outputs, decision.rule.rule
    found, decision.law_view = judge(decision.bindings, decision.version, data, decision.as_of, rule.action, rule.step,
                                     outputs, decision.amounts, tested=decision.tried, compiled=compiled)
    if found:
        decision.violations, decision.proposed, decision.outputs = found, outputs, {}
    return decision


def compiled_for(catalog: Catalog, bindings: dict[str, Bound], main: str) -> CompiledPolicy:
    """The compiled decide function for these bound versions, compiled once per catalog."""
    from ..run.compiler import compile_bindings
    cache = catalog.compiled
    # first by the versions' identity (cheap: the law search asks 17,000 times), then by their keys
    seen = cache.setdefault(_BY_IDENTITY, {})
    fast = (main, *(id(b.checked) for b in bindings.values()))
    found = seen.get(fast)
    if found is None:
        key = tuple(sorted(b.version.key for b in bindings.values())) + (main,)
        if key not in cache:
            cache[key] = compile_bindings(bindings, main)
        # the versions kept alive with it: no id in `fast` is reused while it is kept
        found = seen[fast] = (cache[key], tuple(b.checked for b in bindings.values()))
    return found[0]


_BY_IDENTITY = ("by the versions' identity",)     # catalog.compiled's entry: (main, ids) → (compiled, versions)


def _run_compiled(catalog: Catalog, bindings: dict[str, Bound], main: CheckedVersion, case: dict, as_of: dt.date,
                  case_id: str) -> tuple[CheckedRule, dict, dict]:
    program = compiled_for(catalog, bindings, main.name)
    try:
        result = program.decide(case, as_of)
    except EvaluationError:
        raise
    except (ArithmeticError, KeyError, TypeError, ValueError) as err:
        raise EvaluationError(f"evaluating {main.version.key} failed: {type(err).__name__}: {err}",
                              help="run `frin explain` on the case to see which rule fails") from None
    if result is None:
        raise no_rule_matches(main.version.key, case_id)
    index, outputs, amounts = result
    return main.rules[index], outputs, amounts


def _run_rules(run: Run, main: CheckedVersion, case_id: str) -> tuple[CheckedRule, dict, dict]:
    evaluator = Evaluator(run)
    bound = run.bound(main.name)
    done: set = set()

    def holds(rule: CheckedRule) -> bool:
        try:
            for policy, name in needs(rule.when, run.bindings, done):
                evaluator.definition(policy, name)
            return evaluator.value(rule.when, bound)
        except EvaluationError as err:
            err.message = f"rule `{rule.rule.id}`: {err.message}"
            raise

    trace = run.trace

    def seen(rule: CheckedRule, matched: bool | None) -> None:
        assert trace is not None                # first_match is given `seen` only with a trace
        trace.rules.append(RuleOutcome(rule, matched))

    chosen = first_match(main.rules, holds, seen if trace is not None else None)
    if chosen is None:
        raise no_rule_matches(main.version.key, case_id)
    inner = set(done)

    def value(expr):
        for policy, name in needs(expr, run.bindings, inner):
            evaluator.definition(policy, name)
        return evaluator.value(expr, bound)

    outputs = {key: value(expr) for key, expr in chosen.outputs.items()}
    amounts = {key: value(expr) for key, expr in main.amounts.items()}
    return chosen, outputs, amounts


def _run_amounts(run: Run, main: CheckedVersion) -> dict[str, Any]:
    """The amounts alone (no rule runs): for a case whose every claim is set aside."""
    evaluator = Evaluator(run)
    bound = run.bound(main.name)
    done: set = set()
    amounts = {}
    for key, expr in main.amounts.items():
        for policy, name in needs(expr, run.bindings, done):
            evaluator.definition(policy, name)
        amounts[key] = evaluator.value(expr, bound)
    return amounts


def _exact(value: Any, expr: ast.Expr, what: str) -> Any:
    if T.unwrap(ast.type_of(expr)) == T.MONEY and value is not None and not is_ore_exact(value):
        raise EvaluationError(f"{what} is {value}, which is not exact to the minor unit (øre, cent)", expr.span,
                              help="wrap the expression in round_minor(…) (or round_major) at the point the law rounds")
    return value


def review_notes(bindings: dict[str, Bound], as_of: dt.date) -> list[Notice]:
    """Figures of the bound versions whose review date is before the decision date."""
    notes = []
    for name, bound in sorted(bindings.items()):
        for p in bound.version.parameters.values():
            if p.review_by is not None and p.review_by < as_of:
                notes.append(Notice("review_due", figure=f"{name}.{p.name}", version=bound.version.key, day=p.review_by))
    return notes


def in_force_text(catalog: Catalog, bound: Bound, open_word: str = "open",
                  day: Callable[[dt.date], str] = dt.date.isoformat) -> str:
    """`2026-01-01 → 2026-06-30` (or `→ open`), each date written by `day` (a voice's date form)."""
    until = valid_until(catalog.versions(bound.version.name), bound.version)
    return f"{day(bound.version.effective)} → {day(until) if until else open_word}"
