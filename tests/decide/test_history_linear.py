"""Judging a recorded history stays linear in its events (issue 18), checked by counting work, not time.

The case is bench/history.py's: N inkassovarsler with a 38 NOK fee, ten a day. Each element of the history
must be tested by each aggregate's element-only filter once per history (run/prefix_filter.py),
so doubling N at most doubles the tests; before the filter every fee re-walked every earlier
event (quadratic: doubling N quadrupled the work).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from engine.check.pipeline import load_catalog
from engine.decide import history
from engine.decide.decision import decide_case
from engine.policy.case import case_from_data
from engine.run import prefix_filter

ROOT = Path(__file__).resolve().parents[2]


def _case(n: int) -> dict:
    due = dt.date(2024, 1, 15)
    events = [{"step": "inkassovarsel", "date": (due + dt.timedelta(days=14 + i // 10)).isoformat(), "fee": "38.00",
               "due": (due + dt.timedelta(days=28 + i // 10)).isoformat()} for i in range(n)]
    return {"case_id": f"H{n}", "creditor": {"vat_registered": True}, "debtor": {"kind": "consumer"},
            "claims": [{"invoice": "1", "amount": "5000.00", "due": due.isoformat(), "handed_over": "2024-01-29"}],
            "events": events}


def _work(catalog, n: int, monkeypatch) -> tuple[int, int, list[str]]:
    """(element tests, evaluator node evaluations, warnings) of deciding the n-event case."""
    made: list = []
    nodes = [0]

    class Counting(prefix_filter.PrefixFilters):
        def __init__(self):
            super().__init__()
            made.append(self)
    monkeypatch.setattr(history, "PrefixFilters", Counting)
    real = history.violations.__globals__["Evaluator"].value

    def counted(self, node, bound):
        nodes[0] += 1
        return real(self, node, bound)
    monkeypatch.setattr(history.violations.__globals__["Evaluator"], "value", counted)
    catalog.judged_histories.clear()
    loaded = case_from_data(_case(n), "<test>")
    decision = decide_case(catalog, loaded, dt.date(2024, 1, 29) + dt.timedelta(days=n // 10 + 1), "kravia", fast=True)
    monkeypatch.undo()
    return sum(f.tested for f in made), nodes[0], decision.warnings


def test_judging_a_history_grows_linearly(monkeypatch):
    catalog, _ = load_catalog([ROOT / "policies"])
    tests_n, nodes_n, warnings_n = _work(catalog, 100, monkeypatch)
    tests_2n, nodes_2n, warnings_2n = _work(catalog, 200, monkeypatch)
    # the judging really ran on each fee: the first is capped at 1/20 of the inkassosats (700 / 20 =
    # 35.00 NOK, inkassoforskriften § 1-2), every later one (same day, no missed deadline: § 1-3) is
    # not owed at all until the first letter's deadline (2024-01-29 + 14 days = 2024-02-12) is missed:
    # event 150 (2024-01-29 + 15 days) is the lawful second fee (capped at 35.00 too), and after it
    # the two-fee limit bars every fee
    for n, warnings in ((100, warnings_n), (200, warnings_2n)):
        assert any(w.startswith("events[0] ") and "(35.00 NOK is)" in w for w in warnings)
        assert {int(w[7:w.index("]")]) for w in warnings if "is not owed:" in w} == set(range(1, n)) - {150}
    assert any(w.startswith("events[150] ") and "(35.00 NOK is)" in w for w in warnings_2n)
    assert any(w.startswith("events[151] ") and "two-fee-limit" in w for w in warnings_2n)
    assert tests_n > 0
    assert tests_2n <= 2 * tests_n + 10
    # all evaluator work (constraints, definitions, survivors): linear, not the quadratic 4x
    assert nodes_2n <= 2.3 * nodes_n


def test_judged_histories_live_on_their_catalog(monkeypatch):
    """The memo of judged histories is the catalog's own (not a module dict keyed by `id(catalog)`,
    which a later catalog could reuse and read another catalog's judgments from)."""
    first, _ = load_catalog([ROOT / "policies"])
    second, _ = load_catalog([ROOT / "policies"])
    loaded = case_from_data(_case(30), "<test>")
    decide_case(first, loaded, dt.date(2024, 2, 20), "kravia", fast=True)
    assert first.judged_histories
    assert not second.judged_histories
    decide_case(second, loaded, dt.date(2024, 2, 20), "kravia", fast=True)
    assert second.judged_histories.keys() == first.judged_histories.keys()
