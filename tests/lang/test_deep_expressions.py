"""Deep expressions: what validates also decides, on every path; deeper is a clear error.

Issue 13: a `when:` of 201 added terms validated, then the compiled path failed with
"too many nested parentheses"; 600 nested unary minus crashed parsing (RecursionError)
and the cache's pickler at 400. Now the parser refuses an expression nested deeper than
`MAX_DEPTH` (a diagnostic with file:line:col), and every stage is run here at that depth:
validate (checker, embedded examples on every evaluator), decide with trace (reference),
decide --no-trace (compiled), explain, batch (columnar), and a second load from the cache.
"""
from __future__ import annotations

import json

import pytest

from engine.lang.parser import MAX_DEPTH, parse_expression

# Each shape nests one level per step; `n` steps plus the comparison stay within MAX_DEPTH.
SHAPES = {
    "unary-minus": lambda n: "(" + "-" * n + "sats) != 0 NOK",
    "sum": lambda n: " + ".join(["sats"] * (n + 1)) + " > 0 NOK",
    "calls": lambda n: "round_ore(" * n + "sats" + ")" * n + " > 0 NOK",
    "date-steps": lambda n: "as_of" + " + 1 day" * n + " > as_of",
    "not": lambda n: "not " * n + "(sats > 0 NOK)",
    "in-aggregate": lambda n: "any(" + " + ".join(["c.amount"] * (n - 1)) + " > 0 NOK for c in claims)",
}

CASE = {"case_id": "D-1", "as_of": "2026-03-02", "policy": "deep", "creditor": {"vat_registered": True},
        "debtor": {"kind": "consumer"}, "claims": [{"invoice": "1", "amount": "100.00", "due": "2026-01-15"}]}


def _policy(when: str) -> str:
    when = when.replace('"', '\\"')
    return f"""policy: deep
effective: 2026-01-01
title: {{nb: "d", en: "d"}}
calendar: {{country: "NO", source: "holidays"}}
parameters:
  sats: {{value: 750 NOK, source: "inkassoforskriften § 1-1"}}
rules:
  - id: deep
    when: "{when}"
    action: act
    explain: {{nb: "x", en: "x"}}
  - id: otherwise
    when: true
    action: wait
    explain: {{nb: "x", en: "x"}}
examples:
  - name: the deep rule decides
    case: {json.dumps({k: v for k, v in CASE.items() if k not in ("policy", "as_of")})}
    as_of: 2026-03-02
    expect: {{action: act}}
"""


def _depth(text: str) -> int:
    from engine.lang import ast
    tree = parse_expression(text)
    if not isinstance(tree, ast.Expr):
        return MAX_DEPTH + 1 if tree.code == "expression-too-deep" else 0
    stack, deepest = [(tree, 1)], 0
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((c, d + 1) for c in ast.children(node))
    return deepest


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FRIST_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FRIST_CACHE_KEY", str(tmp_path / "key"))
    (tmp_path / "policies" / "deep").mkdir(parents=True)
    (tmp_path / "case.json").write_text(json.dumps(CASE))
    (tmp_path / "cases.jsonl").write_text(json.dumps(CASE) + "\n")
    return tmp_path


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_an_expression_at_the_depth_limit_runs_everywhere(folder, run_cli, shape):
    n = next(n for n in range(MAX_DEPTH, 0, -1) if _depth(SHAPES[shape](n)) <= MAX_DEPTH)
    when = SHAPES[shape](n)
    assert _depth(when) == MAX_DEPTH
    (folder / "policies" / "deep" / "2026-01-01.yaml").write_text(_policy(when))
    policies, case = str(folder / "policies"), str(folder / "case.json")
    for _ in range(2):                                           # the second run loads from the cache
        code, out, err = run_cli("validate", policies)
        assert code == 0, out + err
        assert list((folder / "cache").glob("*.entry"))
        decisions = []
        for flags in ([], ["--no-trace"]):
            code, out, err = run_cli("decide", case, "--policies", policies, *flags)
            assert code == 0, err
            decisions.append(json.loads(out)["action"])
        assert decisions == ["act", "act"]
        code, out, err = run_cli("explain", case, "--policies", policies)
        assert code == 0, err
    out_file = folder / "out.jsonl"
    code, out, err = run_cli("batch", str(folder / "cases.jsonl"), "-o", str(out_file), "--policies", policies,
                             "--no-progress")
    assert code == 0, out + err
    assert json.loads(out_file.read_text())["action"] == "act"


def test_201_added_terms_decide_on_the_compiled_path(folder, run_cli):
    when = " + ".join(["sats"] * 201) + " > 150 000 NOK"
    (folder / "policies" / "deep" / "2026-01-01.yaml").write_text(_policy(when))
    code, out, err = run_cli("decide", str(folder / "case.json"), "--policies", str(folder / "policies"), "--no-trace")
    assert code == 0, err
    assert json.loads(out)["action"] == "act"                    # 201 × 750 = 150 750 > 150 000


@pytest.mark.parametrize("when", ["(" + "-" * 600 + "sats) != 0 NOK", "not " * (MAX_DEPTH + 1) + "true"],
                         ids=["600-unary-minus", "just-too-deep"])
def test_a_deeper_expression_is_a_clear_error(folder, run_cli, when):
    (folder / "policies" / "deep" / "2026-01-01.yaml").write_text(_policy(when))
    code, out, err = run_cli("validate", str(folder / "policies"))
    assert code == 1
    assert "error[expression-too-deep]" in out + err
    assert "deep/2026-01-01.yaml:9:" in out + err                # file:line:col of the `when`
    assert "Traceback" not in out + err


# The commands of the test below, run in a child process: the 1,500-definition catalog takes
# some 500 MB at its peak (its syntax trees, compiled code, Polars plans), which a pytest-xdist
# worker would otherwise keep for the rest of the run. Each prints its exit code and output.
_CHAIN_RUN = """
import io, json, sys
import cli
folder = sys.argv[1]
policies, case = folder + "/policies", folder + "/case.json"
runs = [["validate", policies], ["decide", case, "--policies", policies], ["decide", case, "--policies", policies, "--no-trace"],
        ["batch", folder + "/cases.jsonl", "-o", folder + "/o.jsonl", "--policies", policies, "--no-progress"]]
done = []
for argv in runs:
    out, err = io.StringIO(), io.StringIO()
    done.append([int(cli.run(argv, out, err)), out.getvalue(), err.getvalue()])
print(json.dumps(done))
"""


def test_a_long_chain_of_definitions_decides_on_every_path(folder):
    """1,500 definitions, each using the one before: validate passed, then every decide path
    hit the recursion limit (the dependency walk in `plan.needs` recursed once per link)."""
    import subprocess
    import sys

    from support import ROOT
    defs = "definitions:\n  d0: sats\n" + "".join(f"  d{i}: d{i - 1} + 1 NOK\n" for i in range(1, 1500))
    text = _policy("d1499 > 2 248 NOK").replace("rules:\n", defs + "rules:\n", 1)
    (folder / "policies" / "deep" / "2026-01-01.yaml").write_text(text)
    child = subprocess.run([sys.executable, "-c", _CHAIN_RUN, str(folder)], cwd=ROOT, capture_output=True, text=True,
                           timeout=600)
    assert child.returncode == 0, child.stderr[-3000:]
    validated, traced, untraced, batch = json.loads(child.stdout)
    assert validated[0] == 0, validated
    for code, out, err in (traced, untraced):
        assert code == 0, err
        assert json.loads(out)["action"] == "act"                # 750 + 1499 = 2249 > 2248
    assert batch[0] == 0, batch
    assert json.loads((folder / "o.jsonl").read_text())["action"] == "act"
