"""A table larger than one chunk is decided in the order of the versions its rows bind (chunk.py).

The chunks then hold few version groups each (a group's compiled run is a fixed cost per chunk
it is in), and the result must not depend on it: the decisions and rejects are the same, in
input-row order, as when the whole table is one chunk.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import engine.batch.chunk
from engine.batch.api import catalog_for, decide_table
from engine.batch.layout import ROW

ROOT = Path(__file__).resolve().parents[2]


def _frame(monkeypatch) -> pl.DataFrame:
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    kravia = pytest.importorskip("kravia", reason="bench/kravia.py needs numpy", exc_type=ImportError)
    frame = kravia.generate(150, seed=11)
    # a date that is no date (a reject named once), and rows with no date (decided on the run's day)
    as_of = frame.get_column("as_of").cast(pl.String).to_list()
    as_of[5], as_of[17] = "2025-02-30", None
    return frame.with_columns(pl.Series("as_of", as_of, dtype=pl.String))


def test_chunks_in_binding_order_decide_as_one_chunk(monkeypatch):
    frame = _frame(monkeypatch)
    catalog = catalog_for(ROOT / "policies")
    groups_per_chunk = []
    real = engine.batch.chunk.group_by_bound_versions

    def counted(*args, **kwargs):
        found = real(*args, **kwargs)
        groups_per_chunk.append(len(found[0]))
        return found
    monkeypatch.setattr(engine.batch.chunk, "group_by_bound_versions", counted)
    whole = decide_table(frame, "kravia", None, catalog)
    assert groups_per_chunk == [6]          # every version of the regulation decides a share of the rows
    groups_per_chunk.clear()
    chunked = decide_table(frame, "kravia", None, catalog, chunk_rows=50)
    # three chunks of rows in binding order: a group spans at most two chunks, so a chunk holds
    # at most two more groups than its share (input order puts all six in every chunk)
    assert len(groups_per_chunk) == 3 and sum(groups_per_chunk) <= 6 + 2
    assert chunked[0].equals(whole[0]) and chunked[1].equals(whole[1])
    assert chunked[1].filter(pl.col("field") == "as_of").get_column("row").to_list() == [6]
    assert whole[0].height + whole[1].unique("row").height == frame.height


def test_one_decision_date_keeps_the_input_order():
    frame = pl.DataFrame({ROW: [1, 2, 3, 4], "as_of": ["2025-09-01"] * 4})
    catalog = catalog_for(ROOT / "policies")
    assert engine.batch.chunk.binding_order(frame, catalog, "kravia", None) is None
    assert engine.batch.chunk.binding_order(frame, catalog, "kravia", dt.date(2024, 3, 1)) is None
