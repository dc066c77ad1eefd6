"""`decide_batch` per partition on a dask.distributed LocalCluster over a partitioned Parquet dataset."""
from __future__ import annotations

import polars as pl
import pytest

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed: `make test-dask` runs this test")

from engine.batch.io import flat_row  # noqa: E402
from test_batch import GOOD, POLICIES  # noqa: E402


def decide_partition(path: str, policies: str):
    """What a worker runs: read one partition, decide it, return an Arrow table."""
    import pyarrow.parquet as pq

    import engine
    return engine.decide_batch(pq.read_table(path), policy="demo", as_of="2026-03-02", policies_dir=policies)


def test_local_cluster_over_partitioned_parquet(tmp_path):
    docs = [dict(doc, case_id=f"{doc['case_id']}-{i}") for i in range(40) for doc in GOOD]
    frame = pl.DataFrame([flat_row(d) for d in docs], infer_schema_length=None)
    dataset = tmp_path / "cases"
    dataset.mkdir()
    paths = []
    for part in range(4):
        path = dataset / f"part-{part}.parquet"
        frame.slice(part * 30, 30).write_parquet(path)
        paths.append(str(path))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        tables = client.gather(client.map(decide_partition, paths, policies=POLICIES))
    got = pl.concat([pl.from_arrow(t) for t in tables]).select("case_id", "action", "fee")
    import engine
    whole = engine.decide_batch(frame, policy="demo", as_of="2026-03-02", policies_dir=POLICIES)
    assert got.height == frame.height
    assert got.sort("case_id").equals(whole.select("case_id", "action", "fee").sort("case_id"))
