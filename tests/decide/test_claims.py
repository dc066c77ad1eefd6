"""Claims one by one, the § 3a compensation in the ledger, the hand-over date.

The corpus cases written for these rules (tests/cases/*/) carry their expected decision,
computed by hand from the law, on a `# expect: {...}` comment line with the arithmetic and
the legal source above it. `test_hand_computed_case` decides each under every bundled
version of its policy and compares the fields the comment names; the snapshots
(test_cases.py) then guard the rest of the decision.
"""
from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from engine.policy.case import load_case
from engine.decide.decision import decide_case
from engine.check.pipeline import load_catalog
from support.catalogs import bundled_catalog
from engine.values.ledger import settle

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
CATALOG, _ = bundled_catalog(ROOT / "policies")


def _expectation(path: Path) -> dict | None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect: "):
            return yaml.safe_load(line[len("# expect: "):])
    return None


HAND_COMPUTED = [
    pytest.param(path, version.effective.isoformat(), id=f"{path.parent.name}@{version.effective}-{path.stem}")
    for path in sorted(CASES.glob("*/*.yaml")) if _expectation(path) is not None
    for version in CATALOG.versions(path.parent.name)
]


def test_the_hand_computed_cases_are_there():
    names = {p.values[0].stem for p in HAND_COMPUTED}
    assert len(names) >= 10


@pytest.mark.parametrize("path, version", HAND_COMPUTED)
def test_hand_computed_case(path: Path, version: str):
    expected = _expectation(path)
    case = load_case(str(path))
    for fast in (False, True):
        got = decide_case(CATALOG, case, case.data["as_of"], f"{path.parent.name}@{version}", fast=fast).to_dict(False)
        for key, want in expected.items():
            value = got[key]
            if key == "set_aside":
                value = [{"claim": s["claim"], "reason": s["reason"]} for s in value]
            elif key == "amounts":
                value = {k: value[k] for k in want}
            assert value == want, f"{path.name} ({'compiled' if fast else 'scalar'}): {key}"


def test_a_decision_lists_the_source_of_each_claim_set_aside():
    case = load_case(str(CASES / "kravia" / "k36-one-claim-disputed.yaml"))
    decision = decide_case(CATALOG, case, case.data["as_of"], "kravia")
    (entry,) = decision.to_dict(False)["set_aside"]
    assert entry["source"].startswith("inkassoloven § 17 second ledd")
    assert entry["text"]["nb"] and entry["text"]["en"]


def test_explain_names_each_claim_set_aside(run_cli):
    code, out, _ = run_cli("explain", "tests/cases/kravia/k35-one-claim-time-barred.yaml", "--lang", "nb")
    assert code == 0
    assert "Krav holdt utenfor" in out and "krav 0935: time_barred" in out
    code, out, _ = run_cli("explain", "tests/cases/kravia/k35-one-claim-time-barred.yaml", "--lang", "en")
    assert "Claims set aside" in out and "claim 0935: time_barred" in out


def test_only_when_no_claim_remains_does_the_first_reason_decide(tmp_path):
    # Both claims set aside, one disputed and one time-barred: `disputed` comes first in
    # kravia's set_aside list, so the case is held (not refused), and nothing is owed
    # (no claim is collected; inkassoloven § 17 second ledd, foreldelsesloven § 24).
    path = tmp_path / "case.yaml"
    path.write_text(
        "case_id: BOTH\nas_of: 2026-03-02\npolicy: kravia\ncreditor: {vat_registered: true}\n"
        "debtor: {kind: consumer}\nclaims:\n"
        "  - {invoice: A, amount: '2000.00', due: 2022-12-01}\n"
        "  - {invoice: B, amount: '300.00', due: 2026-01-10, disputed: true}\n"
        "events:\n  - {step: inkassovarsel, date: 2026-02-02, fee: '38.00', due: 2026-02-16}\n")
    case = load_case(str(path))
    got = decide_case(CATALOG, case, case.data["as_of"], "kravia").to_dict(False)
    assert (got["action"], got["rule"]) == ("hold", "disputed")
    assert [(s["claim"], s["reason"]) for s in got["set_aside"]] == [("A", "time_barred"), ("B", "disputed")]
    assert got["amounts"]["total"] == "0.00" and got["fee"] is None


def test_a_part_payment_keeps_a_claim_running(tmp_path):
    # foreldelsesloven §§ 14, 20: due 2022-12-01, part payment 2024-06-03 (before the bar on
    # 2025-12-01) starts a new 3 years to 2027-06-03; on 2026-03-02 the claim runs.
    # Without the payment it would be barred (2022-12-01 + 3 years < 2026-03-02).
    base = ("case_id: PP\nas_of: 2026-03-02\npolicy: kravia\ncreditor: {vat_registered: true}\n"
            "debtor: {kind: consumer}\nclaims:\n  - {invoice: A, amount: '2000.00', due: 2022-12-01, handed_over: 2023-01-02}\n")
    paid, unpaid = tmp_path / "paid.yaml", tmp_path / "unpaid.yaml"
    paid.write_text(base + "payments:\n  - {date: 2024-06-03, amount: '100.00'}\n")
    unpaid.write_text(base)
    assert decide_case(CATALOG, load_case(str(paid)), dt.date(2026, 3, 2), "kravia").set_aside == []
    (aside,) = decide_case(CATALOG, load_case(str(unpaid)), dt.date(2026, 3, 2), "kravia").set_aside
    assert aside.reason.rule.id == "time_barred"


def test_a_hand_over_after_the_decision_date_is_rejected(run_cli, tmp_path):
    path = tmp_path / "late.yaml"
    path.write_text("case_id: L\npolicy: kravia\ncreditor: {vat_registered: true}\ndebtor: {kind: consumer}\n"
                    "claims:\n  - {invoice: '1', amount: '100.00', due: 2026-01-01, handed_over: 2026-03-05}\n")
    code, out, err = run_cli("decide", str(path), "--as-of", "2026-03-01")
    assert code == 2 and out == ""
    assert "late.yaml:6:68: error[after-decision-date]: claims[0].handed_over is 2026-03-05" in err
    assert "Traceback" not in err


def test_without_handed_over_and_without_agency_steps_the_claim_is_handed_over_now():
    # kravia `handover`: no `handed_over` and no Kravia step in k35 → the decision date.
    case = load_case(str(CASES / "kravia" / "k35-one-claim-time-barred.yaml"))
    decision = decide_case(CATALOG, case, case.data["as_of"], "kravia", trace=True)
    values = {name: value for policy, name, value in decision.trace.definitions if policy == "kravia"}
    assert values["handover"] == dt.date(2026, 3, 2)


@pytest.mark.parametrize("inside, salaer", [
    # k36: lett cap on 800 NOK = 0.35 × 750 = 262.50 (inkassoforskriften § 2-2).
    # inside (§ 2-1 first ledd; Lovavdelingen 2000): the 38 NOK varsel fee counts → 224.50.
    (True, "224.50"),
    # outside (industry practice, seed 000): the letter fee is added on top → 262.50.
    (False, "262.50"),
])
def test_both_readings_of_chapter1_fees_inside_salaer_cap(tmp_path, monkeypatch, inside, salaer):
    # loaded from the copy's folder: its unchanged files are shown as in the checkout (`policies/...`),
    # so their load cache entries are the bundled ones' (the run's cache, conftest.py); the edited law is loaded afresh
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", folder)
    law = folder / "no-regulation" / "2026-01-01.yaml"
    text = law.read_text(encoding="utf-8")
    marker = "  chapter1_fees_inside_salaer_cap:\n"
    head, tail = text.split(marker)
    tail = tail.replace("    value: true\n", f"    value: {'true' if inside else 'false'}\n", 1)
    law.write_text(head + marker + tail, encoding="utf-8")
    catalog, problems = load_catalog([folder])
    assert not [p for p in problems if p.is_error and p.code != "locked-version-changed"]
    case = load_case(str(CASES / "kravia" / "k36-one-claim-disputed.yaml"))
    got = decide_case(catalog, case, case.data["as_of"], "kravia").to_dict(False)
    assert (got["fee"], got["salaer"]) == (salaer, salaer)


# ── the § 3a compensation in the ledger (engine/values/ledger.py) ────────────────
RATES = [(dt.date(2026, 1, 1), D("0.12"))]
ORDER = "costs, interest, principal"


def _claim(amount, due):
    return {"amount": D(amount), "due": due, "credited": D(0)}


def test_the_compensation_is_a_cost_offset_against_the_fees():
    # inkassoforskriften §§ 1-5, 2-6: costs owed = max(compensation, fees).
    # 460 from 2026-01-11; fees 38 + 224.50 = 262.50 < 460 → costs 460.00.
    fees = [{"date": dt.date(2026, 2, 1), "fee": D("38")}, {"date": dt.date(2026, 2, 20), "fee": D("224.50")}]
    r = settle([_claim("1000", dt.date(2026, 1, 10))], fees, [], dt.date(2026, 1, 10), RATES, ORDER, None, D("460"))
    assert r["costs"] == D("0.00")                                   # not yet owed on the due date
    r = settle([_claim("1000", dt.date(2026, 1, 10))], fees, [], dt.date(2026, 3, 1), RATES, ORDER, None, D("460"))
    assert r["costs"] == D("460.00")
    # A tungt salær of 400 more lifts the fees to 662.50 > 460: costs 662.50 (never 460 + 662.50).
    more = fees + [{"date": dt.date(2026, 2, 25), "fee": D("400")}]
    r = settle([_claim("1000", dt.date(2026, 1, 10))], more, [], dt.date(2026, 3, 1), RATES, ORDER, None, D("460"))
    assert r["costs"] == D("662.50")


def test_a_payment_settles_the_compensation_in_the_allocation_order():
    # Compensation 460 from 2026-01-11. Payment of 500 on 2026-01-31: interest first accrues
    # for 2026-01-11 … 01-31, 21 days: 1000 × 12 % × 21 / 365 = 6.9041…; order costs,
    # interest, principal: 460 to costs, 6.9041… to interest, 33.0958… to principal →
    # principal 966.9041… → 966.90.
    pays = [{"date": dt.date(2026, 1, 31), "amount": D("500")}]
    r = settle([_claim("1000", dt.date(2026, 1, 10))], [], pays, dt.date(2026, 1, 31), RATES, ORDER, None, D("460"))
    assert (r["costs"], r["interest"], r["principal"]) == (D("0.00"), D("0.00"), D("966.90"))


def test_batch_rows_with_a_claim_set_aside_are_decided_claim_by_claim():
    import json

    import polars as pl

    from engine.batch.api import decide_table
    k35 = load_case(str(CASES / "kravia" / "k35-one-claim-time-barred.yaml")).raw
    plain = load_case(str(CASES / "kravia" / "k01-fresh-consumer.yaml")).raw
    rows = [{"case_id": c["case_id"], "creditor_vat_registered": True, "debtor_kind": "consumer",
             "claims": json.dumps(c["claims"], default=str)} for c in (k35, plain)]
    decisions, rejects = decide_table(pl.DataFrame(rows), policy="kravia", as_of="2026-03-02")
    assert rejects.height == 0
    by_id = {r["case_id"]: r for r in decisions.to_dicts()}
    assert by_id["K35-ONE-CLAIM-TIME-BARRED"]["set_aside"] == "0935:time_barred"
    assert by_id["K35-ONE-CLAIM-TIME-BARRED"]["amount_principal"] == D("1250.00")
    assert by_id[plain["case_id"]]["set_aside"] == ""


def test_tungt_needs_a_missed_deadline_of_at_least_14_days(tmp_path):
    # inkassoforskriften § 2-3 third ledd (kravia `tungt_allowed`, law.own_bo_prior_deadline):
    # the tungt caps apply only if the BO followed a missed deadline of at least 14 days in
    # a purring sent after due or an inkassovarsel. Here the varsel gave 10 days, so the
    # lett cap stays the total: 0.35 × 750 = 262.50 − 38 (varsel, inside the cap) − 224.50
    # (lett salær charged) = 0 — no tungt salær (with 14 days, k38: 262.50).
    path = tmp_path / "short.yaml"
    path.write_text(
        "case_id: SHORT\nas_of: 2026-03-04\npolicy: kravia\ncreditor: {vat_registered: true}\n"
        "debtor: {kind: consumer}\nclaims:\n  - {invoice: A, amount: '1000.00', due: 2025-12-01}\n"
        "events:\n  - {step: inkassovarsel, date: 2026-01-05, fee: '38.00', due: 2026-01-15}\n"
        "  - {step: betalingsoppfordring, date: 2026-01-20, fee: '224.50', due: 2026-02-03}\n")
    case = load_case(str(path))
    got = decide_case(CATALOG, case, case.data["as_of"], "kravia").to_dict(False)
    assert got["salaer"] in (None, "0.00")


def test_fiken_a_credit_after_kravias_first_step_only_lowers_the_claim(tmp_path):
    # fiken-kravia: without `handed_over`, Kravia's inkassovarsel of 2026-02-02 is the
    # hand-over (kravia `handover`), so a later partial credit is not "credited at
    # hand-over" (seed 001: such invoices cannot be SENT) but lowers the claim: principal
    # 1 250 − 250 = 1 000; varsel expired 2026-02-16: BO with lett salær, band ≤ 1 000 →
    # 0.35 × 750 = 262.50, less the 38 NOK varsel fee inside the cap = 224.50
    # (inkassoforskriften §§ 2-1, 2-2).
    path = tmp_path / "credited.yaml"
    path.write_text(
        "case_id: FC\nas_of: 2026-03-02\npolicy: fiken-kravia\ncreditor: {vat_registered: true}\n"
        "debtor: {kind: consumer}\nclaims:\n  - {invoice: A, amount: '1250.00', due: 2026-01-15, credited: '250.00'}\n"
        "events:\n  - {step: inkassovarsel, date: 2026-02-02, fee: '38.00', due: 2026-02-16}\n")
    got = decide_case(CATALOG, load_case(str(path)), dt.date(2026, 3, 2), "fiken-kravia").to_dict(False)
    assert (got["action"], got["salaer"]) == ("send_betalingsoppfordring", "224.50")
