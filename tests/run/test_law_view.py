"""The law's own view of a case (engine/run/law_view.py) and what is judged against it.

Every expected figure is computed by hand from the law, in the case files' comments
(tests/cases/kravia/k41-k43, tests/cases/nl-incasso/n25-n27) or beside the assertion; none
is copied from the engine's output.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.check.pipeline import load_catalog
from support.catalogs import bundled_catalog
from engine.decide.decision import decide_case
from engine.policy.case import case_from_data, load_case
from engine.run.law_view import law_view
from engine.values.interest import CompoundingSchedule, interest_on

ROOT = Path(__file__).resolve().parents[2]
CATALOG, PROBLEMS = bundled_catalog(ROOT / "policies")


def _expect(path: Path) -> dict:
    line = next(l for l in path.read_text(encoding="utf-8").splitlines() if l.startswith("# expect: "))
    return yaml.safe_load(line[len("# expect: "):])


# The kravia cases' hand-computed figures (their comments show the arithmetic and the sources).
KRAVIA = {
    "k41-recorded-salaer-over-the-cap-by-one-fee": {"action": "wait", "amounts": {"interest": "252.49", "fees": "2250.00", "total": "14502.49"}},
    "k42-recorded-salaer-at-the-sats-when-paid": {"action": "send_betalingsoppfordring_tungt", "salaer": "600.00",
                                                  "amounts": {"interest": "206.95", "fees": "600.00", "total": "5806.95"}},
    "k43-prepayment": {"action": "send_inkassovarsel", "fee": "38.00", "payment_deadline": "2026-03-16",
                       "amounts": {"principal": "1000.00", "interest": "15.12", "fees": "0.00", "total": "1015.12"}},
}
DUTCH = ["n25-compounds-over-two-year-ends", "n26-consumer-rate-2025", "n27-business-rate-2025"]


@pytest.mark.parametrize("name", sorted(KRAVIA) + DUTCH)
def test_the_hand_computed_cases(name):
    folder = "kravia" if name in KRAVIA else "nl-incasso"
    path = ROOT / "tests" / "cases" / folder / f"{name}.yaml"
    want = KRAVIA.get(name) or _expect(path)
    case = load_case(str(path))
    got = decide_case(CATALOG, case, case.data["as_of"], fast=True).to_dict(False)
    for key, value in want.items():
        if key == "amounts":
            assert {k: got["amounts"][k] for k in value} == value, name
        else:
            assert got[key] == value, (name, key)
    assert not got.get("violations")


def test_only_the_excess_of_a_recorded_fee_is_not_owed():
    """k41: 2 250 recorded where 2 250 − 38 = 2 212 was the most (the varsel fee inside the cap)."""
    case = load_case(str(ROOT / "tests/cases/kravia/k41-recorded-salaer-over-the-cap-by-one-fee.yaml"))
    warnings = decide_case(CATALOG, case, case.data["as_of"], fast=True).warnings
    assert any("38.00 NOK of it is not owed (2212.00 NOK is)" in w and "salaer-cap-lett" in w for w in warnings), warnings


def test_a_recorded_salaer_is_judged_at_the_sats_when_the_principal_is_paid():
    """k42 decided while the principal is unpaid: sats 750 (cap 600, owed). Paid in full on
    2025-12-15 (sats 700 then: cap 0.8 × 700 = 560), the same 600 is over by 40.00."""
    path = ROOT / "tests/cases/kravia/k42-recorded-salaer-at-the-sats-when-paid.yaml"
    case = load_case(str(path))
    assert decide_case(CATALOG, case, case.data["as_of"], fast=True).warnings == []
    data = {**json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str)),
            "payments": [{"date": "2025-12-15", "amount": "6000.00"}]}
    paid = case_from_data({k: v for k, v in data.items() if k != "as_of"}, "<k42-paid>")
    warnings = decide_case(CATALOG, paid, dt.date(2026, 2, 2), "kravia", fast=True).warnings
    assert any("40.00 NOK of it is not owed (560.00 NOK is)" in w for w in warnings), warnings


def test_the_view_of_a_case():
    """k41's view on 2026-03-20: principal 12 000; interest 252.49 (the case file); the costs the
    law allowed: 38 + 2 212 = 2 250, above the § 3a 460 it is offset against; no payment."""
    case = load_case(str(ROOT / "tests/cases/kravia/k41-recorded-salaer-over-the-cap-by-one-fee.yaml"))
    decision = decide_case(CATALOG, case, case.data["as_of"], fast=True)
    view = decision.law_view
    assert view.law == "no-regulation@2026-01-01"
    assert view.principal == {"K-41": Decimal("12000.00")}
    assert (view.interest_accrued, view.interest, view.costs_charged, view.paid) == (
        Decimal("252.49"), Decimal("252.49"), Decimal("2250.00"), Decimal("0.00"))
    assert view.balance == Decimal("14502.49")
    assert view.exceeds({"interest": Decimal("252.50"), "total": Decimal("14502.49")}) == [
        ("interest", Decimal("252.50"), Decimal("252.49"))]


def test_yearly_compounding_is_data_on_the_schedule():
    """1 000 at 10 % for two years of 365 days: 100.00, then 10 % of 1 100 = 110.00: 210.00;
    a plain schedule (the Norwegian kind) stays simple: 200.00."""
    entries = [(dt.date(2020, 1, 1), Decimal("0.10"))]
    start, end = dt.date(2025, 1, 1), dt.date(2027, 1, 1)
    assert round(interest_on(Decimal(1000), start, end, CompoundingSchedule(entries)), 2) == Decimal("210.00")
    assert round(interest_on(Decimal(1000), start, end, entries), 2) == Decimal("200.00")
    rates = CATALOG.resolve("nl-wik", dt.date(2025, 6, 1)).params["handelsrente"]
    assert isinstance(rates, CompoundingSchedule)
    assert not isinstance(CATALOG.resolve("no-regulation", dt.date(2026, 6, 1)).params["late_interest"], CompoundingSchedule)


def test_a_stale_figure_is_never_charged_silently():
    """nl-wik's rates were set up to 2025-07-01 (review_by) and no later version was found: a
    Dutch decision after that date is held naming them, or made with --allow-stale and says so."""
    path = ROOT / "tests/cases/nl-incasso/n27-business-rate-2025.yaml"
    case = load_case(str(path))
    held = decide_case(CATALOG, case, dt.date(2025, 7, 2), fast=True).to_dict(False)
    assert held["action"] == "legal_review"
    stale = [v for v in held["violations"] if v["constraint"] == "stale-figure"]
    assert {v["text"]["en"].split("`")[1] for v in stale} == {"nl-wik.wettelijke_rente", "nl-wik.handelsrente"}
    assert all(v["policy"] == "nl-wik@2025-01-01" and "2025-07-01" in v["text"]["en"] for v in stale)
    made = decide_case(CATALOG, case, dt.date(2025, 7, 2), fast=True, allow_stale=True).to_dict(False)
    assert made["action"] == "send_reminder"
    assert sum("decided with a stale figure (--allow-stale)" in w for w in made["warnings"]) == 2
    # on 2025-07-01 itself the figures are still current: decided
    assert decide_case(CATALOG, case, dt.date(2025, 7, 1), fast=True).to_dict(False)["action"] == "send_reminder"


def test_decide_allow_stale_on_the_command_line(run_cli):
    case = "tests/cases/nl-incasso/n27-business-rate-2025.yaml"
    code, out, _ = run_cli("decide", case, "--as-of", "2025-08-01", "--no-trace")
    assert code == 1 and '"stale-figure"' in out
    code, out, _ = run_cli("decide", case, "--as-of", "2025-08-01", "--no-trace", "--allow-stale")
    assert code == 0 and "decided with a stale figure (--allow-stale)" in out


def test_stale_figures_in_the_readers_language(run_cli):
    """The stale-figure reason and the --allow-stale warning are locale phrases (notices.stale_figure,
    notices.stale_allowed): no-regulation's figures are due for review on 2027-01-01 and the catalog
    has no later published version, so a decision on 2027-02-01 is held, in Norwegian with --lang nb."""
    case = "tests/cases/kravia/k43-prepayment.yaml"
    code, out, _ = run_cli("explain", case, "--as-of", "2027-02-01", "--lang", "nb")
    assert "bryter no-regulation/stale-figure: `no-regulation.inkassosats` (no-regulation@2026-07-01) skulle vært " \
           "vurdert innen 2027-01-01" in out, out
    code, out, _ = run_cli("explain", case, "--as-of", "2027-02-01", "--lang", "nb", "--allow-stale")
    assert "avgjort med en utdatert sats (--allow-stale): `no-regulation.inkassosats`" in out, out
    assert "skulle vært vurdert innen 1. januar 2027" in out
    # the decision JSON keeps its English text
    code, out, _ = run_cli("decide", case, "--as-of", "2027-02-01", "--no-trace", "--allow-stale")
    assert "decided with a stale figure (--allow-stale): `no-regulation.inkassosats` (no-regulation@2026-07-01) was " \
           "due for review on 2027-01-01" in out


def test_batch_allow_stale_decides_and_records_it(run_cli, tmp_path):
    """`frin batch --allow-stale` means what decide's does: without it the row is held (a reject
    naming the stale figure), with it decided, its `warnings` column naming each stale figure."""
    pytest.importorskip("polars")
    data = yaml.safe_load((ROOT / "tests/cases/nl-incasso/n27-business-rate-2025.yaml").read_text(encoding="utf-8"))
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(data, default=str) + "\n", encoding="utf-8")
    out_file, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.csv"
    code, out, _ = run_cli("batch", cases, "-o", out_file, "--rejects", rejects, "--as-of", "2025-08-01",
                           "--no-progress")
    assert code == 2, out
    assert "stale-figure" in rejects.read_text(encoding="utf-8")
    code, out, _ = run_cli("batch", cases, "-o", out_file, "--rejects", rejects, "--as-of", "2025-08-01",
                           "--no-progress", "--allow-stale")
    assert code == 0, out
    rows = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert [r["action"] for r in rows] == ["send_reminder"]
    stale = [w for w in rows[0]["warnings"] if w.startswith("decided with a stale figure (--allow-stale)")]
    assert len(stale) == 2 and all("2025-07-01" in w for w in stale), rows[0]["warnings"]


def test_a_decision_made_with_stale_figures_replays_the_same(run_cli, tmp_path):
    """The decision log keeps --allow-stale (decide and batch): replay decides with it, so the
    logged decision is found identical instead of held for the stale figures."""
    pytest.importorskip("polars")
    case = ROOT / "tests/cases/nl-incasso/n27-business-rate-2025.yaml"
    log = str(tmp_path / "log.sqlite")
    code, _, err = run_cli("decide", case, "--as-of", "2025-08-01", "--no-trace", "--allow-stale", "--log", log)
    assert code == 0, err
    decided = err.split("logged: record ")[1].split()[0]
    code, out, _ = run_cli("replay", decided, "--log", log)
    assert code == 0 and out.startswith("identical"), out
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(yaml.safe_load(case.read_text(encoding="utf-8")), default=str) + "\n", encoding="utf-8")
    batch_log = str(tmp_path / "batch.sqlite")
    code, out, _ = run_cli("batch", cases, "-o", tmp_path / "out.jsonl", "--as-of", "2025-08-01", "--allow-stale",
                           "--no-progress", "--log", batch_log)
    assert code == 0, out
    from engine.audit.store import open_log
    record = list(open_log(batch_log).records())[0]
    assert json.loads(record.request)["allow_stale"] is True
    code, out, _ = run_cli("replay", record.id, "--log", batch_log)
    assert code == 0 and out.startswith("identical"), out


# ── the property: whatever a process chooses, no emitted decision exceeds the law's view ────────

def _variants(seed: int, n: int) -> list[tuple[str, str]]:
    """Random process policies built from the bundled demo: a random purring fee, a random
    interest rate of their own, a random `escalate` fee, and `uses` of the law left out (the demo
    has none) or put in."""
    rng = random.Random(seed)
    text = (ROOT / "policies" / "demo" / "2026-01-01.yaml").read_text(encoding="utf-8")
    out = []
    for i in range(n):
        name = f"variant{i}"
        t = text.replace("policy: demo", f"policy: {name}").replace("      - {from: 2026-07-01, value: 12.25 %",
                                                                    f"      - {{from: 2026-07-01, value: {rng.choice([0, 8, 12.25, 30, 50])} %")
        t = t.replace("    max: 38 NOK\n", "").replace("value: round_kr(sats / 20)", f"value: {rng.choice([0, 20, 38, 39, 70, 500])} NOK")
        if rng.random() < 0.5:
            t = t.replace("    action: escalate\n", f"    action: escalate\n    fee: {rng.choice([1, 38, 300])} NOK\n")
        if rng.random() < 0.5:
            t = t.replace("calendar: {country", "uses: {law: no-regulation}\ncalendar: {country")
        out.append((name, t))
    return out


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    folder = tmp_path_factory.mktemp("variants") / "policies"
    shutil.copytree(ROOT / "policies" / "no-regulation", folder / "no-regulation")
    names = []
    for name, text in _variants(18, 6):
        (folder / name).mkdir(parents=True)
        (folder / name / "2026-01-01.yaml").write_text(text.replace("status: published\n", ""), encoding="utf-8")
        names.append(name)
    catalog, problems = load_catalog([folder])
    assert not [d for d in problems if d.is_error and d.code != "breaks-law"], problems
    return catalog, names


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(which=st.integers(0, 5), amount=st.integers(100, 20000), days=st.integers(0, 120),
       paid=st.sampled_from([0, 100, 5000, 30000]), reminded=st.integers(-1, 60), kind=st.sampled_from(["consumer", "business"]))
def test_no_emitted_decision_exceeds_the_laws_view(variants, which, amount, days, paid, reminded, kind):
    catalog, names = variants
    due = dt.date(2026, 1, 15)
    as_of = due + dt.timedelta(days=days)
    data = {"case_id": "P", "creditor": {"vat_registered": True}, "debtor": {"kind": kind},
            "claims": [{"invoice": "1", "amount": f"{amount}.00", "due": due.isoformat()}],
            "payments": [{"date": (due + dt.timedelta(days=1)).isoformat(), "amount": f"{paid}.00"}] if paid and days > 1 else [],
            "events": [{"step": "reminder", "date": (due + dt.timedelta(days=reminded)).isoformat()}]
            if 0 <= reminded < days else []}
    case = case_from_data(data, "<property>")
    decision = decide_case(catalog, case, as_of, names[which], fast=True)
    if decision.blocked:
        assert decision.outputs == {} and decision.action == "legal_review"
        return
    view = law_view(decision.bindings, decision.version, case.data, as_of)
    charged = max(decision.outputs.get("fee") or 0, decision.outputs.get("salaer") or 0)
    assert view.exceeds(decision.amounts, charged) == []
    if charged:
        # the law's own caps: a letter fee is at most 1/20 of the sats, 750 / 20 = 37.50 → 38
        # (inkassoforskriften § 1-2), and only on a regulated step; none once all is paid
        assert decision.step in ("purring", "inkassovarsel") and charged <= Decimal("38.00")
        assert view.balance > 0


def test_diff_shows_the_warnings_of_both_sides_where_they_differ(tmp_path, run_cli):
    """k42 under the law of 2025 H2 (sats 700: the 600 salær is over the 0.8 × 700 = 560 cap by
    40.00) and of 2026 H1 (sats 750: cap 600, owed): the changed decision carries the warning."""
    shutil.copy(ROOT / "tests/cases/kravia/k42-recorded-salaer-at-the-sats-when-paid.yaml", tmp_path)
    code, out, _ = run_cli("diff", "no-regulation@2025-07-01", "no-regulation@2026-01-01", "--cases", tmp_path)
    assert code == 0, out
    line = next(l for l in out.splitlines() if l.strip().startswith("warnings:"))
    assert "40.00 NOK of it is not owed (560.00 NOK is)" in line and line.rstrip().endswith("→ —")
