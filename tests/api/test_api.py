"""The Python API (engine/api/python.py): decide one case, explain it, decide a table, with
typed results (issue 20 item 2). Expected values are the law's, computed by hand."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

import engine
from engine.core.errors import CaseError, UsageError

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "examples/consumer-inkassovarsel.yaml"


def test_decide_a_case_file():
    decided = engine.decide_case(CASE)
    assert isinstance(decided, engine.Decided)
    assert (decided.action, decided.step, decided.policy, decided.blocked) == \
           ("send_inkassovarsel", "inkassovarsel", "kravia@2024-01-01", False)
    # inkassoforskriften § 1-2 (FOR-2025-12-19-2709): the inkassovarsel fee is 1/20 of the
    # inkassosats of 750 NOK in force 2026-03-02, in whole kroner: 37.50 -> 38.00.
    assert decided.fee == Decimal("38.00") and isinstance(decided.fee, Decimal)
    # inkassoloven § 9: at least 14 days to pay: 2026-03-02 + 14 days.
    assert decided.payment_deadline == dt.date(2026, 3, 16)
    # the creditor was paid 200.00 on account, before any cost arose (the case file)
    assert decided.amounts["paid"] == Decimal("200.00")
    assert decided.as_of == dt.date(2026, 3, 2) and decided.json["action"] == decided.action


def test_decide_a_mapping_with_overrides():
    data = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    decided = engine.decide_case(data, as_of="2026-03-02", policy="kravia@2024-01-01", policies=ROOT / "policies")
    assert decided.action == "send_inkassovarsel" and decided.case_id == "C-1001"


def test_explain_in_norwegian():
    explained = engine.explain_case(CASE, lang="nb")
    assert isinstance(explained, engine.Explained) and explained.lang == "nb"
    assert explained.text.startswith("Sak C-1001 per 2. mars 2026")      # the nb locale writes dates in words
    assert explained.decision.action == "send_inkassovarsel"


def test_errors_are_exceptions_with_the_problem():
    with pytest.raises(CaseError):
        engine.decide_case({"case_id": "X"})
    with pytest.raises(UsageError, match="unknown policy `nope`"):
        engine.decide_case(CASE, policy="nope")


def test_decide_a_table_returns_rejects_beside_the_decisions():
    pl = pytest.importorskip("polars")
    from engine.batch.io import flat_row
    import json
    case = json.loads(json.dumps(yaml.safe_load(CASE.read_text(encoding="utf-8")), default=str))
    flat = {k: v for k, v in case.items() if k in ("case_id", "as_of", "policy", "creditor", "debtor", "claims")}
    good = flat_row(flat)
    bad = {**good, "case_id": "BAD", "as_of": "2026-02-30"}
    result = engine.decide_table(pl.DataFrame([good, bad], infer_schema_length=None))
    assert isinstance(result, engine.DecidedTable) and isinstance(result.decisions, pl.DataFrame)
    assert result.decisions["case_id"].to_list() == ["C-1001"]
    assert {r["case_id"] for r in result.rejects} == {"BAD"}      # one entry per problem of the row
