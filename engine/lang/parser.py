"""Parser: rule-language text → `ast.Expr`, or a `Diagnostic` pointing into the file.

The only module that imports lark. The grammar is `grammar.lark`, loaded once (LALR,
positions propagated); a Transformer turns lark's tree into `engine.lang.ast` nodes whose spans
are mapped through `ScalarText` to file line:col.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer_NonRecursive, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError
from lark.tree import Meta

from ..core.diagnostics import Diagnostic
from ..core.source import ScalarText, Source, Span
from ..values.time import Months, parse_date
from . import ast

__all__ = ["parse_expression", "ParseResult"]

ParseResult = "ast.Expr | Diagnostic"

MAX_EXPRESSION_LENGTH = 4000
# How deeply an expression may nest (operators, calls, `if`s; parentheses alone add
# nothing). Every later stage (checker, evaluator, explain, compiler, columnar, cache)
# is tested at this depth (tests/lang/test_deep_expressions.py); a deeper expression is a
# clear error here rather than a RecursionError, or a SyntaxError in generated code,
# later. 256 is far beyond any real rule and still leaves every stage a wide margin.
MAX_DEPTH = 256

_TOKEN_NAMES = {
    "COMPARE": "a comparison", "NAME": "a name", "NUMBER": "a number", "MONEY": "an amount",
    "DATE": "a date", "DURATION": "a duration", "PERCENT": "a percentage", "STRING": "a text",
    "LPAR": "`(`", "RPAR": "`)`", "LSQB": "`[`", "RSQB": "`]`", "COMMA": "`,`", "DOT": "`.`",
    "PLUS": "`+`", "MINUS": "`-`", "STAR": "`*`", "SLASH": "`/`", "$END": "the end",
}


@lru_cache(maxsize=1)
def _parser() -> Lark:
    # No `cache=`: Lark's grammar cache is a pickle, and the cache folder holds nothing that
    # runs code when read (load_cache.py). The tables are built only on a load-cache miss.
    return Lark.open_from_package(
        __package__, "grammar.lark", ("",), parser="lalr", propagate_positions=True, maybe_placeholders=True,
    )


def _binary(op: str) -> Callable[..., ast.Binary]:
    """The _Builder method of one arithmetic operator (one factory for the four)."""
    @v_args(meta=True)
    def build(self: _Builder, meta: Meta, items: list[ast.Expr]) -> ast.Binary:
        left, right = items
        return ast.Binary(span=self._span(meta), op=op, left=left, right=right)
    return build


def _logical(op: str) -> Callable[..., ast.Logical]:
    @v_args(meta=True)
    def build(self: _Builder, meta: Meta, items: list[ast.Expr]) -> ast.Logical:
        left, right = items
        return ast.Logical(span=self._span(meta), op=op, left=left, right=right)
    return build


class _Builder(Transformer_NonRecursive):
    """lark tree → engine.lang.ast, with spans in file coordinates (iteratively: no recursion)."""

    def __init__(self, where: ScalarText) -> None:
        super().__init__()
        self._where = where

    def _span(self, meta: Meta) -> Span | None:
        if getattr(meta, "empty", True):
            return None
        return self._where.span(meta.start_pos, meta.end_pos)

    def _tok_span(self, tok: Token) -> Span:
        assert tok.start_pos is not None and tok.end_pos is not None   # the lexer's tokens carry positions
        return self._where.span(tok.start_pos, tok.end_pos)

    def _lit(self, tok: Token, value: Any, kind: str) -> ast.Literal:
        return ast.Literal(span=self._tok_span(tok), value=value, kind=kind, text=str(tok))

    # literals --------------------------------------------------------------------
    def money(self, items):
        (tok,) = items
        number = re.sub(r"\s*[A-Z]{3}$", "", str(tok))
        return self._lit(tok, ast.decimal_literal(number), "Money")

    def percent(self, items):
        (tok,) = items
        return self._lit(tok, Decimal(str(tok).rstrip("% ").strip()) / 100, "Percent")

    def duration(self, items):
        (tok,) = items
        written = re.match(r"(\d+)\s*([a-z]+)", str(tok))
        assert written is not None                         # the grammar's DURATION token has this form
        count_text, unit = written.groups()
        count = int(count_text)
        if unit.startswith("day"):
            return self._lit(tok, count, "Days")
        if unit.startswith("week"):
            return self._lit(tok, count * 7, "Days")
        if unit.startswith("month"):
            return self._lit(tok, Months(count), "Months")
        return self._lit(tok, Months(count * 12), "Months")

    def date(self, items):
        (tok,) = items
        try:
            value = parse_date(str(tok))
        except ValueError:
            raise _BadLiteral(self._tok_span(tok), f"`{tok}` is not a calendar date") from None
        return self._lit(tok, value, "Date")

    def number(self, items):
        (tok,) = items
        return self._lit(tok, Decimal(str(tok)), "Number")

    def string(self, items):
        (tok,) = items
        return self._lit(tok, str(tok)[1:-1], "Text")

    @v_args(meta=True)
    def true(self, meta, _):
        return ast.Literal(span=self._span(meta), value=True, kind="Bool", text="true")

    @v_args(meta=True)
    def false(self, meta, _):
        return ast.Literal(span=self._span(meta), value=False, kind="Bool", text="false")

    @v_args(meta=True)
    def none(self, meta, _):
        return ast.Literal(span=self._span(meta), value=None, kind="None", text="none")

    # names and calls ---------------------------------------------------------------
    @v_args(meta=True)
    def path(self, meta, items):
        return ast.Path(span=self._span(meta), parts=tuple(str(t) for t in items))

    @v_args(meta=True)
    def call(self, meta, items):
        name_tok, arguments = items
        name = str(name_tok)
        if isinstance(arguments, tuple) and arguments and arguments[0] == "comprehension":
            _, item, var, source, where = arguments
            return ast.Aggregate(span=self._span(meta), func=name, item=item, var=var, source=source, where=where)
        return ast.Call(span=self._span(meta), name=name, args=tuple(arguments or ()))

    def args(self, items):
        return list(items)

    def comprehension(self, items):
        item, var, source, where = items
        return ("comprehension", item, str(var), source, where)

    @v_args(meta=True)
    def list_lit(self, meta, items):
        return ast.ListLit(span=self._span(meta), items=tuple(i for i in items if i is not None))

    # operators -----------------------------------------------------------------------
    add, sub, mul, div = _binary("+"), _binary("-"), _binary("*"), _binary("/")
    and_, or_ = _logical("and"), _logical("or")

    @v_args(meta=True)
    def compare(self, meta, items):
        left, op, right = items
        return ast.Compare(span=self._span(meta), op=str(op), left=left, right=right)

    @v_args(meta=True)
    def in_(self, meta, items):
        item, options = items
        return ast.In(span=self._span(meta), item=item, options=options.items)

    @v_args(meta=True)
    def not_in(self, meta, items):
        item, options = items
        return ast.In(span=self._span(meta), item=item, options=options.items, negated=True)

    @v_args(meta=True)
    def coalesce(self, meta, items):
        left, right = items
        return ast.Coalesce(span=self._span(meta), left=left, right=right)

    @v_args(meta=True)
    def neg(self, meta, items):
        (operand,) = items
        if isinstance(operand, ast.Literal) and operand.kind in ("Money", "Number", "Percent"):
            return ast.Literal(span=self._span(meta), value=-operand.value, kind=operand.kind, text="-" + operand.text)
        return ast.Unary(span=self._span(meta), op="-", operand=operand)

    @v_args(meta=True)
    def not_(self, meta, items):
        (operand,) = items
        return ast.Unary(span=self._span(meta), op="not", operand=operand)

    @v_args(meta=True)
    def if_(self, meta, items):
        cond, then, else_ = items
        return ast.If(span=self._span(meta), cond=cond, then=then, else_=else_)


class _BadLiteral(Exception):
    def __init__(self, span: Span, message: str) -> None:
        self.span, self.message = span, message


def _token_label(name: str) -> str:
    if name in _TOKEN_NAMES:
        return _TOKEN_NAMES[name]
    try:
        pattern = _parser().get_terminal(name).pattern
    except KeyError:
        return name.lower()
    return f"`{pattern.value}`" if pattern.type == "str" else name.lower()


def _expected(tokens: Iterable[str]) -> str:
    names = sorted({_token_label(t) for t in tokens})
    if len(names) > 6:
        names = names[:6] + ["…"]
    return ", ".join(names)


def parse_expression(text: str, where: ScalarText | None = None) -> ast.Expr | Diagnostic:
    """Parse one expression.

    Args:
        text: the expression, as the YAML scalar's value.
        where: maps offsets in `text` to the file; a stand-alone source when omitted.

    Returns:
        The AST, or one `Diagnostic` (code `syntax-error`) at the offending character.
    """
    if where is None:
        source = Source("<expression>", text)
        where = ScalarText(source, text, 0, len(text))
    if len(text) > MAX_EXPRESSION_LENGTH:
        return Diagnostic("expression-too-long", f"expression is {len(text)} characters long",
                          where.span(0, 1), help=f"split it into definitions of at most {MAX_EXPRESSION_LENGTH} characters")
    if not text.strip():
        return Diagnostic("syntax-error", "empty expression", where.span(0, 1), help="write an expression, e.g. `true`")
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as err:
        return _syntax_diagnostic(err, text, where)
    try:
        result: ast.Expr = _Builder(where).transform(tree)
    except VisitError as err:
        if isinstance(err.orig_exc, _BadLiteral):
            return Diagnostic("syntax-error", err.orig_exc.message, err.orig_exc.span)
        raise
    too_deep = _too_deep(result)
    if too_deep is not None:
        return Diagnostic("expression-too-deep", f"expression nests more than {MAX_DEPTH} levels deep",
                          too_deep.span or where.span(0, 1),
                          help="split it into definitions (a long sum: add up parts of it in definitions)")
    return result


def _too_deep(tree: ast.Expr) -> ast.Expr | None:
    """The first node nested deeper than `MAX_DEPTH`, or None (iteratively)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return node
        stack.extend((child, depth + 1) for child in ast.children(node))
    return None


def _syntax_diagnostic(err: UnexpectedInput, text: str, where: ScalarText) -> Diagnostic:
    pos = getattr(err, "pos_in_stream", None)
    if isinstance(err, UnexpectedEOF) or pos is None:
        pos = len(text.rstrip())
        expected = getattr(err, "expected", ())       # UnexpectedEOF's and UnexpectedToken's (not UnexpectedCharacters')
        return Diagnostic("syntax-error", "the expression ends too early", where.span(max(pos - 1, 0), pos),
                          help=f"expected {_expected(expected)}")
    if isinstance(err, UnexpectedCharacters):
        char = text[pos]
        help = "write text in double quotes, money as an amount and its currency code (`35 NOK`), percentages as `10 %`"
        if char == "=":
            help = "compare with `==`"
        elif char in "&|!":
            help = "use `and`, `or`, `not`"
        return Diagnostic("syntax-error", f"unexpected character `{char}`", where.span(pos, pos + 1), help=help)
    assert isinstance(err, UnexpectedToken)
    tok = err.token
    if tok.type == "$END":
        end_pos = len(text.rstrip())
        return Diagnostic("syntax-error", "the expression ends too early", where.span(max(end_pos - 1, 0), end_pos),
                          help=f"expected {_expected(err.expected)}")
    end = tok.end_pos if tok.end_pos is not None else pos + 1
    return Diagnostic("syntax-error", f"unexpected `{tok}`", where.span(pos, end),
                      help=f"expected {_expected(err.expected)}")
