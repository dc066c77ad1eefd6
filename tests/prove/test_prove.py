"""`frin validate --prove` (issue 24): breaches the boundary search misses, found and confirmed.

Each expected breach is the law's, read from no-regulation 2026-01-01 (inkassoforskriften
§§ 1-2, 1-3; inkassoloven §§ 9, 17): a varsel fee at most round_kr(750 / 20) = 38 NOK, at
most two 1/20 fees without a six-month pause, a second fee only after a missed deadline of
at least 14 days, a fee-bearing letter at the earliest 14 days after the due date, a varsel
only after it, at least 14 days to pay, no cost once everything is paid. The prover reports
a breach only after `decide` on its case file is held by that constraint, so each assertion
below is also a check of the engine on a case no person wrote. One window (the law version
in force on 2026-03-01) keeps each test to about a second.
"""
from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest

from engine.check.pipeline import load_catalog
from engine.prove.prover import prove_catalog

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 3, 1)


def _catalog(tmp_path: Path, *names: str, edit=None):
    folder = tmp_path / "policies"
    for name in ("no-regulation", "jurisdictions", "locales", *names):
        source = ROOT / "tests" / "fixtures" / "prove" / name
        shutil.copytree(source if source.exists() else ROOT / "policies" / name, folder / name)
    if edit is not None:
        edit(folder)
    catalog, problems = load_catalog([folder])
    assert not [p for p in problems if p.is_error], problems
    return catalog


def _broken(catalog, name: str) -> set[str]:
    report = prove_catalog(catalog, 3, timeout_ms=5_000, only={name}, on=DAY)
    return {d.message.split(" breaks ")[1].split(":")[0] for d in report.diagnostics if d.code == "breaks-law"}


@pytest.fixture(scope="module")
def six_breaches(tmp_path_factory):
    """The sloppy process proved once (a couple of seconds of z3) and read by the tests below:
    its folder, catalog, report and the confirmed breaches by constraint name."""
    folder = tmp_path_factory.mktemp("sloppy")
    catalog = _catalog(folder, "sloppy")
    report = prove_catalog(catalog, 3, timeout_ms=5_000, only={"sloppy"}, on=DAY)
    return folder / "policies", catalog, report, {d.message.split(" breaks ")[1].split(":")[0]: d
                                                  for d in report.diagnostics if d.code == "breaks-law"}


SIX = {f"no-regulation/{c}" for c in (
    "inkassovarsel-fee", "two-fee-limit", "second-fee-after-missed-deadline",
    "letter-fee-after-14-days", "varsel-after-due", "no-costs-once-paid")}


def test_the_4321_09_policy_gives_its_counterexample_and_five_more(six_breaches):
    _, catalog, report, found = six_breaches
    # each of the six a confirmed breach (not `not-proved`): the encoding reads the law's own view
    # (its balance, the cases it cannot compute) and refines `+ months` where a model is spurious
    assert set(found) == SIX, [(d.code, d.message) for d in report.diagnostics]
    assert not [d for d in report.diagnostics if d.code == "not-proved"]
    fee = found["no-regulation/inkassovarsel-fee"].help
    assert "case file:" in fee and "as_of:" in fee
    assert [line for line in fee.splitlines() if "amount:" in line], fee


def test_each_counterexample_is_held_by_decide_with_the_same_constraint(six_breaches):
    """The printed case file, decided again by the engine, is blocked by the constraint named."""
    import yaml
    from engine.decide.decision import decide_case
    from engine.policy.case import case_from_data
    _, catalog, report, found = six_breaches
    for name, d in sorted(found.items()):
        text = d.help.split("case file:", 1)[1]
        data = yaml.safe_load("\n".join(line for line in text.splitlines() if line.strip()))
        case = case_from_data(data, "<test>")
        decision = decide_case(catalog, case, dt.date.fromisoformat(data["as_of"]), "sloppy@2026-01-01", include_drafts=True)
        assert name in {v.name for v in decision.violations}, (name, text)


_ONE_RUN = """
import datetime as dt, sys
from engine.check.pipeline import load_catalog
from engine.prove.prover import prove_catalog
catalog, _ = load_catalog([sys.argv[1]])
for d in prove_catalog(catalog, 3, timeout_ms=5_000, only={"sloppy"}, on=dt.date(2026, 3, 1)).diagnostics:
    print(d.code, d.message, d.help)
"""


def test_a_run_is_reproducible(six_breaches):
    """z3's seeds are fixed, each proof starts a fresh z3 context and no term depends on hash
    order: a run here (the module's, after whatever ran before in this process) and a run in a
    fresh process with another hash seed print the same counterexamples, case file for case file."""
    import os
    import subprocess
    folder, _, report, _ = six_breaches
    here = "".join(f"{d.code} {d.message} {d.help}\n" for d in report.diagnostics)
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    done = subprocess.run([sys.executable, "-c", _ONE_RUN, str(folder)], cwd=ROOT,
                          env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == here and here.count("breaks-law") == 6, (done.stdout, here)


def test_the_boundary_search_misses_the_4321_09_fee(tmp_path):
    from engine.verify.law_search import law_problems
    catalog = _catalog(tmp_path, "sloppy")
    found = [d.message for d in law_problems(catalog) if d.code == "breaks-law"]
    assert not any("inkassovarsel-fee" in m for m in found), found


MUTANTS = {
    # one token each (issue 24), with the constraint the mutant breaks
    "13 days after due instead of 14": (
        'value: 14 days\n    source: "Kravia FAQ (seed 000): earliest hand-over 14 days after due"',
        'value: 13 days\n    source: "Kravia FAQ (seed 000): earliest hand-over 14 days after due"',
        "no-regulation/letter-fee-after-14-days"),
    "< 3 instead of < 2 fees": (
        "letter_fee_count < law.max_fees_per_claim", "letter_fee_count < 3", "no-regulation/two-fee-limit"),
    ">= at the six-month boundary": (
        "fees_reset: as_of > (last_fee_letter", "fees_reset: as_of >= (last_fee_letter", "no-regulation/two-fee-limit"),
    "a 13-day varsel deadline": (
        "then next_business_day(as_of + law.varsel_min_deadline) else as_of + law.varsel_min_deadline",
        "then next_business_day(as_of + 13 days) else as_of + law.varsel_min_deadline", "no-regulation/varsel-deadline"),
}


@pytest.fixture(scope="module")
def kravia_as_is(tmp_path_factory):
    return _broken(_catalog(tmp_path_factory.mktemp("kravia"), "kravia"), "kravia")


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_each_one_token_kravia_mutant_gives_a_counterexample(tmp_path, mutant, kravia_as_is):
    before, after, constraint = MUTANTS[mutant]

    def edit(folder: Path) -> None:
        path = folder / "kravia" / "2024-01-01.yaml"
        text = path.read_text()
        assert text.count(before) == 1
        path.write_text(text.replace(before, after))

    assert constraint not in kravia_as_is
    assert constraint in _broken(_catalog(tmp_path, "kravia", edit=edit), "kravia")


def test_prove_without_the_solver_says_how_to_install_it(tmp_path, run_cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "z3", None)          # `import z3` now fails as if not installed
    code, out, err = run_cli("validate", ROOT / "policies" / "kravia", "--prove")
    assert code == 2
    assert "pip install 'frist-inkasso[prove]'" in err


def test_a_bad_bound_is_a_usage_error(run_cli):
    code, out, err = run_cli("validate", ROOT / "policies" / "kravia", "--prove", "--prove-bound", "0")
    assert code == 2 and "--prove-bound" in err


def test_validate_prove_on_the_command_line(tmp_path, run_cli):
    _catalog(tmp_path, "sloppy")
    folder = tmp_path / "policies"
    code, out, err = run_cli("validate", folder / "sloppy" / "2026-01-01.yaml", "--prove", "--prove-bound", "2",
                             "--prove-timeout", "5")
    assert code == 1, err
    line = next(i for i, text in enumerate((folder / "sloppy" / "2026-01-01.yaml").read_text().splitlines(), 1)
                if text.startswith("    fee: if principal == 4321.09 NOK"))
    assert "counterexample (found by --prove;" in out
    assert f"2026-01-01.yaml:{line}:10: error[breaks-law]: rule `send-varsel` breaks no-regulation/inkassovarsel-fee" in out
    assert "not-proved" not in out, out


def test_every_bundled_process_proves_in_one_window(tmp_path):
    """kravia, conta, egeninkasso, fiken-kravia (issue 24's 'every bundled process'); nl-incasso below."""
    catalog = _catalog(tmp_path, "kravia", "conta", "egeninkasso", "fiken-kravia")
    report = prove_catalog(catalog, 2, timeout_ms=5_000, on=DAY)          # bound 2 here: the CLI proves 3 in CI
    assert [d.message for d in report.diagnostics if d.code != "proved"] == []
    assert report.queries == report.proved > 0
    proved = {d.message.split(":")[0] for d in report.diagnostics if d.code == "proved"}
    assert proved == {"kravia@2024-01-01", "conta@2024-01-01", "egeninkasso@2024-01-01", "fiken-kravia@2024-01-01"}


def test_nl_incasso_proves(tmp_path):
    folder = tmp_path / "policies"
    for name in ("nl-wik", "nl-incasso", "jurisdictions", "locales"):
        shutil.copytree(ROOT / "policies" / name, folder / name)
    catalog, problems = load_catalog([folder])
    report = prove_catalog(catalog, 3, timeout_ms=5_000, only={"nl-incasso"})
    assert [d.message for d in report.diagnostics if d.code != "proved"] == []
    assert len([d for d in report.diagnostics if d.code == "proved"]) == 3        # the three nl-wik versions


def test_a_proof_is_a_note_not_a_problem():
    from engine.core.diagnostics import Diagnostic, Severity, render_github
    note = Diagnostic("proved", "kravia@2024-01-01: proved", severity=Severity.NOTE, path="policies/kravia/2024-01-01.yaml")
    assert not note.is_error
    assert render_github([note]).startswith("::notice file=policies/kravia/2024-01-01.yaml")


def test_a_process_without_a_total_is_judged_by_the_laws_balance(tmp_path):
    """The law gives a constraint its own balance, whatever the process reports: the sloppy
    process without its `total` amount still breaks no-costs-once-paid (a fee once all is paid)."""
    def edit(folder: Path) -> None:
        path = folder / "sloppy" / "2026-01-01.yaml"
        text = path.read_text()
        assert text.count("  total: principal - paid\n") == 1
        path.write_text(text.replace("  total: principal - paid\n", ""))
    report = prove_catalog(_catalog(tmp_path, "sloppy", edit=edit), 3, timeout_ms=5_000, only={"sloppy"}, on=DAY)
    found = {d.message.split(" breaks ")[1].split(":")[0] for d in report.diagnostics if d.code == "breaks-law"}
    assert "no-regulation/no-costs-once-paid" in found, [(d.code, d.message) for d in report.diagnostics]
