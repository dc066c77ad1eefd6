"""Compiler: a checked policy version (with its used versions) → one Python function.

The fast path for `decide` and batch work. The source is generated from the *checked* AST
only: every literal through `repr` (or, for values that are not Python literals, as a
constant bound once), every name from the engine's registries (functions, operators,
mangled parameter/definition names), never from policy text. It is compiled once per
combination of bound versions; `CompiledPolicy.source` keeps the generated text for review.
The generated function returns `(rule index, outputs, amounts)` with the same values the
reference evaluator produces (tests/test_parity.py).

Speed (see bench/README.md):

* definitions are evaluated just before the first rule (or output) that needs them
  (`plan.needs` order, as the reference evaluator does);
* an aggregate is compiled to an inline `for` loop instead of a generator and a builtin
  call. Aggregates that *cannot fail* on a checked, validated case (`_Safety`) over the
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

import builtins
import datetime
import re
import symtable
from decimal import Decimal
from typing import Any, Callable

from . import ast
from . import types as T
from .functions import FUNCTIONS
from .operators import binary_impl, inline_template, special_helpers
from .plan import needs
from .runtime import Bound
from .values.time import Months

__all__ = ["CompiledPolicy", "compile_bindings"]


def _ident(text: str) -> str:
    """A readable hint for a generated name (not unique: `symbol` adds the uniqueness)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", text)[:40]


def _last(items):
    result = None
    for result in items:
        pass
    return result


# AST levels per piece of generated code: a deeper expression is cut into helper functions
# every `_SPILL` levels, so generated code never nests more than Python can parse (200
# parentheses) however deep a valid policy's expressions are (parser.MAX_DEPTH).
_SPILL = 32


class CompiledPolicy:
    def __init__(self, source: str, namespace: dict[str, Any]) -> None:
        self.source = source
        code = compile(source, "<frist-compiled>", "exec")
        exec(code, namespace)  # noqa: S102 - source generated from the checked AST only
        self.decide: Callable[[dict, datetime.date], tuple | None] = namespace["decide"]


_ORDERING = ("<", "<=", ">", ">=")


def _plain(t: T.Type | None) -> bool:
    """A non-optional value type (never None at run time on a validated case)."""
    return t is not None and not isinstance(t, T.Optional) and t != T.NONE


class _Safety:
    """Whether evaluating an expression can raise on a validated case (conservative).

    A checked case has every root field, every non-optional record field and finite
    Decimal money; `==`/`!=`/`in` never raise, ordering comparisons of non-optional
    values of one type do not, a date difference does not. Arithmetic on Decimals
    (the context traps Overflow and InvalidOperation), function calls and nested
    aggregates count as possibly failing.
    """

    def __init__(self, env: dict[str, T.Type], allow_defs: bool) -> None:
        self.env = env
        self.allow_defs = allow_defs

    def path(self, node: ast.Path) -> bool:
        ref = node.ref
        if ref is None:
            return False
        if ref.kind in ("as_of", "param") or (ref.kind == "def" and self.allow_defs):
            return not node.fields
        if ref.kind == "field":
            return not node.fields
        if ref.kind != "var" or ref.name not in self.env:
            return False
        typ = self.env[ref.name]
        for f in node.fields:
            if not isinstance(typ, T.Record):
                return False
            typ = typ.field(f)
            if typ is None:
                return False
        return True

    def safe(self, node: ast.Expr) -> bool:
        s = self.safe
        if isinstance(node, ast.Literal):
            return True
        if isinstance(node, ast.Path):
            return self.path(node)
        if isinstance(node, ast.Compare):
            if node.op in _ORDERING and not (_plain(node.left.type) and _plain(node.right.type)):
                return False
            return s(node.left) and s(node.right)
        if isinstance(node, ast.Binary):
            return (node.op, node.left.type, node.right.type) == ("-", T.DATE, T.DATE) and s(node.left) and s(node.right)
        if isinstance(node, ast.Unary) and node.op != "not" and node.type != T.DAYS:
            return False  # negating a Decimal rounds to the context; a Months needs its own method
        if isinstance(node, (ast.Logical, ast.Coalesce, ast.If, ast.In, ast.Unary)):
            return all(s(c) for c in ast.children(node))
        return False


def _item_type(source: ast.Expr) -> T.Type | None:
    t = source.type
    return t.item if isinstance(t, T.ListOf) else None


class _Emitter:
    def __init__(self, bindings: dict[str, Bound]) -> None:
        self.bindings = bindings
        self.ns: dict[str, Any] = {"Decimal": Decimal, "datetime": datetime, "Months": Months, "_last": _last,
                                   "_D0": Decimal(0), "_timedelta": datetime.timedelta, **special_helpers()}
        self.temp = 0
        self.consts: dict[tuple, str] = {}
        self.acc: dict[int, tuple[str, str]] = {}   # id(aggregate) → (accumulator, func) once it is computed
        self.reads: dict[str, str] = {}              # item field read → its local, inside a fused loop
        self.symbols: dict[tuple[str, str, str], str] = {}  # (kind, policy, name) → its generated name
        self.vars: dict[str, str] = {}               # aggregate variable → the local holding the element
        self.helpers: list[str] = []                 # source of the spilled helper functions
        self.helper_names: set[str] = set()
        self.heights: dict[int, int] = {}

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

    def height(self, node: ast.Expr) -> int:
        """Levels of the tree under `node` (iteratively, memoised by node)."""
        stack = [(node, False)]
        while stack:
            n, done = stack.pop()
            if id(n) in self.heights:
                continue
            kids = ast.children(n)
            if done:
                self.heights[id(n)] = 1 + max((self.heights[id(k)] for k in kids), default=0)
            else:
                stack.append((n, True))
                stack.extend((k, False) for k in kids)
        return self.heights[id(node)]

    def expr(self, node: ast.Expr, policy: str) -> str:
        """Python for `node`; every `_SPILL` levels of depth, a call of a helper function holding it."""
        text = self._expr(node, policy)
        if self.height(node) % _SPILL or text.isidentifier():
            return text
        return self.spill(text)

    def spill(self, text: str) -> str:
        """`text` as a module-level helper taking the locals it reads: same value, same errors,
        evaluated at the same point (the arguments are plain names, already bound there)."""
        name = self.fresh("_h")
        params = ", ".join(self.free_names(text))
        self.helpers.append(f"def {name}({params}):\n    return {text}\n")
        self.helper_names.add(name)
        return f"{name}({params})"

    def free_names(self, text: str) -> list[str]:
        """Names `text` reads that are locals of the code around it (not module names or builtins)."""
        table = symtable.symtable(f"def _spill():\n    return {text}\n", "<frist-spill>", "exec")
        names: set[str] = set()
        pending = list(table.get_children())
        while pending:
            t = pending.pop()
            pending.extend(t.get_children())
            names.update(sym.get_name() for sym in t.get_symbols() if sym.is_global() and sym.is_referenced())
        return sorted(n for n in names if n not in self.ns and n not in self.helper_names and not hasattr(builtins, n))

    def _expr(self, node: ast.Expr, policy: str) -> str:
        # no lambdas or comprehensions here: each would add a frame per level of nesting
        e = self.expr
        if isinstance(node, ast.Literal):
            return self.literal(node.value)
        if isinstance(node, ast.Path):
            ref = node.ref
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
            return f"(not {e(node.operand, policy)})" if node.op == "not" else f"(-{e(node.operand, policy)})"
        if isinstance(node, ast.Binary):
            impl, helper = binary_impl(node.op, node.left.type, node.right.type)
            if helper:
                template = inline_template(helper)
                if template is not None:
                    return template.format(e(node.left, policy), e(node.right, policy))
                return f"{helper}({e(node.left, policy)}, {e(node.right, policy)})"
            return f"({e(node.left, policy)} {node.op} {e(node.right, policy)})"
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
            key = f"f_{node.name}"
            self.ns[key] = fn.impl
            args = []
            for a in node.args:
                args.append(e(a, policy))
            if fn.needs_calendar:
                args.insert(0, self.calendar(policy))
            return f"{key}({', '.join(args)})"
        if isinstance(node, ast.Aggregate):
            if id(node) in self.acc:
                name, func = self.acc[id(node)]
                return f"Decimal({name})" if func == "count" else name
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
        return f"({sides[0]} {node.op} {sides[1]})"

    def aggregate(self, node: ast.Aggregate, policy: str) -> str:
        source = self.expr(node.source, policy)
        outer = self.vars.pop(node.var, None)       # the generator binds `v_<var>` itself
        try:
            item = self.expr(node.item, policy)
            cond = f" if {self.expr(node.where, policy)}" if node.where is not None else ""
        finally:
            if outer is not None:
                self.vars[node.var] = outer
        gen = f"for v_{node.var} in {source}{cond}"
        f = node.func
        if f == "sum":
            zero = "0" if node.type == T.DAYS else "_D0"
            return f"sum(({item} {gen}), {zero})"
        if f == "count":
            return f"Decimal(sum(1 {gen}))"
        if f in ("any", "all"):
            return f"{f}({item} {gen})"
        if f == "select":
            return f"[{item} {gen}]"
        if f in ("min", "max"):
            return f"{f}(({item} {gen}), default=None)"
        if f == "first":
            return f"next(({item} {gen}), None)"
        return f"_last({item} {gen})"

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
                        if isinstance(n, ast.Path) and n.ref.kind == "var" and n.fields:
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
            stmts: list[str]
            if f == "sum":
                pre.append(f"{name} = {'0' if node.type == T.DAYS else '_D0'}")
                stmts = [f"{name} = {name} + {item}"]
            elif f == "count":
                pre.append(f"{name} = 0")
                stmts = [f"{name} += 1"]
            elif f == "any":
                pre.append(f"{name} = False")
                stmts = [f"if {item}:", f"    {name} = True"] + ([] if fused else ["    break"])
            elif f == "all":
                pre.append(f"{name} = True")
                stmts = [f"if not {item}:", f"    {name} = False"] + ([] if fused else ["    break"])
            elif f == "select":
                pre.append(f"{name} = []")
                stmts = [f"{name}.append({item})"]
            elif f in ("min", "max"):
                pre.append(f"{name} = None")
                x = self.fresh("_x")
                stmts = [f"{x} = {item}",
                         f"if {name} is None or {x} {'<' if f == 'min' else '>'} {name}:", f"    {name} = {x}"]
            elif f == "first":
                pre.append(f"{name} = None")
                if fused:
                    flag = self.fresh("_f")
                    pre.append(f"{flag} = False")
                    stmts = [f"{flag} = True", f"{name} = {item}"]
                else:
                    stmts = [f"{name} = {item}", "break"]
            else:  # last
                pre.append(f"{name} = None")
                stmts = [f"{name} = {item}"]
            if where is not None:
                stmts = [f"if {where}:"] + ["    " + s for s in stmts]
            if fused and f in ("any", "all", "first"):
                guard = {"any": f"not {name}", "all": name}.get(f) or f"not {flag}"
                stmts = [f"if {guard}:"] + ["    " + s for s in stmts]
            body.extend(stmts)
            self.acc[id(node)] = (name, f)
        self.reads.clear()
        self.vars = saved_vars
        return [indent + p for p in pre] + [f"{indent}for {var} in {source}:"] + [f"{indent}    {b}" for b in body]


def _fusable(node: ast.Aggregate) -> bool:
    """An aggregate over a root case list whose item and `where` cannot fail and read only the item."""
    src = node.source
    if not (isinstance(src, ast.Path) and src.ref is not None and src.ref.kind == "field" and not src.fields):
        return False
    item_type = _item_type(src)
    if item_type is None:
        return False
    safety = _Safety({node.var: item_type}, allow_defs=False)
    if node.where is not None and not safety.safe(node.where):
        return False
    if not safety.safe(node.item):
        return False
    if node.func == "sum":
        return node.type == T.DAYS
    if node.func in ("min", "max"):
        return _plain(node.item.type)
    return True


def _top_aggregates(node: ast.Expr):
    """Aggregates of an expression that are not inside another aggregate."""
    if isinstance(node, ast.Aggregate):
        yield node
        return
    for child in ast.children(node):
        yield from _top_aggregates(child)


def _prefix_aggregates(node: ast.Expr, out: list, skip: set[int]) -> bool:
    """Collect the aggregates evaluated first and unconditionally in `node`, in order.

    Returns whether everything of `node` left to evaluate once they are computed cannot
    fail, so that the aggregates of a later sibling may be computed in front of it too.
    """
    if isinstance(node, ast.Aggregate):
        if id(node) not in skip:
            out.append(node)
        return True
    if isinstance(node, (ast.Binary, ast.Compare, ast.Call, ast.In, ast.Unary)):
        for kid in ast.children(node):
            if not _prefix_aggregates(kid, out, skip):
                return False
        if isinstance(node, ast.Call):
            return False
        if isinstance(node, ast.Binary):
            return (node.op, node.left.type, node.right.type) == ("-", T.DATE, T.DATE)
        if isinstance(node, ast.Compare) and node.op in _ORDERING:
            return _plain(node.left.type) and _plain(node.right.type)
        return True
    if isinstance(node, (ast.Logical, ast.Coalesce)):
        _prefix_aggregates(node.left, out, skip)
        return False
    if isinstance(node, ast.If):
        _prefix_aggregates(node.cond, out, skip)
        return False
    return _Safety({}, allow_defs=True).safe(node)


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
        body.append(f"    if {statement(rule.when, main, '    ')}:  # rule {index}: {rule.rule.id!r}")
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
    lines += [h.rstrip("\n") for h in em.helpers]
    lines.append("def decide(case, as_of):")
    return CompiledPolicy("\n".join(lines + body) + "\n", em.ns)
