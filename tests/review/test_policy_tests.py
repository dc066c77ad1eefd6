"""`frin test`: the examples embedded in policy files, with a pytest-like report.

Compliance staff add an example to a policy file and see it checked: the tests below do
exactly that on a copy of the demo policy.
"""
from __future__ import annotations

import re
import shutil

from support import ROOT

_ELAPSED = re.compile(r" in \d+\.\d\ds ")

EXAMPLE = """
  - name: business debtor, nothing sent
    as_of: 2026-03-02
    case:
      case_id: EX-2
      creditor: {vat_registered: true}
      debtor: {kind: business}
      claims: [{invoice: "2", amount: "1250.00", due: 2026-01-15}]
    expect: {action: send_reminder, fee: "%s"}
"""


_SUMMARY = re.compile(r"^=+ (.*) in \d+\.\d\ds =+$", re.M)


def report(out: str) -> str:
    # the summary line is centred in `=`: a run of 10 s or more (a loaded machine) has one `=` fewer;
    # centred again as a run under 10 s, the snapshot holds whatever the machine's speed
    out = _SUMMARY.sub(lambda m: f"{' ' + m.group(1) + ' in 0.00s ':=^72}", out)
    return _ELAPSED.sub(" in <elapsed> ", out)


def test_the_bundled_examples_pass(run_cli):
    code, out, err = run_cli("test")
    assert (code, err) == (0, "")
    assert "policies/demo/2026-01-01.yaml (demo@2026-01-01)\n  ✓ consumer, 45 days overdue, nothing sent\n" in out
    assert re.search(r"=+ \d+ passed in \d+\.\d\ds =+\n$", out)
    assert "✗" not in out


def test_a_path_selects_the_versions_whose_examples_run(run_cli, snapshot):
    code, out, _ = run_cli("test", "policies/demo")
    assert code == 0
    assert report(out) == snapshot


def test_an_added_example_is_checked(tmp_path, run_cli, snapshot):
    folder = tmp_path / "demo"
    folder.mkdir()
    policy = folder / "2026-01-01.yaml"
    shutil.copy(ROOT / "policies" / "demo" / "2026-01-01.yaml", policy)
    # the purring fee: 1/20 of the inkassosats, 750 / 20 = 37.50, rounded to the krone: 38
    # (inkassoforskriften § 1-2 first ledd; the same for businesses, § 1-3)
    with policy.open("a", encoding="utf-8") as f:
        f.write(EXAMPLE % "38.00")
    code, out, _ = run_cli("test", str(folder))
    assert code == 0 and "  ✓ business debtor, nothing sent\n" in out and "2 passed" in out

    policy.write_text(policy.read_text(encoding="utf-8").replace('send_reminder, fee: "38.00"}', 'send_reminder, fee: "40.00"}'),
                      encoding="utf-8")
    code, out, _ = run_cli("test", str(folder))
    assert code == 1
    assert "  ✗ business debtor, nothing sent\n" in out and "  ✓ consumer, 45 days overdue" in out
    assert "error[example-mismatch]: example `business debtor, nothing sent`: expected fee `40.00`, got `38.00`" in out
    assert "1 failed, 1 passed" in out
    assert report(out.replace(str(tmp_path), "<tmp>")) == snapshot


def test_keyword_selects_examples(run_cli):
    code, out, _ = run_cli("test", "policies/kravia", "-k", "VARSEL")
    names = re.findall(r"^  ✓ (.*)$", out, re.MULTILINE)
    assert code == 0 and names and all("varsel" in n.lower() for n in names)
    assert f"{len(names)} passed" in out
    code, out, _ = run_cli("test", "policies/demo", "-k", "no such example")
    assert code == 0 and "no examples found" in out


def test_a_policy_with_errors_cannot_be_tested(run_cli):
    code, _, err = run_cli("test", "tests/invalid/type-mismatch")
    assert code == 1 and "error[type-mismatch]" in err


def test_a_path_decides_only_its_own_policies_examples(monkeypatch):
    """`frin test policies/demo` decides demo's examples, not every policy's: another policy's
    problems have no owner in its report, so deciding them only cost time (2.0 → 1.4 s user for
    `frin test policies/conta` in a `frin init` folder, cold)."""
    from engine.review import policy_tests
    from engine.verify import examples

    decided: list[str] = []
    real = examples.run_examples

    def spy(catalog, on_decided=None, only=None):
        def seen(version, example, decision):
            decided.append(version.name)
            if on_decided is not None:
                on_decided(version, example, decision)
        return real(catalog, seen, only=only)
    monkeypatch.setattr(examples, "run_examples", spy)
    results = policy_tests.example_results([str(ROOT / "policies" / "demo")], str(ROOT / "policies"))
    assert results and {r.version.name for r in results} == {"demo"}
    assert set(decided) == {"demo"}
