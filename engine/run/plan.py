"""Evaluation order: which definitions an expression needs, transitively, in dependency order.

Both evaluators evaluate a rule's needed definitions just before the rule (and an
output's before the output), so a definition that fails, fails at the same point in the
reference evaluator and in compiled code.
"""
from __future__ import annotations

from typing import Iterator

from ..core.memos import memo
from ..lang import ast
from .runtime import Bound

__all__ = ["needs"]


def needs(expr: ast.Expr, bindings: dict[str, Bound], done: set[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """Definitions `(policy, name)` that `expr` needs and `done` does not hold, dependencies first.

    Depth-first with an explicit stack: a chain of thousands of definitions, each using the
    one before, costs no recursion.
    """
    done = set() if done is None else done
    order: list[tuple[str, str]] = []
    stack: list[tuple[tuple[str, str] | None, Iterator[tuple[str, str]]]] = [(None, _references(expr))]
    while stack:
        key, refs = stack[-1]
        for ref in refs:
            if ref not in done:
                done.add(ref)
                stack.append((ref, _references(bindings[ref[0]].checked.definitions[ref[1]])))
                break
        else:
            stack.pop()
            if key is not None:
                order.append(key)
    return order


def _references(node: ast.Expr) -> Iterator[tuple[str, str]]:
    """The definitions `node` reads directly, in tree order: walked once per node (the law
    search and a batch ask for the same rules' needs thousands of times)."""
    known = _REFERENCES.get(id(node))
    if known is None or known[0] is not node:
        refs = tuple((n.ref.scope, n.ref.name) for n in ast.walk(node)
                     if isinstance(n, ast.Path) and n.ref is not None and n.ref.kind == "def")
        known = _REFERENCES[id(node)] = (node, refs)      # the node kept alive: its id is never reused
    return iter(known[1])


# The nodes are kept alive with their answers: forgotten every few catalogs (core/memos.py) and
# bounded (`frin validate policies` on the bundled tree asks of 582 nodes).
_REFERENCES: dict[int, tuple[ast.Expr, tuple[tuple[str, str], ...]]] = memo(5_000)
