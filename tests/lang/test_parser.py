"""The parser: expressions → `engine.lang.ast` trees (compared structurally; spans are ignored),
and malformed expressions → one `syntax-error` diagnostic at the offending column."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine.lang import ast
from engine.core.diagnostics import Diagnostic
from engine.core.document import parse_document
from engine.lang.parser import MAX_EXPRESSION_LENGTH, parse_expression
from engine.core.source import Source
from engine.values.time import Months


# --- builders: short names for the trees below ------------------------------------------

def money(text: str) -> ast.Literal:
    return ast.Literal(value=Decimal(text.removesuffix(" NOK").replace(" ", "")), kind="Money", text=text)


def num(text: str) -> ast.Literal:
    return ast.Literal(value=Decimal(text), kind="Number", text=text)


def name(dotted: str) -> ast.Path:
    return ast.Path(parts=tuple(dotted.split(".")))


def text(value: str) -> ast.Literal:
    return ast.Literal(value=value, kind="Text", text=f'"{value}"')


def binary(op, left, right) -> ast.Binary:
    return ast.Binary(op=op, left=left, right=right)


def compare(op, left, right) -> ast.Compare:
    return ast.Compare(op=op, left=left, right=right)


def parse(source: str) -> ast.Expr:
    result = parse_expression(source)
    assert not isinstance(result, Diagnostic), result
    return result


# --- literals -----------------------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    ("35 NOK", money("35 NOK")),
    ("1 250.50 NOK", ast.Literal(value=Decimal("1250.50"), kind="Money", text="1 250.50 NOK")),
    ("1 000 000 NOK", ast.Literal(value=Decimal("1000000"), kind="Money", text="1 000 000 NOK")),
    ("-10 NOK", ast.Literal(value=Decimal("-10"), kind="Money", text="-10 NOK")),
    ("0.375", num("0.375")),
    ("20", num("20")),
    ("10 %", ast.Literal(value=Decimal("0.10"), kind="Percent", text="10 %")),
    ("12.25 %", ast.Literal(value=Decimal("0.1225"), kind="Percent", text="12.25 %")),
    ("14 days", ast.Literal(value=14, kind="Days", text="14 days")),
    ("1 day", ast.Literal(value=1, kind="Days", text="1 day")),
    ("2 weeks", ast.Literal(value=14, kind="Days", text="2 weeks")),
    ("3 months", ast.Literal(value=Months(3), kind="Months", text="3 months")),
    ("3 years", ast.Literal(value=Months(36), kind="Months", text="3 years")),
    ("2026-01-01", ast.Literal(value=dt.date(2026, 1, 1), kind="Date", text="2026-01-01")),
    ("true", ast.Literal(value=True, kind="Bool", text="true")),
    ("false", ast.Literal(value=False, kind="Bool", text="false")),
    ("none", ast.Literal(value=None, kind="None", text="none")),
    ('"consumer"', text("consumer")),
    ("'consumer'", ast.Literal(value="consumer", kind="Text", text="'consumer'")),
])
def test_literals(source, expected):
    assert parse(source) == expected


def test_literal_values_are_exact_decimals():
    node = parse("1 250.50 NOK")
    assert isinstance(node.value, Decimal) and str(node.value) == "1250.50"
    assert parse("10 %").value == Decimal("0.1")


def test_names_and_fields():
    assert parse("as_of") == name("as_of")
    assert parse("debtor.kind") == ast.Path(parts=("debtor", "kind"))
    assert parse("law.inkassosats") == ast.Path(parts=("law", "inkassosats"))
    # a name that merely starts with a unit word is a name
    assert parse("days_overdue >= 14 days") == compare(">=", name("days_overdue"), ast.Literal(value=14, kind="Days", text="14 days"))


# --- precedence ----------------------------------------------------------------------------

def test_product_binds_tighter_than_sum():
    assert parse("1 + 2 * 3") == binary("+", num("1"), binary("*", num("2"), num("3")))
    assert parse("(1 + 2) * 3") == binary("*", binary("+", num("1"), num("2")), num("3"))


def test_sum_and_product_are_left_associative():
    assert parse("1 - 2 - 3") == binary("-", binary("-", num("1"), num("2")), num("3"))
    assert parse("8 / 4 / 2") == binary("/", binary("/", num("8"), num("4")), num("2"))


def test_money_times_percent_plus_money():
    assert parse("1 250.50 NOK * 10 % + 5 NOK") == binary(
        "+", binary("*", money("1 250.50 NOK"), ast.Literal(value=Decimal("0.1"), kind="Percent", text="10 %")),
        money("5 NOK"))


def test_unary_minus_binds_tightest():
    assert parse("-x * 2") == binary("*", ast.Unary(op="-", operand=name("x")), num("2"))
    # a negated literal is folded into the literal
    assert parse("-2 * 3") == binary("*", ast.Literal(value=Decimal("-2"), kind="Number", text="-2"), num("3"))


def test_logical_precedence_not_and_or():
    assert parse("not a and b or c") == ast.Logical(
        op="or", left=ast.Logical(op="and", left=ast.Unary(op="not", operand=name("a")), right=name("b")),
        right=name("c"))
    assert parse("a or b and c") == ast.Logical(
        op="or", left=name("a"), right=ast.Logical(op="and", left=name("b"), right=name("c")))


def test_not_binds_looser_than_comparison():
    assert parse("not a == b") == ast.Unary(op="not", operand=compare("==", name("a"), name("b")))


def test_coalesce_binds_tighter_than_comparison_looser_than_sum():
    # `min(…) ?? as_of > 35 NOK` is `(min(…) ?? as_of) > 35 NOK`
    tree = parse("min(c.due for c in claims) ?? as_of > 35 NOK")
    assert tree == compare(">", ast.Coalesce(
        left=ast.Aggregate(func="min", item=name("c.due"), var="c", source=name("claims")),
        right=name("as_of")), money("35 NOK"))
    assert parse("a ?? b + 1") == ast.Coalesce(left=name("a"), right=binary("+", name("b"), num("1")))


def test_coalesce_chains_left():
    assert parse("a ?? b ?? c") == ast.Coalesce(left=ast.Coalesce(left=name("a"), right=name("b")), right=name("c"))


def test_if_then_else_is_loosest():
    assert parse("if a or b then 1 else 2 + 3") == ast.If(
        cond=ast.Logical(op="or", left=name("a"), right=name("b")), then=num("1"),
        else_=binary("+", num("2"), num("3")))


def test_date_plus_duration():
    assert parse("as_of + 14 days") == binary("+", name("as_of"), ast.Literal(value=14, kind="Days", text="14 days"))
    assert parse("2026-01-31 + 1 month") == binary(
        "+", ast.Literal(value=dt.date(2026, 1, 31), kind="Date", text="2026-01-31"),
        ast.Literal(value=Months(1), kind="Months", text="1 month"))


# --- membership, calls, comprehensions ----------------------------------------------------

def test_in_and_not_in():
    assert parse('debtor.kind in ["consumer", "business"]') == ast.In(
        item=name("debtor.kind"), options=(text("consumer"), text("business")))
    assert parse('debtor.kind not in ["consumer"]') == ast.In(
        item=name("debtor.kind"), options=(text("consumer"),), negated=True)
    assert parse("x in []") == ast.In(item=name("x"), options=())


def test_not_in_differs_from_not_of_in():
    assert parse('not x in ["a"]') == ast.Unary(op="not", operand=ast.In(item=name("x"), options=(text("a"),)))
    assert parse('not x in ["a"]') != parse('x not in ["a"]')


def test_function_calls():
    assert parse("round_ore(x)") == ast.Call(name="round_ore", args=(name("x"),))
    assert parse("max(1 NOK, 2 NOK, x)") == ast.Call(name="max", args=(money("1 NOK"), money("2 NOK"), name("x")))
    assert parse("f()") == ast.Call(name="f", args=())


def test_comprehension_with_where():
    assert parse("sum(c.amount - c.credited for c in claims where not c.disputed)") == ast.Aggregate(
        func="sum", item=binary("-", name("c.amount"), name("c.credited")), var="c", source=name("claims"),
        where=ast.Unary(op="not", operand=name("c.disputed")))


def test_comprehension_without_where():
    assert parse("last(e.date for e in events)") == ast.Aggregate(
        func="last", item=name("e.date"), var="e", source=name("events"), where=None)


def test_comprehension_where_with_comparison():
    assert parse('count(e for e in events where e.step == "reminder")') == ast.Aggregate(
        func="count", item=name("e"), var="e", source=name("events"),
        where=compare("==", name("e.step"), text("reminder")))


def test_equality_ignores_spans_but_spans_are_kept():
    a, b = parse("x + 1"), parse("  x   +   1")
    assert a == b
    assert (a.span.col, a.span.end_col) == (1, 6)
    assert (b.left.span.col, b.right.span.col) == (3, 11)


# --- malformed expressions ----------------------------------------------------------------

@pytest.mark.parametrize("source, col, message, help", [
    ("days_overdue = 14 days", 14, "unexpected character `=`", "compare with `==`"),
    ("a && b", 3, "unexpected character `&`", "use `and`, `or`, `not`"),
    ("!a", 1, "unexpected character `!`", "use `and`, `or`, `not`"),
    ("(a + b", 6, "the expression ends too early", None),
    ("a + b)", 6, "unexpected `)`", None),
    ("round_ore(x", 11, "the expression ends too early", None),
    ("1 +", 3, "the expression ends too early", None),
    ("as_of > 2026-02-30", 9, "`2026-02-30` is not a calendar date", None),
    ("as_of > 2026-13-01", 9, "`2026-13-01` is not a calendar date", None),
    ("a == b == c", 8, "unexpected `==`", None),
    ("x in ", 4, "the expression ends too early", None),  # at the last character written
    ("sum(c.amount for c in)", 22, "unexpected `)`", None),
    ("claims[0]", 7, "unexpected `[`", None),
    ('"unterminated', 1, "unexpected character `\"`", None),
    ("12,5 NOK", 3, "unexpected `,`", None),
])
def test_syntax_errors(source, col, message, help):
    diag = parse_expression(source)
    assert isinstance(diag, Diagnostic), diag
    assert (diag.code, diag.span.line, diag.span.col, diag.message) == ("syntax-error", 1, col, message)
    if help is not None:
        assert diag.help == help


def test_expected_tokens_are_named():
    diag = parse_expression("round_ore(x")
    assert diag.help == "expected `)`, `,`, `for`"


def test_empty_expression():
    diag = parse_expression("   ")
    assert (diag.code, diag.message) == ("syntax-error", "empty expression")


def test_expression_length_is_limited():
    diag = parse_expression("1 + " * (MAX_EXPRESSION_LENGTH // 4) + "1")
    assert diag.code == "expression-too-long"


def test_error_inside_a_yaml_scalar_points_into_the_file():
    source = Source("p.yaml", 'rules:\n  - when: "days_overdue = 14 days"\n')
    doc = parse_document(source)
    where = doc.scalar_text(("rules", 0, "when"))
    diag = parse_expression(doc.data["rules"][0]["when"], where)
    # `  - when: "` is 11 columns; `=` is the 14th character of the expression
    assert (diag.span.path, diag.span.line, diag.span.col) == ("p.yaml", 2, 25)


def test_spans_in_a_folded_block_scalar_follow_the_file_lines():
    source = Source("p.yaml", "when: >-\n  a and\n  b = c\n")
    doc = parse_document(source)
    diag = parse_expression(doc.data["when"], doc.scalar_text(("when",)))
    assert (diag.span.line, diag.span.col) == (3, 5)
