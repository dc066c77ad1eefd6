"""Reading a recorded trace: the source text of a node and its sub-expression values.

Shared by the JSON trace and the text/markdown explanations: `conditions(rule)` splits a
rule's `when` into its `and`/`or` parts, each with its text, its value (or "not
evaluated") and the values of its operands, in the spirit of pytest's assertion
introspection (`days_overdue >= 14 days` shown as `45 days >= 14 days`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..core.source import Source
from ..lang import ast
from ..lang.render import Voice, show
from .runtime import Bound, Trace

__all__ = ["Condition", "conditions", "SourceIndex"]


class SourceIndex:
    """The text behind spans, for every version bound in a decision."""

    def __init__(self, bindings: dict[str, Bound]) -> None:
        self._sources: dict[str, Source] = {b.version.document.path: b.version.document.source for b in bindings.values()}

    def text(self, node: ast.Expr) -> str:
        span = node.span
        if span is None or span.path not in self._sources:
            return getattr(node, "text", "") or "?"
        src = self._sources[span.path]
        start, end = src.offset(span.line, span.col), src.offset(span.end_line, span.end_col)
        return re.sub(r"\s+", " ", src.text[start:end]).strip()


@dataclass
class Condition:
    text: str
    value: Any                 # True/False/None (not evaluated)
    evaluated: bool
    detail: str                # operands with values: `45 days >= 14 days`


def _operand(node: ast.Expr, trace: Trace, sources: SourceIndex, lang: Voice | str = "en") -> str:
    if isinstance(node, ast.Literal):
        locale = getattr(lang, "locale", None)
        return node.text if locale is None or locale.literals_as_written else show(node.value, node.type, lang)
    if not trace.has(node):
        return "…"
    return show(trace.value_of(node), node.type, lang)


def _detail(node: ast.Expr, trace: Trace, sources: SourceIndex, lang: Voice | str = "en") -> str:
    if isinstance(node, ast.Compare):
        return f"{_operand(node.left, trace, sources, lang)} {node.op} {_operand(node.right, trace, sources, lang)}"
    if isinstance(node, ast.In):
        options = ", ".join(_operand(o, trace, sources, lang) for o in node.options)
        return f"{_operand(node.item, trace, sources, lang)} {'not in' if node.negated else 'in'} [{options}]"
    if isinstance(node, ast.Unary) and node.op == "not":
        return f"not {_operand(node.operand, trace, sources, lang)}"
    if isinstance(node, ast.Literal):
        return _operand(node, trace, sources, lang)
    return _operand(node, trace, sources, lang)


def _parts(node: ast.Expr) -> list[ast.Expr]:
    if isinstance(node, ast.Logical):
        left = _parts(node.left) if isinstance(node.left, ast.Logical) and node.left.op == node.op else [node.left]
        right = _parts(node.right) if isinstance(node.right, ast.Logical) and node.right.op == node.op else [node.right]
        return left + right
    return [node]


def conditions(when: ast.Expr, trace: Trace, sources: SourceIndex, lang: Voice | str = "en") -> tuple[str, list[Condition]]:
    """The joining operator (`and`/`or`/"") and the parts of a condition with their values
    (formatted for `lang`, a `Voice` or a language code: `1 050,00 kr` in nb)."""
    joiner = when.op if isinstance(when, ast.Logical) else ""
    out = []
    for part in _parts(when):
        evaluated = trace.has(part)
        out.append(Condition(sources.text(part), trace.value_of(part) if evaluated else None, evaluated,
                             _detail(part, trace, sources, lang)))
    return joiner, out

