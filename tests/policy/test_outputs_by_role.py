"""Outputs by role (engine/policy/outputs.py): a jurisdiction names its outputs onto the
registry's roles, and its decisions, rules and law see only those.

Norway names `salaer` (the `charge_part` role); the Netherlands does not, so a Dutch decision
has no `salaer` field, a Dutch rule may not give one and the Dutch law cannot read
`decision.salaer`.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.check.pipeline import load_catalog
from engine.decide.decision import decide_case
from engine.policy import outputs as registry
from engine.policy.case import load_case

ROOT = Path(__file__).resolve().parents[2]
EUR = ROOT / "tests" / "fixtures" / "jurisdiction-eur" / "policies"


@pytest.fixture(scope="module")
def bundled():
    from support.catalogs import bundled_catalog         # read only: the process's one bundled catalog
    catalog, problems = bundled_catalog()
    assert not [d for d in problems if d.is_error]
    return catalog


def test_each_jurisdiction_carries_the_outputs_it_names(bundled):
    norway, dutch = bundled.jurisdictions.of("NO"), bundled.jurisdictions.of("NL")
    assert [o.name for o in registry.json_order(norway)] == [
        "fee", "salaer", "payment_deadline", "not_before", "next_review", "commission"]
    assert "salaer" not in {o.name for o in registry.json_order(dutch)}
    assert registry.by_role(norway)["charge_part"].name == "salaer"
    assert "charge_part" not in registry.by_role(dutch)


def test_a_dutch_decision_has_no_salaer_and_a_norwegian_one_has(bundled):
    # n06: 1,000.00 EUR principal; Besluit BIK art. 2: 15 % of 1,000 = 150.00 EUR collection costs
    dutch = decide_case(bundled, load_case(str(ROOT / "tests/cases/nl-incasso/n06-costs-1000.yaml")),
                        load_case(str(ROOT / "tests/cases/nl-incasso/n06-costs-1000.yaml")).data["as_of"]).to_dict(False)
    assert dutch["fee"] == "150.00" and "salaer" not in dutch
    case = load_case(str(ROOT / "examples/tungt-salaer.yaml"))
    norwegian = decide_case(bundled, case, case.data["as_of"]).to_dict(False)
    assert "salaer" in norwegian


def _copy(tmp_path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(EUR, target)
    return target


def _errors(folder: Path) -> list:
    _, problems = load_catalog([folder])
    return [d for d in problems if d.is_error]


def test_a_rule_of_a_jurisdiction_without_salaer_may_not_give_one(tmp_path):
    folder = _copy(tmp_path)
    policy = next((folder / "wik-demo").glob("*.yaml"))
    text = policy.read_text()
    policy.write_text(text.replace("    fee: costs\n", "    fee: costs\n    salaer: costs\n", 1))
    (folder / "jurisdictions" / "NL.yaml").write_text(
        (folder / "jurisdictions" / "NL.yaml").read_text().replace(
            "languages: [en]", "outputs: {charge: fee, deadline: payment_deadline, wait: not_before, review: next_review,"
                               " commission: commission}\nlanguages: [en]"))
    (found,) = [d for d in _errors(folder) if "salaer" in d.message]
    assert found.code == "unknown-key" and "no output of jurisdiction NL" in found.message


def test_a_constraint_of_a_jurisdiction_without_salaer_cannot_read_it(tmp_path):
    folder = _copy(tmp_path)
    policy = next((folder / "wik-demo").glob("*.yaml"))
    policy.write_text(policy.read_text() + "constraints:\n  - id: no-salaer\n    require: decision.salaer == 0 EUR\n"
                      "    source: \"test\"\n    en: \"No salær.\"\n")
    assert [d for d in _errors(folder) if "salaer" in d.message], "decision.salaer must be unknown in NL"


def test_a_jurisdiction_maps_roles_onto_outputs_of_that_role():
    assert registry.role_problems({"charge": "fee", "charge_part": "salaer"}) == []
    assert [r for r, _ in registry.role_problems({"charge": "salaer", "fine": "fee", "review": "nope"})] == [
        "charge", "fine", "review"]
