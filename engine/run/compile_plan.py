"""What the compiler may compute early or together: which expressions cannot fail.

`compiler.py` turns aggregates into loops. Computing an aggregate earlier than the
reference evaluator would, or together with others in one loop, is only unobservable when
it cannot raise; this module decides that, conservatively, from the checked types
(`_Safety`), and lists the aggregates a statement evaluates first and unconditionally
(`_prefix_aggregates`), which may be looped in place without changing which error, if
any, a decision reports.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..lang import ast
from ..lang import types as T
from ..lang.semantics import AGGREGATES, UNARY, binary

__all__ = ["_fusable", "_prefix_aggregates", "_top_aggregates", "_Safety", "_plain", "_ORDERING"]


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
        typ: T.Type | None = self.env[ref.name]
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
            return binary(node.op, ast.type_of(node.left), ast.type_of(node.right)).cannot_fail and s(node.left) and s(node.right)
        if isinstance(node, ast.Unary) and node.type not in UNARY[node.op].cannot_fail_on:
            return False
        if isinstance(node, (ast.Logical, ast.Coalesce, ast.If, ast.In, ast.Unary)):
            return all(s(c) for c in ast.children(node))
        return False


def _item_type(source: ast.Expr) -> T.Type | None:
    t = source.type
    return t.item if isinstance(t, T.ListOf) else None


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
    return AGGREGATES[node.func].safe(ast.type_of(node.item), ast.type_of(node))


def _top_aggregates(node: ast.Expr) -> Iterator[ast.Aggregate]:
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
            return binary(node.op, ast.type_of(node.left), ast.type_of(node.right)).cannot_fail
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
