"""Single expressions of one run by compiled code: the reference evaluator's values, faster.

`validate`'s law search decides some 20,000 generated cases; for each, the reasons that set a
claim aside and the law's constraints are evaluated outside the compiled rule function, and the
reference evaluator walks the same trees every time. Here each expression (and each definition
it reads) is compiled once per set of bound versions (`compiler.compile_expression`: the scalar
compiler's inline forms, whose values are the reference evaluator's, tests/parity) and called
with the definitions it reads, each evaluated once per run, dependencies first.

It answers only where nothing raises: `Uncompiled` (or any error an expression raises) is the
caller's signal to evaluate the same thing by the reference evaluator, so every error and every
message stays the reference's. A definition is evaluated before the expression that reads it
(as `plan.needs` orders them): where the reference would never reach one (a short-circuit),
evaluating it may raise, and the reference then decides; it never changes a value.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from ..core.memos import memo
from ..lang import ast
from .compiler import compile_expression
from .runtime import Bound

__all__ = ["CompiledValues", "Uncompiled"]


class Uncompiled(Exception):
    """An expression the compiler does not take: the reference evaluator evaluates it."""


class _Functions:
    """The compiled expressions of one set of bound versions: id(node) → (node, function, definitions)."""

    def __init__(self, bindings: dict[str, Bound]) -> None:
        self.bindings = bindings
        self.made: dict[int, tuple[ast.Expr, Callable | None, list[tuple[str, str]]]] = {}

    def of(self, node: ast.Expr, policy: str) -> tuple[Callable, list[tuple[str, str]]]:
        found = self.made.get(id(node))
        if found is None or found[0] is not node:
            found = self.made[id(node)] = _compiled(self.bindings, node, policy)
        if found[1] is None:
            raise Uncompiled
        return found[1], found[2]


def _compiled(bindings: dict[str, Bound], node: ast.Expr, policy: str) -> tuple:
    """(node, function or None, its definitions), compiled once per node and the versions whose
    parameters and calendar it reads (the definitions are arguments): the law's constraints
    compiled once, not once per set of process versions bound with it."""
    scopes = {policy} | {n.ref.scope for n in ast.walk(node)
                         if isinstance(n, ast.Path) and n.ref is not None and n.ref.kind == "param"}
    key = (id(node), policy, tuple((s, id(bindings[s].checked)) for s in sorted(scopes) if s in bindings))
    found = _SHARED.get(key)
    if found is None or found[0] is not node:
        try:
            function, defs = compile_expression(bindings, node, policy)
        except Exception:   # noqa: BLE001 - a node the compiler does not take
            function, defs = None, []
        # the node and the versions kept alive: no id in the key is reused while it is kept
        found = _SHARED[key] = (node, function, defs, tuple(bindings[s].checked for s in scopes if s in bindings))
    return found


_SHARED: dict[tuple, tuple] = memo(2_000)       # bundled validate: 682


# (name, id(checked)) of every bound version → (those versions, kept alive, and their functions).
# A node is compiled in one policy's scope only (a rule's, a reason's, a constraint's own).
_FUNCTIONS: dict[tuple, tuple[tuple, _Functions]] = memo(128)     # bundled validate: 42


def _functions(bindings: dict[str, Bound]) -> _Functions:
    key = tuple((name, id(b.checked)) for name, b in bindings.items())
    found = _FUNCTIONS.get(key)
    if found is None:
        found = _FUNCTIONS[key] = (tuple(b.checked for b in bindings.values()), _Functions(bindings))
    return found[1]


class CompiledValues:
    """Values of one run (case, day, bound versions) by compiled expressions; definitions once each."""

    __slots__ = ("functions", "bindings", "case", "as_of", "defs")

    def __init__(self, bindings: dict[str, Bound], case: dict, as_of: dt.date) -> None:
        self.functions = _functions(bindings)
        self.bindings, self.case, self.as_of = bindings, case, as_of
        self.defs: dict[tuple[str, str], Any] = {}

    def value(self, node: ast.Expr, policy: str) -> Any:
        """`node`'s value in `policy`'s scope (raises `Uncompiled`, or what the code raises)."""
        function, defs = self.functions.of(node, policy)
        return function(self.case, self.as_of, *[self.definition(p, n) for p, n in defs])

    def holds(self, node: ast.Expr, policy: str) -> bool:
        """Whether `node` is truthy, the operands of its `and`/`or` compiled apart: a definition
        only the right operand reads is evaluated only where the reference evaluator reaches it."""
        if isinstance(node, ast.Logical):
            if node.op == "and":
                return self.holds(node.left, policy) and self.holds(node.right, policy)
            return self.holds(node.left, policy) or self.holds(node.right, policy)
        return bool(self.value(node, policy))

    def definition(self, policy: str, name: str) -> Any:
        key = (policy, name)
        if key not in self.defs:
            self.defs[key] = self.value(self.bindings[policy].checked.definitions[name], policy)
        return self.defs[key]
