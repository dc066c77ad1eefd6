"""`engine.batch.spark.decide_dataframe` on Spark local mode: decisions equal `decide_batch`'s, rejects
keep their global row number, and rows are numbered across partitions and Arrow batches.

Needs the `spark` extra and a Java runtime, and takes a minute or two, so it runs only with
FRIST_TEST_SPARK=1: `make test-spark` (installs the extra; the Java runtime comes from the OS
packages, e.g. `apt-get install openjdk-17-jre-headless`). Otherwise it is skipped, with the reason.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

if not os.environ.get("FRIST_TEST_SPARK"):
    pytest.skip("Spark local mode takes a minute or two to start: `make test-spark` runs it (FRIST_TEST_SPARK=1)",
                allow_module_level=True)
pytest.importorskip("pyspark", reason="the spark extra is not installed (make test-spark)")
pytest.importorskip("pandas", reason="the spark extra is not installed (make test-spark)")
if shutil.which("java") is None:
    pytest.skip("no Java runtime for Spark (`java -version` fails); make test-spark documents it",
                allow_module_level=True)

from engine.batch.io import flat_row  # noqa: E402
from test_batch import BAD, GOOD, POLICIES, WANT  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from pyspark.sql import SparkSession
    os.environ["PYSPARK_PYTHON"] = sys.executable               # workers run this interpreter,
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))  # with the checkout
    session = (SparkSession.builder.master("local[2]").appName("frist-test")
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "4")      # several Arrow batches per task
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.local.dir", str(tmp_path_factory.mktemp("spark-local")))
               .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
               .getOrCreate())
    yield session
    session.stop()


def test_java_runtime_is_there():
    result = subprocess.run(["java", "-version"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_decide_dataframe_over_partitions_and_batches(spark, tmp_path):
    from engine import decide_batch
    from engine.batch.spark import decide_dataframe, decision_schema
    docs = [dict(doc, case_id=f"{doc['case_id']}-{i}") for i in range(5) for doc in GOOD + [BAD]]
    frame = pl.DataFrame([flat_row(d) for d in docs], infer_schema_length=None)
    folder = tmp_path / "cases"
    folder.mkdir()
    for part in range(3):                       # three files: three partitions
        frame.slice(part * 7, 7).write_parquet(folder / f"part-{part}.parquet")
    df = spark.read.parquet(str(folder))
    assert df.rdd.getNumPartitions() >= 2

    decisions, rejects = decide_dataframe(df, policy="demo", as_of="2026-03-02", policies_dir=POLICIES)
    assert decisions.schema == decision_schema("demo", POLICIES)
    got = decisions.toPandas()
    bad = rejects.toPandas()

    # every row is decided or rejected, once, and the row numbers are 1..N across the whole input
    assert len(got) + bad["row"].nunique() == len(docs)
    rows = sorted(list(got["row"]) + list(bad["row"].unique()))
    assert rows == list(range(1, len(docs) + 1))
    # the bad rows are the C-* cases, each with its own case_id and the problems named
    assert sorted(bad["case_id"].unique()) == [f"C-{i}" for i in range(5)]
    for case_id, fields in bad.groupby("case_id")["field"]:
        assert sorted(fields) == ["claims[0].amount", "debtor.kind"], case_id
    # the decisions are the ones decide_batch gives (and the hand-checked WANT of test_batch)
    for _, r in got.iterrows():
        action, fee = WANT[r["case_id"].split("-")[0]]
        assert r["action"] == action
        assert (None if r["fee"] is None else f"{r['fee']:.2f}") == fee
    reference = decide_batch(frame.filter(~pl.col("case_id").str.starts_with("C")), policy="demo",
                             as_of="2026-03-02", policies_dir=POLICIES)
    want = dict(zip(reference.get_column("case_id"), reference.get_column("action")))
    assert dict(zip(got["case_id"], got["action"])) == want
