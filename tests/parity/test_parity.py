"""Every example case through the reference evaluator and the compiled fast path: identical decisions."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.policy.case import load_case
from engine.decide.decision import decide_case
from engine.check.pipeline import load_catalog

ROOT = Path(__file__).resolve().parents[2]
DATES = [dt.date(2026, 2, 10), dt.date(2026, 2, 23), dt.date(2026, 2, 24), dt.date(2026, 3, 2), dt.date(2026, 7, 1), dt.date(2027, 1, 4)]


@pytest.fixture(scope="module")
def catalog():
    catalog, problems = load_catalog([ROOT / "policies" / "demo"])
    assert not [d for d in problems if d.is_error]
    return catalog


@pytest.mark.parametrize("case_file", sorted((ROOT / "examples").glob("demo-*.yaml")), ids=lambda p: p.stem)
@pytest.mark.parametrize("day", DATES, ids=str)
def test_reference_and_compiled_agree(catalog, case_file, day):
    case = load_case(case_file)
    reference = decide_case(catalog, case, day, trace=True).to_dict(include_trace=False)
    compiled = decide_case(catalog, case, day, fast=True).to_dict(include_trace=False)
    assert compiled == reference
