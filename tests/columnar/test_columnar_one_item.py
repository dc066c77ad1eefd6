"""Aggregates over a list where every case holds exactly one item, read from the item itself.

`aggregate._one_item` (taken when `ColumnarRun.one_item` says each row holds exactly one
item) gives `sum`, `any`, `all`, `min`, `max`, `first` and `last` as the item's own value (the
filter dropping it: the empty value), with no Polars list kernel. These tests run kravia with
its law (aggregates with `where`, optional fields, Money sums that may fail) and the bench
ladder over one-claim cases both ways, that path and the list forms, and require the same
chosen rule, outputs, amounts and suspect rows.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from engine.batch.api import catalog_for
from engine.batch.layout import ROW
from engine.batch.validate import to_case_frame
from engine.columnar.program import ColumnarRun

ROOT = Path(__file__).resolve().parents[2]


def _both_ways(monkeypatch, catalog, name: str, day: dt.date, frame: pl.DataFrame) -> None:
    main = catalog.resolved(name, day)
    bindings = catalog.bound(main, day)
    steps = main.version.steps
    flat = frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    cases, rejects = to_case_frame(flat, steps, pl.Series([day] * flat.height, dtype=pl.Date))
    cases = cases.drop(ROW)
    assert cases.height > 20 and (cases.get_column("claims").list.len() == 1).all()
    fast = ColumnarRun(bindings, main.name, cases, steps)
    one = fast.run()
    assert fast.one_item("claims")
    with monkeypatch.context() as m:
        m.setattr(ColumnarRun, "one_item", lambda self, column: False)
        lists = ColumnarRun(bindings, main.name, cases, steps).run()
    assert one.frame.equals(lists.frame)
    assert one.suspect.equals(lists.suspect)
    assert one.frame.get_column("__chosen").n_unique() > 2


def test_kravia_one_claim_cases_decide_alike_both_ways(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    kravia = pytest.importorskip("kravia", reason="bench/kravia.py needs numpy", exc_type=ImportError)
    frame = kravia.generate(600, seed=7)
    frame = frame.filter(pl.col("claims").list.len() == 1).drop("as_of", strict=False)
    _both_ways(monkeypatch, catalog_for(ROOT / "policies"), "kravia", dt.date(2025, 9, 1), frame)


def test_ladder_cases_decide_alike_both_ways(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    workload = pytest.importorskip("workload", reason="bench/workload.py needs the peers' generator",
                                   exc_type=ImportError)
    frame = workload.flat_frame(workload.generate(400)).drop("as_of", strict=False)
    _both_ways(monkeypatch, catalog_for(ROOT / "bench" / "policies"), "ladder", dt.date(2024, 1, 1), frame)
