"""The CLI contract: exit codes (0 clean, 1 problems in policies, 2 invalid input or usage,
101 internal), locations in every report, and the text / concise / github / json formats."""
from __future__ import annotations

import json
import re

import pytest

DEMO = "policies/demo"
CASE = "examples/demo-consumer.yaml"
CASES = "tests/fixtures/cases"
LOCATION = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): error\[(?P<code>[a-z-]+)\]: ", re.MULTILINE)


# --- validate ----------------------------------------------------------------------------------

def test_validate_ok(run_cli):
    code, out, err = run_cli("validate", DEMO, "--today", "2026-06-01")
    assert (code, err) == (0, "")
    assert re.fullmatch(r"ok: 1 policy version\(s\), 1 example\(s\) checked; 0 error\(s\), 0 warning\(s\) in \d+ ms\n", out)


def test_validate_a_single_file(run_cli):
    code, out, _ = run_cli("validate", "policies/demo/2026-01-01.yaml", "--today", "2026-06-01")
    assert code == 0 and out.startswith("ok: 1 policy version(s)")


def test_validate_invalid(run_cli):
    code, out, err = run_cli("validate", "tests/invalid/type-mismatch", "--today", "2026-06-01")
    assert (code, err) == (1, "")
    assert out.rstrip().splitlines()[-1].startswith("FAILED: 5 policy version(s), 0 example(s) checked; 5 error(s)")  # one per folder


def test_validate_warnings_only_exits_0(run_cli):
    code, out, _ = run_cli("validate", "tests/invalid/no-fallback-rule", "--today", "2026-06-01")
    assert code == 0 and "warning[no-fallback-rule]" in out


def test_review_date_is_relative_to_today(run_cli):
    # demo's figures are due for review on 2027-01-01
    _, before, _ = run_cli("validate", DEMO, "--format", "concise", "--today", "2027-01-01")
    code, after, _ = run_cli("validate", DEMO, "--format", "concise", "--today", "2027-01-02")
    assert "review-overdue" not in before
    assert code == 0
    assert "policies/demo/2026-01-01.yaml:10:3: warning[review-overdue]: `sats` was due for review on 2027-01-01" in after


def test_validate_missing_path(run_cli):
    # issue 11 #2: a path that does not exist is a usage error (2), not a policy problem (1)
    code, out, err = run_cli("validate", "no/such/dir")
    assert (code, out) == (2, "")
    assert err.startswith("error: `no/such/dir` does not exist")


def test_validate_concise(run_cli):
    code, out, _ = run_cli("validate", "tests/invalid/type-mismatch", "--format", "concise", "--today", "2026-06-01")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == ("tests/invalid/type-mismatch/due-vs-money/2026-01-01.yaml:6:11: "
                        "error[type-mismatch]: cannot compare Date with Money")
    assert all(LOCATION.match(line) for line in lines[:4])
    assert "|" not in out    # no snippets


def test_validate_github(run_cli):
    code, out, _ = run_cli("validate", "tests/invalid/syntax-error", "--format", "github", "--today", "2026-06-01")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[1].startswith(
        "::error file=tests/invalid/syntax-error/single-equals/2026-01-01.yaml,line=8,col=24,endLine=8,endColumn=25,"
        "title=frin syntax-error::[syntax-error] unexpected character `=` (help: compare with `==`)")
    assert all(re.match(r"::error file=[^,]+,line=\d+,col=\d+,", line) for line in lines)


def test_validate_github_warning(run_cli):
    code, out, _ = run_cli("validate", "tests/invalid/no-fallback-rule", "--format", "github")
    assert code == 0
    assert out.startswith("::warning file=tests/invalid/no-fallback-rule/no-default/2026-01-01.yaml,line=5,col=9,")


def test_validate_github_clean_prints_nothing(run_cli):
    assert run_cli("validate", DEMO, "--format", "github", "--today", "2026-06-01") == (0, "", "")


def test_validate_json(run_cli):
    code, out, _ = run_cli("validate", "tests/invalid/duplicate-rule-id", "--format", "json")
    assert code == 1
    (item,) = json.loads(out)
    assert item == {
        "code": "duplicate-rule-id", "severity": "error", "message": "rule id `wait` is used twice",
        "path": "tests/invalid/duplicate-rule-id/two-waits/2026-01-01.yaml",
        "span": {"path": "tests/invalid/duplicate-rule-id/two-waits/2026-01-01.yaml",
                 "line": 9, "col": 9, "end_line": 9, "end_col": 13},
        "help": "rule ids must be unique in a version",
        "notes": [{"label": "first used here",
                   "span": {"path": "tests/invalid/duplicate-rule-id/two-waits/2026-01-01.yaml",
                            "line": 5, "col": 9, "end_line": 5, "end_col": 13}}],
    }


def test_validate_json_clean_is_an_empty_list(run_cli):
    code, out, _ = run_cli("validate", DEMO, "--format", "json", "--today", "2026-06-01")
    assert code == 0 and json.loads(out) == []


def test_paths_in_output_are_relative(run_cli):
    _, out, _ = run_cli("validate", "tests/invalid/unknown-name", "--format", "concise")
    assert out.startswith("tests/invalid/unknown-name/")


# --- usage errors (exit 2) ---------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["frobnicate"],
    [],
    ["validate", "--format", "xml"],
    ["decide"],
    ["explain", CASE, "--lang", "de"],
])
def test_usage_errors_exit_2(run_cli, argv):
    assert run_cli(*argv)[0] == 2


def test_help_exits_0(run_cli):
    assert run_cli("--help")[0] == 0


def test_usage_messages_go_to_the_given_streams(run_cli):
    code, _, err = run_cli("frobnicate")
    assert code == 2 and "invalid choice: 'frobnicate'" in err


@pytest.mark.parametrize("argv, message", [
    (["decide", CASE, "--policies", DEMO, "--as-of", "2026-13-01"], "error: --as-of `2026-13-01` is not a date (YYYY-MM-DD)\n"),
    (["decide", CASE, "--policies", DEMO, "--as-of", "tomorrow"], "error: --as-of `tomorrow` is not a date (YYYY-MM-DD)\n"),
    (["validate", DEMO, "--today", "yesterday"], "error: --today `yesterday` is not a date (YYYY-MM-DD)\n"),
    (["decide", CASE, "--policies", DEMO, "--policy", "nosuch"], "error: unknown policy `nosuch` (known: demo)\n"),
    (["decide", CASE, "--policies", DEMO, "--policy", "demo@2025-01-01"],
     "error: policy `demo` has no version 2025-01-01 (versions: 2026-01-01)\n"),
    (["decide", CASE, "--policies", DEMO, "--as-of", "2025-06-01"],
     "error: no version of `demo` is in force on 2025-06-01 (the first takes effect 2026-01-01)\n"),
])
def test_bad_requests_exit_2_with_one_line(run_cli, argv, message):
    assert run_cli(*argv) == (2, "", message)


def test_missing_case_file_exits_2(run_cli):
    code, out, err = run_cli("decide", "no/such/case.yaml", "--policies", DEMO)
    assert (code, out) == (2, "")
    assert err.startswith("no/such/case.yaml: error[unreadable-file]: cannot read file: ")
    assert "Traceback" not in err


# --- invalid cases (exit 2, with a location) -------------------------------------------------------

@pytest.mark.parametrize("case, first", [
    ("schema-violation", "schema-violation.yaml:6:28: error[wrong-type]: claims[0].amount must be text, not the number 12.50"),
    ("unknown-step", "unknown-step.yaml:8:12: error[unknown-step]: step `remindr` is not one of demo@2026-01-01's steps"),
    ("payment-before-issue", "payment-before-issue.yaml:8:12: error[invalid-date]: payments[0] is dated 2025-12-20, "
                             "before the first invoice (2026-01-01)"),
])
@pytest.mark.parametrize("command", ["decide", "explain"])
def test_invalid_case_exits_2_with_location(run_cli, command, case, first):
    code, out, err = run_cli(command, f"{CASES}/{case}.yaml", "--policies", DEMO, "--as-of", "2026-03-19")
    assert (code, out) == (2, "")
    assert err.startswith(f"{CASES}/{first}\n")
    assert err.endswith("\n1 problem(s) in the case; nothing was decided.\n")
    assert "Traceback" not in err


def test_unknown_step_suggests_the_declared_one(run_cli):
    _, _, err = run_cli("decide", f"{CASES}/unknown-step.yaml", "--policies", DEMO)
    assert "= help: did you mean `reminder`?" in err


def test_event_after_the_decision_date_exits_2(run_cli):
    code, _, err = run_cli("decide", CASE, "--policies", DEMO, "--as-of", "2026-02-09")
    assert code == 2
    assert err.startswith("examples/demo-consumer.yaml:11:28: error[after-decision-date]: "
                          "events[0] is dated 2026-02-10, after the decision date 2026-02-09")


def test_a_policy_file_given_as_a_case_is_rejected_with_locations(run_cli):
    code, _, err = run_cli("decide", "policies/demo/2026-01-01.yaml", "--policies", DEMO)
    assert code == 2
    assert LOCATION.match(err)


def test_invalid_policies_refuse_to_decide(run_cli):
    code, out, err = run_cli("decide", CASE, "--policies", "tests/invalid/unknown-name")
    assert (code, out) == (1, "")
    assert err.startswith("tests/invalid/unknown-name/misspelt-parameter/2026-01-01.yaml:8:43: error[unknown-name]")
    assert err.endswith("1 problem(s) in the policy; nothing was decided.\n")


# --- internal errors -------------------------------------------------------------------------------

def test_unknown_calendar_country_is_a_diagnostic(run_cli):
    code, out, err = run_cli("validate", "tests/fixtures/bugs/unknown-country", "--today", "2026-06-01")
    assert code == 1
    assert "ZZ" in out and "internal error" not in err


def test_internal_errors_exit_101_without_a_traceback(run_cli, monkeypatch):
    from engine.cli import commands

    def broken(args, stdout, stderr):
        raise RuntimeError("boom")

    monkeypatch.setattr(commands, "validate", broken)
    code, out, err = run_cli("validate", DEMO)
    assert (code, out) == (101, "")
    assert err == ("internal error: RuntimeError: boom\nplease report this with the input that caused it "
                   "(FRIST_DEBUG=1 prints the traceback).\n")
