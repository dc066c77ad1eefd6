"""The second jurisdiction: the Dutch WIK rules (policies/nl-wik, policies/nl-incasso), written
only as policies, case files and jurisdiction data.

Every expected figure below is computed by hand from the law, with the arithmetic beside it:
the scale of the Besluit vergoeding voor buitengerechtelijke incassokosten art. 2 (Stb. 2012,
141), the 14-day letter of art. 6:96 lid 6 BW, and the statutory interest rates as cited in
policies/nl-wik. The corpus cases (tests/cases/nl-incasso) carry their own `# expect:` lines,
checked by tests/decide/test_claims.py; the tests here cover the contested readings, the boundaries of
each band, the law's constraints, diff and batch.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from engine.policy.case import case_from_data, load_case
from engine.decide.decision import decide_case
from engine.check.pipeline import load_catalog
from support.catalogs import bundled_catalog

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases" / "nl-incasso"
CATALOG, PROBLEMS = bundled_catalog(ROOT / "policies")

# A consumer whose 14-day letter ran out unpaid: the next decision claims the costs.
_LETTER_EXPIRED = [{"step": "herinnering", "date": "2024-06-04", "due": "2024-06-11"},
                   {"step": "veertiendagenbrief", "date": "2024-06-12", "due": "2024-06-28"}]


def _case(amount: str, *, kind: str = "consumer", vat_registered: bool = True, events=None, payments=()) -> dict:
    return {"case_id": "NL-T", "creditor": {"vat_registered": vat_registered}, "debtor": {"kind": kind},
            "claims": [{"invoice": "T-1", "amount": amount, "due": "2024-06-03"}],
            "events": _LETTER_EXPIRED if events is None else events, "payments": list(payments)}


def _decide(doc: dict, day: str, catalog=CATALOG, fast: bool = False) -> dict:
    """The decision JSON (`frin decide`'s, without the trace)."""
    return decide_case(catalog, case_from_data(doc), dt.date.fromisoformat(day), "nl-incasso", fast=fast).to_dict(False)


def test_the_dutch_policies_are_valid():
    assert not [d for d in PROBLEMS if d.is_error and "nl-" in str(d)]
    assert [v.effective.isoformat() for v in CATALOG.versions("nl-wik")] == ["2024-01-01", "2024-07-01", "2025-01-01"]


@pytest.mark.parametrize("principal, costs", [
    # Besluit BIK art. 2 lid 1 and 2: 15 % / 10 % / 5 % / 1 % / 0.5 % by band, min 40, max 6,775.
    ("100.00", "40.00"),           # 15 % = 15.00 < 40: the minimum (lid 2)
    ("266.66", "40.00"),           # 15 % = 39.999 → the minimum 40.00
    ("266.67", "40.00"),           # 15 % = 40.0005 → 40.00 (rounded to the cent)
    ("267.00", "40.05"),           # 15 % = 40.05
    ("2500.00", "375.00"),         # 15 % × 2,500
    ("2500.10", "375.01"),         # 375 + 10 % × 0.10 = 375.01
    ("5000.00", "625.00"),         # 375 + 10 % × 2,500 = 375 + 250
    ("10000.00", "875.00"),        # 625 + 5 % × 5,000 = 625 + 250
    ("10001.00", "875.01"),        # 875 + 1 % × 1.00
    ("200000.00", "2775.00"),      # 875 + 1 % × 190,000 = 875 + 1,900
    ("200002.00", "2775.01"),      # 2,775 + 0.5 % × 2.00
    ("999998.00", "6774.99"),      # 2,775 + 0.5 % × 799,998 = 2,775 + 3,999.99
    ("1000000.00", "6775.00"),     # 2,775 + 0.5 % × 800,000 = 6,775: the maximum reached
    ("5000000.00", "6775.00"),     # capped at 6,775
])
def test_the_scale_band_by_band(principal, costs):
    for fast in (False, True):
        decision = _decide(_case(principal), "2024-07-01", fast=fast)
        assert (decision["action"], decision["fee"]) == ("claim_collection_costs", costs), (principal, fast)


def test_a_business_debtor_owes_the_costs_without_a_14_day_letter():
    """Art. 6:96 lid 6 BW protects consumers only; lid 4: at least EUR 40 from default.
    200.00 × 15 % = 30.00 → 40.00; the same case for a consumer needs the letter first."""
    reminded = [{"step": "herinnering", "date": "2024-06-04", "due": "2024-06-11"}]
    business = _decide(_case("200.00", kind="business", events=reminded), "2024-06-12")
    assert (business["action"], business["fee"]) == ("claim_collection_costs", "40.00")
    consumer = _decide(_case("200.00", events=reminded), "2024-06-12")
    assert (consumer["action"], consumer["fee"]) == ("send_14_day_letter", "0.00")


def _edited(tmp_path: Path, monkeypatch, old: str, new: str) -> Path:
    """A copy of the catalog with one line of both nl-wik versions changed (and no lock), as the
    working folder: its files are shown as `policies/...`, so the unchanged ones are found in the load cache."""
    folder = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", folder)
    monkeypatch.chdir(tmp_path)
    for path in (folder / "nl-wik").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (path, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


@pytest.mark.parametrize("within, costs", [
    # n14: the scale gives 6,775.00 for 1,200,000.00; raised by 21 % (Besluit BIK art. 2 lid 3):
    (True, "6775.00"),             # within the maximum (betalis.nl): min(8,197.75, 6,775)
    (False, "8197.75"),            # on top (the literal lid 3): 6,775 × 1.21 = 8,197.75
])
def test_both_readings_of_vat_within_the_maximum(tmp_path, monkeypatch, within, costs):
    folder = _edited(tmp_path, monkeypatch, "    value: true\n    source: \"Besluit BIK art. 2 lid 1 and 3; betalis.nl",
                     f"    value: {str(within).lower()}\n    source: \"Besluit BIK art. 2 lid 1 and 3; betalis.nl")
    catalog, problems = load_catalog([folder])
    assert not [d for d in problems if d.is_error and d.code != "locked-version-changed"]
    case = load_case(str(CASES / "n14-vat-at-maximum.yaml"))
    for fast in (False, True):
        decision = decide_case(catalog, case, case.data["as_of"], "nl-incasso", fast=fast)
        assert decision.to_dict(False)["fee"] == costs
    # A creditor that can deduct VAT: no raise under either reading (n10: 6,775.00).
    case = load_case(str(CASES / "n10-business-maximum.yaml"))
    assert decide_case(catalog, case, case.data["as_of"], "nl-incasso").to_dict(False)["fee"] == "6775.00"


@pytest.mark.parametrize("days, lawful", [
    # A letter sent 2024-06-12 with deadline 2024-06-27: the 14 days start the day after receipt
    # (HR 25-11-2016, ECLI:NL:HR:2016:2704). Received after 1 day (06-13): 06-14 … 06-27, lawful;
    # after 2 days (06-14): it needed 06-28, so it is no 14-day letter.
    (1, True), (2, False),
])
def test_both_readings_of_the_receipt_of_the_14_day_letter(tmp_path, monkeypatch, days, lawful):
    folder = _edited(tmp_path, monkeypatch, "    value: 2 days\n", f"    value: {days} days\n")
    catalog, problems = load_catalog([folder])
    assert not [d for d in problems if d.is_error and d.code != "locked-version-changed"]
    events = [{"step": "herinnering", "date": "2024-06-04", "due": "2024-06-11"},
              {"step": "veertiendagenbrief", "date": "2024-06-12", "due": "2024-06-27"}]
    decision = _decide(_case("1000.00", events=events), "2024-06-28", catalog)
    if lawful:       # 15 % × 1,000.00 = 150.00, term 06-28 + 14 = 2024-07-12 (a Friday)
        assert (decision["action"], decision["fee"], decision["payment_deadline"]) == (
            "claim_collection_costs", "150.00", "2024-07-12")
    else:            # a new letter: 06-28 + 2 + 14 = 07-14, a Sunday → Monday 2024-07-15
        assert (decision["action"], decision["payment_deadline"]) == ("send_14_day_letter", "2024-07-15")
    # The new letter's deadline follows the reading: 06-28 + 1 + 14 = 07-13 (Saturday) → 07-15 too,
    # so check a Monday: 2024-07-01 + 1 + 14 = 07-16 (Tuesday); + 2 + 14 = 07-17 (Wednesday).
    fresh = _decide(_case("1000.00", events=events[:1]), "2024-07-01", catalog)
    assert fresh["payment_deadline"] == f"2024-07-{15 + days}"


def test_a_recorded_consumer_fee_without_a_letter_is_not_owed():
    """n23: costs charged to a consumer with no 14-day letter (art. 6:96 lid 6 BW) are reported and not owed."""
    case = load_case(str(CASES / "n23-costs-without-letter.yaml"))
    decision = decide_case(CATALOG, case, case.data["as_of"], "nl-incasso", fast=True)
    text = " ".join(decision.warnings)
    assert "events[1]" in text and "not owed" in text
    assert "nl-wik/consumer-costs-after-expired-letter" in text and "art. 6:96 lid 6 BW" in text
    assert decision.to_dict(False)["amounts"]["costs"] == "0.00"


def test_a_process_charging_a_consumer_before_the_letter_breaks_the_law(tmp_path, monkeypatch, run_cli):
    """nl-incasso edited to skip the 14-day letter for consumers (it goes to businesses instead):
    `frin validate` finds a case where that breaks nl-wik's consumer-costs-after-expired-letter."""
    folder = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", folder)
    monkeypatch.chdir(tmp_path)     # files shown as policies/...: the unchanged ones are found in the load cache
    path = folder / "nl-incasso" / "2024-01-01.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("    when: not is_business and ") == 2          # the letter and its term
    path.write_text(text.replace("    when: not is_business and ", "    when: is_business and "), encoding="utf-8")
    code, out, _ = run_cli("validate", folder)
    assert code == 1
    assert "breaks nl-wik/consumer-costs-after-expired-letter" in out


def test_diff_of_the_two_law_versions_shows_the_commercial_rate(run_cli):
    """The only corpus case that changes: n15, a business case decided 2024-08-30 whose interest
    runs across 2024-07-01. nl-wik@2024-01-01: 10,000 × 12.50 % × 91 / 365 = 311.64;
    nl-wik@2024-07-01: × 12.50 % × 30 / 365 + × 12.25 % × 61 / 365 = 102.7397 + 204.7260 = 307.47."""
    code, out, _ = run_cli("diff", "nl-wik@2024-01-01", "nl-wik@2024-07-01", "--cases", "tests/cases/nl-incasso",
                           "--format", "markdown")
    assert code == 0, out
    assert "`N15-BUSINESS-INTEREST-JULY`" in out
    assert "`311.64`" in out and "`307.47`" in out
    # the other two: the business cases of issue 18 whose interest also runs across 2024-07-01
    # (n25) or is decided under a version whose handelsrente differs in 2024 H2 (n27)
    assert "3 of 27 cases change" in out
    assert "`N25-COMPOUNDS-TWO-YEARS`" in out and "`N27-BUSINESS-RATE-2025`" in out
    assert "handelsrente" in out


def test_batch_decides_the_dutch_corpus_as_decide_does(tmp_path, run_cli):
    """Every nl-incasso corpus case through `frin batch` (JSON Lines in, CSV out): each row has
    the scalar evaluator's action and fee, and the hand-computed fee of its `# expect:` line."""
    lines, expected = [], {}
    for path in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        lines.append(json.dumps(doc, default=str))
        want = next(yaml.safe_load(l[len("# expect: "):]) for l in path.read_text(encoding="utf-8").splitlines()
                    if l.startswith("# expect: "))
        case = load_case(str(path))
        decision = decide_case(CATALOG, case, case.data["as_of"], "nl-incasso").to_dict(False)
        expected[doc["case_id"]] = (decision["action"], decision["fee"], want)
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli("batch", source, "-o", tmp_path / "out.csv", "--format", "json")
    summary = json.loads(out)
    assert (code, summary["rows"], summary["decided"], summary["rejected"]) == (0, 27, 27, 0), (out, err)
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        action, fee, want = expected[row["case_id"]]
        assert row["action"] == action == want["action"]
        assert (Decimal(row["fee"]) if row["fee"] else None) == (Decimal(fee) if fee is not None else None)
        if want.get("fee") is not None:
            assert Decimal(row["fee"]) == Decimal(want["fee"])


def test_explain_in_english_names_the_law_and_the_amounts(run_cli):
    code, out, _ = run_cli("explain", "tests/cases/nl-incasso/n07-costs-3000.yaml", "--lang", "en")
    assert code == 0, out
    assert "claim_collection_costs" in out and "425.00" in out
    assert "Besluit BIK art. 2" in out
