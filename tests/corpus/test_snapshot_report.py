"""The report that ends a run whose case snapshots differ (issue 11 #6): which decisions
changed, field by field, and which explanations, with their first changed line."""
from __future__ import annotations

import json

from support import snapshot_report


def test_a_changed_decision_is_reported_field_by_field(tmp_path, monkeypatch):
    monkeypatch.setattr(snapshot_report, "CHANGED", [])
    stored = tmp_path / "k01.decision.json"
    stored.write_text(json.dumps({"action": "send_inkassovarsel", "fee": "38.00", "amounts": {"total": "1067.00"}}))
    new = json.dumps({"action": "send_inkassovarsel", "fee": "39.00", "amounts": {"total": "1068.00"}})
    snapshot_report.record(stored, new, "kravia@2024-01-01 k01 decision")
    snapshot_report.record(stored, stored.read_text(), "kravia@2024-01-01 k02 decision")     # unchanged: silent
    assert snapshot_report.CHANGED == [("kravia@2024-01-01 k01 decision", "fee: 38.00 → 39.00; amounts.total: 1067.00 → 1068.00")]
    lines = snapshot_report.report_lines()
    assert lines[0] == "1 decision(s) and 0 explanation(s) differ from the snapshots:"
    assert "make snapshots" in lines[-1]
    updating = snapshot_report.report_lines(updating=True)        # `make snapshots` is doing it: it says so
    assert updating[:-1] == lines[:-1] and "make snapshots" not in updating[-1] and "rewritten" in updating[-1]


def test_a_changed_explanation_names_its_first_changed_line(tmp_path, monkeypatch):
    monkeypatch.setattr(snapshot_report, "CHANGED", [])
    stored = tmp_path / "k01.explain.en.txt"
    stored.write_text("Case K01\n  uses no-regulation@2026-07-01 (in force 2026-07-01 → open)\n")
    snapshot_report.record(stored, "Case K01\n  uses no-regulation@2026-07-01 (in force 2026-07-01 → 2026-12-31)\n",
                           "kravia@2024-01-01 k01 explain en")
    (label, what), = snapshot_report.CHANGED
    assert what == ("explanation: 2 line(s) differ, first: uses no-regulation@2026-07-01 (in force 2026-07-01 → open) ⟶ "
                    "uses no-regulation@2026-07-01 (in force 2026-07-01 → 2026-12-31)")


def test_make_snapshots_is_the_documented_command():
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    assert "\nsnapshots: install\n\t$(BIN)/python -m pytest tests -m snapshot --snapshot-update" in (root / "Makefile").read_text()
    assert "`make snapshots`" in (root / "docs" / "review.md").read_text()
