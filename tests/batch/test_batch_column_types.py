"""A list column of the wrong type (a number where claims, payments or events belong) is a usage
error naming the column, not an internal error (it was `InvalidOperationError: explode ... i64`,
exit 101; found by the types2 helper reading batch/layout.py)."""
from __future__ import annotations

import pytest

pl = pytest.importorskip("polars")


@pytest.mark.parametrize("column, value", [("claims", 5), ("payments", 1.5), ("events", True)])
def test_a_list_column_of_numbers_is_a_usage_error(run_cli, tmp_path, column, value):
    row = {"case_id": "A", "policy": "kravia", "as_of": "2026-03-02", "debtor_kind": "consumer",
           "claims": '[{"invoice": "1", "amount": "100.00", "due": "2026-01-15"}]', column: value}
    pl.DataFrame([row]).write_parquet(tmp_path / "cases.parquet")
    code, out, err = run_cli("batch", tmp_path / "cases.parquet", "-o", tmp_path / "out.csv", "--no-progress")
    assert code == 2, err
    assert f"column `{column}` is " in err and "write it as a list of structs or as JSON text" in err
    assert "internal error" not in err and not (tmp_path / "out.csv").exists()
