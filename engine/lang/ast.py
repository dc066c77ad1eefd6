"""The rule language's AST: frozen, slotted dataclasses, independent of any evaluator.

Every node carries a `span` in file coordinates; equality ignores it (and the checker's
annotations), so tests compare trees structurally. The parser builds these nodes; the
checker returns copies with `type` (and, for names, `ref`) filled in; the evaluator, the
compiler and later the columnar backend all read the same checked tree.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.source import Span
    from .types import Type

__all__ = [
    "Expr", "Literal", "Path", "Unary", "Binary", "Compare", "Logical", "In", "Coalesce",
    "If", "Call", "Aggregate", "ListLit", "Ref", "children", "walk", "money_currency", "money_number",
    "type_of", "ref_of",
]

@dataclass(frozen=True, slots=True)
class Ref:
    """What a name resolved to: its kind and its key in that namespace.

    kinds: `as_of`, `field` (case root field), `var` (comprehension variable), `param`,
    `def` (definition), with `scope` naming the used-policy alias or "" for this policy.
    """

    kind: str
    name: str
    scope: str = ""


@dataclass(frozen=True, slots=True)
class Expr:
    span: Span | None = field(compare=False, repr=False, default=None)
    type: Type | None = field(compare=False, repr=False, default=None)


@dataclass(frozen=True, slots=True)
class Literal(Expr):
    value: Any = None        # Decimal, int (days), Months, date, bool, str, None
    kind: str = ""           # Money, Number, Percent, Date, Days, Months, Bool, Text, None
    text: str = ""           # as written, for explanations


def money_currency(node: Literal) -> str:
    """The ISO 4217 code a money literal is written in: `1 250.50 NOK` → `NOK`.

    >>> money_currency(Literal(kind="Money", text="-35 EUR"))
    'EUR'
    """
    return node.text.rstrip()[-3:]


def money_number(node: Literal) -> str:
    """The number a money literal is written with: `1 250.50 NOK` → `1 250.50`."""
    return node.text.rstrip()[:-3].rstrip()


@dataclass(frozen=True, slots=True)
class Path(Expr):
    parts: tuple[str, ...] = ()
    ref: Ref | None = field(compare=False, repr=False, default=None)
    fields: tuple[str, ...] = field(compare=False, repr=False, default=())  # the parts after the resolved name (set by the checker)

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True)
class Unary(Expr):
    op: str = ""             # "-" or "not"
    operand: Expr = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    op: str = ""             # + - * /
    left: Expr = None  # type: ignore[assignment]
    right: Expr = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Compare(Expr):
    op: str = ""             # == != < <= > >=
    left: Expr = None  # type: ignore[assignment]
    right: Expr = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Logical(Expr):
    op: str = ""             # and, or
    left: Expr = None  # type: ignore[assignment]
    right: Expr = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class In(Expr):
    item: Expr = None  # type: ignore[assignment]
    options: tuple[Expr, ...] = ()
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Coalesce(Expr):
    left: Expr = None  # type: ignore[assignment]
    right: Expr = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class If(Expr):
    cond: Expr = None  # type: ignore[assignment]
    then: Expr = None  # type: ignore[assignment]
    else_: Expr = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Call(Expr):
    name: str = ""
    args: tuple[Expr, ...] = ()


@dataclass(frozen=True, slots=True)
class Aggregate(Expr):
    """`sum(c.amount for c in claims where not c.disputed)`."""

    func: str = ""
    item: Expr = None  # type: ignore[assignment]
    var: str = ""
    source: Expr = None  # type: ignore[assignment]
    where: Expr | None = None


@dataclass(frozen=True, slots=True)
class ListLit(Expr):
    items: tuple[Expr, ...] = ()


def type_of(node: Expr) -> Type:
    """The type the checker gave `node`: every stage after the checker reads only checked trees,
    so an unchecked node there is a programming error, not bad input."""
    if node.type is None:
        raise TypeError(f"{type(node).__name__} node read before type checking")
    return node.type


def ref_of(node: Path) -> Ref:
    """What the checker resolved a name to (see `type_of`)."""
    if node.ref is None:
        raise TypeError(f"name `{node.text}` read before type checking")
    return node.ref


def children(node: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of a node, in evaluation order."""
    if isinstance(node, (Unary,)):
        return (node.operand,)
    if isinstance(node, (Binary, Compare, Logical, Coalesce)):
        return (node.left, node.right)
    if isinstance(node, In):
        return (node.item, *node.options)
    if isinstance(node, If):
        return (node.cond, node.then, node.else_)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Aggregate):
        return (node.source, node.item) + ((node.where,) if node.where is not None else ())
    if isinstance(node, ListLit):
        return node.items
    return ()


def walk(node: Expr) -> Iterator[Expr]:
    """Every node of a tree, parents before children."""
    yield node
    for child in children(node):
        yield from walk(child)


def decimal_literal(text: str) -> Decimal:
    return Decimal(text.replace(" ", ""))
