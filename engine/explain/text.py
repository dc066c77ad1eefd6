"""Explanations for people: a `Decision` and its trace as text or Markdown, in nb or en.

Shows the versions chosen (and why: their effective dates), the decision with its figures,
every rule in order with ✓/✗ and the value of each condition's operands, the definitions
evaluated, and every figure read with its source.

The explanation is built once as sections of indented items (`Doc`), then rendered: as
aligned text, or as CommonMark (a heading per section, a nested list per item, code
spans for expressions) that a Markdown renderer shows as it reads in the terminal.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.diagnostics import printable
from ..lang import ast
from ..lang import types as T
from ..lang.render import Voice, show
from ..policy.outputs import PRODUCT, inputs, json_order, product_amount
from ..run.trace import SourceIndex, conditions
from .words import ledger_line, notice_text

if TYPE_CHECKING:
    from ..check.pipeline import Catalog
    from ..decide.decision import Decision

__all__ = ["explain_language", "explain_text", "voice_for", "reader_voice", "Doc", "render_doc"]



@dataclass
class Doc:
    """A title, header lines, then sections of (depth, text) items; text may hold `code`."""

    title: str
    header: list[str] = field(default_factory=list)
    sections: list[tuple[str, list[tuple[int, str]]]] = field(default_factory=list)

    def section(self, heading: str) -> list[tuple[int, str]]:
        items: list[tuple[int, str]] = []
        self.sections.append((heading, items))
        return items


_MD_SPECIAL = re.compile(r"([*_<])")     # what could start emphasis or HTML in a list item


def _md_text(text: str) -> str:
    """Escape Markdown outside `code spans` (kept as they are)."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(p if p.startswith("`") and p.endswith("`") and len(p) > 1 else _MD_SPECIAL.sub(r"\\\1", p)
                   for p in parts)


def render_doc(doc: Doc, markdown: bool) -> str:
    if markdown:
        out = [f"# {_md_text(doc.title)}", ""]
        out += [f"{_md_text(line)}  " if i < len(doc.header) - 1 else _md_text(line) for i, line in enumerate(doc.header)]
        for heading, items in doc.sections:
            out += ["", f"## {_md_text(heading)}", ""]
            out += [f"{'  ' * depth}- {_md_text(text)}" for depth, text in items]
        return "\n".join(out) + "\n"
    out = [doc.title] + doc.header
    for heading, items in doc.sections:
        out += ["", heading]
        out += [f"{'  ' + '    ' * depth}{text}" for depth, text in items]
    return "\n".join(out) + "\n"


def _mark(value, evaluated: bool, color: bool) -> str:
    if not evaluated:
        return "·"
    sym = "✓" if value else "✗"
    if color:
        return f"\x1b[32m{sym}\x1b[0m" if value else f"\x1b[31m{sym}\x1b[0m"
    return sym


def explain_language(decision: Decision, lang: str | None) -> str:
    """`lang` if the deciding policy's jurisdiction writes its texts in it (None: the jurisdiction's
    first language); a usage error naming the languages it has otherwise."""
    jurisdiction = decision.bindings[decision.main].checked.jurisdiction
    languages = jurisdiction.languages if jurisdiction is not None else ("en",)
    if lang is None:
        return languages[0]
    if lang not in languages:
        raise _not_written_in(decision.main, jurisdiction, languages, lang)
    return lang


def _not_written_in(policy: str, jurisdiction, languages, lang: str):
    """The usage error of a language the policy's jurisdiction does not write in, suggesting the
    nearest one it does (`--lang nob` → nb), else its first."""
    from ..core.diagnostics import suggest
    from ..core.errors import UsageError
    near = suggest(lang.lower(), languages, 1) or [languages[0]]
    return UsageError(f"`{policy}` is a policy of jurisdiction {jurisdiction.code if jurisdiction else '?'}, "
                      f"whose texts are in {', '.join(languages)}, not `{lang}`: use --lang {near[0]}")


def reader_voice(catalog: Catalog, jurisdiction, lang: str | None, policy: str) -> Voice:
    """The voice of `lang` (None: the jurisdiction's first language) for a page about `policy`
    (timeline, diff, graph): a usage error naming the languages the jurisdiction writes in,
    or the missing locale file, otherwise."""
    languages = jurisdiction.languages if jurisdiction is not None else ("en",)
    lang = lang or languages[0]
    if lang not in languages:
        raise _not_written_in(policy, jurisdiction, languages, lang)
    locale = catalog.locales.get(lang)
    if locale is None:
        from ..core.errors import UsageError
        raise UsageError(f"no locale file `locales/{lang}.yaml` beside the policies or in the bundled catalog "
                         f"(locales: {', '.join(sorted(catalog.locales)) or 'none'})")
    return Voice.of(jurisdiction, lang, locale)


def voice_for(decision: Decision, catalog: Catalog, lang: str) -> Voice:
    """The voice of `lang` for the deciding policy: its locale file and its jurisdiction's money format."""
    locale = catalog.locales.get(lang)
    if locale is None:
        from ..core.errors import UsageError
        raise UsageError(f"no locale file `locales/{lang}.yaml` beside the policies or in the bundled catalog "
                         f"(locales: {', '.join(sorted(catalog.locales)) or 'none'})")
    return Voice.of(decision.bindings[decision.main].checked.jurisdiction, lang, locale)


def explain_text(decision: Decision, catalog: Catalog, lang: str = "en", markdown: bool = False,
                 color: bool = False) -> str:
    return render_doc(explain_doc(decision, catalog, lang, markdown, color), markdown)


def explain_doc(decision: Decision, catalog: Catalog, lang: str = "en", markdown: bool = False,
                color: bool = False) -> Doc:
    from ..decide.decision import in_force_text
    trace = decision.trace
    assert trace is not None, "explain needs a decision made with its trace"
    sources = SourceIndex(decision.bindings)
    main = decision.bindings[decision.main]
    voice = voice_for(decision, catalog, lang)
    w = voice.locale.words
    code = (lambda t: f"`{t}`") if markdown else (lambda t: t)
    pad = (lambda t, n: t) if markdown else (lambda t, n: f"{t:<{n}}")
    doc = Doc(f"{w['case']} {printable(decision.case_id)} {w['on']} {voice.date(decision.as_of)}", [
        f"{w['decided']} {main.version.key} ({w['in_force']} {in_force_text(catalog, main, w['open'], voice.date)}, "
        f"sha256 {main.version.sha256[:12]})"])
    for name, bound in sorted(decision.bindings.items()):
        if name != decision.main:
            doc.header.append(f"{'' if markdown else '  '}{w['uses']} {bound.version.key} "
                              f"({w['in_force']} {in_force_text(catalog, bound, w['open'], voice.date)})")
    rule = decision.rule.rule
    items = doc.section(f"{w['decision']}: {code(decision.action)}")
    if decision.blocked:
        items += _blocked(decision, voice, w)
    else:
        items.append((0, f"{w['why']}: {rule.explain[lang]}"))
        if rule.source:
            items.append((0, f"{w['source']}: {rule.source}"))
    items += [(0, f"{pad(label, 17)} {text}") for label, text in _outputs(decision, decision.outputs, w, voice)]
    if decision.amounts:
        items = doc.section(w["amounts"])
        for key, value in decision.amounts.items():
            items.append((0, f"{pad(w['amount_names'].get(key, key), 17)} {show(value, T.MONEY, voice)}"))
    if decision.set_aside:
        items = doc.section(w["aside"])
        for s in decision.set_aside:
            dash = "" if markdown else "- "
            items.append((0, f"{dash}{w['claim']} {s.invoice}: {code(s.reason.rule.id)}: {s.reason.rule.explain[lang]}"))
            if s.reason.rule.source:
                items.append((1, f"{w['source']}: {s.reason.rule.source}"))
    items = doc.section(w["rules"])
    if not trace.rules and decision.set_aside:
        items.append((0, f"· {w['all_aside']}"))
    for outcome in trace.rules:
        r = outcome.rule
        if outcome.matched is None:
            items.append((0, f"· {r.rule.id} → {r.rule.action}: {w['not_reached']}"))
            continue
        items.append((0, f"{_mark(outcome.matched, True, color)} {r.rule.id} → {r.rule.action}"))
        joiner, parts = conditions(r.when, trace, sources, voice)
        for i, c in enumerate(parts):
            prefix = f"{joiner} " if i and joiner else ""
            shown = c.detail if c.evaluated else w["not_evaluated"]
            text = f"{_mark(c.value, c.evaluated, color)} {code(prefix + c.text)}"
            items.append((1, f"{text}   ⇒ {shown}" if shown != c.text else text))
    if trace.definitions:
        items = doc.section(w["defs"])
        for policy, name, value in trace.definitions:
            expr = decision.bindings[policy].checked.definitions[name]
            qual = name if policy == decision.main else f"{policy}.{name}"
            items.append((0, f"{qual} = {_value(value, expr.type, voice)}    ({code(sources.text(expr))})"))
            items += [(1, ledger_line(event, voice.locale)) for event in _steps(expr, trace)]
    if trace.params_read:
        items = doc.section(w["figures"])
        for (policy, name), bound in sorted(trace.params_read.items()):
            p = bound.version.parameters[name]
            items.append((0, f"{policy}.{name} = {_figure(bound.checked.params[name], p.type, decision, voice)}"))
            items.append((1, f"{w['source']}: {p.source}" +
                          (f"; {w['review_by']} {voice.date(p.review_by)}" if p.review_by else "")))
    if decision.warnings:
        items = doc.section(w["warnings"])
        items += [(0, f"! {notice_text(n, voice)}") for n in decision.warnings]
    return doc


def _value(value, typ, voice: Voice) -> str:
    """A definition's value; a record (the ledger) with its fields named in the voice's language."""
    names = voice.locale.words["amount_names"]
    if isinstance(value, dict) and names:
        fields = T.unwrap(typ) if typ is not None else None
        return ", ".join(f"{names.get(k, k)} {show(v, fields.field(k) if isinstance(fields, T.Record) else None, voice)}"
                         for k, v in value.items())
    return show(value, typ, voice)


def _outputs(decision: Decision, values: dict, w: dict, voice: Voice, proposal: bool = False):
    """(label, shown value) of each output the rule gives, in the decision's order
    (policy/outputs.py): a value as it is, a product as `rate × basis = amount`. A blocked
    rule's proposal shows the values it gives (not none), as the decision's `proposed` does."""
    mine = json_order(decision.version.jurisdiction)      # its jurisdiction's outputs only
    for o in mine:
        if o.form == PRODUCT:
            if proposal:
                continue
            amount = product_amount(o, values)
            if amount is not None:
                (rate, _), (basis, _) = inputs(o)
                yield w["outputs"].get(o.label, o.name), (f"{show(values[rate], T.PERCENT, voice)} × "
                                                          f"{show(values[basis], T.MONEY, voice)} = {show(amount, T.MONEY, voice)}")
        elif o.name in values and not (proposal and values[o.name] is None):
            parts = [p for p in mine if p.part_of == o.name and values.get(p.name) is not None
                     and values.get(p.name) == values[o.name]]
            if o.part_of and values.get(o.part_of) is not None and values[o.name] == values[o.part_of]:
                continue        # one charge: shown once, on the line of the output it is part of
            shown = show(values[o.name], decision.rule.outputs[o.name].type, voice)
            if parts and values[o.name]:
                shown += f" ({', '.join(w['outputs'].get(p.label, p.name) for p in parts)})"
            yield w["outputs"].get(o.label, o.name), shown


def _blocked(decision: Decision, voice: Voice, w: dict) -> list[tuple[int, str]]:
    """A decision the law forbids: what the rule proposed and each constraint it breaks, with its source."""
    rule = decision.rule
    proposed = [f"{label} {text}" for label, text in _outputs(decision, decision.proposed, w, voice, proposal=True)]
    step = w.get("blocked_step", ", step {step}").format(step=rule.rule.step) if rule.rule.step else ""
    out = [(0, w["blocked"].format(rule=rule.rule.id, action=rule.rule.action, step=step) + ":")]
    if proposed:
        out.append((1, ", ".join(proposed)))
    for v in decision.violations:
        out.append((0, f"✗ {w['broken']} {v.name}: {v.constraint.said(voice.lang)}"))
        out.append((1, f"{w['source']}: {v.constraint.source} ({v.where})"))
    return out


def _steps(expr, trace) -> list:
    """How a call was computed, step by step, from its traced arguments: the steps its entry
    in the semantics table gives (`Function.steps`, e.g. the ledger's events), else none."""
    if not isinstance(expr, ast.Call) or not all(trace.has(a) for a in expr.args):
        return []
    from ..lang.semantics import FUNCTIONS
    fn = FUNCTIONS.get(expr.name)
    if fn is None or fn.steps is None:
        return []
    return fn.steps(*(trace.value_of(a) for a in expr.args))


def _figure(value, typ, decision, voice: Voice) -> str:
    w = voice.locale.words
    if isinstance(typ, T.Schedule):
        from ..values.interest import value_on
        current = value_on(value, decision.as_of)
        return w["schedule"].format(value=show(current, typ.value, voice), day=voice.date(decision.as_of), n=len(value))
    if isinstance(typ, T.Table):
        return f"{w['brackets']} " + ", ".join(
            f"≤{show(k, typ.key, voice)}: {show(v, typ.value, voice)}" if k is not None
            else f"{w['above']}: {show(v, typ.value, voice)}" for k, v in value)
    return show(value, typ, voice)
