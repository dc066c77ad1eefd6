"""Property: random cases over every bundled process and version never yield an emitted
decision that breaks the law, and the reference, compiled and columnar paths agree.

"Breaks the law" is checked twice: by the constraints themselves on what was emitted, and
by plain figures read from the law's parameters (a letter fee never above 1/20 of the
sats, an own-BO fee never above 3/20, no cost without a step). A decision the law forbids
must come out blocked (`legal_review`, nothing charged) on every path. Short profile: a
few derandomized examples per version, so CI stays well under 30 s.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from test_columnar import POLICIES, versions_with_rules
from test_columnar_parity import BASE, cases
from engine.batch.api import catalog_for, decide_table
from engine.batch.io import flat_row
from engine.batch.output import row_json
from engine.policy.case import case_from_data
from engine.decide.enforce import violations
from engine.policy.record import record_of
from engine.decide.decision import decide_case
from engine.core.errors import CaseError, EvaluationError, UsageError
from engine.verify.parity import columnar_fields

_KEYS = columnar_fields()      # action, rule, step, amounts and every output of the registry (policy/outputs.py)


def _money(text):
    return None if text is None else Decimal(text)


def _lawful(catalog, decision, data) -> None:
    """An emitted decision: the constraints hold, and the plain caps too."""
    out = decision.to_dict(include_trace=False)
    if decision.blocked:
        assert (out["action"], out["fee"], out.get("salaer"), out["step"]) == ("legal_review", None, None, None)
        return
    law = next((b.checked.params for b in decision.bindings.values() if b.version.name == "no-regulation"), None)
    fee = _money(out["fee"]) or Decimal(0)
    record = record_of(decision.action, decision.step, decision.outputs, decision.amounts.get("total"))
    from engine.decide.history import judge_history
    judged, _ = judge_history(catalog, decision.version, data)     # recorded fees the law did not allow are not owed
    assert violations(decision.bindings, decision.main, judged, decision.as_of, record) == []
    if law is not None and fee > 0:                        # only a process that uses the law is bound by it
        assert out["step"] is not None
    if law is not None and out["step"] in ("purring", "inkassovarsel"):
        assert fee <= law["purring_fee"]
    if law is not None and out["step"] == "betalingsoppfordring" and not out.get("salaer"):
        assert fee <= law["own_bo_fee"]


@pytest.mark.parametrize("key", versions_with_rules())
def test_random_cases_never_break_the_law_and_every_path_agrees(key):
    catalog = catalog_for(POLICIES)
    checked = catalog.checked[key]
    spec = f"{checked.version.name}@{checked.version.effective}"
    steps = tuple(checked.version.steps)

    @settings(max_examples=5, deadline=None, derandomize=True, phases=(Phase.explicit, Phase.generate),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.lists(cases(steps), min_size=1, max_size=8), st.integers(0, 500))
    def check(docs, offset):
        on = max(BASE + dt.timedelta(days=offset), checked.version.effective)
        for i, doc in enumerate(docs):
            doc["case_id"] = f"P{i}"
        held: list[dict] = []
        frame = pl.DataFrame([flat_row(d) for d in docs], infer_schema_length=None)
        decided, rejected = decide_table(frame, spec, on, POLICIES, violations=held)
        columnar = {r["row"]: row_json(r) for r in decided.iter_rows(named=True)}
        blocked_rows = {h["row"]: set() for h in held}
        for h in held:
            blocked_rows[h["row"]].add(h["constraint"])
        for row, doc in enumerate(docs, 1):
            try:
                case = case_from_data(doc)
                reference = decide_case(catalog, case, on, policy=spec, trace=True)
                compiled = decide_case(catalog, case, on, policy=spec, fast=True)
            except (CaseError, EvaluationError, UsageError):
                assert row in set(rejected.get_column("row").to_list()), doc
                continue
            ref, fast = reference.to_dict(include_trace=False), compiled.to_dict(include_trace=False)
            assert ref == fast, doc                                # the whole decision, every field
            _lawful(catalog, reference, case.data)
            if reference.blocked:
                assert row not in columnar, doc                    # never among the decisions
                assert blocked_rows.get(row) == {v.name for v in reference.violations}, doc
            else:
                got = columnar.get(row)
                assert got is not None, doc
                # .get: a decision has only its jurisdiction's outputs (no `salaer` in NL/SE: outputs
                # by role), a batch table has every registry column, null where the output is not one
                assert {k: got.get(k) for k in _KEYS} == {k: ref.get(k) for k in _KEYS}, doc

    check()
