"""What the type checker sets on a policy's syntax tree, read with its invariant stated.

`ast.Path.ref` and `ast.Expr.type` are None on a tree fresh from the parser and set on every
node by the checker; the columnar compiler only sees checked trees, so a None here is a bug
in the engine (reported as such), never a case's or a policy's problem.
"""
from __future__ import annotations

from ..lang import ast
from ..lang import types as T

__all__ = ["checked_ref", "checked_type"]


def checked_ref(node: ast.Path) -> ast.Ref:
    """The name `node` resolved to."""
    if node.ref is None:
        raise TypeError(f"`{node.text}` reached the columnar compiler unresolved")
    return node.ref


def checked_type(node: ast.Expr) -> T.Type:
    """The type the checker gave `node`."""
    if node.type is None:
        raise TypeError(f"{type(node).__name__} reached the columnar compiler without a type")
    return node.type
