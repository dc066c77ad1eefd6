"""Foundation checks: diagnostics at the exact line:col, exit codes, unsafe YAML, caps."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import cli
from engine import ast
from engine.checker import Checker, Scope
from engine.case import root_fields
from engine.diagnostics import Diagnostic
from engine.document import parse_document
from engine.parser import parse_expression
from engine.source import Source

ROOT = Path(__file__).resolve().parent.parent


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out, err)
    return int(code), out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def check(text: str, **params):
    scope = Scope(policy="p", fields=dict(root_fields(("reminder",))), params=params)
    problems: list[Diagnostic] = []
    node = parse_expression(text)
    assert not isinstance(node, Diagnostic), node
    return Checker(scope, problems).check(node), problems


def test_precedence_and_literals():
    node = parse_expression("1 250.50 NOK * 10 % + 5 NOK")
    assert node == ast.Binary(op="+", left=ast.Binary(op="*", left=ast.Literal(value=__import__("decimal").Decimal("1250.50"), kind="Money", text="1 250.50 NOK"),
                                                      right=ast.Literal(value=__import__("decimal").Decimal("0.1"), kind="Percent", text="10 %")),
                              right=ast.Literal(value=__import__("decimal").Decimal("5"), kind="Money", text="5 NOK"))


def test_syntax_error_column_and_help():
    diag = parse_expression("days_overdue = 14 days")
    assert (diag.code, diag.span.col, diag.help) == ("syntax-error", 14, "compare with `==`")


@pytest.mark.parametrize("text, code, col", [
    ("min(c.due for c in claims) ?? as_of > 35 NOK", "type-mismatch", 1),
    ("debtor.knd == \"consumer\"", "unknown-field", 1),
    ("debtor.kind == \"consumr\"", "unknown-enum-value", 16),
    ("inkasosats > 1 NOK", "unknown-name", 1),
    ("rund_ore(1 NOK) > 0 NOK", "unknown-function", 1),
    ("round_ore(1 NOK, 2) > 0 NOK", "wrong-argument-count", 1),
    ("last(e.date for e in events) > as_of", "optional-value", 1),
    ("as_of - as_of >= 14", "type-mismatch", 1),
])
def test_checker_errors(text, code, col):
    _, problems = check(text, inkassosats=__import__("engine.types", fromlist=["MONEY"]).MONEY)
    assert [p.code for p in problems] == [code]
    assert problems[0].span.col == col


def test_unknown_name_suggests_nearest():
    from engine import types as T
    _, problems = check("inkasosats > 1 NOK", inkassosats=T.MONEY)
    assert problems[0].help == "did you mean `inkassosats`?"


def test_type_error_points_into_the_yaml_file():
    code, out, _ = run("validate", "tests/invalid/type-mismatch", "--format", "concise")
    assert code == 1
    assert "tests/invalid/type-mismatch/typed/2026-01-01.yaml:8:11: error[type-mismatch]: cannot compare Date with Money" in out


def test_fee_above_cap_is_rejected():
    code, out, _ = run("validate", "tests/invalid/exceeds-cap", "--format", "github")
    assert code == 1
    assert out.startswith("::error file=tests/invalid/exceeds-cap/capped/2026-01-01.yaml,line=6,col=12")
    assert "exceeds-cap" in out


@pytest.mark.parametrize("text, code", [
    ("a: 1\na: 2\n", "duplicate-key"),
    ("a: !!python/object/apply:os.system [ls]\n", "unsafe-yaml"),
    ("a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
     "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n", "unsafe-yaml"),
    ("a: [1\n", "yaml-syntax"),
])
def test_unsafe_or_malformed_yaml(text, code):
    result = parse_document(Source("x.yaml", text))
    assert isinstance(result, Diagnostic) and result.code == code


def test_policies_validate_and_examples_pass():
    code, out, _ = run("validate", "policies", "--today", "2026-06-01")
    assert code == 0, out
    assert out.startswith("ok:")


def test_decide_is_deterministic_and_money_has_two_decimals():
    first = run("decide", "examples/demo-consumer.yaml")
    second = run("decide", "examples/demo-consumer.yaml")
    assert first == second and first[0] == 0
    decision = json.loads(first[1])
    assert (decision["action"], decision["fee"], decision["amounts"]["total"]) == ("escalate", "300.00", "1065.88")
    assert decision["policy"]["sha256"] and decision["trace"]["rules"]


def test_invalid_case_exit_2_with_location(tmp_path):
    bad = tmp_path / "case.yaml"
    bad.write_text("case_id: X\npolicy: demo\ncreditor: {vat_registered: true}\ndebtor: {kind: consumer}\n"
                   "claims:\n  - {invoice: '1', amount: 12.50, due: 2026-01-15}\n")
    code, _, err = run("decide", str(bad), "--as-of", "2026-03-02")
    assert code == 2
    assert ":6:" in err and "wrong-type" in err and "Traceback" not in err


def test_usage_errors_exit_2():
    assert run("decide", "examples/demo-consumer.yaml", "--as-of", "2026-13-01")[0] == 2
    assert run("decide", "no/such/case.yaml")[0] == 2
    assert run("frobnicate")[0] == 2
