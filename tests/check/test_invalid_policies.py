"""One deliberately broken policy per diagnostic code: `tests/invalid/<code>/<policy>/<date>.yaml`.

Every `tests/invalid/<code>/` folder is validated on its own; the test checks the exit
code, that `<code>` (and no other code) is reported, and snapshots the fully rendered
text output (relative paths, colour off, the elapsed time masked). A few first lines are
checked against a hand-counted `path:line:col`, so a snapshot update cannot quietly move
a caret.
"""
from __future__ import annotations

import re

import pytest

from support import TESTS, stable
from engine.core.diagnostic_codes import CODES as REGISTERED_CODES
from engine.core.diagnostics import Severity

INVALID = TESTS / "invalid"
FOLDERS = sorted(p for p in INVALID.iterdir() if p.is_dir() and p.name != "jurisdictions")   # jurisdictions/: NO without its law (its header says why)
CODES = [p.name for p in FOLDERS]

# Codes that are warnings: validate reports them and still exits 0 (the registry says which).
WARNINGS = {c.name for c in REGISTERED_CODES if c.severity is Severity.WARNING}

# Known engine bugs: the folder reports its code, but also a follow-on diagnostic.

HEADLINE = re.compile(r"^(?P<where>\S+): (?P<severity>error|warning)\[(?P<code>[a-z-]+)\]: ", re.MULTILINE)


_RUNS: dict[tuple, tuple[int, str, str]] = {}

# Folders that hold several policy folders (each `<root>/<name>/<date>.yaml`), validated
# together: one folder cannot hold two versions of one name and date in the layout.
SEVERAL_ROOTS = {"overlapping-versions"}


def _roots(path: str) -> list[str]:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if name in SEVERAL_ROOTS:
        return [f"{path}/{d.name}" for d in sorted((INVALID / name).iterdir()) if d.is_dir()]
    return [path]


def validate(run_cli, *paths: str, fmt: str = "text") -> tuple[int, str, str]:
    """`frin validate PATHS --format FMT --today 2026-06-01`, run once per argument list.

    Validation is deterministic (the elapsed time aside), and the alias bomb takes a
    second to refuse, so the several tests that read one folder's output share one run.
    """
    paths = tuple(root for path in paths for root in _roots(path))
    key = (paths, fmt)
    if key not in _RUNS:
        _RUNS[key] = run_cli("validate", *paths, "--format", fmt, "--today", "2026-06-01")
    return _RUNS[key]


def reported(out: str) -> set[str]:
    return {m["code"] for m in HEADLINE.finditer(out)}


def test_every_required_code_has_a_folder():
    required = {
        "yaml-syntax", "duplicate-key", "unsafe-yaml", "unknown-key", "missing-key", "wrong-type", "invalid-value",
        "syntax-error", "unknown-name", "unknown-field", "unknown-function", "wrong-argument-count",
        "type-mismatch", "unknown-enum-value", "optional-value", "not-constant", "parameter-cycle",
        "definition-cycle", "duplicate-rule-id", "exceeds-cap", "overlapping-versions", "file-name-mismatch",
        "uses-cycle", "unknown-policy", "wrong-currency", "example-mismatch", "no-fallback-rule",
    }
    assert required <= set(CODES), sorted(required - set(CODES))


@pytest.mark.parametrize("code", CODES)
def test_reports_its_code(run_cli, code):
    exit_code, out, err = validate(run_cli, f"tests/invalid/{code}")
    assert err == ""
    assert exit_code == (0 if code in WARNINGS else 1), out
    severity = "warning" if code in WARNINGS else "error"
    assert f"{severity}[{code}]" in out
    assert out.rstrip().splitlines()[-1].startswith("ok:" if code in WARNINGS else "FAILED:")


@pytest.mark.parametrize("code", CODES)
def test_reports_only_its_code(run_cli, code):
    _, out, _ = validate(run_cli, f"tests/invalid/{code}")
    assert reported(out) == {code}


@pytest.mark.parametrize("code", CODES)
def test_rendered_output(run_cli, snapshot, code):
    exit_code, out, err = validate(run_cli, f"tests/invalid/{code}")
    assert stable(out) == snapshot
    assert "Traceback" not in out + err


@pytest.mark.parametrize("folder, first", [
    # `    when: ` is 10 columns, so expressions in a rule's `when` start at column 11
    ("syntax-error/single-equals", "2026-01-01.yaml:8:24: error[syntax-error]: unexpected character `=`"),
    ("syntax-error/bad-date", "2026-01-01.yaml:6:19: error[syntax-error]: `2026-02-30` is not a calendar date"),
    # `  principal: ` is 13 columns; the 39-character expression's last `)` is at column 52
    ("syntax-error/unbalanced-paren", "2026-01-01.yaml:5:52: error[syntax-error]: the expression ends too early"),
    ("type-mismatch/due-vs-money", "2026-01-01.yaml:6:11: error[type-mismatch]: cannot compare Date with Money"),
    ("type-mismatch/number-vs-days",
     "2026-01-01.yaml:8:11: error[type-mismatch]: cannot compare Duration(days) with Number"),
    ("type-mismatch/money-plus-date",
     "2026-01-01.yaml:5:10: error[type-mismatch]: cannot apply `+` to Money and Date"),
    ("unknown-name/misspelt-parameter", "2026-01-01.yaml:8:43: error[unknown-name]: unknown name `inkasosats`"),
    ("unknown-enum-value/consumr", "2026-01-01.yaml:6:26: error[unknown-enum-value]: `consumr` is not a kind value"),
    ("not-constant/case-in-parameter",
     "2026-01-01.yaml:5:21: error[not-constant]: `as_of` is case data; a parameter must be a constant"),
    # a policy names no calendar any more: its jurisdiction's applies (missing-calendar is
    # tests/check/test_checker.py's); a money literal must be in the jurisdiction's currency
    ("wrong-currency/euro-in-norway",
     "2026-01-01.yaml:8:10: error[wrong-currency]: `35 EUR` is in EUR, but `euro-in-norway` is a policy in NOK"),
    ("wrong-type/norway-is-false",
     "2026-01-01.yaml:4:21: error[wrong-type]: calendar.country must be text, not a boolean"),
    ("duplicate-key/twice", "2026-01-01.yaml:6:3: error[duplicate-key]: key `fee` appears twice"),
    ("unknown-key/typo", "2026-01-01.yaml:4:1: error[unknown-key]: unknown key `paramters` in the document"),
    ("yaml-syntax/bad-indent", "2026-01-01.yaml:7:4: error[yaml-syntax]: malformed YAML: "),
    ("exceeds-cap/capped", "2026-01-01.yaml:6:12: error[exceeds-cap]: `fee` is 70.00 NOK, above its cap of 38.00 NOK"),
])
def test_first_diagnostic_at_hand_counted_position(run_cli, folder, first):
    _, out, _ = validate(run_cli, f"tests/invalid/{folder}")
    assert out.splitlines()[0].startswith(f"tests/invalid/{folder}/{first}")


def test_caret_underlines_exactly_the_name(run_cli):
    _, out, _ = validate(run_cli, "tests/invalid/unknown-name")
    lines = out.splitlines()
    source, caret = lines[2], lines[3]
    assert source == "8 |     when: sum(c.amount for c in claims) > inkasosats"
    start = caret.index("^")
    assert source[start:start + caret.count("^")] == "inkasosats"


def test_suggestions_are_offered(run_cli):
    hints = {
        "unknown-key": "did you mean `parameters`?",
        "unknown-name": "did you mean `inkassosats`?",
        "unknown-field": "did you mean `kind`?",
        "unknown-function": "did you mean `round_ore` or `round_kr` or `round_minor`?",
        "unknown-enum-value": "did you mean `consumer`?",
        "invalid-value": "did you mean `published`?",
    }
    for code, hint in hints.items():
        _, out, _ = validate(run_cli, f"tests/invalid/{code}")
        assert f"= help: {hint}" in out, code


def test_a_cap_is_checked_against_every_overlapping_used_version(run_cli):
    # via-law's fee (40 NOK) is within law@2026-07-01's cap (40) but not law@2025-07-01's (35),
    # which is in force for the first half of 2026.
    _, out, _ = validate(run_cli, "tests/invalid/exceeds-cap/via-law", "tests/invalid/exceeds-cap/via-law-regulation")
    assert "`reminder_fee` is 40.00 NOK, above its cap of 35.00 NOK (via-law-regulation@2025-07-01)" in out
    assert "@2026-07-01" not in out.split("FAILED")[0]


def test_unsafe_yaml_is_refused_before_anything_is_built(run_cli):
    _, out, _ = validate(run_cli, "tests/invalid/unsafe-yaml")
    assert "tag `tag:yaml.org,2002:python/object/apply:os.system` is not allowed" in out
    assert "(an alias bomb?)" in out
    assert "merge keys (`<<`) are not allowed" in out
    assert "0 policy version(s)" in out


@pytest.mark.parametrize("fmt", ["concise", "github", "json"])
def test_every_folder_renders_in_every_format(run_cli, fmt):
    for code in CODES:
        # the alias bomb costs a second per run; its refusal does not depend on the format
        folder = "tests/invalid/unsafe-yaml/python-tag" if code == "unsafe-yaml" else f"tests/invalid/{code}"
        exit_code, out, err = validate(run_cli, folder, fmt=fmt)
        assert exit_code == (0 if code in WARNINGS else 1) and not err, (code, err)
        assert code in out, code


def test_cap_message_has_no_empty_parentheses(run_cli):
    _, out, _ = validate(run_cli, "tests/invalid/exceeds-cap/capped")
    assert "()" not in out.splitlines()[0]
