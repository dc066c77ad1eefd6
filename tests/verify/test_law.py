"""The law as constraints on every process: validate, decide, explain and batch enforce them.

Expected figures are computed by hand from the law (inkassoforskriften § 2-2: lett salær
for a principal of 1 250 NOK is 0.4 × the inkassosats; 0.4 × 750 = 300.00 NOK from
2026-01-01), never copied from the engine's output.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from engine.policy.case import case_from_data
from engine.decide.enforce import violations
from engine.policy.record import record_of
from engine.decide.decision import decide_case
from engine.check.pipeline import load_catalog
from support.catalogs import bundled_catalog

ROOT = Path(__file__).resolve().parents[2]

BO_CASE = """\
case_id: T-1
as_of: 2026-03-17
policy: kravia
creditor: {vat_registered: true}
debtor: {kind: consumer}
claims: [{invoice: "1001", amount: "300.00", due: 2026-01-15, handed_over: 2026-03-02}]
events: [{step: inkassovarsel, date: 2026-03-02, fee: "38.00", due: 2026-03-16}]
"""


def _policies(tmp_path: Path, edit=None, names=("kravia", "no-regulation")) -> Path:
    """A copy of `names` (edited), as the working folder for the rest of the test (the autouse
    `_repo_root` fixture's monkeypatch restores it): its files are shown as `policies/...`, so the
    unchanged ones are found in the load cache."""
    folder = tmp_path / "policies"
    os.chdir(tmp_path)
    for name in names:
        shutil.copytree(ROOT / "policies" / name, folder / name)
    if edit:
        edit(folder)
    return folder


def _bo_fee_2000(folder: Path) -> None:
    path = folder / "kravia" / "2024-01-01.yaml"
    text = path.read_text()
    assert text.count("    fee: lett_salaer\n") == 1
    path.write_text(text.replace("    fee: lett_salaer\n", "    fee: 2000 NOK\n"))


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line == text)


def test_a_2000_nok_betalingsoppfordring_fails_validate_at_that_line(tmp_path, run_cli):
    folder = _policies(tmp_path, _bo_fee_2000)
    code, out, _ = run_cli("validate", folder)
    assert code == 1
    line = _line_of(folder / "kravia" / "2024-01-01.yaml", "    fee: 2000 NOK")
    errors = [l for l in out.splitlines() if "error[breaks-law]" in l]
    at_line = [l for l in errors if f"kravia/2024-01-01.yaml:{line}:10:" in l]
    assert at_line, errors
    assert "no-regulation/salaer-cap-lett" in out or "no-regulation/own-bo-fee" in out
    assert "inkassoforskriften" in at_line[0]                 # the constraint's source
    assert "as a case file:\ncase_id: " in out                 # the counterexample
    assert "error[evaluator-mismatch]" not in out


def test_a_rule_after_when_true_is_unreachable(tmp_path, run_cli):
    # conta (a ladder ending in `legal-review` when true, as kravia's): validate's law search over
    # the edited process costs a fraction of kravia's
    def edit(folder):
        path = folder / "conta" / "2024-01-01.yaml"
        text = path.read_text()
        path.write_text(text.replace("examples:\n", "  - id: never\n    when: as_of > 2000-01-01\n    action: wait\n"
                                     "    explain: {nb: \"x\", en: \"x\"}\n\nexamples:\n", 1))
    folder = _policies(tmp_path, edit, ("conta", "no-regulation"))
    code, out, _ = run_cli("validate", folder)
    line = _line_of(folder / "conta" / "2024-01-01.yaml", "  - id: never")
    assert code == 1
    assert f"2024-01-01.yaml:{line}:9: error[unreachable-rule]: rule `never` can never fire: rule `legal-review`" in out


def test_decide_blocks_what_the_law_forbids(tmp_path, run_cli):
    folder = _policies(tmp_path, _bo_fee_2000)
    case = tmp_path / "case.yaml"
    case.write_text(BO_CASE)
    for flags in ((), ("--no-trace",)):
        code, out, _ = run_cli("decide", case, "--policies", folder, *flags)
        decision = json.loads(out)
        assert code == 1
        assert (decision["action"], decision["fee"], decision["salaer"], decision["step"]) == ("legal_review", None, None, None)
        # 300.00 principal: lett cap 0.25 × 750 = 187.50 (≤ 500 NOK band); 38 + 2000 > 187.50.
        broken = {v["constraint"] for v in decision["violations"]}
        assert "salaer-cap-lett" in broken
        assert decision["violations"][0]["proposed"]["fee"] == "2000.00"
        assert all(r["source"] for r in decision["reasons"])
    for lang, word in (("en", "breaks no-regulation/salaer-cap-lett"), ("nb", "bryter no-regulation/salaer-cap-lett")):
        code, out, _ = run_cli("explain", case, "--policies", folder, "--lang", lang)
        assert code == 1 and word in out and "legal_review" in out


def test_batch_never_writes_a_forbidden_decision_among_the_decisions(tmp_path, run_cli):
    folder = _policies(tmp_path, _bo_fee_2000)
    import yaml
    doc = yaml.safe_load(BO_CASE)
    doc = json.loads(json.dumps(doc, default=str))
    lawful = {**doc, "case_id": "T-2", "as_of": "2026-03-10"}       # the varsel still running: wait
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(doc) + "\n" + json.dumps(lawful) + "\n")
    out_file = tmp_path / "out.jsonl"
    code, out, _ = run_cli("batch", cases, "-o", out_file, "--policies", folder, "--no-progress")
    assert code == 2
    decided = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert [d["case_id"] for d in decided] == ["T-2"]
    held = (tmp_path / "out.jsonl.rejects.csv").read_text()
    assert "T-1" in held and ",law," in held and "salaer-cap-lett" in held and "inkassoforskriften" in held


@pytest.mark.parametrize("inside, salaer, lawful", [
    # chapter1_fees_inside_salaer_cap true: the 38 NOK varsel fee counts: 38 + 262 = 300 ≤ 300; 38 + 263 > 300.
    (True, "262.00", True), (True, "263.00", False),
    # false (the industry reading): only salær counts: 300 ≤ 300; 300.01 > 300.
    (False, "300.00", True), (False, "300.01", False),
])
def test_both_readings_of_chapter1_fees_inside_the_salaer_cap(tmp_path, inside, salaer, lawful):
    def edit(folder):
        path = folder / "no-regulation" / "2026-01-01.yaml"
        text = path.read_text()
        marker = "  chapter1_fees_inside_salaer_cap:\n"
        head, _, tail = text.partition(marker)
        tail = tail.replace("    value: true\n", f"    value: {str(inside).lower()}\n", 1)
        path.write_text(head + marker + tail)
    catalog, problems = load_catalog([_policies(tmp_path, edit)])
    assert not [d for d in problems if d.is_error and d.code != "locked-version-changed"]
    doc = {"case_id": "R", "creditor": {"vat_registered": True}, "debtor": {"kind": "consumer"},
           "claims": [{"invoice": "1", "amount": "1250.00", "due": "2026-01-15", "handed_over": "2026-03-02"}],
           "events": [{"step": "inkassovarsel", "date": "2026-03-02", "fee": "38.00", "due": "2026-03-16"}]}
    day = dt.date(2026, 3, 17)
    main = catalog.resolve("kravia", day)
    bindings = catalog.bind(main, day)
    assert bindings["no-regulation"].checked.params["chapter1_fees_inside_salaer_cap"] is inside
    record = record_of("send_betalingsoppfordring", "betalingsoppfordring",
                       {"fee": Decimal(salaer), "salaer": Decimal(salaer), "payment_deadline": dt.date(2026, 3, 31)},
                       Decimal("1300.00"))
    broken = [v.constraint.id for v in violations(bindings, "kravia", case_from_data(doc).data, day, record)]
    assert (broken == []) is lawful, broken
    if not lawful:
        assert broken == ["salaer-cap-lett"]


def test_a_recorded_fee_the_law_did_not_allow_is_not_owed():
    """A 70 NOK purring fee (the cap is 1/20 × 750 = 37.50 → 38 NOK from 2026) sent 8 days after due."""
    catalog, _ = bundled_catalog(ROOT / "policies")
    doc = {"case_id": "H", "creditor": {"vat_registered": True}, "debtor": {"kind": "consumer"},
           "claims": [{"invoice": "1", "amount": "1000.00", "due": "2026-01-15"}],
           "events": [{"step": "purring", "date": "2026-01-23", "fee": "70.00", "due": "2026-02-06"}]}
    decision = decide_case(catalog, case_from_data(doc), dt.date(2026, 1, 24), "conta", fast=True)
    text = " ".join(decision.warnings)
    assert "events[0]" in text and "not owed" in text
    assert "purring-fee" in text and "letter-fee-after-14-days" in text and "inkassoforskriften § 1-2" in text
    assert decision.amounts["fees"] == Decimal("0.00")         # the 70 NOK is not added


def _law_warns(path: Path):
    import yaml
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# law-warns: "):
            return yaml.safe_load(line[len("# law-warns: "):])
    return None


WARNED = [p for p in sorted((ROOT / "tests" / "cases").glob("*/*.yaml")) if _law_warns(p) is not None]


@pytest.mark.parametrize("path", WARNED, ids=lambda p: p.stem)
def test_a_corpus_case_warns_of_each_recorded_fee_the_law_did_not_allow(path):
    """The constraints each case's comment names (computed by hand there) are the warnings, on every version."""
    from engine.policy.case import load_case
    catalog, _ = bundled_catalog(ROOT / "policies")
    case = load_case(str(path))
    for version in catalog.versions(path.parent.name):
        decision = decide_case(catalog, case, case.data["as_of"], f"{path.parent.name}@{version.effective}", fast=True)
        warned = [w for w in decision.warnings if "is not owed" in w]
        named = sorted({c for w in warned for c in _law_warns(path) if f"no-regulation/{c};" in w})
        assert named == sorted(_law_warns(path)) and len(warned) == len(named), decision.warnings
        assert all("LD-mirror" in w for w in warned)                # each with the law's source


def test_a_constant_fee_above_the_cap_is_found_without_a_case(tmp_path, run_cli):
    """conta's inkassovarsel fee (kravia's rule) as the constant 50 NOK: above 1/20 of the sats in every
    law version (2024: 1/20 × 700 = 35; 2026: 1/20 × 750 = 37.50 → 38; inkassoforskriften § 1-2).
    (conta, not kravia: validate's law search over the edited process costs a fraction of kravia's.)"""
    def edit(folder):
        path = folder / "conta" / "2024-01-01.yaml"
        text = path.read_text()
        assert text.count("    fee: varsel_fee\n") == 1
        path.write_text(text.replace("    fee: varsel_fee\n", "    fee: 50 NOK\n"))
    folder = _policies(tmp_path, edit, ("conta", "no-regulation"))
    code, out, _ = run_cli("validate", folder)
    line = _line_of(folder / "conta" / "2024-01-01.yaml", "    fee: 50 NOK")
    assert code == 1
    assert f"2024-01-01.yaml:{line}:10: error[breaks-law]: rule `inkassovarsel` breaks no-regulation/inkassovarsel-fee" in out
    assert "the rule's outputs are constants" in out
