"""The type checker, one diagnostic kind per test: code, message, column and help.

Expressions are parsed stand-alone (line 1), checked in a scope with the case's fields
(steps: `reminder`) and a few typed parameters, as a policy version would see them.
"""
from __future__ import annotations

import pytest

from engine.lang import ast
from engine.lang import types as T
from engine.policy.case import root_fields
from engine.check.expressions import ERROR, Checker, Scope
from engine.core.diagnostics import Diagnostic
from engine.lang.parser import parse_expression

PARAMS = {
    "inkassosats": T.MONEY,
    "min_days": T.DAYS,
    "rate": T.Schedule(T.PERCENT),
    "band": T.Table(T.MONEY, T.NUMBER),
}


def scope(**overrides) -> Scope:
    options = dict(policy="p", fields=dict(root_fields(("reminder",))), params=dict(PARAMS), has_calendar=True)
    options.update(overrides)
    return Scope(**options)


def check(text: str, **overrides) -> tuple[ast.Expr, list[Diagnostic]]:
    node = parse_expression(text)
    assert not isinstance(node, Diagnostic), node
    problems: list[Diagnostic] = []
    return Checker(scope(**overrides), problems).check(node), problems


def one(text: str, **overrides) -> Diagnostic:
    """The single diagnostic `text` produces."""
    _, problems = check(text, **overrides)
    assert len(problems) == 1, [(p.code, p.message) for p in problems]
    return problems[0]


def where(d: Diagnostic) -> tuple[int, int, int]:
    return d.span.line, d.span.col, d.span.end_col


# --- well-typed expressions ----------------------------------------------------------------

@pytest.mark.parametrize("text, typ", [
    ("sum(c.amount - c.credited for c in claims where not c.disputed)", T.MONEY),
    ("min(c.due for c in claims) ?? as_of", T.DATE),
    ("last(e.date for e in events)", T.Optional(T.DATE)),
    ("as_of - (min(c.due for c in claims) ?? as_of) >= min_days", T.BOOL),
    ("as_of + 3 months", T.DATE),
    ("inkassosats / 20", T.MONEY),
    ("inkassosats / 5 NOK", T.NUMBER),
    ("inkassosats * 10 %", T.MONEY),
    ("round_kr(inkassosats / 20)", T.MONEY),
    ("lookup(band, inkassosats) * inkassosats", T.MONEY),
    ("value_on(rate, as_of)", T.PERCENT),
    ("interest(inkassosats, as_of, as_of + 14 days, rate)", T.MONEY),
    ("days_between(as_of, as_of + 1 month)", T.NUMBER),
    ('debtor.kind in ["consumer", "business"]', T.BOOL),
    ('any(e.step == "reminder" for e in events)', T.BOOL),
    ("agreement.instalment_plan", T.BOOL),
    ("creditor.name ?? \"unknown\"", T.TEXT),
    ("if debtor.kind == \"business\" then 1.5 else 1", T.NUMBER),
    ("if true then as_of else none", T.Optional(T.DATE)),
    ("last(e.date for e in events) == none", T.BOOL),
    ("next_business_day(as_of + 14 days)", T.DATE),
    ("count(c for c in claims where c.disputed) > 1", T.BOOL),
])
def test_well_typed(text, typ):
    node, problems = check(text)
    assert problems == []
    assert node.type == typ


def test_names_resolve_to_refs():
    node, _ = check("inkassosats")
    assert node.ref == ast.Ref("param", "inkassosats", "p")
    node, _ = check("debtor.kind")
    assert (node.ref, node.fields) == (ast.Ref("field", "debtor"), ("kind",))


# --- one test per diagnostic kind ------------------------------------------------------------

def test_unknown_name():
    d = one("inkasosats > 1 NOK")
    assert (d.code, d.message, where(d)) == ("unknown-name", "unknown name `inkasosats`", (1, 1, 11))
    assert d.help == "did you mean `inkassosats`?"


def test_unknown_name_suggests_case_fields_and_as_of():
    assert one("as_fo + 1 day").help == "did you mean `as_of`?"
    assert one("sum(c.amount for c in claim)").help == "did you mean `claims`?"


def test_unknown_name_without_anything_close():
    d = one("zzz")
    assert (d.code, d.help) == ("unknown-name", None)


def test_comprehension_variable_does_not_leak():
    d = one("sum(c.amount for c in claims) > 0 NOK and c.amount > 0 NOK")
    assert (d.code, d.message, where(d)) == ("unknown-name", "unknown name `c`", (1, 43, 51))


def test_unknown_name_through_an_alias():
    law = Scope(policy="no-regulation", fields={}, params={"purring_fee": T.MONEY})
    d = one("law.purring_fe", aliases={"law": law})
    assert (d.code, d.message) == ("unknown-name", "`no-regulation` has no parameter or definition `purring_fe`")
    assert d.help == "did you mean `purring_fee`?"


def test_alias_alone_is_not_a_value():
    law = Scope(policy="no-regulation", fields={}, params={"purring_fee": T.MONEY})
    d = one("law + 1 NOK", aliases={"law": law})
    assert (d.code, d.message, d.help) == (
        "type-mismatch", "`law` is a used policy, not a value", "name one of its figures, e.g. `law.purring_fee`")


def test_unknown_field():
    d = one('debtor.knd == "consumer"')
    assert (d.code, d.message, where(d)) == ("unknown-field", "unknown field `knd` on `debtor` (debtor)", (1, 1, 11))
    assert d.help == "did you mean `kind`?"


def test_unknown_field_lists_the_fields_when_nothing_is_close():
    d = one("debtor.zzz")
    assert d.help == "fields: id, name, kind, vat_registered, can_pay"


def test_field_of_a_scalar():
    d = one("debtor.kind.x")
    assert (d.code, d.message) == ("unknown-field", "`debtor.kind` is kind; it has no field `x`")


def test_field_of_a_list_suggests_an_aggregate():
    d = one("claims.amount")
    assert (d.code, d.message, d.help) == (
        "type-mismatch", "`claims` is a list of claim; it has no field `amount`",
        "use an aggregate, e.g. `sum(x.amount for x in claims)`")


def test_unknown_function():
    d = one("rund_ore(1 NOK)")
    assert (d.code, d.message, where(d)) == ("unknown-function", "unknown function `rund_ore`", (1, 1, 16))
    assert d.help == "did you mean `round_ore` or `round_kr` or `round_minor`?"


def test_aggregate_called_like_a_function():
    d = one("any(true)")
    assert (d.code, d.help) == ("unknown-function", "`any` takes a comprehension: `any(x.amount for x in claims)`")


def test_unknown_aggregate():
    d = one("summ(c.amount for c in claims)")
    assert (d.code, d.message, d.help) == ("unknown-function", "`summ` is not an aggregate", "did you mean `sum`?")


@pytest.mark.parametrize("text, message", [
    ("round_ore(1 NOK, 2)", "`round_ore` takes 1 argument(s), got 2"),
    ("min(1 NOK)", "`min` takes at least 2 argument(s), got 1"),
    ("interest(1 NOK, as_of)", "`interest` takes 4 argument(s), got 2"),
])
def test_wrong_argument_count(text, message):
    d = one(text)
    assert (d.code, d.message, d.span.col, d.span.end_col) == ("wrong-argument-count", message, 1, len(text) + 1)


def test_type_mismatch_date_with_money():
    d = one("min(c.due for c in claims) ?? as_of > 35 NOK")
    assert (d.code, d.message, where(d)) == ("type-mismatch", "cannot compare Date with Money", (1, 1, 45))
    assert [(label, s.col) for label, s in d.notes] == [("this is Date", 1), ("this is Money", 39)]


def test_type_mismatch_money_plus_date():
    d = one("1 NOK + as_of")
    assert (d.code, d.message, where(d)) == ("type-mismatch", "cannot apply `+` to Money and Date", (1, 1, 14))
    assert [(label, s.col) for label, s in d.notes] == [("this is Money", 1), ("this is Date", 9)]


def test_type_mismatch_days_with_number_has_unit_help():
    d = one("as_of - as_of >= 14")
    assert (d.code, d.message) == ("type-mismatch", "cannot compare Duration(days) with Number")
    assert d.help == "write the unit: `14 days`"


def test_type_mismatch_days_with_months():
    d = one("14 days == 3 months")
    assert d.message == "cannot compare Duration(days) with Duration(months)"
    assert d.help == "day- and month-based durations do not compare: use `days` on both sides"


def test_type_mismatch_number_from_days_between():
    d = one("days_between(as_of, as_of) >= 14 days")
    assert d.help == "a difference of dates is a Duration: compare it with `14 days`"


def test_type_mismatch_money_with_number_has_currency_help():
    d = one("round_ore(1 NOK) == 1", currency="NOK")
    assert (d.message, d.help) == ("cannot compare Money with Number", "write the currency: `35 NOK`")
    d = one("round_ore(1 EUR) == 1", currency="EUR")
    assert d.help == "write the currency: `35 EUR`"


def test_money_literal_in_the_jurisdictions_currency_only():
    """The currency is the policy's jurisdiction's (data), not the grammar's: `35 EUR` is a
    literal like `35 NOK`, and the checker refuses the one that is not the policy's."""
    node, problems = check("35 EUR + 1 250.50 EUR", currency="EUR")
    assert problems == [] and node.type == T.MONEY
    d = one("fee + 2 500 EUR", currency="NOK", params={"fee": T.MONEY})
    assert d.code == "wrong-currency"
    assert d.message == "`2 500 EUR` is in EUR, but `p` is a policy in NOK (its jurisdiction's currency)"
    assert d.help.startswith("write the amount in NOK, e.g. `2 500 NOK`")
    assert (d.span.line, d.span.col) == (1, 7)


def test_type_mismatch_in_a_fallback():
    d = one("sum(c.amount for c in claims) ?? 0")
    assert (d.code, d.message, where(d)) == ("type-mismatch", "the fallback is Number, but the value is Money", (1, 34, 35))


def test_type_mismatch_in_if_branches():
    d = one("if true then 1 NOK else as_of")
    assert (d.message, [label for label, _ in d.notes]) == (
        "the branches differ: Money and Date", ["this is Money", "this is Date"])


def test_type_mismatch_function_argument():
    d = one("lookup(band, 3)")
    assert d.message == "`lookup`: argument 2 must be Money (the table's `up_to` type), not Number"
    d = one("min(1 NOK, 2)")
    assert d.message == "`min`: argument 2 must be Money like the first, not Number"


def test_type_mismatch_conditions_must_be_bool():
    assert one("not 1").message == "the operand of `not` must be Bool, but this is Number"
    assert one("true and 1 NOK").message == "each side of `and` must be Bool, but this is Money"
    assert one("sum(c.amount for c in claims where c.amount)").message == (
        "the `where` condition must be Bool, but this is Money")


def test_type_mismatch_aggregates():
    assert one("sum(c.due for c in claims)").message == "cannot sum Date"
    assert one("any(c.amount for c in claims)").message == "`any` needs a condition, not Money"
    assert one("count(x for x in debtor)").message == "`count(… for x in …)` needs a list, not debtor"


def test_type_mismatch_never_none():
    d = one("as_of == none")
    assert (d.code, d.message, d.help) == ("type-mismatch", "Date is never none", "remove this comparison")


def test_type_mismatch_list_outside_in():
    assert one("[1, 2]").message == "a list can only follow `in`"


def test_unknown_enum_value():
    d = one('debtor.kind == "consumr"')
    assert (d.code, d.message, where(d)) == ("unknown-enum-value", "`consumr` is not a kind value", (1, 16, 25))
    assert d.help == "did you mean `consumer`?"


def test_unknown_enum_value_in_a_list():
    d = one('debtor.kind in ["consumer", "bizness"]')
    assert (d.code, d.span.col, d.help) == ("unknown-enum-value", 29, "did you mean `business`?")


def test_unknown_step_name_comes_from_the_policy_steps():
    d = one('any(e.step == "remindr" for e in events)')
    assert (d.code, d.message, d.help) == ("unknown-enum-value", "`remindr` is not a Step value", "did you mean `reminder`?")


def test_unknown_enum_value_lists_members_when_nothing_is_close():
    assert one('debtor.kind == "zzz"').help == "one of: consumer, business"


def test_optional_value_compared():
    d = one("last(e.date for e in events) > as_of")
    assert (d.code, d.message, where(d)) == ("optional-value", "this may be missing (it is Date?)", (1, 1, 29))
    assert d.help == "give a fallback with `??` before comparing"


def test_optional_value_in_arithmetic():
    d = one("last(e.date for e in events) + 14 days")
    assert (d.code, d.message) == ("optional-value", "this Date may be missing (it is Date?)")


def test_optional_value_as_argument():
    d = one("round_ore(first(c.amount for c in claims))")
    assert (d.code, d.message, d.span.col) == ("optional-value", "argument 1 of `round_ore` may be missing (Money?)", 11)


def test_optional_value_condition_suggests_nothing_misleading():
    d = one("if last(e.date for e in events) then 1 else 2")
    assert (d.code, d.message) == ("type-mismatch", "the condition of `if` must be Bool, but this is Date?")


def test_not_constant():
    d = one("as_of + 14 days", allow_case=False, fields=dict(root_fields(("reminder",))))
    assert (d.code, d.message, where(d)) == (
        "not-constant", "`as_of` is case data; a parameter must be a constant", (1, 1, 6))
    assert d.help == "move this expression to `definitions:`"
    d = one("sum(c.amount for c in claims)", allow_case=False)
    assert (d.code, d.span.col) == ("not-constant", 23)


def test_missing_calendar():
    d = one("next_business_day(as_of)", has_calendar=False)
    assert (d.code, d.message, where(d)) == (
        "missing-calendar", "`next_business_day` needs the policy's business-day calendar", (1, 1, 25))
    assert d.help == "name the policy's `jurisdiction:` (its calendar applies) or add `calendar: {country: <ISO 3166 code>, source: ...}`"


# --- error recovery ---------------------------------------------------------------------------

def test_an_error_is_reported_once_not_cascaded():
    node, problems = check("(inkasosats + 1 NOK) * 2 > 0 NOK and round_ore(inkasosats) > 0 NOK")
    assert [p.code for p in problems] == ["unknown-name", "unknown-name"]
    assert node.type == T.BOOL


def test_ill_typed_node_gets_the_error_type():
    node, _ = check("1 NOK + as_of")
    assert node.type == ERROR


def test_errors_are_collected_in_source_order():
    _, problems = check('debtor.knd == "x" or inkasosats > 0 NOK or rund_ore(1 NOK) > 0 NOK')
    assert [(p.code, p.span.col) for p in problems] == [
        ("unknown-field", 1), ("unknown-name", 22), ("unknown-function", 44)]


def test_text_literal_in_a_list_of_enum_values():
    _, problems = check('"consumer" in [debtor.kind]')
    assert problems == []
