"""`frin test --prove` (issue 24: "the same in `frin test`/CI"): the policies a test run covers are
also proved against the law, with `validate --prove`'s outcomes and exit codes: a breach (a
counterexample `decide` confirms) is an error and exit 1, a window proved a note.

The catalog holds one law version (no-regulation 2026-01-01, no drafts), so each process has one
window and a run stays near a second. The expected breach is the law's: an inkassovarsel fee at
most round_kr(750 / 20) = 38 NOK (inkassoforskriften § 1-2 first ledd, no-regulation 2026-01-01);
the sloppy fixture charges 5 000 NOK when the claims sum to 4 321.09 NOK.
"""
from __future__ import annotations

import json
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

# The sloppy fixture made lawful: a varsel only after the law's own first due date, no fee,
# 14 days to pay (inkassoloven § 9), so no constraint that binds it can break.
TIDY = ('    when: as_of >= oldest_due + 14 days and varsels < 3\n'
        '    action: send_inkassovarsel\n    step: inkassovarsel\n'
        '    fee: if principal == 4321.09 NOK then odd_fee else varsel_fee\n',
        '    when: as_of > law.first_due and varsels < 1\n'
        '    action: send_inkassovarsel\n    step: inkassovarsel\n')


def _folder(tmp_path: Path, tidy: bool = False) -> Path:
    folder = tmp_path / "policies"
    for name in ("jurisdictions", "locales"):
        shutil.copytree(ROOT / "policies" / name, folder / name)
    (folder / "no-regulation").mkdir()
    shutil.copy(ROOT / "policies" / "no-regulation" / "2026-01-01.yaml", folder / "no-regulation")
    shutil.copytree(ROOT / "tests" / "fixtures" / "prove" / "sloppy", folder / "sloppy")
    if tidy:
        path = folder / "sloppy" / "2026-01-01.yaml"
        text = path.read_text()
        assert text.count(TIDY[0]) == 1
        path.write_text(text.replace(TIDY[0], TIDY[1]))
    return folder


def test_test_prove_reports_a_confirmed_breach_and_exits_1(tmp_path, run_cli):
    folder = _folder(tmp_path)
    code, out, err = run_cli("test", folder / "sloppy", "--policies", folder, "--prove", "--prove-timeout", "5")
    assert code == 1, (out, err)
    assert "error[breaks-law]: rule `send-varsel` breaks no-regulation/inkassovarsel-fee" in out
    # the first counterexample's claims add up to the policy's odd principal, 4321.09 (how the
    # solver splits it over claims varies with the preconditions; the sum is what the rule reads)
    case = yaml.safe_load(out.split("as a case file:\n", 1)[1].split("\n\n", 1)[0])
    assert sum(Decimal(c["amount"]) - Decimal(c.get("credited", "0")) for c in case["claims"]) == Decimal("4321.09")
    assert "6 breach(es) of the law" in out and "not-proved" not in out


def test_test_prove_in_json_carries_the_proof(tmp_path, run_cli):
    folder = _folder(tmp_path)
    code, out, err = run_cli("test", folder / "sloppy", "--policies", folder, "--prove", "--format", "json")
    assert code == 1, err
    proof = json.loads(out)["proof"]
    assert {d["code"] for d in proof} == {"breaks-law"} and len(proof) == 6


def test_test_prove_on_a_lawful_process_proves_it_and_exits_0(tmp_path, run_cli):
    folder = _folder(tmp_path, tidy=True)
    code, out, err = run_cli("test", folder / "sloppy", "--policies", folder, "--prove")
    assert code == 0, (out, err)
    assert "proof (--prove-bound 3): 1 window(s) proved, 0 breach(es) of the law, 0 not proved" in out


def test_test_without_prove_does_not_prove(tmp_path, run_cli):
    folder = _folder(tmp_path)
    code, out, err = run_cli("test", folder / "sloppy", "--policies", folder)
    assert code == 0 and "breaks-law" not in out and "proof" not in out, out


def test_test_prove_without_the_solver_says_how_to_install_it(tmp_path, run_cli, monkeypatch):
    folder = _folder(tmp_path)
    monkeypatch.setitem(sys.modules, "z3", None)          # `import z3` now fails as if not installed
    code, out, err = run_cli("test", folder / "sloppy", "--policies", folder, "--prove")
    assert code == 2
    assert "pip install 'frist-inkasso[prove]'" in err


def test_test_prove_checks_its_options(tmp_path, run_cli):
    folder = _folder(tmp_path)
    code, out, err = run_cli("test", folder / "sloppy", "--policies", folder, "--prove", "--prove-bound", "9")
    assert code == 2 and "--prove-bound" in err
    code, out, err = run_cli("test", folder / "sloppy", "--policies", folder, "--prove", "--prove-timeout", "0")
    assert code == 2 and "--prove-timeout" in err
