"""Checks one policy version against the versions it uses; builds its `CheckedVersion`.

Order: parameters (constants, in dependency order, each evaluated once) → caps (`max`,
against every used version in force while this one is) → definitions (dependency order,
cycles reported) → rules and amounts. Diagnostics are appended, never raised.
"""
from __future__ import annotations

from dataclasses import replace
from graphlib import CycleError, TopologicalSorter

from ..core.diagnostics import Diagnostic, Severity, did_you_mean, duplicate_ids
from ..core.errors import EvaluationError
from ..lang import ast
from ..lang import types as T
from ..policy.case import root_fields
from ..policy.jurisdiction import Jurisdiction
from ..policy.model import Parameter, PolicyVersion
from ..policy.outputs import inputs, products, rule_outputs
from ..run.evaluator import Evaluator
from ..run.runtime import Bound, CheckedRule, CheckedVersion, Run
from ..values.interest import CompoundingSchedule
from ..values.money import format_money
from .expressions import ERROR, Checker, Scope

__all__ = ["check_version", "scope_of", "references"]

_HIDDEN_FIELDS = ("as_of", "policy")


def references(node: ast.Expr, kind: str, policy: str) -> set[str]:
    """Names of `kind` ("param"/"def") in `policy` that a checked tree refers to."""
    return {n.ref.name for n in ast.walk(node)
            if isinstance(n, ast.Path) and n.ref is not None and n.ref.kind == kind and n.ref.scope == policy}


def scope_of(checked: CheckedVersion, used: dict[str, CheckedVersion]) -> Scope:
    v = checked.version
    fields = {k: t for k, t in root_fields(v.steps).items() if k not in _HIDDEN_FIELDS}
    return Scope(
        policy=v.name, fields=fields, params=dict(checked.param_types),
        defs={name: ast.type_of(expr) for name, expr in checked.definitions.items()},
        aliases={alias: scope_of(u, {}) for alias, u in used.items()},
        has_calendar=checked.calendar is not None, currency=_currency(checked),
        declared=frozenset(v.parameters) | frozenset(v.definitions),
    )


def _currency(checked: CheckedVersion) -> str | None:
    """The ISO 4217 code money literals must carry (None when the policy has no jurisdiction)."""
    return checked.jurisdiction.currency if checked.jurisdiction is not None else None


def check_version(version: PolicyVersion, used_options: dict[str, list[CheckedVersion]],
                  out: list[Diagnostic], jurisdiction: Jurisdiction | None = None) -> CheckedVersion:
    """Check `version`; `used_options` lists, per alias, every used version that overlaps it;
    `jurisdiction` gives the currency its money literals must be in."""
    checked = CheckedVersion(version, jurisdiction=jurisdiction)
    first_used = {alias: options[0] for alias, options in used_options.items() if options}
    _parameters(checked, out)
    for alias, options in used_options.items():
        if not options:
            out.append(Diagnostic("unknown-policy-version",
                                  f"no version of `{version.uses[alias]}` is in force while this version is",
                                  version.document.span(("uses", alias)),
                                  help=f"add a version of `{version.uses[alias]}` effective on or before {version.effective}"))
    if len(first_used) != len(used_options):
        return checked
    for alias, used in first_used.items():
        if used.version.effective > version.effective:
            out.append(Diagnostic(
                "unknown-policy-version",
                f"no version of `{used.name}` is in force on {version.effective}, when this version takes effect "
                f"(its first is {used.version.effective})", version.document.span(("uses", alias)),
                help=f"add a version of `{used.name}` effective on or before {version.effective}, "
                     f"or start this version on {used.version.effective}"))
    for combo in _combinations(used_options):
        _caps(checked, combo, out)
    # definitions and rules are checked against each overlapping used version; the trees
    # kept are those of the first (the types agree, or a diagnostic says where they do not).
    first_combo: dict[str, CheckedVersion] = {}
    for i, combo in enumerate(_combinations(used_options)):
        target = checked if i == 0 else CheckedVersion(version, checked.params, checked.param_types,
                                                       jurisdiction=jurisdiction)
        _definitions(target, combo, out)
        _rules(target, combo, out)
        if version.constraints:
            from .constraints import check_constraints
            check_constraints(target, scope_of(target, combo), out)
        if i == 0:
            first_combo = combo
        else:
            _same_types(checked, first_combo, target, combo, out)
    out.extend(stuck_waits(version))
    return checked


_DATES = ("not_before", "next_review")


def stuck_waits(version: PolicyVersion) -> list[Diagnostic]:
    """In a ladder (a policy whose rules take steps), a `wait` with no date to look at the case
    again leaves the case where it is for good: nothing moves a case but a later decision date. A warning, not an error: a
    deliberate end (a benchmark's catch-all) is allowed; the catch-all rule (`when: true`) is
    named as such, since every case the ladder does not place ends up there."""
    out: list[Diagnostic] = []
    if not any(rule.step for rule in version.rules):
        return out          # no ladder to stall: waiting is all such a policy does
    for rule in version.rules:
        if rule.action != "wait" or any(k in rule.outputs for k in _DATES):
            continue
        catch_all = isinstance(rule.when, ast.Literal) and rule.when.value is True
        out.append(Diagnostic(
            "stuck-wait",
            f"rule `{rule.id}` {'is the catch-all and ' if catch_all else ''}waits with no date: a case it decides is "
            f"never looked at again{', and every case no rule above places ends up here' if catch_all else ''}",
            rule.action_span, severity=Severity.WARNING,
            help="give it `next_review:` (e.g. `as_of + 7 days`) or `not_before:`, or an action that ends the "
                 "ladder on purpose (`legal_review`, `monitor`, `hold`)"))
    return out


def _trees(checked: CheckedVersion):
    yield from checked.definitions.values()
    for rule in checked.rules:
        yield rule.when
        yield from rule.outputs.values()
    yield from checked.amounts.values()


def _same_types(kept: CheckedVersion, kept_with: dict[str, CheckedVersion], other: CheckedVersion,
                other_with: dict[str, CheckedVersion], out: list[Diagnostic]) -> None:
    """Every node has one type whichever overlapping used version is in force.

    Evaluators pick an operation by the checked types (`Date + Days` is not `Date + Months`)
    and keep the trees of the first used version; a figure whose unit changes between
    versions (`14 days`, then `1 month`) would make a later decision run the wrong one.
    """
    changed = [alias for alias in other_with if other_with[alias] is not kept_with[alias]]
    for a, b in zip(_trees(kept), _trees(other)):
        stack = [(a, b)]
        while stack:
            x, y = stack.pop()
            if x.type != y.type and ERROR not in (x.type, y.type):
                was = ", ".join(kept_with[c].version.key for c in changed)
                now = ", ".join(other_with[c].version.key for c in changed)
                out.append(Diagnostic(
                    "type-differs-between-versions", f"this is {x.type} with {was} but {y.type} with {now}",
                    y.span, help="give the figure the same unit in every version it may be read from"))
                break
            stack.extend(zip(reversed(ast.children(x)), reversed(ast.children(y))))


def _combinations(options: dict[str, list[CheckedVersion]]):
    """One dict alias → version per used version, varying one alias at a time."""
    base = {alias: opts[0] for alias, opts in options.items()}
    yield base
    for alias, opts in options.items():
        for other in opts[1:]:
            yield {**base, alias: other}


def _parameters(checked: CheckedVersion, out: list[Diagnostic]) -> None:
    v = checked.version
    scope = Scope(policy=v.name, fields={}, params={}, allow_case=False, allow_aliases=False,
                  currency=_currency(checked), hidden_aliases=dict(v.uses))
    deps: dict[str, set[str]] = {name: set() for name in v.parameters}
    for name, p in v.parameters.items():
        for expr in _param_exprs(p):
            deps[name] |= {n.parts[0] for n in ast.walk(expr) if isinstance(n, ast.Path) and n.parts[0] in v.parameters}
    try:
        order = list(TopologicalSorter(deps).static_order())
    except CycleError as err:
        cycle = err.args[1]
        out.append(Diagnostic("parameter-cycle", "parameters depend on each other: " + " → ".join(cycle),
                              v.parameters[cycle[0]].span, help="one of them must be a plain figure"))
        return
    run = Run(case={}, as_of=v.effective, bindings={v.name: Bound(checked)}, main=v.name)
    for name in order:
        p = v.parameters[name]
        scope.params = dict(checked.param_types)
        typ, value = _parameter(p, Checker(scope, out), Evaluator(run), out)
        if typ is not None:
            checked.param_types[name], checked.params[name] = typ, value
            p.type, p.resolved = typ, value


def _param_exprs(p: Parameter) -> list[ast.Expr]:
    return ([p.value] if p.value is not None else []) + [e for _, e, _, _ in p.schedule] + \
        [e for pair in p.brackets for e in pair if e is not None]


def _constant(expr: ast.Expr, checker: Checker, evaluator: Evaluator, bound: Bound, out: list[Diagnostic]):
    typed = checker.check(expr)
    if typed.type == ERROR:
        return None, None
    try:
        return typed.type, evaluator.value(typed, bound)
    except EvaluationError as err:
        out.append(Diagnostic("evaluation-error", err.message, err.span or expr.span, help=err.help))
        return None, None


def _parameter(p: Parameter, checker: Checker, evaluator: Evaluator, out: list[Diagnostic]):
    bound = evaluator.run.bound(checker.scope.policy)
    if p.form == "value":
        assert p.value is not None                  # the loader gives a value-form parameter its value
        return _constant(p.value, checker, evaluator, bound, out)
    if p.form == "schedule":
        entries, types = [], set()
        for start, expr, _source, _span in p.schedule:
            typ, value = _constant(expr, checker, evaluator, bound, out)
            if typ is None:
                return None, None
            types.add(typ)
            entries.append((start, value))
        if len(types) > 1:
            out.append(Diagnostic("type-mismatch", f"schedule `{p.name}` mixes {' and '.join(sorted(map(str, types)))}",
                                  p.span, help="every entry must have the same unit"))
            return None, None
        typ = types.pop()
        raw = bound.version.document.data.get("parameters", {}).get(p.name, {})
        if raw.get("compounding") == "yearly":
            if typ != T.PERCENT:
                out.append(Diagnostic("invalid-value", f"`compounding` is for a schedule of rates; `{p.name}` is a schedule of {typ}",
                                      bound.version.document.span(("parameters", p.name, "compounding")),
                                      help="remove `compounding:`"))
                return None, None
            entries = CompoundingSchedule(entries)
        return T.Schedule(typ), entries
    rows, key_types, value_types = [], set(), set()
    for up_to, expr in p.brackets:
        key = None
        if up_to is not None:
            key_type, key = _constant(up_to, checker, evaluator, bound, out)
            if key_type is None:
                return None, None
            key_types.add(key_type)
        typ, value = _constant(expr, checker, evaluator, bound, out)
        if typ is None:
            return None, None
        value_types.add(typ)
        rows.append((key, value))
    if len(key_types) > 1 or len(value_types) > 1:
        out.append(Diagnostic("type-mismatch", f"brackets of `{p.name}` mix units", p.span,
                              help="every `up_to` must have one unit and every `value` one unit"))
        return None, None
    keys = [k for k, _ in rows if k is not None]
    if keys != sorted(keys) or len(set(keys)) != len(keys):
        out.append(Diagnostic("invalid-brackets", f"brackets of `{p.name}` must rise strictly", p.span,
                              help="order the rows by `up_to`, smallest first"))
    return T.Table(key_types.pop() if key_types else T.NUMBER, value_types.pop()), rows


def _caps(checked: CheckedVersion, used: dict[str, CheckedVersion], out: list[Diagnostic]) -> None:
    v = checked.version
    bindings = {v.name: Bound(checked), **{u.name: Bound(u) for u in used.values()}}
    scope = Scope(policy=v.name, fields={}, params=dict(checked.param_types), allow_case=False,
                  aliases={alias: scope_of(u, {}) for alias, u in used.items()}, currency=_currency(checked))
    for name, p in v.parameters.items():
        if p.max is None or name not in checked.params:
            continue
        run = Run(case={}, as_of=v.effective, bindings=bindings, main=v.name)
        typ, cap = _constant(p.max, Checker(scope, out), Evaluator(run), Bound(checked), out)
        if typ is None:
            continue
        value_type = checked.param_types[name]
        values = [value for _, value in checked.params[name]] if isinstance(value_type, T.Schedule) else [checked.params[name]]
        inner = value_type.value if isinstance(value_type, T.Schedule) else value_type
        if typ != inner:
            out.append(Diagnostic("type-mismatch", f"the cap of `{name}` is {typ} but its value is {inner}", p.max.span))
            continue
        for value in values:
            if value > cap:
                shown = _show(cap, typ, checked)
                versions = ", ".join(u.version.key for u in used.values())
                under = f" ({versions})" if versions else ""
                out.append(Diagnostic(
                    "exceeds-cap", f"`{name}` is {_show(value, typ, checked)}, above its cap of {shown}{under}",
                    p.value.span if p.value is not None else p.span,
                    notes=(("the cap is set here", p.max.span),),
                    help="lower the figure to the cap, or cite why the cap does not apply"))


def _show(value, typ, checked: CheckedVersion) -> str:
    if typ != T.MONEY:
        return str(value)
    return f"{format_money(value)} {_currency(checked) or ''}".rstrip()


def _definitions(checked: CheckedVersion, used: dict[str, CheckedVersion], out: list[Diagnostic]) -> None:
    v = checked.version
    names = list(v.definitions)
    deps = {n: {p.parts[0] for p in ast.walk(v.definitions[n]) if isinstance(p, ast.Path) and p.parts[0] in v.definitions}
            for n in names}
    cyclic: set[str] = set()
    while True:
        try:
            graph = {n: d - cyclic for n, d in deps.items() if n not in cyclic}
            order = list(TopologicalSorter(graph).static_order())
            break
        except CycleError as err:
            cycle = err.args[1]
            out.append(Diagnostic("definition-cycle", "definitions depend on each other: " + " → ".join(cycle),
                                  v.definitions[cycle[0]].span,
                                  help="break the cycle: one of them must not use the others"))
            cyclic |= set(cycle)
    for name in cyclic:  # placeholders: references to them are already reported as the cycle
        checked.definitions[name] = replace(v.definitions[name], type=ERROR)
    clash = [n for n in names if n in v.parameters]
    for n in clash:
        out.append(Diagnostic("name-clash", f"`{n}` is both a parameter and a definition", v.definitions[n].span))
    for name in order:
        scope = scope_of(checked, used)
        checked.definitions[name] = Checker(scope, out).check(v.definitions[name])
    checked.definitions = {n: checked.definitions[n] for n in [*order, *sorted(cyclic)]}


def _outputs_of_jurisdiction(checked: CheckedVersion, rule, out: list[Diagnostic]) -> None:
    """A rule may give only the outputs its jurisdiction's decisions carry (policy/outputs.py)."""
    if checked.jurisdiction is None:
        return                                       # no jurisdiction: any output (rule_outputs())
    mine = rule_outputs(checked.jurisdiction)
    for key in rule.outputs:
        if key not in mine:
            out.append(Diagnostic(
                "unknown-key", f"rule `{rule.id}` gives `{key}`, which is no output of jurisdiction "
                f"{checked.jurisdiction.code}'s decisions", rule.span,
                help=f"its outputs: {', '.join(mine)} (the jurisdiction file's `outputs:`, docs/outputs.md)"))


def _rules(checked: CheckedVersion, used: dict[str, CheckedVersion], out: list[Diagnostic]) -> None:
    v = checked.version
    scope = scope_of(checked, used)
    # Rules and set-aside reasons share one namespace: both name the `rule` of a decision.
    duplicate_ids([*v.rules, *v.set_aside], "rule", out)
    for rule in v.rules:
        checker = Checker(scope, out)
        when = checker.expect(rule.when, T.BOOL, "a rule's `when`")
        types = rule_outputs()
        outputs = {key: checker.expect(expr, types[key], f"`{key}`") for key, expr in rule.outputs.items()}
        _outputs_of_jurisdiction(checked, rule, out)
        for o in products():
            (rate, _), (basis, _) = inputs(o)
            if (rate in outputs) != (basis in outputs):
                missing = basis if rate in outputs else rate
                out.append(Diagnostic(f"incomplete-{o.name}", f"rule `{rule.id}` gives a {o.name} without `{missing}`",
                                      rule.span, help=f"a {o.name} needs both a rate (Percent) and a basis (Money)"))
        if rule.step is not None and rule.step not in v.steps:
            out.append(Diagnostic("unknown-step", f"rule `{rule.id}` records step `{rule.step}`, which `steps:` does not declare",
                                  rule.step_span or rule.span,
                                  help=did_you_mean(rule.step, list(v.steps)) or "declare it in `steps:`"))
        checked.rules.append(CheckedRule(rule, when, outputs))
    claim_list = root_fields(v.steps)["claims"]
    for entry in v.set_aside:
        claims = Checker(scope, out).expect(entry.when, claim_list, "a set-aside reason's `claims` (a list of claims)")
        checked.set_aside.append(CheckedRule(entry, claims, {}))
    for name, expr in v.amounts.items():
        checked.amounts[name] = Checker(scope, out).expect(expr, T.MONEY, f"amount `{name}`")
    if v.rules and not (isinstance(v.rules[-1].when, ast.Literal) and v.rules[-1].when.value is True):
        out.append(Diagnostic("no-fallback-rule", "the last rule is not `when: true`, so some cases may match no rule",
                              v.rules[-1].span, severity=Severity.WARNING,
                              help="end with a rule such as `{id: wait, when: true, action: wait}`"))
