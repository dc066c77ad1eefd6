"""Reference evaluator: walks the checked AST, optionally recording every value for explain.

Every operation comes from the semantics table (`engine/lang/semantics`): this module only
walks the tree, in the order the language defines (`and`, `or`, `??` and `if` evaluate
their right side only when needed). The other backends must match it (see
tests/parity/test_parity.py), and take their operations from the same table. With a
`Trace`, each evaluated node's value is kept by node identity; nodes skipped by
short-circuiting have none, which explain shows as "not evaluated".
"""
from __future__ import annotations

from typing import Any

from ..core.errors import EvaluationError
from ..lang import ast
from ..lang.semantics import AGGREGATES, COMPARISONS, FUNCTIONS, UNARY, binary
from .runtime import Bound, Run

__all__ = ["Evaluator"]


class Evaluator:
    """Evaluates expressions of one decision run (one case, one date, bound versions)."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.vars: dict[str, Any] = {}
        self.recording = True
        self.filters: Any = None     # a PrefixFilters (run/prefix_filter.py) while a history is judged

    def value(self, node: ast.Expr, bound: Bound) -> Any:
        kind = type(node)
        method = _METHODS.get(kind)
        if method is None:      # one lookup per node kind (a history judges millions of nodes)
            method = _METHODS[kind] = getattr(Evaluator, "_" + kind.__name__.lower())
        try:
            result = method(self, node, bound)
        except EvaluationError as err:
            if err.span is None:
                err.span = node.span
            raise
        except ArithmeticError as err:
            raise EvaluationError(f"arithmetic error: {type(err).__name__}", node.span) from None
        if self.recording and self.run.trace is not None:
            self.run.trace.values[id(node)] = result
        return result

    def _literal(self, node: ast.Literal, bound: Bound) -> Any:
        return node.value

    def _path(self, node: ast.Path, bound: Bound) -> Any:
        ref = node.ref
        assert ref is not None                 # a checked tree (ast.ref_of; inline on this hot path)
        value: Any
        if ref.kind == "as_of":
            value = self.run.as_of
        elif ref.kind == "field":
            value = self.run.case[ref.name]
        elif ref.kind == "var":
            value = self.vars[ref.name]
        elif ref.kind == "param":
            value = self.run.bound(ref.scope).param(ref.name, self.run.trace)
        else:
            value = self.definition(ref.scope, ref.name)
        for name in node.fields:
            value = value[name]
        return value

    def definition(self, policy: str, name: str) -> Any:
        """A definition's value in this run, evaluated once (in its own policy's scope)."""
        bound = self.run.bound(policy)
        key = (policy, name)
        if key in self.run.defs:
            return self.run.defs[key]
        if self.filters is not None and self.run.trace is None:
            found = self.filters.definition(self, policy, name)
            if found is not None:
                self.run.defs[key] = found[0]
                return found[0]
        expr = bound.checked.definitions[name]
        saved_vars, saved_rec = self.vars, self.recording
        self.vars, self.recording = {}, True
        try:
            value = self.value(expr, bound)
        except EvaluationError as err:
            err.message = f"definition `{name}` of {bound.version.key}: {err.message}"
            raise
        finally:
            self.vars, self.recording = saved_vars, saved_rec
        self.run.defs[key] = value
        if self.filters is not None and self.run.trace is None:
            self.filters.remember(self, policy, name, value)
        if self.run.trace is not None:
            self.run.trace.definitions.append((policy, name, value))
        return value

    def _unary(self, node: ast.Unary, bound: Bound) -> Any:
        return UNARY[node.op].impl(self.value(node.operand, bound))

    def _binary(self, node: ast.Binary, bound: Bound) -> Any:
        impl = binary(node.op, ast.type_of(node.left), ast.type_of(node.right)).impl
        return impl(self.value(node.left, bound), self.value(node.right, bound))

    def _compare(self, node: ast.Compare, bound: Bound) -> Any:
        return COMPARISONS[node.op].impl(self.value(node.left, bound), self.value(node.right, bound))

    def _logical(self, node: ast.Logical, bound: Bound) -> Any:
        left = self.value(node.left, bound)
        if node.op == "and":
            return left and self.value(node.right, bound)
        return left or self.value(node.right, bound)

    def _in(self, node: ast.In, bound: Bound) -> Any:
        item = self.value(node.item, bound)
        found = any(item == self.value(o, bound) for o in node.options)
        return not found if node.negated else found

    def _coalesce(self, node: ast.Coalesce, bound: Bound) -> Any:
        left = self.value(node.left, bound)
        return left if left is not None else self.value(node.right, bound)

    def _if(self, node: ast.If, bound: Bound) -> Any:
        if self.value(node.cond, bound):
            return self.value(node.then, bound)
        return self.value(node.else_, bound)

    def _call(self, node: ast.Call, bound: Bound) -> Any:
        fn = FUNCTIONS[node.name]
        args = [self.value(a, bound) for a in node.args]
        if fn.needs_calendar:
            return fn.impl(bound.calendar, *args)
        return fn.impl(*args)

    def _aggregate(self, node: ast.Aggregate, bound: Bound) -> Any:
        items = self.value(node.source, bound)
        saved_rec, shadowed = self.recording, self.vars.get(node.var, _MISSING)
        self.recording = False              # per-item values are not kept (the result is)
        try:
            picked = []
            survivors = self.filters.survivors(self, node, items, bound) if self.filters is not None else None
            for element in (items if survivors is None else survivors):
                self.vars[node.var] = element
                if node.where is None or self.value(node.where, bound):
                    picked.append(self.value(node.item, bound))
        finally:
            self.recording = saved_rec
            if shadowed is _MISSING:
                self.vars.pop(node.var, None)
            else:
                self.vars[node.var] = shadowed
        return AGGREGATES[node.func].reduce(picked, ast.type_of(node))


_MISSING = object()
_METHODS: dict[type, Any] = {}     # node type → Evaluator method
