"""The lawful part of a recorded fee the law did not allow, found as columns (issue 19).

`judge_history` lowers such a fee to the largest amount the law allowed, found per case by a
search of judgments (`history._lawful_part`). The batch finds it for a whole chunk as columns
(`batch/law_parts.py`) and hands it over (`judge_history(parts=...)`), on the same condition as
the columns' verdicts. These tests hold that the judged history (events as owed, warnings) is
exactly the one `judge_history` finds by itself, on kravia's workload with fees drawn around the
law's caps and on the case corpus, and the search itself against `_lawful_part`.
"""
from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import engine.batch.law_history
import engine.batch.law_parts
from engine.batch.api import catalog_for, decide_table
from engine.batch.law_parts import lawful_parts
from engine.decide.history import _lawful_part, judge_history

ROOT = Path(__file__).resolve().parents[2]
POLICIES = str(ROOT / "policies")


def _search(caps: list[int], fees: list[int], kinds: list, unsure: set[int] = frozenset()):
    """`lawful_parts` where fee `r` is allowed up to `caps[r]` øre (0: no amount is), and how many rounds."""
    rounds = []

    def broken(rows, amounts):
        rounds.append(len(rows))
        return amounts > np.asarray(caps)[rows], np.isin(rows, list(unsure))
    return lawful_parts(np.asarray(fees), kinds, broken), rounds


def test_the_search_finds_the_boundary_the_reference_search_finds():
    """Each part is `_lawful_part`'s (a cap, nothing, one øre short of the fee), kinds sharing a part
    or not: inkassoforskriften § 1-2's 1/20 of 700 NOK (35.00) for a 70.00 varsel, a fee barred outright
    (0), a cap one øre under the fee, and a fee of the same kind whose own cap differs from its leader's."""
    caps = [3500, 3500, 3500, 0, 14999, 14000, 12000, 3800]
    fees = [7000, 7000, 7000, 5000, 15000, 15000, 15000, 7000]
    kinds = ["varsel", "varsel", "varsel", "purring", "bo", "salaer", "salaer", "varsel-2026"]
    got, rounds = _search(caps, fees, kinds)
    want = {r: int(_lawful_part(Decimal(fees[r]) / 100, lambda a, r=r: a * 100 > caps[r]) * 100)
            for r in range(len(fees))}
    assert want == {0: 3500, 1: 3500, 2: 3500, 3: 0, 4: 14999, 5: 14000, 6: 12000, 7: 3800}
    assert got == want
    assert len(rounds) <= 4            # a grid for the first of a kind, the others confirm


def test_an_unsure_judgment_or_a_contradiction_is_left_to_judge_history():
    """A fee whose judgment might fail as columns, or whose amounts break the rule that lawfulness
    falls as the fee rises, gets no part: `judge_history` searches it itself."""
    got, _ = _search([3500, 3500], [7000, 7000], ["a", "a"], unsure={1})
    assert got == {0: 3500}

    def odd(rows, amounts):          # allowed only at even amounts: not a cap
        return amounts % 2 == 1, np.zeros(len(rows), dtype=bool)
    assert lawful_parts(np.asarray([7000]), ["a"], odd) == {}
    one = lawful_parts(np.asarray([1]), ["a"], odd)       # a 1-øre fee forbidden: nothing is owed, no judgment
    assert one == {0: 0}


def _workload(n: int, seed: int) -> pl.DataFrame:
    """kravia's workload (bench/kravia.py) with recorded fees drawn around the law's caps: varsel fees of
    0.01–80 NOK (the cap is 1/20 of the inkassosats, inkassoforskriften § 1-2: 35.00 at 700, 38.00 at 760)
    and betalingsoppfordring salær of 100–400 NOK (the lett salær caps of § 2-2)."""
    sys.path.insert(0, str(ROOT / "bench"))
    kravia = pytest.importorskip("kravia", reason="bench/kravia.py needs numpy", exc_type=ImportError)
    rng = random.Random(seed)
    cases = kravia.generate(n, seed=seed).to_dicts()
    for case in cases:
        for e in case["events"]:
            if e["step"] == "inkassovarsel" and e["fee"] and rng.random() < 0.3:
                e["fee"] = rng.choice([Decimal("35.01"), Decimal("38.01"), Decimal("70.00"), Decimal("0.01"),
                                       Decimal(rng.randint(1, 8000)) / 100])
            elif e["step"] == "betalingsoppfordring" and e["fee"] and rng.random() < 0.3:
                e["fee"] = Decimal(rng.randint(10000, 40000)) / 100
    return pl.DataFrame(cases, schema=kravia.generate(1, seed=seed).schema)


def _verdicts(catalog, frame: pl.DataFrame) -> tuple[list, dict]:
    """The chunk's version groups (main, bindings, number, case frame) and the columns' verdicts on
    their recorded fees (`history_for_groups`), as `decide_table` finds them."""
    from engine.batch.chunk import group_by_bound_versions, policy_specs
    from engine.batch.law import history_for_groups
    from engine.batch.layout import ROW
    from engine.batch.validate import to_case_frame
    keyed = frame.with_row_index(ROW, offset=1)
    if keyed.schema["as_of"] == pl.String:          # the corpus's rows as JSON-like text
        keyed = keyed.with_columns(pl.col("as_of").str.to_date())
    keyed = keyed.with_columns(pl.col("as_of").alias("__day"), policy_specs(keyed, None).alias("__spec"))
    groups, keyed, _ = group_by_bound_versions(catalog, keyed, False)
    checked = []
    for group in groups:
        part = keyed.filter(pl.col("__group") == group.number)
        cases, _ = to_case_frame(part, group.main.version.steps, part.get_column("__day"))
        checked.append((group.main, group.bindings, group.number, cases))
    return checked, history_for_groups(catalog, checked, False)


def _judged_both_ways(catalog, frame: pl.DataFrame) -> int:
    """Compare `judge_history` with the columns' verdicts and parts and by itself on every case the
    columns send to it; the number of parts the columns found."""
    from engine.columnar.frame import AS_OF, cases_from_frame
    checked, found = _verdicts(catalog, frame)
    used = 0
    for main, _, number, cases in checked:
        verdicts = found.get(number)
        if verdicts is None or not verdicts.to_judge.any():
            continue
        picked = cases.filter(pl.Series(verdicts.to_judge))
        days = picked.get_column(AS_OF).cast(pl.Date).to_list()
        for pos, day, case in zip(np.nonzero(verdicts.to_judge)[0].tolist(), days,
                                  cases_from_frame(picked, main.version.steps)):
            catalog.judged_histories.clear()          # no judgment or hint of another case
            given = judge_history(catalog, main, case, False, day, verdicts.verdicts.get(pos),
                                  parts=verdicts.parts.get(pos))
            catalog.judged_histories.clear()
            alone = judge_history(catalog, main, case, False, day)
            assert given == alone, pos
            used += len(verdicts.parts.get(pos, {}))
    return used


@pytest.fixture
def always_searched(monkeypatch):
    """The columns search every forbidden fee (a small frame holds fewer than pay for the search)."""
    monkeypatch.setattr(engine.batch.law_parts, "SEARCHED_FROM", 1)
    monkeypatch.setattr(engine.batch.law_parts, "CONFIRMED_FROM", 1)


def test_the_parts_given_judge_as_judge_history_alone_on_the_workload(always_searched):
    catalog = catalog_for(POLICIES)
    frame = _workload(400, seed=7).with_columns(pl.lit("kravia").alias("policy"))
    assert _judged_both_ways(catalog, frame) >= 30


def test_the_parts_given_judge_as_judge_history_alone_on_the_corpus(always_searched):
    """Every corpus case on its own date under its own policy (the cases whose recorded fee the law
    lowers are among them: tests/cases/*/ with a `fee_partly_owed` or `fee_not_owed` snapshot)."""
    from engine.batch.io import flat_row
    from engine.policy.case import load_case
    sys.path.insert(0, str(ROOT / "tests" / "parity"))
    from test_corpus_parity import _plain
    catalog = catalog_for(POLICIES)
    docs = []
    for folder in sorted(p for p in (ROOT / "tests" / "cases").iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.yaml")):
            data = _plain(load_case(str(path)).data)
            docs.append(dict(flat_row(data), case_id=path.stem, policy=folder.name))
    frame = pl.DataFrame(docs, infer_schema_length=None)
    assert frame.height > 50
    assert _judged_both_ways(catalog, frame) >= 1


def test_decide_table_gives_the_same_rows_with_and_without_the_parts(always_searched, monkeypatch):
    """The whole batch output (decisions, warnings, rejects) is the same when every part is left to
    `judge_history`'s own search."""
    frame = _workload(300, seed=12)
    catalog = catalog_for(POLICIES)
    catalog.judged_histories.clear()        # judge_history keeps its judgments on the catalog
    with_parts = decide_table(frame, "kravia", None, catalog)
    catalog.judged_histories.clear()
    monkeypatch.setattr(engine.batch.law_history, "_lawful_parts", lambda *a, **k: {})
    without = decide_table(frame, "kravia", None, catalog)
    for got, want in zip(with_parts, without):
        assert got.equals(want)
    lowered = with_parts[0].get_column("warnings").str.count_matches("of it is not owed").sum()
    assert lowered >= 20               # fees the law lowered were among them


def test_a_few_forbidden_fees_are_left_to_judge_history():
    """Below `SEARCHED_FROM` fees a set of law versions the columns give no part (the search would
    cost more than `judge_history`'s confirmations); the verdicts are given as before."""
    catalog = catalog_for(POLICIES)
    frame = _workload(200, seed=7).with_columns(pl.lit("kravia").alias("policy"))
    _, found = _verdicts(catalog, frame)
    assert any(v.verdicts for v in found.values()) and not any(v.parts for v in found.values())



def test_parts_found_before_are_confirmed_in_one_run(monkeypatch):
    """With the parts judge_history found in earlier cases (`history.parts_found`), the columns start
    from them: every kind known, one constraint run confirms them, and the result is still
    judge_history's own on every case."""
    monkeypatch.setattr(engine.batch.law_parts, "CONFIRMED_FROM", 1)
    monkeypatch.setattr(engine.batch.law_parts, "SEARCHED_FROM", 10 ** 9)     # only where every kind is known
    seen: list[tuple[int, int]] = []
    real = engine.batch.law_history.lawful_parts

    def counted(fee, kinds, broken, known=None):
        runs = []

        def run(rows, amounts):
            runs.append(len(rows))
            return broken(rows, amounts)
        got = real(fee, kinds, run, known)
        seen.append((len(runs), len(got)))
        return got
    monkeypatch.setattr(engine.batch.law_history, "lawful_parts", counted)
    catalog = catalog_for(POLICIES)
    catalog.judged_histories.clear()
    frame = _workload(400, seed=7).with_columns(pl.lit("kravia").alias("policy"))
    decide_table(frame, "kravia", None, catalog)           # judge_history finds the parts per case
    assert not seen                                        # no kind was known yet: nothing searched as columns
    used = _judged_both_ways(catalog, frame)
    assert used >= 30 and seen and all(runs == 1 for runs, _ in seen)
