"""Incremental filtering of an append-only list, so judging a history is linear in its events.

`decide/history.py` judges each recorded fee against the law with the events before it as
the case's history: the same aggregates (`count(e for e in events where e.step in [...] and
e.fee > 0 NOK and ...)`) run over ever longer prefixes of one list, which costs O(n²) for n
events. Most of a `where` is usually a test of the element alone (its leading `and`
conjuncts that read only the aggregate's variable and literals); an element that fails it
is never picked, whatever the day or the other definitions. `PrefixFilters` keeps, per
aggregate, the elements of the prefix seen so far that pass that test, and tests only the
new ones; the evaluator then evaluates the whole `where` and `item` on those survivors
alone, in order — the same values, the same errors, the same result as the full walk. Any
element whose test raises makes that aggregate fall back to the full walk for good.
"""
from __future__ import annotations

from typing import Any

from ..core.errors import EvaluationError
from ..lang import ast

__all__ = ["Prefix", "PrefixFilters"]

# node kinds whose value depends only on their children (no definitions, params or case fields)
_PURE = (ast.Literal, ast.Unary, ast.Binary, ast.Compare, ast.Logical, ast.In, ast.Coalesce, ast.If, ast.ListLit)


class Prefix(list):
    """A copy of the first len(self) elements of `origin`, a list that only ever grows by appending."""

    __slots__ = ("origin",)

    def __init__(self, origin: list) -> None:
        super().__init__(origin)
        self.origin = origin


def _conjuncts(node: ast.Expr) -> list[ast.Expr]:
    """`a and b and c` → [a, b, c], in the order the evaluator evaluates them."""
    if isinstance(node, ast.Logical) and node.op == "and":
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


def _element_only(node: ast.Expr, var: str) -> bool:
    for n in ast.walk(node):
        if isinstance(n, ast.Path):
            if n.ref is None or n.ref.kind != "var" or n.ref.name != var:
                return False
        elif not isinstance(n, _PURE):
            return False
    return True


class PrefixFilters:
    """Per aggregate node: the survivors of its element-only test over a `Prefix`'s origin."""

    def __init__(self) -> None:
        self.tested = 0                             # element tests run (tests count them)
        self._tests: dict[int, tuple[ast.Aggregate, list[ast.Expr]]] = {}
        self._state: dict[int, list] = {}           # id(node) → [node, origin, seen, survivors, failed]

    def _test_of(self, node: ast.Aggregate) -> list[ast.Expr]:
        known = self._tests.get(id(node))
        if known is None or known[0] is not node:
            test = []
            if node.where is not None:
                for c in _conjuncts(node.where):
                    if not _element_only(c, node.var):
                        break
                    test.append(c)
            known = self._tests[id(node)] = (node, test)
        return known[1]

    def survivors(self, evaluator: Any, node: ast.Aggregate, items: Any, bound: Any) -> list | None:
        """The elements of `items` that pass `node`'s element-only test, in order; None when the
        full walk must be taken (not a `Prefix`, no such test, or a test raised). The caller
        has saved the aggregate's variable and turned recording off."""
        if not isinstance(items, Prefix):
            return None
        test = self._test_of(node)
        if not test:
            return None
        state = self._state.get(id(node))
        if state is None or state[0] is not node or state[1] is not items.origin:
            state = self._state[id(node)] = [node, items.origin, 0, [], False]
        if state[4]:
            return None
        origin, survivors = items.origin, state[3]
        for j in range(state[2], len(items)):
            element = origin[j]
            evaluator.vars[node.var] = element
            self.tested += 1
            try:
                passes = all(evaluator.value(c, bound) for c in test)
            except (EvaluationError, ArithmeticError):
                state[4] = True
                return None
            if passes:
                survivors.append((j, element))
            state[2] = j + 1
        n = len(items)
        if len(survivors) and survivors[-1][0] >= n:
            return [e for j, e in survivors if j < n]
        return [e for _, e in survivors]
