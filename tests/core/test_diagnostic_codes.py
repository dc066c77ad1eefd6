"""The registry of diagnostic codes (engine/core/diagnostic_codes.py) is the list of codes the engine raises.

The engine's source is read with `ast`: every code given to `Diagnostic` (or to a helper whose
first parameter is `code` and which builds one) must be registered, with the severity it is
raised with; every registered code must be raised somewhere; a code raised from more than one
module must say why. Each code has its `tests/invalid/<code>/` example (which
tests/check/test_invalid_policies.py validates) or a reason; docs/diagnostics.md is the rendered registry.
"""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

from engine.core.diagnostic_codes import CODES, by_name
from engine.core.diagnostics import Severity
from engine.review.diagnostics_page import PAGE, render

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"
INVALID = ROOT / "tests" / "invalid"
NOT_A_CODE_FOLDER = {"jurisdictions"}       # tests/invalid/jurisdictions: NO without its law, for every folder


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _helpers(trees: dict[Path, ast.Module]) -> set[str]:
    """Functions and classes that build a `Diagnostic` from their first parameter, named `code`."""
    found = {"Diagnostic"}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) or (isinstance(node, ast.FunctionDef) and node.name != "__init__"):
                fn = node if isinstance(node, ast.FunctionDef) else next(
                    (b for b in node.body if isinstance(b, ast.FunctionDef) and b.name == "__init__"), None)
                params = [a.arg for a in fn.args.args if a.arg != "self"] if fn else []
                builds = any(isinstance(n, ast.Call) and _name(n.func) == "Diagnostic" for n in ast.walk(node))
                if params[:1] == ["code"] and builds:
                    found.add(node.name)
    return found


def _raised() -> tuple[dict[str, set[str]], dict[str, set[str]], list[str], dict[str, set[str]]]:
    """code → modules raising it; code pattern (from an f-string) → modules; codes not found
    statically; code → the severities it is raised with."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(ENGINE.rglob("*.py"))}
    helpers = _helpers(trees)
    codes, patterns, dynamic = defaultdict(set), defaultdict(set), []
    severities = defaultdict(set)
    for path, tree in trees.items():
        module = str(path.relative_to(ENGINE))
        forwarding = {n.lineno for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.ClassDef))
                      and f.name in helpers for n in ast.walk(f) if isinstance(n, ast.Call)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _name(node.func) in helpers):
                continue
            arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "code"), None)
            given = next((k.value for k in node.keywords if k.arg == "severity"), None)   # `A if c else B`: both
            sev = {ast.unparse(n) for n in ast.walk(given) if isinstance(n, ast.Attribute)} if given else {"Severity.ERROR"}
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                codes[arg.value].add(module)
                severities[arg.value] |= sev
            elif isinstance(arg, ast.JoinedStr):
                regex = "".join(re.escape(v.value) if isinstance(v, ast.Constant) else "[a-z-]+" for v in arg.values)
                patterns[regex].add(module)
            elif not (isinstance(arg, ast.Name) and arg.id == "code" and node.lineno in forwarding):
                dynamic.append(f"{module}:{node.lineno}: {ast.unparse(arg) if arg else '<none>'}")
    return codes, patterns, dynamic, severities


REGISTERED = {c.name for c in CODES}


@pytest.fixture(scope="module")
def raised():
    """The scan of the engine's source (every module parsed: about a second), once per module run,
    not at import: every pytest-xdist worker imports this module to collect it."""
    return _raised()


def test_every_code_raised_is_registered(raised):
    CODES_RAISED, PATTERNS_RAISED, _, _ = raised
    missing = sorted(set(CODES_RAISED) - REGISTERED)
    assert not missing, f"register these in engine/core/diagnostic_codes.py: {missing}"
    for regex, modules in PATTERNS_RAISED.items():
        assert any(re.fullmatch(regex, c) for c in REGISTERED), f"no registered code matches {regex} ({modules})"


def test_a_code_is_a_literal_where_it_is_raised(raised):
    """A code computed at run time could be anything: the registry could not list it."""
    DYNAMIC = raised[2]
    assert not DYNAMIC, DYNAMIC


def test_every_registered_code_is_raised(raised):
    CODES_RAISED, PATTERNS_RAISED, _, _ = raised
    unused = sorted(c for c in REGISTERED if c not in CODES_RAISED
                    and not any(re.fullmatch(r, c) for r in PATTERNS_RAISED))
    assert not unused, f"registered but never raised: {unused}"


def test_severities_agree(raised):
    SEVERITIES_RAISED = raised[3]
    wrong = {}
    for code, raised in SEVERITIES_RAISED.items():
        c = by_name(code)
        if c is None:
            continue
        want = {f"Severity.{c.severity.name}"} | ({"Severity.WARNING"} if c.warning_when else set())
        if raised != want:
            wrong[code] = (sorted(want), sorted(raised))
    assert not wrong, wrong


def test_a_code_raised_in_several_modules_says_why(raised):
    CODES_RAISED = raised[0]
    silent = sorted(code for code, modules in CODES_RAISED.items()
                    if len(modules) > 1 and by_name(code) is not None and not by_name(code).several)
    assert not silent, f"raised in several modules without `several=` saying why: {silent}"


def test_every_code_has_an_example_or_a_reason():
    for c in CODES:
        assert c.example != bool(c.why), f"{c.name}: an example, or a reason why none (not both)"
        assert c.meaning and "\n" not in c.meaning, c.name
        if c.example:
            assert (INVALID / c.name).is_dir(), f"{c.name}: no folder {c.example_path}"
        if c.tested_in:
            test = ROOT / c.tested_in
            assert test.is_file() and c.name in test.read_text(encoding="utf-8"), f"{c.name}: not in {c.tested_in}"


def test_every_invalid_folder_is_a_registered_example():
    folders = {p.name for p in INVALID.iterdir() if p.is_dir()} - NOT_A_CODE_FOLDER
    examples = {c.name for c in CODES if c.example}
    assert folders == examples, (sorted(folders - examples), sorted(examples - folders))


def test_the_warnings_are_the_severities_reported():
    assert by_name("no-fallback-rule").severity is Severity.WARNING
    assert by_name("type-mismatch").severity is Severity.ERROR
    assert by_name("nonexistent-code") is None


def test_the_docs_page_is_current():
    assert PAGE.read_text(encoding="utf-8") == render(), "regenerate: python -m engine.review.diagnostics_page"


def test_the_scan_finds_codes_in_every_way_they_are_raised(raised):
    """The scan is not vacuous: literal codes, a helper's (`Checker.error`), an f-string's."""
    CODES_RAISED, PATTERNS_RAISED, _, _ = raised
    assert {"yaml-syntax", "type-mismatch", "invalid-amount"} <= set(CODES_RAISED)
    assert "check/expressions.py" in CODES_RAISED["type-mismatch"]
    assert any(re.fullmatch(r, "duplicate-rule-id") for r in PATTERNS_RAISED)
