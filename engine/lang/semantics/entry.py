"""The shape of one entry of the semantics table: every form of one operator, function or aggregate.

An entry is the single place a meaning is written. It carries
- its **type rule** (the checker asks it),
- its **scalar** implementation over run-time values (the reference evaluator calls it),
- its **inline** form, the Python the compiler writes in place of a call, and
- its **columnar** form, a function that builds the Polars expression from the argument
  columns, or None: "no columnar form, evaluated per case" (the columnar evaluator then
  runs the compiled inline form on each case).

The columnar form is written here but runs in the columnar layer: it receives that
layer's column kit (`engine/columnar/kit.py`: `k.pl`, `k.Col`, `k.align`, `k.any_err`, …)
as its first argument, so this package never imports Polars.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .. import types as T

__all__ = ["Operator", "Unary", "Comparison", "Function", "Aggregate", "Columnar", "fixed_signature"]

# (kit, argument columns, the checked node) → a column; raises the kit's NotColumnar to fall back.
Columnar = Callable[..., Any]


@dataclass(frozen=True)
class Operator:
    """`left op right` for one pair of operand types (the checker has proved them)."""

    op: str
    left: T.Type
    right: T.Type
    result: T.Type                         # type rule: these operands give this type
    impl: Callable[[Any, Any], Any]        # scalar
    inline: str                            # Python; `{0}`, `{1}` are the compiled operands
    columnar: Columnar | None              # (k, left, right, node) → Col
    helper: str | None = None              # the name `inline` calls `impl` by, when it does
    cannot_fail: bool = False              # on checked, non-optional operands (lets the compiler hoist)


@dataclass(frozen=True)
class Unary:
    """`-x` or `not x`."""

    op: str
    operands: tuple[T.Type, ...]           # type rule: the operand types it takes; result = operand type
    impl: Callable[[Any], Any]
    inline: str
    columnar: Columnar                     # (k, operand) → Col
    cannot_fail_on: tuple[T.Type, ...] = ()   # operand types on which it cannot raise


@dataclass(frozen=True)
class Comparison:
    """`left op right` → Bool, for every pair of types `types.comparable` admits."""

    op: str
    ordering: bool                         # type rule: `comparable(left, right, ordering)`
    impl: Callable[[Any, Any], bool]
    inline: str
    columnar: Columnar                     # (k, left, right, node) → Col


@dataclass(frozen=True)
class Function:
    """A built-in function: the only things a policy can call."""

    name: str
    arity: tuple[int, int | None]          # (min, max); None = any number
    check: Callable[[list[T.Type]], "T.Type | str"]   # type rule: argument types → result, or what is wrong
    impl: Callable[..., Any]               # scalar; takes the policy's calendar first when `needs_calendar`
    columnar: Columnar | None = None       # (k, args, node) → Col; None: evaluated per case
    needs_calendar: bool = False
    doc: str = ""
    inline: str | None = None              # Python over `{0}`, `{1}`, …; None: a call of `impl`
    # How explain shows the call's computation: (argument values) → its steps as structured
    # events, rendered in the reader's language by explain/words.py; None: the value alone.
    steps: Callable[..., list] | None = None
    alias_of: str | None = None            # a name kept for an entry of another name: the same meaning


@dataclass(frozen=True)
class Aggregate:
    """`name(item for var in list where cond)`: the items picked by `where`, then reduced."""

    name: str
    doc: str
    check: Callable[[T.Type], "T.Type | str"]   # type rule: item type → result type, or what is wrong
    optional_items: bool                   # False: items of an optional type are refused (`optional-value`)
    empty: Callable[[T.Type], Any]         # the value over an empty list, by result type
    reduce: Callable[[list, T.Type], Any]  # scalar: the picked items → the value
    generator: str                         # inline, as one expression over `{item}`, `{gen}`, `{zero}`
    loop: Callable[..., tuple[list[str], list[str], str | None]]   # inline loop statements: (init, step, fused guard); aggregates.py
    list_form: Columnar | None             # columnar over a list column (k, lst, x, w) → expr
    group_form: Columnar | None            # columnar over a long table (k, picked, where) → expr
    reads_item: bool = True                # False: the item is never evaluated (count)
    loop_value: str = "{acc}"              # the value, from a loop's accumulator `{acc}`
    safe: Callable[[T.Type, T.Type], bool] = lambda item, result: True   # cannot fail on safe items


def fixed_signature(*params: T.Type, result: T.Type) -> Callable[[list[T.Type]], "T.Type | str"]:
    """The type rule of a function taking exactly these argument types."""
    def check(args: list[T.Type]) -> T.Type | str:
        for i, (got, want) in enumerate(zip(args, params), 1):
            if got != want:
                return f"argument {i} must be {want}, not {got}"
        return result
    return check
