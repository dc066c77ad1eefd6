"""`decide_dask` on a dask.distributed `LocalCluster` of process workers against `frin batch`: every
column and every reject, row by row, for the whole case corpus; and docs/batch.md's Dask recipe run
as written.

The workers import what they run under the installed name (`frist_inkasso.engine.batch.dask`), as a
user's workers do. It starts a cluster, so it runs with FRIST_TEST_DASK=1: `make test-dask`
(which `.ci/run` calls) installs the `dask` extra and sets it, and the test then fails (never
skips) without the extra. Without it, it is skipped, saying so.
"""
from __future__ import annotations

import json
import os
import shutil

import polars as pl
import pytest

if not os.environ.get("FRIST_TEST_DASK"):
    pytest.skip("starts a Dask cluster (3 processes, 10-30 s): `make test-dask` runs it (FRIST_TEST_DASK=1)",
                allow_module_level=True)
import distributed  # noqa: E402 - asked for: without the dask extra this fails, never skips

from support.batch_parity import (POLICIES, assert_parity, assert_parity_checks_rows_and_columns, corpus,  # noqa: E402
                          frist_batch, recipe, recipe_workspace, write_corpus)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    """The corpus folder, with a JSON Lines file (one line not a case) and a CSV file beside the Parquet ones,
    and what `frin batch` makes of it."""
    folder = tmp_path_factory.mktemp("corpus") / "cases"
    write_corpus(folder)
    lines = [json.dumps(doc) for doc in corpus()[:30]]
    lines[7:7] = ["{not json", ""]
    (folder / "sub" / "more.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(folder / "part-1.parquet", folder / "copy.parquet")
    return folder, *frist_batch(folder, tmp_path_factory.mktemp("reference"))


def _collect(decisions, rejects) -> tuple[pl.DataFrame, pl.DataFrame]:
    import dask
    import pyarrow as pa
    return tuple(pl.from_arrow(pa.Table.from_pandas(frame, preserve_index=False))
                 for frame in dask.compute(decisions, rejects))


def test_the_corpus_decided_as_frist_batch_decides_it(client, cases):
    from frist_inkasso.engine.batch.dask import decide_dask
    folder, want, want_rejects = cases
    assert want.get_column("source").n_unique() == 6
    got, got_rejects = _collect(*decide_dask(folder, policies_dir=POLICIES))
    assert_parity(got, got_rejects, want, want_rejects, "Dask")
    assert got.get_column("set_aside").str.len_chars().gt(0).any()
    assert_parity_checks_rows_and_columns(got, got_rejects, want, want_rejects)


def test_a_dask_dataframe_is_numbered_across_its_partitions(client, cases, tmp_path):
    import dask.dataframe as dd

    from frist_inkasso.engine.batch.dask import decide_dask
    folder, _, _ = cases
    one = tmp_path / "cases.parquet"
    pl.concat([pl.read_parquet(folder / "part-0.parquet"), pl.read_parquet(folder / "part-1.parquet")]).write_parquet(
        one, row_group_size=32)
    ddf = dd.read_parquet(str(one), dtype_backend="pyarrow", split_row_groups=True)
    assert ddf.npartitions > 2
    got, got_rejects = _collect(*decide_dask(ddf, policies_dir=POLICIES))
    want, want_rejects = frist_batch(one, tmp_path)
    # one file: frin batch writes no `source`; Dask's is null (the rows came from a DataFrame)
    no_source = pl.lit(None, dtype=pl.String).alias("source")
    want, want_rejects = (frame.select(no_source, pl.all()) for frame in (want, want_rejects))
    assert_parity(got, got_rejects, want, want_rejects, "Dask (DataFrame)")


def test_a_column_dropped_from_the_registry_fails_the_parity_check(client, cases, monkeypatch):
    import frist_inkasso.engine.policy.outputs as registry
    from frist_inkasso.engine.batch.dask import decide_dask
    folder, want, want_rejects = cases
    monkeypatch.setattr(registry, "OUTPUTS", tuple(o for o in registry.OUTPUTS if o.name != "payment_deadline"))
    got, got_rejects = _collect(*decide_dask(folder, policies_dir=POLICIES))
    assert "payment_deadline" not in got.columns
    with pytest.raises(AssertionError, match="payment_deadline"):
        assert_parity(got, got_rejects, want, want_rejects, "Dask")


def test_the_docs_recipe_runs_as_written(tmp_path, monkeypatch):
    recipe_workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    exec(compile(recipe("tests/batch/test_batch_dask.py"), "docs/batch.md", "exec"), {"__name__": "__main__"})
    got = pl.read_parquet(tmp_path / "decisions" / "*.parquet")
    got_rejects = pl.read_parquet(tmp_path / "rejects" / "*.parquet")
    want, want_rejects = frist_batch(tmp_path / "cases", tmp_path, "--policy", "kravia", "--as-of", "2026-03-02")
    assert_parity(got, got_rejects, want, want_rejects, "the Dask recipe", rejects_expected=False)
