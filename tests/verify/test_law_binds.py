"""The law binds by jurisdiction, not by invitation (issue 18, items 1 and 2).

Each policy here is written the way a careless author would: a Norwegian process that
never `uses` the law, and a new law version copied from the last with its constraints
deleted. Each is refused by `frin validate` at file:line:col and held at decide.

The figures are the law's (inkassoforskriften § 1-2 first ledd: the inkassovarsel fee is
1/20 of the inkassosats, 750 / 20 = 37.50, rounded to the krone: 38 NOK from 2026-01-01),
never copied from the engine's output.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CARELESS = """\
policy: careless
effective: 2024-01-01
status: published
title: {nb: "Uforsiktig", en: "Careless"}
steps: [inkassovarsel]
rules:
  - id: varsel
    when: not any(e.step == "inkassovarsel" for e in events)
    action: send_inkassovarsel
    step: inkassovarsel
    fee: 5000 NOK
    payment_deadline: as_of + 14 days
    explain: {nb: "Send inkassovarsel.", en: "Send the inkassovarsel."}
  - id: wait
    when: true
    action: wait
    explain: {nb: "Vent.", en: "Wait."}
"""

GREEDY = """\
policy: greedy
effective: 2024-01-01
status: published
title: {nb: "Grådig", en: "Greedy"}
uses: {law: no-regulation}
steps: [inkassovarsel]
definitions:
  principal: sum(c.amount for c in claims)
rules:
  - id: varsel
    when: not any(e.step == "inkassovarsel" for e in events) and as_of > (min(c.due for c in claims) ?? as_of)
    action: send_inkassovarsel
    step: inkassovarsel
    fee: if as_of >= 2026-10-01 then round_ore(principal * 5) else law.inkassovarsel_fee
    payment_deadline: as_of + 14 days
    explain: {nb: "Send inkassovarsel.", en: "Send the inkassovarsel."}
  - id: wait
    when: true
    action: wait
    explain: {nb: "Vent.", en: "Wait."}
"""

CASE = """\
case_id: C-1
as_of: {as_of}
policy: {policy}
creditor: {{vat_registered: true}}
debtor: {{kind: consumer}}
claims: [{{invoice: "1", amount: "1000.00", due: {due}}}]
"""


def _catalog(tmp_path: Path, process: str, name: str, law_edit=None) -> Path:
    """The law (no drafts) and `process` as `name`, as the working folder for the rest of the test
    (the autouse `_repo_root` fixture's monkeypatch restores it): the law's files are shown as
    `policies/no-regulation/...`, so the unchanged ones are found in the load cache."""
    folder = tmp_path / "policies"
    os.chdir(tmp_path)
    shutil.copytree(ROOT / "policies" / "no-regulation", folder / "no-regulation")
    shutil.rmtree(folder / "no-regulation" / "drafts")
    (folder / name).mkdir()
    (folder / name / "2024-01-01.yaml").write_text(process)
    if law_edit:
        law_edit(folder / "no-regulation")
    return folder


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line == text)


def test_a_process_that_never_uses_the_law_is_bound_by_it(tmp_path, run_cli):
    folder = _catalog(tmp_path, CARELESS, "careless")
    code, out, _ = run_cli("validate", folder)
    assert code == 1
    line = _line_of(folder / "careless" / "2024-01-01.yaml", "    fee: 5000 NOK")
    at = [l for l in out.splitlines() if f"careless/2024-01-01.yaml:{line}:10: error[breaks-law]" in l]
    assert any("no-regulation/inkassovarsel-fee" in l and "inkassoforskriften § 1-2" in l for l in at), out
    case = tmp_path / "case.yaml"
    case.write_text(CASE.format(as_of="2026-03-02", policy="careless", due="2026-01-15"))
    for flags in ((), ("--no-trace",)):
        code, out, _ = run_cli("decide", case, "--policies", folder, *flags)
        decision = json.loads(out)
        assert code == 1
        assert decision["action"] == "legal_review" and decision["fee"] is None
        broken = {v["constraint"]: v for v in decision["violations"]}
        assert broken["inkassovarsel-fee"]["proposed"]["fee"] == "5000.00"
        assert "inkassoforskriften § 1-2" in broken["inkassovarsel-fee"]["source"]


def test_a_catalog_without_its_jurisdictions_law_is_warned_of(tmp_path, run_cli):
    folder = tmp_path / "policies"
    (folder / "careless").mkdir(parents=True)
    (folder / "careless" / "2024-01-01.yaml").write_text(CARELESS)
    code, out, _ = run_cli("validate", folder)
    assert "careless/2024-01-01.yaml:1:9: warning[unbound-by-law]" in out, out
    assert "`no-regulation`" in out


def test_a_process_without_its_law_in_a_catalog_that_holds_a_law_is_an_error(tmp_path, run_cli):
    # the catalog holds the Dutch law, not Norway's: the Norwegian process would be bound by nothing
    folder = tmp_path / "policies"
    (folder / "careless").mkdir(parents=True)
    (folder / "careless" / "2024-01-01.yaml").write_text(CARELESS)
    shutil.copytree(ROOT / "policies" / "nl-wik", folder / "nl-wik")
    code, out, _ = run_cli("validate", folder)
    assert code == 1
    assert "careless/2024-01-01.yaml:1:9: error[unbound-by-law]" in out, out
    assert "`no-regulation`" in out and "the catalog holds `nl-wik`" in out


def test_a_jurisdiction_naming_no_law_beside_its_law_is_an_error(tmp_path, run_cli):
    # a local NO.yaml without `law:` (tests/invalid's) shadows the bundled one, while the catalog
    # holds no-regulation: the process must not escape the law by its jurisdiction file
    folder = _catalog(tmp_path, CARELESS, "careless")
    (folder / "jurisdictions").mkdir()
    shutil.copy(ROOT / "tests" / "invalid" / "jurisdictions" / "NO.yaml", folder / "jurisdictions" / "NO.yaml")
    code, out, _ = run_cli("validate", folder)
    assert code == 1
    assert "careless/2024-01-01.yaml:1:9: error[unbound-by-law]" in out, out
    assert "names no law" in out and "`no-regulation`" in out


def test_a_process_with_no_jurisdiction_in_a_catalog_with_one_is_an_error(tmp_path, run_cli):
    folder = tmp_path / "policies"
    (folder / "careless").mkdir(parents=True)
    (folder / "careless" / "2024-01-01.yaml").write_text(CARELESS.replace("5000 NOK", "0 EUR"))
    (folder / "jurisdictions").mkdir()
    nl = (ROOT / "policies" / "jurisdictions" / "NL.yaml").read_text()
    (folder / "jurisdictions" / "NL.yaml").write_text(nl)
    # the bundled NO.yaml is the default one: shadow it by a non-default copy, as a catalog
    # of its own without a default jurisdiction would be
    no = (ROOT / "policies" / "jurisdictions" / "NO.yaml").read_text().replace("default: true", "default: false")
    (folder / "jurisdictions" / "NO.yaml").write_text(no)
    code, out, _ = run_cli("validate", folder)
    assert code == 1
    assert "careless/2024-01-01.yaml:1:9: error[no-jurisdiction]" in out, out


def _drop_constraints(law: Path) -> None:
    text = (law / "2026-07-01.yaml").read_text().replace("effective: 2026-07-01", "effective: 2026-10-01")
    (law / "2026-10-01.yaml").write_text(text[:text.index("\nconstraints:")] + "\n")


def test_a_law_version_without_its_constraints_is_refused_and_they_still_bind(tmp_path, run_cli):
    folder = _catalog(tmp_path, GREEDY, "greedy", _drop_constraints)
    code, out, _ = run_cli("validate", folder)
    assert code == 1
    dropped = [l for l in out.splitlines() if "no-regulation/2026-10-01.yaml:" in l and "error[constraint-dropped]" in l]
    assert any("`inkassovarsel-fee` of no-regulation@2026-07-01" in l for l in dropped), out
    case = tmp_path / "case.yaml"
    case.write_text(CASE.format(as_of="2026-10-20", policy="greedy", due="2026-09-15"))
    code, out, _ = run_cli("decide", case, "--policies", folder, "--no-trace")
    decision = json.loads(out)
    # 1000 × 5 = 5000 NOK proposed; the carried constraint (read in no-regulation@2026-07-01)
    # allows 38 NOK: held.
    assert decision["action"] == "legal_review", decision
    broken = {v["constraint"]: v for v in decision["violations"]}
    assert broken["inkassovarsel-fee"]["proposed"]["fee"] == "5000.00"
    assert broken["inkassovarsel-fee"]["policy"] == "no-regulation@2026-07-01"


def test_a_repeal_cited_with_its_source_is_accepted(tmp_path, run_cli):
    def repeal_one(law: Path) -> None:
        text = (law / "2026-07-01.yaml").read_text().replace("effective: 2026-07-01", "effective: 2026-10-01")
        start = text.index("  - id: two-fee-limit\n")
        end = text.index("  - id: second-fee-after-missed-deadline\n")
        text = text[:start] + text[end:]
        text = text.replace("\nconstraints:\n", "\nrepeals:\n  - {constraint: two-fee-limit, source: \"FOR-2026-09-01-9999 (a test)\"}\n"
                                                "constraints:\n")
        (law / "2026-10-01.yaml").write_text(text)
    folder = _catalog(tmp_path, GREEDY, "greedy", repeal_one)
    code, out, _ = run_cli("validate", folder / "no-regulation")
    assert "constraint-dropped" not in out and "repeals-nothing" not in out, out


def test_changing_a_constraints_condition_needs_a_citation(tmp_path, run_cli):
    def weaken(law: Path) -> None:
        text = (law / "2026-07-01.yaml").read_text().replace("effective: 2026-07-01", "effective: 2026-10-01")
        text = text.replace("require: decision.fee <= inkassovarsel_fee and", "require: decision.fee <= 10 * inkassovarsel_fee and")
        (law / "2026-10-01.yaml").write_text(text)
    folder = _catalog(tmp_path, GREEDY, "greedy", weaken)
    code, out, _ = run_cli("validate", folder / "no-regulation")
    assert code == 1
    assert "error[constraint-changed]: constraint `inkassovarsel-fee`" in out, out


# ── items 3 and 4: the law computes what it judges ───────────────────────────────────────────

PAID_STILL_CHARGED = """\
policy: trusting
effective: 2024-01-01
status: published
title: {nb: "Tillitsfull", en: "Trusting"}
uses: {law: no-regulation}
steps: [inkassovarsel]
definitions:
  principal: sum(c.amount for c in claims)
  paid: sum(p.amount for p in payments)
  due: min(c.due for c in claims) ?? as_of
amounts:
  total: max(principal - paid, 1 NOK)
rules:
  - id: varsel
    when: not any(e.step == "inkassovarsel" for e in events) and as_of >= due + 14 days
    action: send_inkassovarsel
    step: inkassovarsel
    fee: law.inkassovarsel_fee
    payment_deadline: as_of + 14 days
    explain: {nb: "Send inkassovarsel.", en: "Send the inkassovarsel."}
  - id: wait
    when: true
    action: wait
    explain: {nb: "Vent.", en: "Wait."}
"""

OWN_FIGURES = """\
policy: inventive
effective: 2024-01-01
status: published
title: {nb: "Oppfinnsom", en: "Inventive"}
uses: {law: no-regulation}
parameters:
  my_rate:
    schedule:
      - {from: 2020-01-01, value: 50 %, source: "our own terms"}
    source: "our own terms"
steps: [inkassovarsel]
definitions:
  principal: sum(c.amount for c in claims)
  due: min(c.due for c in claims) ?? as_of
amounts:
  principal: principal
  interest: round_ore(interest(principal, due, as_of, my_rate))
  fees: 2500 NOK
rules:
  - id: wait
    when: true
    action: wait
    explain: {nb: "Vent.", en: "Wait."}
"""


def test_a_total_the_process_chooses_does_not_let_it_charge_a_paid_case(tmp_path, run_cli):
    folder = _catalog(tmp_path, PAID_STILL_CHARGED, "trusting")
    code, out, _ = run_cli("validate", folder)
    assert code == 1
    line = _line_of(folder / "trusting" / "2024-01-01.yaml", "    fee: law.inkassovarsel_fee")
    assert f"trusting/2024-01-01.yaml:{line}:10: error[breaks-law]: rule `varsel` breaks no-regulation/no-costs-once-paid" in out, out
    assert "as a case file:\ncase_id: " in out
    # paid in full (1 000 and the interest of 5 days, 1 000 × 12 % × 5 / 365 = 1.64, with 1 010):
    # the law's balance is 0, whatever `total` says (it says 1 NOK)
    case = tmp_path / "case.yaml"
    case.write_text(CASE.format(as_of="2026-03-02", policy="trusting", due="2026-01-15")
                    + 'payments: [{date: 2026-01-20, amount: "1010.00"}]\n')
    code, out, _ = run_cli("decide", case, "--policies", folder, "--no-trace")
    decision = json.loads(out)
    assert (code, decision["action"]) == (1, "legal_review")
    assert [v["constraint"] for v in decision["violations"]] == ["no-costs-once-paid"]
    assert decision["violations"][0]["proposed"]["fee"] == "38.00"


def test_interest_and_fees_the_law_never_set_are_refused(tmp_path, run_cli):
    folder = _catalog(tmp_path, OWN_FIGURES, "inventive")
    code, out, _ = run_cli("validate", folder)
    assert code == 1
    path = folder / "inventive" / "2024-01-01.yaml"
    interest = _line_of(path, "  interest: round_ore(interest(principal, due, as_of, my_rate))")
    fees = _line_of(path, "  fees: 2500 NOK")
    assert f"inventive/2024-01-01.yaml:{interest}:13: error[breaks-law]: rule `wait` breaks no-regulation/interest-within-the-law" in out, out
    assert f"inventive/2024-01-01.yaml:{fees}:9: error[breaks-law]: rule `wait` breaks no-regulation/fees-within-the-law" in out, out
    assert "as a case file:\ncase_id: " in out
    # 1 000 NOK due 2026-01-15, decided 2026-03-02: 46 days. The law: 1 000 × 12 % × 46 / 365 =
    # 15.123… → 15.12 (forsinkelsesrenteloven § 3, FOR-2025-12-18-2658); the process: 50 % → 63.01.
    # Fees: no letter was sent, the debtor is a consumer (no § 3a compensation): the law allows 0.
    case = tmp_path / "case.yaml"
    case.write_text(CASE.format(as_of="2026-03-02", policy="inventive", due="2026-01-15"))
    code, out, _ = run_cli("decide", case, "--policies", folder, "--no-trace")
    decision = json.loads(out)
    assert (code, decision["action"]) == (1, "legal_review")
    broken = {v["constraint"]: v for v in decision["violations"]}
    assert set(broken) == {"interest-within-the-law", "fees-within-the-law"}
    assert "(63.01)" in broken["interest-within-the-law"]["text"]["en"]
    assert "(15.12)" in broken["interest-within-the-law"]["text"]["en"]
    assert "(2500.00)" in broken["fees-within-the-law"]["text"]["en"] and "(0.00)" in broken["fees-within-the-law"]["text"]["en"]
    assert "forsinkelsesrenteloven" in broken["interest-within-the-law"]["source"]
