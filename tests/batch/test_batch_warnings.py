"""Batch rows carry the decision's warnings, the summary counts them and names the per-case rows (issue 19).

A fee the law did not allow must not be silent in a nightly run: the row's `warnings`
column says what `frin decide` says, the summary counts the warnings, and the rows the
columnar evaluator could not stand for are named with the reason. A policy without
constraints never has its rows turned into case dicts for the law check.
"""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml

import engine.batch.io
import engine.columnar.frame
from cli import run
from engine.batch.api import BatchReport, decide_table
from engine.batch.group import SET_ASIDE_REASON
from engine.batch.law import HISTORY_REASON

ROOT = Path(__file__).resolve().parents[2]
POLICIES = str(ROOT / "policies")
CASE = ROOT / "tests" / "cases" / "conta" / "c11-purring-70-nok.yaml"


def frist(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in args], out, err)
    return int(code), out.getvalue(), err.getvalue()


def _doc(case_id: str, **changes) -> dict:
    doc = yaml.safe_load(CASE.read_text())
    doc = json.loads(json.dumps(doc, default=str))
    doc.update(case_id=case_id, **changes)
    return doc


def test_an_unlawful_recorded_fee_is_a_warning_in_the_row_and_counted_in_the_summary(tmp_path):
    clean = _doc("CLEAN", events=[])
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(_doc("FEE")) + "\n" + json.dumps(clean) + "\n")
    code, out, err = frist("decide", CASE, "--policies", POLICIES, "--no-trace")
    assert code == 0, err
    want = json.loads(out)["warnings"]
    # the case file says why: 70 NOK > 1/20 × 750 and sent 8 days after due (< 14)
    assert len(want) == 2 and "purring-fee" in want[0] and "letter-fee-after-14-days" in want[1]
    code, out, err = frist("batch", source, "-o", tmp_path / "out.jsonl", "--policies", POLICIES,
                           "--no-progress", "--format", "json")
    assert code == 0, err
    rows = {r["case_id"]: r for r in map(json.loads, (tmp_path / "out.jsonl").read_text().splitlines())}
    assert rows["FEE"]["warnings"] == want and rows["CLEAN"]["warnings"] == []
    summary = json.loads(out)
    assert (summary["warnings"], summary["rows_with_warnings"]) == (2, 1)
    # the fee lowered, the judged case is decided as columns (batch/group.py `_lowered`), not per case
    assert summary["history_columns"] == 1 and HISTORY_REASON not in summary["per_case"]


def test_the_warnings_column_is_text_in_parquet_and_csv(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(_doc("FEE")) + "\n")
    for suffix in (".parquet", ".csv"):
        code, _, err = frist("batch", source, "-o", tmp_path / f"out{suffix}", "--policies", POLICIES, "--no-progress")
        assert code == 0, err
        frame = pl.read_parquet(tmp_path / "out.parquet") if suffix == ".parquet" else pl.read_csv(tmp_path / "out.csv")
        lines = frame.get_column("warnings").item().split("\n")
        assert len(lines) == 2 and "is not owed" in lines[0]


def test_the_text_summary_names_the_per_case_rows_and_why(tmp_path):
    disputed = _doc("DISPUTED", policy="kravia", events=[],
                    claims=[{"invoice": "1", "amount": "100.00", "due": "2026-01-10", "disputed": True},
                            {"invoice": "2", "amount": "200.00", "due": "2026-01-10"}])
    every = _doc("ALL-DISPUTED", policy="kravia", events=[],
                 claims=[{"invoice": "1", "amount": "100.00", "due": "2026-01-10", "disputed": True}])
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in (_doc("FEE"), disputed, every)))
    code, out, err = frist("batch", source, "-o", tmp_path / "out.parquet", "--policies", POLICIES, "--no-progress")
    assert code == 0, err
    assert "1 decision(s) carry 2 warning(s)" in out
    assert HISTORY_REASON not in out       # the lowered fee's case is decided as columns
    # one claim of two set aside: the other decided as columns; the only claim set aside: the reason
    # decides, as columns too (batch/aside.py); none of them per case
    assert "2 row(s) had claims set aside (a set-aside reason), decided as columns without them" in out
    assert SET_ASIDE_REASON not in out
    decided = pl.read_parquet(tmp_path / "out.parquet")
    assert decided.filter(pl.col("row") == 2).get_column("set_aside").item() == "1:disputed"
    assert decided.filter(pl.col("row") == 3).select("action", "rule", "set_aside").row(0) == ("hold", "disputed",
                                                                                              "1:disputed")


def test_a_policy_without_constraints_builds_no_case_dicts(monkeypatch):
    sys.path.insert(0, str(ROOT / "bench"))
    workload = pytest.importorskip("workload", reason="bench workload needs ../shared/bench-peers", exc_type=ImportError)
    frame = workload.flat_frame(workload.generate(2_000))

    def refuse(*_, **__):
        raise AssertionError("cases_from_frame called for a policy whose law binds nothing")
    monkeypatch.setattr(engine.columnar.frame, "cases_from_frame", refuse)
    report = BatchReport()
    decided, rejected = decide_table(frame, "ladder", None, ROOT / "bench" / "policies", report=report, chunk_rows=700)
    assert (decided.height, rejected.height, report.law_judged, report.per_case) == (2_000, 0, 0, {})
    assert decided.get_column("row").to_list() == list(range(1, 2_001))


def test_a_fee_no_law_could_judge_warns_but_the_columns_stand(tmp_path):
    """A fee dated before the catalog's first version of the law is kept and warned of: the
    case is unchanged, so its columnar decision stands (no per-case re-decision)."""
    doc = json.loads(json.dumps(yaml.safe_load((ROOT / "tests" / "cases" / "kravia" / "k20-time-barred.yaml").read_text()),
                                default=str))
    doc["as_of"] = "2024-01-01"              # the claim (due 2023-01-20) is not yet time-barred
    (tmp_path / "case.json").write_text(json.dumps(doc))
    code, out, err = frist("decide", tmp_path / "case.json", "--policies", POLICIES, "--no-trace")
    assert code == 0, err
    want = json.loads(out)
    assert any("no version of the law in force on 2023-03-01" in w for w in want["warnings"])
    report = BatchReport()
    decided, rejected = decide_table(pl.DataFrame([engine.batch.io.flat_row(doc)]), None, None, POLICIES, report=report)
    row = decided.row(0, named=True)
    assert rejected.height == 0 and row["action"] == want["action"]
    assert row["warnings"].split("\n") == want["warnings"]
    assert report.per_case == {}


def test_the_law_judges_as_columns_and_names_each_row_it_judges_per_row(monkeypatch):
    """On kravia's workload the law judges nearly every row as columns: its constraints, the
    reported amounts against its own view, and the recorded fees; only a case whose recorded
    fee the law may not have allowed has its history judged per case, and the report counts
    the rows per reason. Every row's warnings, and every row re-decided per case, are what
    `decide_case` gives."""
    sys.path.insert(0, str(ROOT / "bench"))
    kravia = pytest.importorskip("kravia", reason="bench/kravia.py needs numpy", exc_type=ImportError)
    from engine.batch.law_history import BROKEN
    from engine.batch.output import row_json
    from engine.decide.decision import decide_case
    from engine.policy.case import case_from_data
    import kravia_run
    import datetime as dt
    from decimal import Decimal
    # the decision dates of one law version (2025-07-01 … 2025-12-31), so one group is compiled
    frame = kravia.generate(1200, seed=7).filter(pl.col("as_of").is_between(dt.date(2025, 7, 1), dt.date(2025, 12, 31)))
    # one inkassovarsel fee the law does not allow (70 NOK: above 1/20 of the inkassosats, § 1-2)
    cases = frame.to_dicts()
    unlawful = next(c for c in cases if any(e["step"] == "inkassovarsel" for e in c["events"]))
    next(e for e in unlawful["events"] if e["step"] == "inkassovarsel")["fee"] = Decimal("70.00")
    frame = pl.DataFrame(cases, schema=frame.schema)
    report = BatchReport()
    decided, rejected = decide_table(frame, "kravia", None, POLICIES, report=report)
    assert decided.height + rejected.unique("row").height == frame.height > 150
    assert report.law_judged < frame.height // 5             # case dicts for the law: a few rows, not all
    assert set(report.law_per_row) <= {BROKEN, "a ledger amount within 10⁻¹² øre of half an øre (rounded by the "
                                       "scalar ledger's Decimal)"}
    assert report.law_per_row.get(BROKEN, 0) >= report.history_columns + report.per_case.get(HISTORY_REASON, 0) > 0
    checked = 0
    rows = frame.with_row_index("row", offset=1)
    again = [r for rows_of in report.per_case_rows.values() for r in rows_of]
    for got in decided.filter((pl.col("warnings") != "") | pl.col("row").is_in(again)).head(20).iter_rows(named=True):
        doc = kravia_run._doc(rows.row(got["row"] - 1, named=True))
        want = decide_case(engine.batch.api.catalog_for(POLICIES), case_from_data(doc), got["as_of"], "kravia", fast=True)
        assert kravia_run._shown(row_json(got)) == kravia_run._shown(want.to_dict(include_trace=False))
        checked += 1
    assert checked >= 5
