"""`frin batch`: round trips through Parquet, CSV and JSON Lines, rejects, --strict, errors."""
from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest

from cli import run
from engine.batch.io import flat_row

ROOT = Path(__file__).resolve().parents[2]
POLICIES = str(ROOT / "policies")
GOOD = [
    {"case_id": "A", "creditor": {"vat_registered": True}, "debtor": {"kind": "consumer"},
     "claims": [{"invoice": "1", "amount": "1250.00", "due": "2026-01-15"}]},
    {"case_id": "B", "creditor": {"vat_registered": True}, "debtor": {"kind": "business"},
     "claims": [{"invoice": "1", "amount": "600.00", "due": "2026-01-15", "disputed": True},
                {"invoice": "2", "amount": "10.00", "due": "2026-01-10"}],
     "events": [{"step": "reminder", "date": "2026-02-01"}]},
    {"case_id": "D", "creditor": {"vat_registered": False}, "debtor": {"kind": "consumer"},
     "claims": [{"invoice": "1", "amount": "100.00", "due": "2026-01-15"}],
     "payments": [{"date": "2026-02-01", "amount": "100.00"}]},
]
BAD = {"case_id": "C", "creditor": {"vat_registered": True}, "debtor": {"kind": "alien"},
       "claims": [{"invoice": "1", "amount": "12.345", "due": "2026-01-15"}]}
WANT = {"A": ("send_reminder", "38.00"), "B": ("hold", None), "D": ("close", None)}


def frist(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), out, err)
    return int(code), out.getvalue(), err.getvalue()


def write_input(path: Path, docs: list[dict]) -> None:
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(d) + "\n" for d in docs))
        return
    frame = pl.DataFrame([flat_row(d) for d in docs], infer_schema_length=None)
    frame.write_csv(path) if path.suffix == ".csv" else frame.write_parquet(path)


def read_output(path: Path) -> dict[str, tuple]:
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        return {r["case_id"]: (r["action"], r["fee"]) for r in rows}
    frame = pl.read_csv(path, infer_schema=False) if path.suffix == ".csv" else pl.read_parquet(path)
    return {r["case_id"]: (r["action"], None if r["fee"] is None else f"{float(r['fee']):.2f}")
            for r in frame.iter_rows(named=True)}


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_round_trip_with_rejects(tmp_path, suffix):
    source, target = tmp_path / f"cases{suffix}", tmp_path / f"decisions{suffix}"
    write_input(source, GOOD[:2] + [BAD] + GOOD[2:])
    code, out, err = frist("batch", str(source), "-o", str(target), "--policy", "demo", "--as-of", "2026-03-02",
                           "--policies", POLICIES, "--no-progress")
    assert code == 2, err
    assert read_output(target) == WANT
    assert "decided 3 case(s)" in out and "rejected 1 row(s)" in out
    # each output its own rejects: decisions.rejects.csv beside decisions.csv, decisions.jsonl.rejects.csv ...
    rejects = pl.read_csv(tmp_path / ("decisions.rejects.csv" if suffix == ".csv" else f"decisions{suffix}.rejects.csv"),
                          infer_schema=False)
    assert set(rejects.get_column("row").to_list()) == {"3"}
    assert set(rejects.get_column("case_id").to_list()) == {"C"}
    text = " ".join(rejects.get_column("field").fill_null("").to_list() + rejects.get_column("problem").to_list())
    assert "alien" in text and "12.345" in text


def test_strict_stops_at_first_rejected_row(tmp_path):
    source = tmp_path / "cases.csv"
    write_input(source, [BAD] + GOOD)
    code, out, err = frist("batch", str(source), "-o", str(tmp_path / "out.csv"), "--policy", "demo",
                           "--as-of", "2026-03-02", "--policies", POLICIES, "--strict", "--no-progress")
    assert code == 2 and "row 1 (case C)" in err and "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


def test_clean_run_exits_zero_and_summarises(tmp_path):
    source = tmp_path / "cases.parquet"
    write_input(source, GOOD)
    code, out, _ = frist("batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--policy", "demo",
                         "--as-of", "2026-03-02", "--policies", POLICIES, "--no-progress")
    assert code == 0 and "send_reminder" in out and "close" in out


def test_unreadable_jsonl_line_is_rejected_under_its_own_row(tmp_path):
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps(GOOD[0]) + "\n{not json\n")
    code, _, _ = frist("batch", str(source), "-o", str(tmp_path / "o.csv"), "--policy", "demo",
                       "--as-of", "2026-03-02", "--policies", POLICIES, "--no-progress")
    rejects = pl.read_csv(tmp_path / "o.rejects.csv", infer_schema=False)
    assert code == 2 and rejects.get_column("row").to_list() == ["2"]
    assert rejects.get_column("case_id").to_list() == [None]     # not case A from the line before


def test_json_number_for_money_is_rejected(tmp_path):
    source = tmp_path / "cases.csv"
    doc = dict(GOOD[0], claims=[{"invoice": "1", "amount": 12.5, "due": "2026-01-15"}])
    write_input(source, [doc])
    code, _, _ = frist("batch", str(source), "-o", str(tmp_path / "o.csv"), "--policy", "demo",
                       "--as-of", "2026-03-02", "--policies", POLICIES, "--no-progress")
    rejects = pl.read_csv(tmp_path / "o.rejects.csv", infer_schema=False)
    assert code == 2 and rejects.get_column("field").to_list() == ["claims[0].amount"]


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_chunks_of_one_row_decide_and_reject_what_one_chunk_does(tmp_path, suffix):
    """`--chunk-rows` changes how many rows are read and decided at a time, never the outcome:
    each row in its own chunk (the rejected one among them) gives the default run's files."""
    source = tmp_path / f"cases{suffix}"
    write_input(source, GOOD[:2] + [BAD] + GOOD[2:])
    outputs = {}
    for rows in ("1", None):
        target = tmp_path / f"decisions-{rows}{suffix}"
        code, out, err = frist("batch", str(source), "-o", str(target), "--policy", "demo", "--as-of", "2026-03-02",
                               "--policies", POLICIES, "--no-progress", *(["--chunk-rows", rows] if rows else []))
        assert code == 2 and "4 input row(s) = 3 decided + 1 rejected" in out, err
        rejects = pl.read_csv(tmp_path / f"decisions-{rows}{suffix}.rejects.csv", infer_schema=False)
        outputs[rows] = (read_output(target), rejects.sort("row", "field").to_dicts())
    assert outputs["1"] == outputs[None] and outputs[None][0] == WANT


@pytest.mark.parametrize("rows", ["0", "-5", "many"])
def test_a_chunk_size_that_is_no_number_of_rows_is_a_usage_error(tmp_path, rows):
    write_input(tmp_path / "cases.csv", GOOD)
    code, _, err = frist("batch", str(tmp_path / "cases.csv"), "-o", str(tmp_path / "x.csv"), "--policy", "demo",
                         "--policies", POLICIES, "--chunk-rows", rows)
    assert code == 2 and f"`{rows}` is not a number of rows" in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (["missing.parquet", "-o", "x.csv"], "does not exist"),
    (["cases.txt", "-o", "x.csv"], "unknown format"),
    (["cases.csv", "-o", "x.csv", "--policy", "nope"], "unknown policy"),
    (["cases.csv", "-o", "x.csv", "--as-of", "2026-13-01"], "not a date"),
])
def test_usage_errors_are_messages(tmp_path, args, message):
    write_input(tmp_path / "cases.csv", GOOD)
    (tmp_path / "cases.txt").write_text("x")
    args = [str(tmp_path / a) if a.startswith(("cases", "missing", "x.")) else a for a in args]
    code, _, err = frist("batch", *args, "--policies", POLICIES, "--no-progress", *([] if "--policy" in args else ["--policy", "demo"]))
    assert code == 2 and message in err and "Traceback" not in err


def test_decide_batch_api_keeps_the_table_kind():
    import pyarrow as pa
    import engine
    frame = pl.DataFrame([flat_row(d) for d in GOOD], infer_schema_length=None)
    got = engine.decide_batch(frame.to_arrow(), policy="demo", as_of="2026-03-02", policies_dir=POLICIES)
    assert isinstance(got, pa.Table)
    assert got.column("action").to_pylist() == ["send_reminder", "hold", "close"]
    rejects: list = []
    bad = pl.DataFrame([flat_row(d) for d in [BAD] + GOOD], infer_schema_length=None)
    out = engine.decide_batch(bad, policy="demo", as_of="2026-03-02", policies_dir=POLICIES, rejects=rejects)
    assert out.height == 3 and {r["row"] for r in rejects} == {1}


def test_a_list_column_with_no_items_anywhere(tmp_path):
    """Parquet written from rows whose `payments` are all empty has the type list<null> (found by
    bench/distributed.py on a 2-row file): the rows are decided, not an internal error."""
    doc = dict(GOOD[0], payments=[])
    frame = pl.DataFrame([{**flat_row(doc), "payments": [], "events": None}],
                         schema_overrides={"payments": pl.List(pl.Null), "events": pl.Null})
    frame.write_parquet(tmp_path / "cases.parquet")
    code, out, err = frist("batch", str(tmp_path / "cases.parquet"), "-o", str(tmp_path / "out.csv"), "--policy", "demo",
                           "--as-of", "2026-03-02", "--policies", POLICIES, "--no-progress")
    assert code == 0, out + err
    assert read_output(tmp_path / "out.csv") == {"A": WANT["A"]}


def test_a_folder_of_files_names_each_rows_source(tmp_path):
    """`frin batch FOLDER`: every case file below it, `source` and `row` (its number in its file)
    first, hidden and `_` files skipped, an output inside the folder refused (docs/batch.md)."""
    (tmp_path / "in" / "sub").mkdir(parents=True)
    write_input(tmp_path / "in" / "a.parquet", GOOD[:2])
    write_input(tmp_path / "in" / "sub" / "b.jsonl", [BAD, GOOD[2]])
    (tmp_path / "in" / "_SUCCESS").write_text("")
    code, out, err = frist("batch", str(tmp_path / "in"), "-o", str(tmp_path / "out.jsonl"), "--policy", "demo",
                           "--as-of", "2026-03-02", "--policies", POLICIES, "--no-progress")
    assert code == 2, out + err
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [(r["source"], r["row"], r["case_id"]) for r in rows] == [("a.parquet", 1, "A"), ("a.parquet", 2, "B"),
                                                                      ("sub/b.jsonl", 2, "D")]
    rejects = pl.read_csv(tmp_path / "out.jsonl.rejects.csv")
    assert rejects.columns[:3] == ["source", "row", "case_id"]
    assert set(rejects.select("source", "row", "case_id").iter_rows()) == {("sub/b.jsonl", 1, "C")}
    code, _, err = frist("batch", str(tmp_path / "in"), "-o", str(tmp_path / "in" / "out.csv"), "--policy", "demo",
                         "--policies", POLICIES)
    assert code == 2 and "inside the input folder" in err


def test_the_chunk_size_the_help_names_is_the_one_used():
    """`--chunk-rows`' help states the default (options.py stays light: it does not import the
    batch package); this holds it to `CHUNK_ROWS`, so the two cannot drift."""
    from engine.batch.chunk import CHUNK_ROWS
    code, out, _ = frist("batch", "--help")
    assert code == 0 and f"(default {CHUNK_ROWS})" in " ".join(out.split())
