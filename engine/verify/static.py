"""What `frin validate` can tell about a process without a case.

- A rule after one whose `when` is the literal `true`, or whose own `when` is the literal
  `false`, can never fire (an error: the ladder is not what it says).
- A rule whose fee, salær and deadline are constants (they read no case data) is judged
  against every constraint that reads nothing but `decision` and the law's figures, for
  every version of the law in force while the process version is.
"""
from __future__ import annotations

from ..core.diagnostics import Diagnostic
from ..core.errors import EvaluationError
from ..decide.enforce import constrained, violations
from ..lang import ast
from ..lang import types as T
from ..lang.render import show
from ..policy.outputs import law_fields
from ..policy.record import DECISION, charges, record_of
from ..run.evaluator import Evaluator
from ..run.runtime import Bound, Run

__all__ = ["unreachable_rules", "constant_violations", "reads_case", "blame_span", "constraint_diagnostic", "figures"]


def reads_case(expr: ast.Expr | None, allow_decision: bool = False) -> bool:
    """Whether `expr` reads anything of a case (fields, definitions, as_of)."""
    if expr is None:
        return False
    for n in ast.walk(expr):
        if isinstance(n, ast.Path) and n.ref is not None and n.ref.kind in ("field", "def", "as_of"):
            if not (allow_decision and n.ref.kind == "field" and n.ref.name == DECISION):
                return True
    return False


def unreachable_rules(checked) -> list[Diagnostic]:
    out = []
    always = None
    for r in checked.rules:
        rule = r.rule
        if always is not None:
            out.append(Diagnostic("unreachable-rule", f"rule `{rule.id}` can never fire: rule `{always.id}` before it always holds",
                                  rule.span, notes=(("this rule's `when` is always true", always.when.span),),
                                  help="move the rule before the catch-all, or delete it"))
        elif isinstance(rule.when, ast.Literal) and rule.when.value is False:
            out.append(Diagnostic("unreachable-rule", f"rule `{rule.id}` can never fire: its `when` is `false`",
                                  rule.when.span, help="delete the rule or give it a real condition"))
        if always is None and isinstance(rule.when, ast.Literal) and rule.when.value is True:
            always = rule
    return out


def blame_span(rule, constraint, amounts: dict | None = None):
    """Where a process rule breaks a constraint: the output the constraint reads (for an amount
    above the law's view, `<amount>-within-the-law`, the amount's expression), else the rule."""
    amount = constraint.id.removesuffix("-within-the-law") if constraint.id.endswith("-within-the-law") else None
    if amount is not None and amounts and amount in amounts and amounts[amount].span is not None:
        return amounts[amount].span
    read = {n.parts[1] for e in (constraint.when, constraint.require) if e is not None
            for n in ast.walk(e) if isinstance(n, ast.Path) and n.parts[0] == DECISION and len(n.parts) > 1}
    for key in (o.name for o in law_fields()):
        if key in read and key in rule.rule.outputs:
            return rule.rule.outputs[key].span
    return rule.rule.span


def figures(bindings, main: str, data: dict, as_of, record: dict, violation) -> str:
    """The values a broken constraint compared, e.g. "`decision.fee` = 2,000.00 NOK, `inkassovarsel_fee`
    = 38.00 NOK": an author sees by how much the rule is over, not only that it is."""
    pair = next(((b, cc) for b, cc in constrained(bindings, main) if cc.constraint is violation.constraint), None)
    if pair is None:
        return ""
    bound, checked = pair
    evaluator = Evaluator(Run({**data, DECISION: record}, as_of, bindings, main))
    jurisdiction = bound.checked.jurisdiction
    currency = getattr(jurisdiction, "currency", "")
    shown: dict[str, str] = {}
    for node in ast.walk(checked.require):
        if isinstance(node, ast.Path) and node.text not in shown:
            try:
                value = evaluator.value(node, bound)
            except (EvaluationError, KeyError, TypeError, AttributeError):
                continue
            money = node.type is not None and T.unwrap(node.type) == T.MONEY and value is not None
            shown[node.text] = f"{value:,.2f} {currency}".rstrip() if money else show(value, node.type)
    return ", ".join(f"`{name}` = {value}" for name, value in shown.items())


def constraint_diagnostic(rule, violation, version_key: str, law_key: str, case_text: str | None, reason: str = "",
                          compared: str = "", amounts: dict | None = None) -> Diagnostic:
    c = violation.constraint
    help = (f"counterexample ({reason}decided by {version_key} with {law_key}), as a case file:\n{case_text}"
            if case_text else f"the rule's outputs are constants: it breaks the constraint under {law_key}")
    here = f"; here {compared}" if compared else ""
    return Diagnostic("breaks-law", f"rule `{rule.rule.id}` breaks {violation.name}: {c.said('en')} ({c.source}){here}",
                      blame_span(rule, c, amounts), notes=(("the constraint", c.span),), help=help)


def constant_violations(checked, laws: list[dict], seen: set | None = None) -> list[Diagnostic]:
    """`laws`: per used-version combination, the bindings (name → Bound) to judge under.
    `seen` collects the (rule, constraint) pairs reported, so each is reported once, not once
    per law version (nor again by the boundary search)."""
    out = []
    seen = set() if seen is None else seen
    for r in checked.rules:
        outputs = {k: r.outputs.get(k) for k in charges()}
        if r.rule.step is None and all(e is None for e in outputs.values()):
            continue
        if any(reads_case(e) for e in outputs.values()):
            continue
        for bindings in laws:
            run = Run({}, checked.version.effective, bindings, checked.name)
            try:
                values = {k: Evaluator(run).value(e, bindings[checked.name]) if e is not None else None
                          for k, e in outputs.items()}
            except (EvaluationError, KeyError):
                continue
            record = record_of(r.rule.action, r.rule.step, values, None)
            pure = {name: Bound(_only_static(b.checked)) for name, b in bindings.items()}
            try:
                found = violations(pure, checked.name, {}, checked.version.effective, record)
            except (EvaluationError, KeyError, TypeError):
                continue
            for v in found:
                key = (r.rule.id, v.constraint.id)
                if key not in seen:
                    seen.add(key)
                    out.append(constraint_diagnostic(r, v, checked.version.key, v.policy, None, compared=figures(
                        pure, checked.name, {}, checked.version.effective, record, v)))
    return out


def _only_static(checked):
    """A copy of a checked version keeping only the constraints that read no case data."""
    from dataclasses import replace
    return replace(checked, constraints=[c for c in checked.constraints
                                         if not reads_case(c.when, True) and not reads_case(c.require, True)
                                         and not _reads(c, (*_not_charges(), "balance"))])


def _not_charges() -> tuple[str, ...]:
    """What a rule whose charges are constants does not tell without a case: its other law fields."""
    return tuple(o.name for o in law_fields() if o.law != "charge")


def _reads(checked_constraint, fields) -> bool:
    c = checked_constraint.constraint
    return any(isinstance(n, ast.Path) and n.parts[0] == DECISION and len(n.parts) > 1 and n.parts[1] in fields
               for e in (c.when, c.require) if e is not None for n in ast.walk(e))
