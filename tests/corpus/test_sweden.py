"""Sweden as data only (issue 22): policies/jurisdictions/SE.yaml, policies/se-inkasso-lag, two
processes (se-borgenar, a creditor's own; se-inkassobyra, an agency), policies/locales/sv.yaml.

Every case under tests/cases/se-*/ carries a `# expect:` line computed by hand from the law
(the arithmetic and the source are in the case file); the decisions must match it. A Swedish
decision has no `salaer`; `--lang sv` explains in Swedish, the ledger's lines included; the
law search tries every Swedish constraint on generated cases.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from engine.check.pipeline import load_catalog
from engine.decide.decision import decide_case
from engine.explain.text import explain_text
from engine.policy.case import load_case

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "tests" / "cases").glob("se-*/*.yaml"))


@pytest.fixture(scope="module")
def catalog():
    found, problems = load_catalog([ROOT / "policies"])
    assert not [d for d in problems if d.is_error]
    return found


def _expected(path: Path) -> dict:
    line = next(l for l in path.read_text(encoding="utf-8").splitlines() if l.startswith("# expect: "))
    return yaml.safe_load(line[len("# expect: "):])


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_each_case_decides_as_computed_by_hand(catalog, path):
    case = load_case(str(path))
    decision = decide_case(catalog, case, case.data["as_of"], path.parent.name, fast=True).to_dict(False)
    want = _expected(path)
    for key, value in want.items():
        if key == "amounts":
            assert {k: decision["amounts"][k] for k in value} == value, path.name
        else:
            assert str(decision[key]) == str(value), (path.name, key)
    assert "salaer" not in decision


def test_sweden_names_no_salaer_and_speaks_swedish(catalog):
    sweden = catalog.jurisdictions.of("SE")
    assert (sweden.currency, sweden.timezone, sweden.languages) == ("SEK", "Europe/Stockholm", ("sv", "en"))
    case = load_case(str(ROOT / "tests/cases/se-borgenar/b07-business.yaml"))
    decision = decide_case(catalog, case, case.data["as_of"], "se-borgenar", trace=True)
    text = explain_text(decision, catalog, "sv")
    # the ledger's lines: the förseningsersättning (450 kr, lag 1981:739 4 a §) offset against the fees
    assert "2024-09-03  förseningsersättning (avräknas mot avgifterna) 450,00" in text
    headings = ("Rules, in order", "Definitions evaluated", "Figures used", "because", "Amounts", "Decision")
    assert not [w for w in headings if w in text], text
    ledger = [line for line in text.splitlines() if line.startswith("      ")]     # the ledger's steps
    english = ("principal", "interest", "fixed compensation", "claim(s)", "paid", "costs", "unpaid")
    assert ledger and not [w for line in ledger for w in english if w in line.split()], ledger


def test_the_law_search_tries_every_swedish_constraint(catalog, monkeypatch):
    from engine.verify import law_search
    swedish = {k: v for k, v in catalog.checked.items() if v.jurisdiction is not None and v.jurisdiction.code == "SE"}
    monkeypatch.setattr(catalog, "checked", swedish)
    tried: Counter = Counter()
    problems = law_search.law_problems(catalog, tried)
    assert not [d for d in problems if d.is_error], [d.message for d in problems]
    names = law_search.constraints_by_jurisdiction(catalog)["SE"]
    assert len(names) == 7
    assert all(tried[("SE", name)] > 0 for name in names), {n: tried[("SE", n)] for n in names}
