"""Evaluation order: which definitions an expression needs, transitively, in dependency order.

Both evaluators evaluate a rule's needed definitions just before the rule (and an
output's before the output), so a definition that fails, fails at the same point in the
reference evaluator and in compiled code.
"""
from __future__ import annotations

from . import ast
from .runtime import Bound

__all__ = ["needs"]


def needs(expr: ast.Expr, bindings: dict[str, Bound], done: set[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """Definitions `(policy, name)` that `expr` needs and `done` does not hold, dependencies first."""
    done = set() if done is None else done
    order: list[tuple[str, str]] = []

    def visit(node: ast.Expr) -> None:
        for n in ast.walk(node):
            if isinstance(n, ast.Path) and n.ref is not None and n.ref.kind == "def":
                key = (n.ref.scope, n.ref.name)
                if key in done:
                    continue
                done.add(key)
                visit(bindings[key[0]].checked.definitions[key[1]])
                order.append(key)

    visit(expr)
    return order
