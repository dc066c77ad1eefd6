"""One columnar run per version group: the fees judged and the claims cut before the rules run (issue 19).

`decide_case` judges a case's recorded fees, then asks the set-aside reasons of the case as
judged, then decides what is left. The batch now works in that order for a whole group
(`group._decide_judged_first`), so the rules run once over the judged, cut-down cases instead
of a second time for the rows whose claims were cut or whose fee the law lowered; the fees of
every group of a chunk are judged as one frame (`law.history_for_groups`). These tests hold
that order, and that its result is `decide_case`'s, on kravia's workload.
"""
from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

import engine.columnar.program
from engine.batch.api import BatchReport, catalog_for, decide_table

ROOT = Path(__file__).resolve().parents[2]
POLICIES = str(ROOT / "policies")


def _workload(n: int, seed: int) -> pl.DataFrame:
    """kravia's workload (bench/kravia.py) with an inkassovarsel fee the law does not allow in some cases
    (70 NOK: above 1/20 of the inkassosats, inkassoforskriften § 1-2) and a disputed claim in others."""
    sys.path.insert(0, str(ROOT / "bench"))
    kravia = pytest.importorskip("kravia", reason="bench/kravia.py needs numpy", exc_type=ImportError)
    cases = kravia.generate(n, seed=seed).to_dicts()
    for k, case in enumerate(cases):
        letters = [e for e in case["events"] if e["step"] == "inkassovarsel" and e["fee"]]
        if k % 7 == 0 and letters:
            letters[0]["fee"] = Decimal("70.00")
        if k % 5 == 0 and len(case["claims"]) > 1:
            case["claims"][0]["disputed"] = True
    return pl.DataFrame(cases, schema=kravia.generate(1, seed=seed).schema)


def test_each_version_group_runs_the_rules_once(monkeypatch):
    """Rows with claims cut out and rows with a lowered fee are decided in the group's one run."""
    runs = []
    real = engine.columnar.program.ColumnarRun.run

    def counted(self):
        runs.append(self.height)
        return real(self)
    monkeypatch.setattr(engine.columnar.program.ColumnarRun, "run", counted)
    # decision dates of one version of the law (2025-07-01 … 2025-12-31): one version group
    frame = _workload(600, seed=3).filter(pl.col("as_of").is_between(dt.date(2025, 7, 1), dt.date(2025, 12, 31)))
    report = BatchReport()
    decided, rejected = decide_table(frame, "kravia", None, POLICIES, report=report)
    assert decided.height + rejected.unique("row").height == frame.height > 50
    assert report.history_columns > 0 and report.set_aside_columns > 0      # both kinds of row were there
    assert runs == [frame.height]                                            # and one run decided them all


def test_one_run_decides_as_decide_case_does():
    """Every output column of the rows whose fee was lowered or whose claims were cut is `decide_case`'s."""
    sys.path.insert(0, str(ROOT / "bench"))
    import kravia_run

    from engine.batch.output import row_json
    from engine.decide.decision import decide_case
    from engine.policy.case import case_from_data
    frame = _workload(300, seed=11)
    decided, _ = decide_table(frame, "kravia", None, POLICIES)
    rows = frame.with_row_index("row", offset=1)
    picked = decided.filter((pl.col("set_aside") != "") | pl.col("warnings").str.contains("70"))
    assert picked.height >= 10
    catalog = catalog_for(POLICIES)
    for got in picked.iter_rows(named=True):
        doc = kravia_run._doc(rows.row(got["row"] - 1, named=True))
        want = decide_case(catalog, case_from_data(doc), got["as_of"], "kravia", fast=True)
        assert kravia_run._shown(row_json(got)) == kravia_run._shown(want.to_dict(include_trace=False)), got["row"]


def test_the_fees_of_a_chunk_are_judged_as_each_group_would_judge_them():
    """`history_for_groups` (one frame for the chunk) gives each group what `history_to_judge` gives it alone."""
    from engine.batch.chunk import group_by_bound_versions, policy_specs
    from engine.batch.law import history_for_groups
    from engine.batch.law_history import history_to_judge
    from engine.batch.layout import ROW
    from engine.batch.validate import to_case_frame
    frame = _workload(400, seed=5).with_row_index(ROW, offset=1)
    keyed = frame.with_columns(pl.col("as_of").alias("__day"), policy_specs(frame, "kravia").alias("__spec"))
    catalog = catalog_for(POLICIES)
    groups, keyed, _ = group_by_bound_versions(catalog, keyed, False)
    assert len(groups) > 1
    checked = []
    for group in groups:
        part = keyed.filter(pl.col("__group") == group.number)
        cases, _ = to_case_frame(part, group.main.version.steps, part.get_column("__day"))
        checked.append((group.main, group.bindings, group.number, cases))
    together = history_for_groups(catalog, checked, False)
    for main, _, number, cases in checked:
        alone = history_to_judge(catalog, main, cases.drop(ROW), main.version.steps, False)
        got = together[number]
        assert (got.to_judge == alone.to_judge).all() and got.reasons == alone.reasons
        assert got.verdicts == alone.verdicts and got.warned == alone.warned
    assert any(v.to_judge.any() for v in together.values())


def test_ledger_rows_read_as_the_scalar_records():
    """`LedgerRows` (settle's per-row values, built on demand) reads as the list of records it replaces."""
    import numpy as np

    from engine.columnar.settle_call import LedgerRows, record_columns
    from engine.lang import types as T
    ore = {"principal": np.array([12345, 0, 7], dtype=object), "interest": np.array([1, 2, 3], dtype=object)}
    again = {1: {"principal": Decimal("1.005"), "interest": Decimal("0.02")}}     # a row left to the scalar ledger
    rows = LedgerRows(ore, again, 3)
    assert rows[0] == {"principal": Decimal("123.45"), "interest": Decimal("0.01")}
    assert rows[1] is again[1] and rows[-1] == rows[2] and rows[0:2] == [rows[0], rows[1]] and len(rows) == 3
    with pytest.raises(IndexError):
        rows[3]
    record = T.Record("ledger", (("principal", T.MONEY), ("interest", T.MONEY)))
    columns = record_columns(rows, record)
    # 1.005 is not whole øre: that field stays per case, as for a list of records; the other is read
    assert set(columns) == {"interest"}
    assert pl.select(columns["interest"].expr).to_series().to_list() == [1, 2, 3]
