"""The case corpus as a folder of batch files, `frin batch` over it, and the row-by-row comparison
that tests/batch/test_spark.py and tests/batch/test_batch_dask.py hold Spark and Dask to.

The corpus is every case file of tests/cases and examples (each decided by its own policy
on its own `as_of`), twice under distinct case ids, with rows that must be rejected, written
in the flat layout with list-of-struct columns (as Spark writes them) over several files, one
in a subfolder, beside a `_SUCCESS` marker that no reader may take for cases.
`assert_parity` compares EVERY column `frin batch` writes, with its order, and the rejects,
keyed by each row's identity (`source`, `row`); nothing here names an output column, so an
output added to the registry is compared without an edit.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import yaml

ROOT = Path(__file__).resolve().parents[2]
POLICIES = str(ROOT / "policies")
KEY = ["source", "row"]
# rows that cannot be decided: a bad value, an unknown policy, a date no policy version covers
BAD = [
    {"case_id": "BAD-kind", "policy": "kravia", "as_of": "2026-03-02", "debtor": {"kind": "alien"},
     "claims": [{"invoice": "1", "amount": "12.345", "due": "2026-01-15"}]},
    {"case_id": "BAD-policy", "policy": "no-such-policy", "as_of": "2026-03-02", "debtor": {"kind": "consumer"},
     "claims": [{"invoice": "1", "amount": "100.00", "due": "2026-01-15"}]},
    {"case_id": "BAD-date", "policy": "kravia", "as_of": "1901-01-01", "debtor": {"kind": "consumer"},
     "claims": [{"invoice": "1", "amount": "100.00", "due": "1900-12-01"}]},
]


def corpus() -> list[dict]:
    """Every corpus and example case as a JSON document (dates and amounts as text)."""
    paths = sorted((ROOT / "tests" / "cases").rglob("*.yaml")) + sorted((ROOT / "examples").glob("*.yaml"))
    docs = [json.loads(json.dumps(yaml.safe_load(p.read_text(encoding="utf-8")), default=str)) for p in paths]
    assert len(docs) > 100, "the corpus went missing"
    return docs


def flat(doc: dict) -> dict:
    """A case document as a flat-layout row with its lists as lists (list-of-struct columns)."""
    row = {k: doc.get(k) for k in ("case_id", "as_of", "policy")}
    for record in ("creditor", "debtor", "agreement"):
        for key, value in (doc.get(record) or {}).items():
            row[f"{record}_{key}"] = value
    for name in ("claims", "payments", "events"):
        row[name] = doc.get(name) or []
    return row


def write_corpus(folder: Path, files: int = 4) -> int:
    """The corpus in `files` Parquet files (the last in `sub/`), small row groups; returns the row count."""
    docs = [dict(d, case_id=f"{d.get('case_id')}~{copy}") for copy in range(2) for d in corpus()]
    for at, bad in zip((5, 60, 200), BAD):
        docs[at:at] = [bad]
    frame = pl.DataFrame([flat(d) for d in docs], infer_schema_length=None)
    size = -(-frame.height // files)
    (folder / "sub").mkdir(parents=True)
    for part in range(files):
        path = folder / ("sub/" if part == files - 1 else "") / f"part-{part}.parquet"
        frame.slice(part * size, size).write_parquet(path, row_group_size=16)
    (folder / "_SUCCESS").write_text("")
    return frame.height


def frist_batch(source: Path, scratch: Path, *options: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`frin batch SOURCE` (the reference): its decisions and rejects as written."""
    from cli import run
    out, rejects = scratch / "decisions.parquet", scratch / "rejects.parquet"
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["batch", str(source), "-o", str(out), "--rejects", str(rejects), "--policies", POLICIES,
                "--no-progress", *options], stdout, stderr)
    assert code in (0, 2), stderr.getvalue()
    return pl.read_parquet(out), pl.read_parquet(rejects)


def assert_parity(got: pl.DataFrame, got_rejects: pl.DataFrame, want: pl.DataFrame, want_rejects: pl.DataFrame,
                  who: str, rejects_expected: bool = True) -> None:
    """`got` (Spark's or Dask's) holds exactly `frin batch`'s decisions and rejects, every column, row by row.

    Extra columns may only be `amount_<name>` columns that are null throughout (a distributed
    engine declares the amounts of every policy version before it sees a row).
    """
    missing = [c for c in want.columns if c not in got.columns]
    assert not missing, f"{who} lacks column(s) {missing} that frin batch writes"
    extra = [c for c in got.columns if c not in want.columns]
    assert all(c.startswith("amount_") and got.get_column(c).null_count() == got.height for c in extra), \
        f"{who} has column(s) frin batch does not write, with values: {extra}"
    fixed = [c for c in want.columns if not c.startswith("amount_")]
    assert [c for c in got.columns if c in fixed] == fixed, f"{who} orders the columns differently"
    assert want.height and got.height == want.height, f"{who}: {got.height} decisions, frin batch {want.height}"
    got, want = got.select(want.columns).sort(KEY), want.sort(KEY)
    for name in want.columns:
        ours, theirs = got.get_column(name), want.get_column(name).cast(got.schema[name])
        differ = (ours.ne_missing(theirs))
        assert not differ.any(), (f"{who} differs from frin batch in column `{name}`, first at "
                                  f"{want.filter(differ).select(KEY).row(0)}: {ours.filter(differ)[0]!r} != "
                                  f"{theirs.filter(differ)[0]!r}")
    columns = ["source", "row", "case_id", "field", "problem"]
    assert got_rejects.columns == columns and want_rejects.columns == columns, (got_rejects.columns, want_rejects.columns)
    assert want_rejects.height or not rejects_expected, "the corpus has rows to reject"
    ours, theirs = got_rejects.sort(columns), want_rejects.cast(got_rejects.schema).sort(columns)
    assert ours.equals(theirs), f"{who}'s rejects differ from frin batch's:\n{ours}\n{theirs}"


def assert_parity_checks_rows_and_columns(got: pl.DataFrame, rejects: pl.DataFrame, want: pl.DataFrame,
                                          want_rejects: pl.DataFrame) -> None:
    """The comparison itself fails when one row number is off, in the decisions or the rejects."""
    import pytest
    shifted = got.with_columns(pl.when(pl.int_range(pl.len()) == 3).then(pl.col("row") + 1).otherwise(pl.col("row")))
    with pytest.raises(AssertionError):
        assert_parity(shifted, rejects, want, want_rejects, "shifted")
    shifted = rejects.with_columns(pl.col("row") + pl.int_range(pl.len()).eq(0).cast(pl.Int64))
    with pytest.raises(AssertionError):
        assert_parity(got, shifted, want, want_rejects, "shifted")


def recipe(marker: str) -> str:
    """The ```python block of docs/batch.md right after `<!-- run by MARKER -->`, as written."""
    import re
    text = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- run by {re.escape(marker)} -->\s*\n```python\n(.*?)^```", text, re.M | re.S)
    assert found, f"docs/batch.md has no recipe marked `<!-- run by {marker} -->`"
    return found.group(1)


def recipe_workspace(folder: Path) -> None:
    """A reader's folder for the recipes: `cases/`, the kravia corpus as flat Parquet (no ./policies:
    the bundled catalog decides), as docs/batch.md describes it."""
    paths = sorted((ROOT / "tests" / "cases" / "kravia").glob("*.yaml"))
    docs = [json.loads(json.dumps(yaml.safe_load(p.read_text(encoding="utf-8")), default=str)) for p in paths]
    frame = pl.DataFrame([flat(d) for d in docs], infer_schema_length=None)
    (folder / "cases").mkdir(parents=True)
    half = frame.height // 2
    frame.head(half).write_parquet(folder / "cases" / "part-0.parquet")
    frame.tail(frame.height - half).write_parquet(folder / "cases" / "part-1.parquet")
