"""Every bundled policy version with rules: the columnar evaluator (through `decide_table`)
against the scalar evaluator, on every example case and the policies' embedded examples, on
several decision dates. A case the scalar evaluator rejects must be rejected, not decided."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from engine.batch.api import catalog_for, decide_table
from engine.batch.io import flat_row
from engine.batch.output import row_json
from engine.policy.case import case_from_data
from engine.core.document import load_document
from engine.decide.decision import decide_case
from engine.core.errors import CaseError, EvaluationError, UsageError
from engine.verify.parity import columnar_fields

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"
DATES = [dt.date(2026, 1, 20), dt.date(2026, 2, 23), dt.date(2026, 3, 2), dt.date(2026, 7, 1), dt.date(2027, 1, 4)]
# every field a columnar row holds: each output of the registry (engine/policy/outputs.py), and the claims set aside
_KEYS = (*columnar_fields(), "set_aside")


def _aside(decision: dict) -> dict:
    """The claims set aside as (claim, reason) pairs, the part the batch output carries."""
    return {**decision, "set_aside": [(s["claim"], s["reason"]) for s in decision["set_aside"]]}


def versions_with_rules():
    catalog = catalog_for(POLICIES)
    return sorted(key for key, checked in catalog.checked.items() if checked.rules)


def corpus(catalog):
    files = sorted((ROOT / "examples").glob("*.yaml")) + sorted((ROOT / "tests" / "fixtures" / "cases").glob("*.yaml"))
    docs = [load_document(p, str(p)).data for p in files if "violation" not in p.stem]  # YAML numbers: see test_batch
    for checked in catalog.checked.values():
        docs += [dict(ex.case) for ex in checked.version.examples]
    out = []
    for i, doc in enumerate(docs):
        doc = {k: v for k, v in doc.items() if k not in ("policy", "as_of")}
        doc["case_id"] = f"{doc.get('case_id', 'X')}#{i}"
        out.append(doc)
    return out


def scalar(catalog, spec, doc, day):
    """The scalar evaluator's decision of `doc` in the compared keys; None if it rejects the case."""
    try:
        case = case_from_data(doc)
        decision = decide_case(catalog, case, day, policy=spec, fast=True).to_dict(include_trace=False)
    except (CaseError, EvaluationError, UsageError):
        return None
    if decision.get("violations"):
        return None         # held by the law (a broken constraint, a stale figure): batch rejects the row with it
    aside = _aside(decision)
    # a decision carries only its jurisdiction's outputs (no `salaer` in NL or SE); a batch table
    # has every output's column, null where the row's jurisdiction has none
    return {k: aside.get(k) for k in _KEYS}


def columnar(spec, docs, day):
    """({input row: decision in the compared keys}, rejected input rows) from `decide_table`."""
    frame = pl.DataFrame([flat_row(d) for d in docs], infer_schema_length=None)
    decisions, rejects = decide_table(frame, spec, day, POLICIES)
    out = {}
    for row in decisions.iter_rows(named=True):
        got = _aside(row_json(row))
        out[row["row"]] = {k: got[k] for k in _KEYS}
    return out, set(rejects.get_column("row").to_list())


@pytest.mark.parametrize("key", versions_with_rules())
@pytest.mark.parametrize("day", DATES, ids=str)
def test_columnar_agrees_with_scalar(key, day):
    catalog = catalog_for(POLICIES)
    name = key.partition("@")[0]
    spec = f"{name}@{catalog.checked[key].version.effective}"
    docs = corpus(catalog)
    decided, rejected = columnar(spec, docs, day)
    assert decided or rejected, "the corpus gave nothing: the comparison would be empty"
    for row, doc in enumerate(docs, 1):
        want = scalar(catalog, spec, doc, day)
        if want is None:
            assert row in rejected, f"{doc['case_id']}: scalar rejects it, columnar decided {decided.get(row)}"
        else:
            assert decided.get(row) == want, doc["case_id"]


@pytest.mark.parametrize("text", ["-0.005", "0.005", "234.375", "-2071.30", "37.50", "-37.50", "112.49", "0"])
def test_fixed_point_rounding_matches_decimal(text):
    """The columnar round_ore / round_kr / floor_kr against engine.values.money on ties and negatives."""
    from decimal import Decimal

    from engine.columnar.values import Col, fixed, round_fixed
    from engine.values.money import DOWN_TO_KR, TO_KR, TO_ORE, floor_kr, round_kr, round_ore
    number, scale = fixed(Decimal(text))
    frame = pl.DataFrame({"x": [number]})
    for rounding, want in ((TO_ORE, round_ore), (TO_KR, round_kr), (DOWN_TO_KR, floor_kr)):
        col = round_fixed(Col(pl.col("x"), "num", scale), rounding)
        got = Decimal(frame.select(col.expr).item()).scaleb(-col.scale)
        assert got == want(Decimal(text)), (text, want.__name__)
