"""What the expression compiler, aggregates and the per-case fallback ask of a columnar run.

`program.ColumnarRun` provides these; `compile.py`, `aggregate.py` and `fallback.py` are
written against this interface, not against `program`, which calls them: so the run and
the parts it drives do not import each other (tests/project/test_architecture.py: no import cycle).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import polars as pl

    from ..lang import ast
    from ..run.runtime import Bound
    from .values import Col, NestedValues

__all__ = ["RunServices"]


class RunServices(Protocol):
    bindings: dict[str, Bound]
    known_columns: set[str]
    height: int                 # the frame's rows (a run never filters them)
    fallbacks: list[str]        # what ran per case, for reports

    @property
    def frame(self) -> pl.DataFrame:
        """The case frame with every column added so far."""

    def add_columns(self, columns: dict[str, Any]) -> None:
        """Queue columns on the frame (lazily)."""

    def fresh(self, prefix: str) -> str:
        """A column name not used before in this run."""

    def long(self, column: str) -> pl.DataFrame:
        """List `column` exploded, once per run."""

    def positional(self, column: str, which: str, fields: tuple[str, ...]) -> pl.Expr:
        """The field of the first or last item of list `column`, one shared column."""

    def one_item(self, column: str) -> bool:
        """Whether every case holds exactly one item in list `column` (its aggregates need no list kernel)."""

    def aggregate(self, node: ast.Aggregate, policy: str) -> Col:
        """An aggregate node compiled once, however many expressions reach it."""

    def nested(self, node: ast.Aggregate, policy: str, outer: str, outer_source: str) -> NestedValues:
        """An aggregate nested in another's item or `where`: a Series over the outer list's items."""

    def definition(self, policy: str, name: str) -> Col:
        """A definition as a column (`NotColumnar` if it only has per-case values)."""

    def definition_field(self, policy: str, name: str, fields: tuple[str, ...]) -> Col:
        """A field of a record definition as a column (`NotColumnar` if the record has no column form)."""

    def python_cases(self, roots: frozenset[str] | None = None) -> list[dict]:
        """The cases as run-time values (at least the `roots` fields when given), for per-case evaluation."""

    def python_cases_at(self, rows: list[int], roots: frozenset[str]) -> list[dict]:
        """The cases at `rows` only (the `roots` fields), for per-case evaluation of a few rows."""

    def python_definition(self, policy: str, name: str) -> Sequence[Any]:
        """A definition's per-case run-time values."""
