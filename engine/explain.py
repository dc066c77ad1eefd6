"""Explanations for people: a `Decision` and its trace as text or markdown, in nb or en.

Shows the versions chosen (and why: their effective dates), the decision with its figures,
every rule in order with ✓/✗ and the value of each condition's operands, the definitions
evaluated, and every figure read with its source.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import ast
from . import types as T
from .diagnostics import printable
from .render_values import show
from .trace import SourceIndex, conditions

if TYPE_CHECKING:
    from .decision import Decision
    from .pipeline import Catalog

__all__ = ["explain_text"]

_WORDS = {
    "en": {"case": "Case", "on": "on", "decided": "decided by", "uses": "uses", "in_force": "in force",
           "decision": "Decision", "amounts": "Amounts", "rules": "Rules, in order (the first that holds decides)",
           "not_reached": "not reached (an earlier rule decided)", "defs": "Definitions evaluated",
           "figures": "Figures used", "source": "source", "warnings": "Warnings", "none": "none",
           "why": "because", "open": "open",
           "blocked": "The law forbids what rule `{rule}` proposed ({action}{step}); the case goes to legal review",
           "broken": "breaks",
           "aside": "Claims set aside (not collected; the amounts leave them out)", "claim": "claim",
           "all_aside": "none considered: every claim is set aside; the first reason in the policy's set_aside order decides",
           "outputs": {"fee": "fee", "salaer": "salær", "payment_deadline": "payment deadline",
                       "not_before": "not before", "next_review": "next review", "commission": "commission"}},
    "nb": {"case": "Sak", "on": "per", "decided": "avgjort av", "uses": "bruker", "in_force": "gjelder",
           "decision": "Avgjørelse", "amounts": "Beløp", "rules": "Regler, i rekkefølge (den første som slår til avgjør)",
           "not_reached": "ikke vurdert (en tidligere regel avgjorde)", "defs": "Definisjoner beregnet",
           "figures": "Satser brukt", "source": "kilde", "warnings": "Advarsler", "none": "ingen",
           "why": "fordi", "open": "inntil videre",
           "blocked": "Loven forbyr det regel `{rule}` foreslo ({action}{step}); saken går til juridisk vurdering",
           "broken": "bryter",
           "aside": "Krav holdt utenfor (krevs ikke inn; beløpene tar dem ikke med)", "claim": "krav",
           "all_aside": "ingen vurdert: alle krav er holdt utenfor; den første grunnen i policyens set_aside-rekkefølge avgjør",
           "outputs": {"fee": "gebyr", "salaer": "salær", "payment_deadline": "betalingsfrist",
                       "not_before": "tidligst", "next_review": "ny vurdering", "commission": "provisjon"}},
}


def _mark(value, evaluated: bool, color: bool) -> str:
    if not evaluated:
        return "·"
    sym = "✓" if value else "✗"
    if color:
        return f"\x1b[32m{sym}\x1b[0m" if value else f"\x1b[31m{sym}\x1b[0m"
    return sym


def explain_text(decision: Decision, catalog: Catalog, lang: str = "en", markdown: bool = False,
                 color: bool = False) -> str:
    from .decision import in_force_text
    w = _WORDS[lang]
    trace = decision.trace
    sources = SourceIndex(decision.bindings)
    main = decision.bindings[decision.main]
    h = (lambda t: f"## {t}") if markdown else (lambda t: t)
    code = (lambda t: f"`{t}`") if markdown else (lambda t: t)
    lines = [
        ("# " if markdown else "") + f"{w['case']} {printable(decision.case_id)} {w['on']} {decision.as_of}",
        f"{w['decided']} {main.version.key} ({w['in_force']} {in_force_text(catalog, main, w['open'])}, sha256 {main.version.sha256[:12]})",
    ]
    for name, bound in sorted(decision.bindings.items()):
        if name != decision.main:
            lines.append(f"  {w['uses']} {bound.version.key} ({w['in_force']} {in_force_text(catalog, bound, w['open'])})")
    rule = decision.rule.rule
    lines += ["", h(f"{w['decision']}: {code(decision.action)}")]
    if decision.blocked:
        lines += _blocked(decision, lang, w)
    else:
        lines.append(f"  {w['why']}: {rule.explain[lang]}")
        if rule.source:
            lines.append(f"  {w['source']}: {rule.source}")
    for key, value in decision.outputs.items():
        if not key.startswith("commission_"):
            lines.append(f"  {w['outputs'].get(key, key):<17} {show(value, decision.rule.outputs[key].type)}")
    commission = decision.commission_json()
    if commission is not None:
        lines.append(f"  {w['outputs']['commission']:<17} {commission['rate']} × {commission['basis']} NOK = {commission['amount']} NOK")
    if decision.amounts:
        lines += ["", h(w["amounts"])]
        for key, value in decision.amounts.items():
            lines.append(f"  {key:<17} {show(value, T.MONEY)}")
    if decision.set_aside:
        lines += ["", h(w["aside"])]
        for s in decision.set_aside:
            lines.append(f"  - {w['claim']} {s.invoice}: {code(s.reason.rule.id)}: {s.reason.rule.explain[lang]}")
            if s.reason.rule.source:
                lines.append(f"      {w['source']}: {s.reason.rule.source}")
    lines += ["", h(w["rules"])]
    if not trace.rules and decision.set_aside:
        lines.append(f"  · {w['all_aside']}")
    for outcome in trace.rules:
        r = outcome.rule
        if outcome.matched is None:
            lines.append(f"  · {r.rule.id} → {r.rule.action}: {w['not_reached']}")
            continue
        lines.append(f"  {_mark(outcome.matched, True, color)} {r.rule.id} → {r.rule.action}")
        joiner, parts = conditions(r.when, trace, sources)
        for i, c in enumerate(parts):
            prefix = f"{joiner} " if i and joiner else ""
            shown = c.detail if c.evaluated else "not evaluated"
            text = f"{prefix}{c.text}"
            if shown != c.text:
                lines.append(f"      {_mark(c.value, c.evaluated, color)} {code(text)}   ⇒ {shown}")
            else:
                lines.append(f"      {_mark(c.value, c.evaluated, color)} {code(text)}")
    if trace.definitions:
        lines += ["", h(w["defs"])]
        for policy, name, value in trace.definitions:
            expr = decision.bindings[policy].checked.definitions[name]
            qual = name if policy == decision.main else f"{policy}.{name}"
            lines.append(f"  {qual} = {show(value, expr.type)}    ({sources.text(expr)})")
            lines += [f"      {line}" for line in _ledger_journal(expr, trace)]
    if trace.params_read:
        lines += ["", h(w["figures"])]
        for (policy, name), bound in sorted(trace.params_read.items()):
            p = bound.version.parameters[name]
            lines.append(f"  {policy}.{name} = {_figure(bound.checked.params[name], p.type, decision)}")
            lines.append(f"      {w['source']}: {p.source}" + (f"; review by {p.review_by}" if p.review_by else ""))
    if decision.warnings:
        lines += ["", h(w["warnings"])] + [f"  ! {text}" for text in decision.warnings]
    return "\n".join(lines) + "\n"


def _blocked(decision: Decision, lang: str, w: dict) -> list[str]:
    """A decision the law forbids: what the rule proposed and each constraint it breaks, with its source."""
    from .render_values import to_json
    rule = decision.rule
    proposed = []
    for key, value in decision.proposed.items():
        if value is not None and not key.startswith("commission_"):
            proposed.append(f"{w['outputs'].get(key, key)} {to_json(value, rule.outputs[key].type)}")
    step = f", step {rule.rule.step}" if rule.rule.step else ""
    out = ["  " + w["blocked"].format(rule=rule.rule.id, action=rule.rule.action, step=step) + ":"]
    if proposed:
        out.append("    " + ", ".join(proposed))
    for v in decision.violations:
        out.append(f"  ✗ {w['broken']} {v.name}: {v.constraint.text[lang]}")
        out.append(f"      {w['source']}: {v.constraint.source} ({v.where})")
    return out


def _ledger_journal(expr, trace) -> list[str]:
    """How a `settle(...)` ledger was computed, step by step, from the traced arguments."""
    if not (isinstance(expr, ast.Call) and expr.name == "settle" and all(trace.has(a) for a in expr.args)):
        return []
    from .values.ledger import settle
    journal: list[str] = []
    settle(*(trace.value_of(a) for a in expr.args), journal=journal)
    return journal


def _figure(value, typ, decision) -> str:
    if isinstance(typ, T.Schedule):
        from .functions import value_on
        current = value_on(value, decision.as_of)
        return f"{show(current, typ.value)} on {decision.as_of} (schedule of {len(value)} entries)"
    if isinstance(typ, T.Table):
        return "brackets " + ", ".join(
            f"≤{show(k, typ.key)}: {show(v, typ.value)}" if k is not None else f"above: {show(v, typ.value)}"
            for k, v in value)
    return show(value, typ)
