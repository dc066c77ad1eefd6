"""Stale-figure holds in batch: `law.judge_rows` walks only the rows something happens to (judged
per row, warned, broken as columns, or decided on a day whose figures are stale)."""
from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

from engine.batch.api import decide_table

ROOT = Path(__file__).resolve().parents[2]
POLICIES = str(ROOT / "policies")


def test_stale_figure_holds_reach_every_row_of_their_day_only():
    """`judge_rows` walks only the rows something happens to: a row decided on a day whose figures are
    stale is still held with the holds `decide` names (nl-wik's rates were set up to 2025-07-01,
    its review_by), and the same case a day earlier is decided (tests/run/test_law_view.py)."""
    from engine.batch.io import flat_row
    from engine.policy.case import load_case
    sys.path.insert(0, str(ROOT / "tests" / "parity"))
    from test_corpus_parity import _plain
    data = _plain(load_case(str(ROOT / "tests/cases/nl-incasso/n27-business-rate-2025.yaml")).data)
    days = ["2025-07-02", "2025-07-01", "2025-07-03", "2025-07-01"]
    frame = pl.DataFrame([dict(flat_row(data), case_id=f"c{k}", as_of=day, policy="nl-incasso")
                          for k, day in enumerate(days)], infer_schema_length=None)
    held: list[dict] = []
    decided, rejected = decide_table(frame, None, None, POLICIES, ignore_unknown=True, violations=held)
    stale = [(h["row"], h["problem"].split("`")[1]) for h in held if h["constraint"] == "nl-wik/stale-figure"]
    rates = ["nl-wik.wettelijke_rente", "nl-wik.handelsrente"]
    assert stale == [(1, rate) for rate in rates] + [(3, rate) for rate in rates] and len(held) == 4
    assert sorted(decided.get_column("row").to_list()) == [2, 4] and not rejected.height
