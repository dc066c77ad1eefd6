"""Deep `d + 1 day + …` chains are folded before Polars sees them (issue 19).

A 256-deep chain made the columnar plan take ~12.7 s even for one row (each step's range
check repeated the steps below it). The compiler now adds the constants' sum once; the
plan's size no longer grows with the square of the depth, and a chain whose partial date
leaves the range is still flagged, so the row gets `frin decide`'s error.
"""
from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
import yaml

from engine.batch.api import catalog_for, decide_table
from engine.batch.io import flat_row
from engine.batch.layout import ROW
from engine.batch.validate import to_case_frame
from engine.columnar.compile import ExprCompiler
from engine.columnar.program import ColumnarRun

CASE = {"case_id": "D-1", "as_of": "2026-03-02", "creditor": {"vat_registered": True},
        "debtor": {"kind": "consumer"}, "claims": [{"invoice": "1", "amount": "100.00", "due": "2026-01-15"}]}


def _policy(when: str) -> str:
    """A policy whose first rule is `when`, else `wait`."""
    rule = lambda rid, cond, action: {"id": rid, "when": cond, "action": action,  # noqa: E731
                                      "explain": {"nb": "x", "en": "x"}}
    return yaml.safe_dump({"policy": "deep", "effective": "2026-01-01", "title": {"nb": "d", "en": "d"},
                           "calendar": {"country": "NO", "source": "holidays"},
                           "rules": [rule("deep", when, "act"), rule("otherwise", True, "wait")]}, sort_keys=False)


@pytest.fixture
def policies(tmp_path, monkeypatch):
    monkeypatch.setenv("FRIST_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FRIST_CACHE_KEY", str(tmp_path / "key"))
    (tmp_path / "policies" / "deep").mkdir(parents=True)

    def write(when: str):
        (tmp_path / "policies" / "deep" / "2026-01-01.yaml").write_text(_policy(when))
        return tmp_path / "policies"
    return write


def _plan_size(folder, steps: int) -> int:
    """Characters in the compiled `when` of `as_of + 1 day` × steps (its expression and err)."""
    catalog = catalog_for(folder)
    day = dt.date(2026, 3, 2)
    main = catalog.resolve("deep", day)
    bindings = catalog.bind(main, day)
    frame = pl.DataFrame([flat_row(CASE)]).with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    cases, _ = to_case_frame(frame, main.version.steps, pl.Series([day]))
    run = ColumnarRun(bindings, "deep", cases.drop(ROW), main.version.steps)
    col = ExprCompiler(run, "deep").col(main.rules[0].when)
    return len(str(col.expr)) + len(str(col.err))


def test_a_chain_of_date_steps_compiles_to_a_plan_of_constant_size(policies):
    sizes = [_plan_size(policies("as_of" + " + 1 day" * n + " > as_of"), n) for n in (4, 32, 64)]
    assert sizes[2] < 2 * sizes[0], sizes          # unfolded, each step added every step below it again


def test_a_chain_is_decided_as_decide_decides_it(policies, run_cli, tmp_path):
    folder = policies("as_of + 1 day - 3 days + 10 days + 2 days == as_of + 10 days")
    (tmp_path / "cases.jsonl").write_text(json.dumps(CASE) + "\n")
    decided, rejected = decide_table(pl.DataFrame([flat_row(CASE)]), "deep", None, folder)
    assert decided.get_column("action").to_list() == ["act"] and rejected.height == 0   # 1 − 3 + 10 + 2 = 10


def test_a_partial_date_out_of_range_is_the_error_decide_gives(policies, run_cli, tmp_path):
    """9999-12-31 is the last date Python holds: + 3 000 000 days overflows on the way, though the end is in range."""
    folder = policies("as_of + 3000000 days - 3000000 days + 1 day > as_of")
    (tmp_path / "case.json").write_text(json.dumps(dict(CASE, policy="deep")))
    code, out, err = run_cli("decide", tmp_path / "case.json", "--policies", folder, "--no-trace")
    assert code != 0 and "Traceback" not in err
    decided, rejected = decide_table(pl.DataFrame([flat_row(CASE)]), "deep", None, folder)
    assert decided.height == 0 and rejected.height == 1
    assert rejected.get_column("problem").item().split(":")[0] in err
