"""The symbolic driver: walks a checked expression as the reference evaluator does, over terms.

Every operation comes from the semantics table's symbolic forms
(`engine/lang/semantics/symbolic.py`); this module states only the language's structure,
as each driver does: names and fields, `and`/`or`, `in`, `??`, `if`, comprehensions
over list slots, and definitions evaluated once per run in their own policy's scope.
Where the scalar form would raise (an ordering with `none`, a fraction of a day) the term
still stands: the decision would fail, so such a case is never emitted; the proof only
covers more cases than exist, and a counterexample is confirmed by `decide` before it is
reported.
"""
from __future__ import annotations

from typing import Any

from ..lang import ast
from ..lang import types as T
from ..lang.semantics.symbolic import SYMBOLIC_AGGREGATES, SYMBOLIC_COMPARISONS, SYMBOLIC_FUNCTIONS, SYMBOLIC_OPERATORS, SYMBOLIC_UNARY, TAKES_TYPES
from .kit import Kit, Opt

__all__ = ["SymbolicRun", "NotEncodable"]


class NotEncodable(Exception):
    """An expression the symbolic driver cannot encode: that query is not proved."""


class SymbolicRun:
    """One symbolic decision: a symbolic case, a symbolic date, the bound versions."""

    def __init__(self, kit: Kit, case: dict, as_of, bindings: dict, main: str) -> None:
        self.s, self.case, self.as_of, self.bindings, self.main = kit, case, as_of, bindings, main
        self.defs: dict[tuple[str, str], Any] = {}
        self.vars: dict[str, Any] = {}

    def bound(self, policy: str):
        return self.bindings[policy]

    def definition(self, policy: str, name: str) -> Any:
        key = (policy, name)
        if key not in self.defs:
            bound = self.bound(policy)
            saved, self.vars = self.vars, {}
            try:
                self.defs[key] = self.value(bound.checked.definitions[name], bound)
            finally:
                self.vars = saved
        return self.defs[key]

    def value(self, node: ast.Expr, bound) -> Any:
        method = getattr(self, "_" + type(node).__name__.lower(), None)
        if method is None:
            raise NotEncodable(f"no symbolic form for {type(node).__name__}")
        return method(node, bound)

    def _literal(self, node: ast.Literal, bound) -> Any:
        return self.s.literal(node.value, node.type)

    def _path(self, node: ast.Path, bound) -> Any:
        ref = ast.ref_of(node)
        value: Any
        if ref.kind == "as_of":
            value = self.as_of
        elif ref.kind == "field":
            value = self.case[ref.name]
        elif ref.kind == "var":
            value = self.vars[ref.name]
        elif ref.kind == "param":
            b = self.bound(ref.scope)
            raw, typ = b.checked.params[ref.name], b.checked.param_types.get(ref.name)
            value = raw if isinstance(typ, (T.Table, T.Schedule)) else self.s.literal(raw, typ)
        else:
            value = self.definition(ref.scope, ref.name)
        for name in node.fields:
            if isinstance(value, Opt):
                if not isinstance(value.value, dict):
                    raise NotEncodable(f"a field of an optional value: {node.text}")
                value = Opt(value.defined, value.value[name])
            else:
                value = value[name]
        return value

    def _unary(self, node: ast.Unary, bound) -> Any:
        return SYMBOLIC_UNARY[node.op](self.s, self.s.plain(self.value(node.operand, bound)))

    def _binary(self, node: ast.Binary, bound) -> Any:
        form = SYMBOLIC_OPERATORS.get((node.op, T.unwrap(ast.type_of(node.left)), T.unwrap(ast.type_of(node.right))))
        if form is None:
            raise NotEncodable(f"no symbolic form for {node.left.type} {node.op} {node.right.type}")
        return form(self.s, self.s.plain(self.value(node.left, bound)), self.s.plain(self.value(node.right, bound)))

    def _compare(self, node: ast.Compare, bound) -> Any:
        return SYMBOLIC_COMPARISONS[node.op](self.s, self.value(node.left, bound), self.value(node.right, bound))

    def _logical(self, node: ast.Logical, bound) -> Any:
        z3 = self.s.z3
        left, right = self.value(node.left, bound), self.value(node.right, bound)
        return z3.And(left, right) if node.op == "and" else z3.Or(left, right)

    def _in(self, node: ast.In, bound) -> Any:
        z3 = self.s.z3
        item = self.value(node.item, bound)
        eq = SYMBOLIC_COMPARISONS["=="]
        found = z3.Or([eq(self.s, item, self.value(o, bound)) for o in node.options] or [z3.BoolVal(False)])
        return z3.Not(found) if node.negated else found

    def _coalesce(self, node: ast.Coalesce, bound) -> Any:
        left, right = self.value(node.left, bound), self.value(node.right, bound)
        if not isinstance(left, Opt):
            return left
        if left.value is None:
            return right
        if isinstance(right, Opt):
            z3 = self.s.z3
            value = left.value if right.value is None else self.s.ite(left.defined, left.value, right.value)
            return Opt(z3.Or(left.defined, right.defined), value)
        return self.s.ite(left.defined, left.value, right)

    def _if(self, node: ast.If, bound) -> Any:
        return self.s.ite(self.value(node.cond, bound), self.value(node.then, bound), self.value(node.else_, bound))

    def _call(self, node: ast.Call, bound) -> Any:
        form = SYMBOLIC_FUNCTIONS.get(node.name)
        if form is None:
            raise NotEncodable(f"no symbolic form for `{node.name}`")
        from ..lang.semantics import FUNCTIONS
        args = [self.value(a, bound) for a in node.args]
        args = [a if isinstance(a, (list, dict)) or a is None else self.s.plain(a) for a in args]
        if FUNCTIONS[node.name].needs_calendar:
            return form(self.s, bound.calendar, *args)
        if node.name in TAKES_TYPES:
            return form(self.s, *args, types=[a.type for a in node.args])
        return form(self.s, *args)

    def _aggregate(self, node: ast.Aggregate, bound) -> Any:
        z3 = self.s.z3
        source = self.value(node.source, bound)
        if not isinstance(source, list):
            raise NotEncodable("an aggregate over something that is not a list")
        shadowed = self.vars.get(node.var, _MISSING)
        slots = []
        try:
            for present, element in source:
                self.vars[node.var] = element
                where = self.value(node.where, bound) if node.where is not None else z3.BoolVal(True)
                picked = z3.And(present, where)
                slots.append((picked, self.value(node.item, bound)))
        finally:
            if shadowed is _MISSING:
                self.vars.pop(node.var, None)
            else:
                self.vars[node.var] = shadowed
        if node.func not in ("first", "last", "select"):
            slots = [(p, self.s.plain(x)) for p, x in slots]
        return SYMBOLIC_AGGREGATES[node.func](self.s, slots, node.type)

    def _listlit(self, node: ast.ListLit, bound) -> Any:
        return [(self.s.z3.BoolVal(True), self.value(item, bound)) for item in node.items]


_MISSING = object()
