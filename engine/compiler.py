"""Compiler: a checked policy version (with its used versions) → one Python function.

The fast path for `decide` and batch work. The source is generated from the *checked* AST
only: every literal through `repr`, every name from the engine's registries (functions,
operators, mangled parameter/definition names), never from policy text. It is compiled
once per combination of bound versions and can be dumped (`frist decide --dump-compiled`).
The generated function returns `(rule index, outputs, amounts)` with the same values the
reference evaluator produces (tests/test_parity.py).
"""
from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any, Callable

from . import ast
from . import types as T
from .functions import FUNCTIONS
from .operators import binary_impl, special_helpers
from .plan import needs
from .runtime import Bound
from .values.time import Months

__all__ = ["CompiledPolicy", "compile_bindings"]


def _ident(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def _last(items):
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
                                   "_D0": Decimal(0), **special_helpers()}
        self.temp = 0

    def const(self, policy: str, name: str) -> str:
        key = f"k_{_ident(policy)}__{name}"
        self.ns[key] = self.bindings[policy].checked.params[name]
        return key

    def calendar(self, policy: str) -> str:
        key = f"cal_{_ident(policy)}"
        self.ns[key] = self.bindings[policy].calendar
        return key

    def expr(self, node: ast.Expr, policy: str) -> str:
        e = lambda n: self.expr(n, policy)  # noqa: E731
        if isinstance(node, ast.Literal):
            return repr(node.value)
        if isinstance(node, ast.Path):
            ref = node.ref
            if ref.kind == "as_of":
                base = "as_of"
            elif ref.kind == "field":
                base = f"case[{ref.name!r}]"
            elif ref.kind == "var":
                base = f"v_{ref.name}"
            elif ref.kind == "param":
                base = self.const(ref.scope, ref.name)
            else:
                base = f"d_{_ident(ref.scope)}__{ref.name}"
            return base + "".join(f"[{f!r}]" for f in node.fields)
        if isinstance(node, ast.Unary):
            return f"(not {e(node.operand)})" if node.op == "not" else f"(-{e(node.operand)})"
        if isinstance(node, ast.Binary):
            impl, helper = binary_impl(node.op, node.left.type, node.right.type)
            if helper:
                return f"{helper}({e(node.left)}, {e(node.right)})"
            return f"({e(node.left)} {node.op} {e(node.right)})"
        if isinstance(node, ast.Compare):
            return f"({e(node.left)} {node.op} {e(node.right)})"
        if isinstance(node, ast.Logical):
            return f"({e(node.left)} {node.op} {e(node.right)})"
        if isinstance(node, ast.In):
            options = ", ".join(e(o) for o in node.options)
            return f"({e(node.item)} {'not in' if node.negated else 'in'} ({options},))"
        if isinstance(node, ast.Coalesce):
            self.temp += 1
            t = f"_t{self.temp}"
            return f"({t} if ({t} := {e(node.left)}) is not None else {e(node.right)})"
        if isinstance(node, ast.If):
            return f"({e(node.then)} if {e(node.cond)} else {e(node.else_)})"
        if isinstance(node, ast.Call):
            fn = FUNCTIONS[node.name]
            key = f"f_{node.name}"
            self.ns[key] = fn.impl
            args = [e(a) for a in node.args]
            if fn.needs_calendar:
                args.insert(0, self.calendar(policy))
            return f"{key}({', '.join(args)})"
        if isinstance(node, ast.Aggregate):
            return self.aggregate(node, policy)
        raise TypeError(f"cannot compile {type(node).__name__}")  # pragma: no cover

    def aggregate(self, node: ast.Aggregate, policy: str) -> str:
        item, source = self.expr(node.item, policy), self.expr(node.source, policy)
        cond = f" if {self.expr(node.where, policy)}" if node.where is not None else ""
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


def compile_bindings(bindings: dict[str, Bound], main: str) -> CompiledPolicy:
    """Generate and compile `decide(case, as_of)` for these bound versions."""
    em = _Emitter(bindings)
    checked = bindings[main].checked
    lines = [f"# {b.version.key} sha256 {b.version.sha256}" for _, b in sorted(bindings.items())]
    lines.append("def decide(case, as_of):")
    done: set[tuple[str, str]] = set()

    def define(expr: ast.Expr, indent: str, local_done: set) -> None:
        for policy, name in needs(expr, bindings, local_done):
            body = em.expr(bindings[policy].checked.definitions[name], policy)
            lines.append(f"{indent}d_{_ident(policy)}__{name} = {body}")

    for index, rule in enumerate(checked.rules):
        define(rule.when, "    ", done)
        lines.append(f"    if {em.expr(rule.when, main)}:  # {rule.rule.id}")
        inner = set(done)
        outputs = []
        for key, expr in rule.outputs.items():
            define(expr, "        ", inner)
            outputs.append(f"{key!r}: {em.expr(expr, main)}")
        amounts = []
        for key, expr in checked.amounts.items():
            define(expr, "        ", inner)
            amounts.append(f"{key!r}: {em.expr(expr, main)}")
        lines.append(f"        return ({index}, {{{', '.join(outputs)}}}, {{{', '.join(amounts)}}})")
    lines.append("    return None")
    return CompiledPolicy("\n".join(lines) + "\n", em.ns)
