"""Compiler: a checked policy version (with its used versions) → one Python function.

The fast path for `decide` and batch work. The source is generated from the *checked* AST
only: every literal through `repr` (or, for values that are not Python literals, as a
constant bound once), every name from the engine's registries (functions, operators,
mangled parameter/definition names), never from policy text. Every operation is the
inline form of its entry in the semantics table (`engine/lang/semantics`); this module only
arranges them into statements. It is compiled once per
combination of bound versions; `CompiledPolicy.source` keeps the generated text for review.
The generated function returns `(rule index, outputs, amounts)` with the same values the
reference evaluator produces (tests/parity/test_parity.py).

Speed (see bench/README.md):

* definitions are evaluated just before the first rule (or output) that needs them
  (`plan.needs` order, as the reference evaluator does);
* an aggregate is compiled to an inline `for` loop instead of a generator and a builtin
  call. Aggregates that *cannot fail* on a checked, validated case (`compile_plan._Safety`) over the
  same case list are fused into one loop, run at the first point one of them is needed;
  since they cannot fail and have no effects, evaluating them together and early is not
  observable. An aggregate that can fail (a Decimal `sum` may trap, an item may call a
  function) is looped in place only where it is evaluated first and unconditionally in its
  statement, so the order of evaluation, and so any error, stays that of the reference;
  elsewhere it stays a generator expression;
* Decimal, date and duration literals are built once, as module constants (`_c1`, …),
  not per call; an integer parameter (a number of days) is written as its literal.
"""
from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any, Callable, Iterable

from ..lang import ast
from ..lang import types as T
from ..lang.semantics import AGGREGATES, COMPARISONS, FUNCTIONS, OPERATORS, UNARY, binary, inline_rule
from ..values.time import Months
from .compile_plan import _fusable, _prefix_aggregates, _top_aggregates
from .compile_spill import SPILL, Spiller
from .plan import needs
from .runtime import Bound

__all__ = ["CompiledPolicy", "compile_bindings", "compile_expression"]


def _ident(text: str) -> str:
    """A readable hint for a generated name (not unique: `symbol` adds the uniqueness)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", text)[:40]


def _last(items: Iterable[Any]) -> Any:
    result = None
    for result in items:
        pass
    return result


class CompiledPolicy:
    def __init__(self, source: str, namespace: dict[str, Any]) -> None:
        self.source = source
        code = compile(source, "<frist-compiled>", "exec")
        exec(code, namespace)  # noqa: S102 - source generated from the checked AST only
        self.decide: Callable[[dict, datetime.date], tuple | None] = namespace["decide"]


class _Emitter:
    def __init__(self, bindings: dict[str, Bound]) -> None:
        self.bindings = bindings
        self.ns: dict[str, Any] = {"Decimal": Decimal, "datetime": datetime, "Months": Months, "_last": _last,
                                   "_D0": Decimal(0),
                                   **{op.helper: op.impl for op in OPERATORS.values() if op.helper}}
        self.temp = 0
        self.consts: dict[tuple, str] = {}
        self.acc: dict[int, tuple[str, str]] = {}   # id(aggregate) → (accumulator, func) once it is computed
        self.reads: dict[str, str] = {}              # item field read → its local, inside a fused loop
        self.symbols: dict[tuple[str, str, str], str] = {}  # (kind, policy, name) → its generated name
        self.vars: dict[str, str] = {}               # aggregate variable → the local holding the element
        self.spiller = Spiller()                     # deep expressions → helper functions

    def symbol(self, kind: str, policy: str, name: str = "") -> str:
        """The generated name of a definition (`d`), parameter (`k`) or calendar (`cal`).

        Numbered in order of first use, so two different keys never share a name whatever
        the policy and parameter names are (`q-`/`a` and `q`/`_a` once both became
        `k_q___a`); the name's tail is only a hint for a reader of `CompiledPolicy.source`.
        """
        key = (kind, policy, name)
        if key not in self.symbols:
            self.symbols[key] = f"{kind}{len(self.symbols) + 1}_{_ident(name)}"
        return self.symbols[key]

    def definition_local(self, policy: str, name: str) -> str:
        return self.symbol("d", policy, name)

    def fresh(self, prefix: str) -> str:
        self.temp += 1
        return f"{prefix}{self.temp}"

    def const(self, policy: str, name: str) -> str:
        value = self.bindings[policy].checked.params[name]
        if type(value) is int:
            return repr(value)
        key = self.symbol("k", policy, name)
        self.ns[key] = value
        return key

    def literal(self, value: Any) -> str:
        if value is None or type(value) in (bool, int, str):
            return repr(value)
        key = (type(value).__name__, repr(value))
        if key not in self.consts:
            name = f"_c{len(self.consts) + 1}"
            self.consts[key] = name
            self.ns[name] = value
        return self.consts[key]

    def calendar(self, policy: str) -> str:
        key = self.symbol("cal", policy)
        self.ns[key] = self.bindings[policy].calendar
        return key

    def expr(self, node: ast.Expr, policy: str) -> str:
        """Python for `node`; every `SPILL` levels of depth, a call of a helper function holding it."""
        text = self._expr(node, policy)
        if self.spiller.height(node) % SPILL or text.isidentifier():
            return text
        return self.spiller.spill(text, self.fresh("_h"), self.ns)

    def _expr(self, node: ast.Expr, policy: str) -> str:
        # no lambdas or comprehensions here: each would add a frame per level of nesting
        e = self.expr
        if isinstance(node, ast.Literal):
            return self.literal(node.value)
        if isinstance(node, ast.Path):
            ref = ast.ref_of(node)
            if ref.kind == "as_of":
                base = "as_of"
            elif ref.kind == "field":
                base = f"case[{ref.name!r}]"
            elif ref.kind == "var":
                base = self.vars.get(ref.name, f"v_{ref.name}")
            elif ref.kind == "param":
                base = self.const(ref.scope, ref.name)
            else:
                base = self.definition_local(ref.scope, ref.name)
            text = base + "".join(f"[{f!r}]" for f in node.fields)
            return self.reads.get(text, text)
        if isinstance(node, ast.Unary):
            return UNARY[node.op].inline.format(e(node.operand, policy))
        if isinstance(node, ast.Binary):
            return binary(node.op, ast.type_of(node.left), ast.type_of(node.right)).inline.format(e(node.left, policy),
                                                                                  e(node.right, policy))
        if isinstance(node, ast.Compare):
            return self.compare(node, policy)
        if isinstance(node, ast.Logical):
            return f"({e(node.left, policy)} {node.op} {e(node.right, policy)})"
        if isinstance(node, ast.In):
            parts = []
            for o in node.options:
                parts.append(e(o, policy))
            options = ", ".join(parts)
            return f"({e(node.item, policy)} {'not in' if node.negated else 'in'} ({options},))"
        if isinstance(node, ast.Coalesce):
            left = e(node.left, policy)
            if left.isidentifier():
                return f"({left} if {left} is not None else {e(node.right, policy)})"
            t = self.fresh("_t")
            return f"({t} if ({t} := {left}) is not None else {e(node.right, policy)})"
        if isinstance(node, ast.If):
            return f"({e(node.then, policy)} if {e(node.cond, policy)} else {e(node.else_, policy)})"
        if isinstance(node, ast.Call):
            fn = FUNCTIONS[node.name]
            args = []
            for a in node.args:
                args.append(e(a, policy))
            if fn.needs_calendar:
                args.insert(0, self.calendar(policy))
            if fn.inline is not None:
                return fn.inline.format(*args)
            key = f"f_{node.name}"
            self.ns[key] = fn.impl
            return f"{key}({', '.join(args)})"
        if isinstance(node, ast.Aggregate):
            if id(node) in self.acc:
                name, func = self.acc[id(node)]
                return AGGREGATES[func].loop_value.format(acc=name)
            return self.aggregate(node, policy)
        raise TypeError(f"cannot compile {type(node).__name__}")  # pragma: no cover

    def counted(self, node: ast.Expr) -> str | None:
        """The int accumulator of an already computed `count`, if `node` is one."""
        if isinstance(node, ast.Aggregate) and id(node) in self.acc:
            name, func = self.acc[id(node)]
            if func == "count":
                return name
        return None

    def compare(self, node: ast.Compare, policy: str) -> str:
        """`left op right`; a computed `count` against a whole-number literal compares ints.

        `Decimal(n) op Decimal(k)` is `n op k` for ints n and k, and comparing an int with a
        Decimal is exact too; only the int/Decimal mixing is slower, so it is avoided.
        """
        left, right = node.left, node.right
        sides = []
        for side, other in ((left, right), (right, left)):
            count = self.counted(side)
            if count is not None and other.type == T.NUMBER:
                sides.append(count)
            elif (isinstance(side, ast.Literal) and type(side.value) is Decimal and side.value.is_finite()
                  and side.value == side.value.to_integral_value() and self.counted(other) is not None):
                sides.append(repr(int(side.value)))
            else:
                sides.append(self.expr(side, policy))
        return COMPARISONS[node.op].inline.format(sides[0], sides[1])

    def aggregate(self, node: ast.Aggregate, policy: str) -> str:
        source = self.expr(node.source, policy)
        outer = self.vars.pop(node.var, None)       # the generator binds `v_<var>` itself
        try:
            item = self.expr(node.item, policy)
            cond = f" if {self.expr(node.where, policy)}" if node.where is not None else ""
        finally:
            if outer is not None:
                self.vars[node.var] = outer
        entry = AGGREGATES[node.func]
        gen = f"for v_{node.var} in {source}{cond}"
        return entry.generator.format(item=item, gen=gen, zero=self.empty(node))

    def empty(self, node: ast.Aggregate) -> str:
        """Python for the aggregate's value over an empty list (the start of a sum)."""
        value = AGGREGATES[node.func].empty(ast.type_of(node))
        if type(value) is Decimal and value == 0:
            return "_D0"
        return repr(value) if value is None or type(value) in (bool, int, list) else self.literal(value)

    # -- aggregates as loops ------------------------------------------------------------

    def loop_lines(self, group: list[tuple[ast.Aggregate, str]], indent: str, fused: bool) -> list[str]:
        """One `for` loop computing every aggregate of `group` (same source) into accumulators.

        Each accumulator follows its generator's semantics exactly: `item` is evaluated for
        the same elements (`any`/`all`/`first` stop at their deciding element: with a flag
        when fused, with `break` when alone), `min`/`max` keep the first extreme element.
        """
        first, policy = group[0]
        source = self.expr(first.source, policy)
        var = self.fresh("_e")             # one loop variable: every aggregate's own variable names it
        saved_vars = dict(self.vars)
        pre, body = [], []
        if fused:  # every read cannot fail (`_fusable`), so a field read twice is read once
            seen: dict[str, int] = {}
            for node, pol in group:
                self.vars[node.var] = var
                for part in (node.item, node.where):
                    for n in (ast.walk(part) if part is not None else ()):
                        if isinstance(n, ast.Path) and ast.ref_of(n).kind == "var" and n.fields:
                            text = self.expr(n, pol)
                            seen[text] = seen.get(text, 0) + 1
            for text, uses in seen.items():
                if uses > 1:
                    self.reads[text] = self.fresh("_r")
                    body.append(f"{self.reads[text]} = {text}")
        for node, pol in group:
            name = self.fresh("_a")
            self.vars[node.var] = var
            item = self.expr(node.item, pol)
            where = self.expr(node.where, pol) if node.where is not None else None
            f = node.func
            init, stmts, guard = AGGREGATES[f].loop(name, item, fused, self.fresh, self.empty(node))
            pre.extend(init)
            if where is not None:
                stmts = [f"if {where}:"] + ["    " + s for s in stmts]
            if fused and guard is not None:
                stmts = [f"if {guard}:"] + ["    " + s for s in stmts]
            body.extend(stmts)
            self.acc[id(node)] = (name, f)
        self.reads.clear()
        self.vars = saved_vars
        return [indent + p for p in pre] + [f"{indent}for {var} in {source}:"] + [f"{indent}    {b}" for b in body]


def compile_expression(bindings: dict[str, Bound], node: ast.Expr, policy: str) -> tuple[Callable, list[tuple[str, str]]]:
    """One checked expression as `f(case, as_of, *definitions)`, for a caller that evaluates it
    case by case (the columnar evaluator's per-case fallback, with the same inline forms).

    Returns the function and the (policy, name) of the definitions it takes, in that order.
    """
    em = _Emitter(bindings)
    body = em.expr(node, policy)
    defs = sorted({(n.ref.scope, n.ref.name) for n in ast.walk(node)
                   if isinstance(n, ast.Path) and n.ref is not None and n.ref.kind == "def"})
    names = [em.definition_local(p, n) for p, n in defs]
    source = "".join(em.spiller.helpers) + f"def _per_case(case, as_of, {', '.join(names)}):\n    return {body}\n"
    exec(compile(source, "<frist-columnar-fallback>", "exec"), em.ns)  # noqa: S102 - from the checked AST
    return em.ns["_per_case"], defs


def compile_bindings(bindings: dict[str, Bound], main: str) -> CompiledPolicy:
    """Generate and compile `decide(case, as_of)` for these bound versions."""
    em = _Emitter(bindings)
    checked = bindings[main].checked
    body: list[str] = []

    def definition(policy: str, name: str) -> ast.Expr:
        return bindings[policy].checked.definitions[name]

    def emit(exprs: list[tuple[ast.Expr, str]], indent: str, fused_done: set) -> None:
        """Fused loops for every fusable aggregate group these expressions reach (not yet run)."""
        for expr, policy in exprs:
            for agg in _top_aggregates(expr):
                if id(agg) in em.acc or not _fusable(agg):
                    continue
                source = em.expr(agg.source, policy)
                if source in fused_done:
                    continue
                fused_done.add(source)
                body.extend(em.loop_lines(groups[source], indent, fused=True))

    def statement(expr: ast.Expr, policy: str, indent: str) -> str:
        """In-place loops for the aggregates `expr` evaluates first; then `expr` itself."""
        hoist: list[ast.Aggregate] = []
        _prefix_aggregates(expr, hoist, set(em.acc))
        for agg in hoist:
            body.extend(em.loop_lines([(agg, policy)], indent, fused=False))
        return em.expr(expr, policy)

    def define(expr: ast.Expr, policy: str, indent: str, local_done: set, fused_done: set) -> None:
        order = needs(expr, bindings, local_done)
        emit([(definition(p, n), p) for p, n in order] + [(expr, policy)], indent, fused_done)
        for p, n in order:
            value = statement(definition(p, n), p, indent)
            body.append(f"{indent}{em.definition_local(p, n)} = {value}")

    # every fusable aggregate, grouped by its source list
    groups: dict[str, list[tuple[ast.Aggregate, str]]] = {}
    roots: list[tuple[ast.Expr, str]] = []
    for policy, bound in bindings.items():
        roots += [(d, policy) for d in bound.checked.definitions.values()]
    for rule in checked.rules:
        roots += [(rule.when, main)] + [(x, main) for x in rule.outputs.values()]
    roots += [(x, main) for x in checked.amounts.values()]
    for expr, policy in roots:
        for agg in _top_aggregates(expr):
            if _fusable(agg):
                groups.setdefault(em.expr(agg.source, policy), []).append((agg, policy))

    done: set[tuple[str, str]] = set()
    fused: set[str] = set()
    for index, rule in enumerate(checked.rules):
        define(rule.when, main, "    ", done, fused)
        body.append(inline_rule(index, rule.rule.id, statement(rule.when, main, "    "), "    "))
        outer_acc = dict(em.acc)
        inner, inner_fused = set(done), set(fused)
        outputs = []
        for key, expr in rule.outputs.items():
            define(expr, main, "        ", inner, inner_fused)
            outputs.append(f"{key!r}: {statement(expr, main, '        ')}")
        amounts = []
        for key, expr in checked.amounts.items():
            define(expr, main, "        ", inner, inner_fused)
            amounts.append(f"{key!r}: {statement(expr, main, '        ')}")
        body.append(f"        return ({index}, {{{', '.join(outputs)}}}, {{{', '.join(amounts)}}})")
        em.acc = outer_acc   # accumulators computed inside the rule's branch are not visible after it
    body.append("    return None")
    lines = [f"# {b.version.key} sha256 {b.version.sha256}" for _, b in sorted(bindings.items())]
    lines += [h.rstrip("\n") for h in em.spiller.helpers]
    lines.append("def decide(case, as_of):")
    return CompiledPolicy("\n".join(lines + body) + "\n", em.ns)
