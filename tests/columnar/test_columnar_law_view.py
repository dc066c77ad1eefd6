"""The law's view as columns (engine/columnar/law_view.py) equals `law_view`, case by case (issue 19).

`law_view` (engine/run/law_view.py: the scalar ledger, Decimal) is the reference; the columnar
view must give every figure to the øre on every row it does not leave per case, and a row
it leaves per case must carry the reason. Checked on the whole case corpus (every case file
under every process version that has a law view) and on random Norwegian cases with up to
three claims, three payments (either party, any order of dates), fees before and after them,
business debtors (the § 3a compensation offset against the fees) and decision dates in every
law version.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.batch.api import catalog_for
from engine.columnar.frame import frame_from_cases
from engine.columnar.law_view import VIEW_COLUMNS, law_view_columns
from engine.core.errors import EvaluationError, UsageError
from engine.policy.case import case_from_data, load_case
from engine.run.law_view import law_view

ROOT = Path(__file__).resolve().parents[2]
POLICIES = str(ROOT / "policies")


def _compare(bindings, main, cases: list[dict], days: list[dt.date]) -> int:
    """Assert the columns equal `law_view` on every row not left per case; the rows compared."""
    frame = frame_from_cases(cases, days, main.version.steps)
    got = law_view_columns(bindings, main, frame)
    if got is None:
        return 0
    compared = 0
    for case, day, row in zip(cases, days, got.iter_rows(named=True)):
        try:
            want = law_view(bindings, main, case, day)
        except EvaluationError:
            assert row["law_per_case"] is not None, case      # the scalar ledger raises: never a column figure
            continue
        if row["law_per_case"] is not None:
            continue
        assert {k: row[f"law_{k}"] for k in VIEW_COLUMNS} == {k: int(getattr(want, k) * 100) for k in VIEW_COLUMNS}, case
        compared += 1
    return compared


def test_every_corpus_case_under_the_version_in_force_on_its_date():
    catalog = catalog_for(POLICIES)
    groups: dict[str, tuple[list, list]] = {}
    for path in sorted((ROOT / "tests" / "cases").glob("*/*.yaml")):
        data = load_case(str(path)).data
        try:
            main = catalog.resolve(path.parent.name, data["as_of"], False, None)
        except UsageError:
            continue
        cases, days = groups.setdefault(main.version.key, ([], []))
        cases.append(data)
        days.append(data["as_of"])
    compared = 0
    for key, (cases, days) in groups.items():
        main = catalog.checked[key]
        for on in sorted(set(days)):
            try:
                bindings = catalog.bind(main, on, False)
            except UsageError:
                continue
            mine = [i for i, d in enumerate(days) if d == on]
            compared += _compare(bindings, main, [cases[i] for i in mine], [on] * len(mine))
    assert compared > 40          # the Norwegian processes' cases (the Dutch law compounds: per case)


BASE = dt.date(2024, 1, 1)
money = st.integers(0, 3_000_000).map(lambda o: f"{o // 100}.{o % 100:02d}")


def day(lo: int, hi: int):
    return st.integers(lo, hi).map(lambda n: (BASE + dt.timedelta(days=n)).isoformat())


def _case():
    claim = st.fixed_dictionaries({"invoice": st.sampled_from(["1", "2"]), "amount": money, "due": day(-400, 700)},
                                  optional={"disputed": st.booleans(), "credited": st.sampled_from(["0.00", "100.00"])})
    payment = st.fixed_dictionaries({"date": day(-300, 900), "amount": money},
                                    optional={"to": st.sampled_from(["collector", "creditor"])})
    event = st.fixed_dictionaries({"step": st.sampled_from(["inkassovarsel", "betalingsoppfordring"]),
                                   "date": day(-300, 900), "fee": st.sampled_from(["0.00", "35.00", "70.00", "700.00"])})
    return st.fixed_dictionaries({
        "case_id": st.just("H"), "debtor": st.fixed_dictionaries({"kind": st.sampled_from(["consumer", "business"])}),
        "claims": st.lists(claim, min_size=0, max_size=3), "payments": st.lists(payment, max_size=3),
        "events": st.lists(event, max_size=3).map(lambda es: sorted(es, key=lambda e: e["date"]))})


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(_case(), min_size=1, max_size=20), st.integers(0, 1000))
def test_random_norwegian_cases(docs, offset):
    catalog = catalog_for(POLICIES)
    on = BASE + dt.timedelta(days=offset)
    main = catalog.resolve("kravia", on, False, None)
    bindings = catalog.bind(main, on, False)
    cases = []
    for i, doc in enumerate(docs):
        doc = {**doc, "case_id": f"H{i}", "as_of": on.isoformat(), "policy": "kravia"}
        try:
            cases.append(case_from_data(doc).data)
        except Exception:         # noqa: BLE001 - a document the case schema refuses is not a case
            continue
    if cases:
        _compare(bindings, main, cases, [on] * len(cases))


def test_kravia_workload_rows_are_columns():
    """On the bench's kravia workload nearly every row's view is a column figure, and equal."""
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    kravia = pytest.importorskip("kravia", reason="bench/kravia.py needs numpy", exc_type=ImportError)
    import polars as pl
    from engine.batch.layout import ROW
    from engine.batch.validate import to_case_frame
    from engine.columnar.frame import cases_from_frame
    catalog = catalog_for(POLICIES)
    on = dt.date(2025, 3, 3)
    frame = kravia.generate(1500).with_columns(pl.lit(on).alias("as_of"))
    frame = frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    main = catalog.resolve("kravia", on, False, None)
    bindings = catalog.bind(main, on, False)
    cases, rejects = to_case_frame(frame, main.version.steps, frame.get_column("as_of"))
    got = law_view_columns(bindings, main, cases)
    assert got.get_column("law_per_case").null_count() >= cases.height - 10
    compared = 0
    for case, row in zip(cases_from_frame(cases, main.version.steps), got.iter_rows(named=True)):
        if row["law_per_case"] is None:
            want = law_view(bindings, main, case, on)
            assert {k: row[f"law_{k}"] for k in VIEW_COLUMNS} == {k: int(getattr(want, k) * 100) for k in VIEW_COLUMNS}
            compared += 1
    assert compared == cases.height - got.get_column("law_per_case").drop_nulls().len()


def test_batch_refuses_amounts_above_the_laws_view_as_decide_does(tmp_path):
    """The reported amounts are judged against the view's columns, with decide's own texts:
    1 000 NOK due 2026-01-15, decided 2026-03-02 (46 days): the law's interest 1 000 × 12 % ×
    46 / 365 = 15.12 (forsinkelsesrenteloven § 3), the process reports 63.01 (its own 50 %);
    no letter sent, a consumer: the law allows 0 in fees, the process reports 2 500."""
    import polars as pl
    import yaml
    from engine.batch.api import decide_table
    from engine.batch.io import flat_row
    from support import stage_module
    binds = stage_module("verify/test_law_binds")
    CASE, OWN_FIGURES, _catalog = binds.CASE, binds.OWN_FIGURES, binds._catalog
    folder = _catalog(tmp_path, OWN_FIGURES, "inventive")
    doc = yaml.safe_load(CASE.format(as_of="2026-03-02", policy="inventive", due="2026-01-15"))
    doc = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in doc.items()}
    doc["claims"] = [{k: (v.isoformat() if isinstance(v, dt.date) else str(v) if not isinstance(v, (bool, str)) else v)
                      for k, v in c.items()} for c in doc["claims"]]
    held: list[dict] = []
    decided, rejected = decide_table(pl.DataFrame([flat_row(doc)]), None, None, folder, violations=held,
                                     ignore_unknown=True)
    assert decided.height == 0 and rejected.height == 0
    texts = {h["constraint"].split("/")[-1]: h["problem"] for h in held}
    assert set(texts) == {"interest-within-the-law", "fees-within-the-law"}
    assert "(63.01)" in texts["interest-within-the-law"] and "(15.12)" in texts["interest-within-the-law"]
    assert "(2500.00)" in texts["fees-within-the-law"] and "(0.00)" in texts["fees-within-the-law"]
