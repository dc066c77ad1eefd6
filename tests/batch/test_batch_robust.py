"""`frin batch` never loses or invents a row and never destroys a file (issue 13 item 4, issue 11 item 9).

Every kind of bad row is a reject with a reason while the other rows are decided; outputs
appear whole or not at all; a target that is an input, or cannot be written, is refused
before any deciding; the summary accounts for every row (and has a JSON form).
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest

import engine.batch.api
import engine.batch.io
from cli import run
from engine.batch.columns import known_columns
from engine.batch.io import flat_row
from engine.core.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]
POLICIES = str(ROOT / "policies")
GOOD = {"case_id": "A", "policy": "demo", "as_of": "2026-03-02", "creditor": {"vat_registered": True},
        "debtor": {"kind": "consumer"}, "claims": [{"invoice": "1", "amount": "1250.00", "due": "2026-01-15"}]}


def frist(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in args], out, err)
    return int(code), out.getvalue(), err.getvalue()


def batch(source: Path, target: Path, *extra: str) -> tuple[int, str, str]:
    return frist("batch", source, "-o", target, "--policies", POLICIES, "--no-progress", *extra)


def good(case_id: str, **changes) -> dict:
    return dict(GOOD, case_id=case_id, **changes)


def jsonl(path: Path, lines: list[bytes | dict]) -> Path:
    path.write_bytes(b"".join((json.dumps(x).encode() if isinstance(x, dict) else x) + b"\n" for x in lines))
    return path


BAD_LINES = [  # (line, the reject's problem contains)
    (b'{"case_id": "X\xff", "policy": "demo"}', "not UTF-8 (byte 0xff"),
    (good("Z", claims=[{"invoice": "1", "amount": "1250.00", "due": "0000-01-01"}]), "0000-01-01"),
    (good("Y", claims=[{"invoice": "1", "amount": "1250.00", "due": "9999-06-01"}]), "outside the years"),
    (good("H", claims=[{"invoice": "1", "amount": "99999999999999999999999999.00", "due": "2026-01-15"}]),
     "larger than the largest amount"),
    (good("P", policy="nosuch"), "unknown policy `nosuch`"),
    (good("O", as_of="2001-01-01"), "no version of `demo` is in force on 2001-01-01"),
    (b"{not json", "is not JSON"),
    (b"[" * 100_000, "nested too deeply"),
    (b'"just a string"', "a case must be a JSON object"),
]


def test_every_kind_of_bad_row_is_a_reject_and_the_run_goes_on(tmp_path):
    source = jsonl(tmp_path / "in.jsonl", [good("A")] + [line for line, _ in BAD_LINES] + [good("B")])
    code, out, err = batch(source, tmp_path / "out.jsonl", "--format", "json")
    assert code == 2, err
    summary = json.loads(out)
    assert (summary["rows"], summary["decided"], summary["rejected"], summary["accounted"]) == (11, 2, 9, True)
    decided = [json.loads(line)["case_id"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert decided == ["A", "B"]
    rejects = pl.read_csv(tmp_path / "out.jsonl.rejects.csv", infer_schema=False)
    by_row = dict(zip(rejects.get_column("row").cast(int).to_list(), rejects.get_column("problem").to_list()))
    for row, (_, text) in enumerate(BAD_LINES, start=2):
        assert text in by_row[row], (row, by_row.get(row))


def test_a_csv_claims_cell_that_is_not_json_rejects_its_row_only(tmp_path):
    frame = pl.DataFrame([flat_row(good("A")), flat_row(good("B"))])
    frame = frame.with_columns(pl.when(pl.col("case_id") == "B").then(pl.lit("not json")).otherwise(pl.col("claims")).alias("claims"))
    frame.write_csv(tmp_path / "in.csv")
    code, out, _ = batch(tmp_path / "in.csv", tmp_path / "out.csv")
    rejects = pl.read_csv(tmp_path / "out.rejects.csv", infer_schema=False)
    assert code == 2 and pl.read_csv(tmp_path / "out.csv").get_column("case_id").to_list() == ["A"]
    assert rejects.rows() == [("2", "B", "claims", rejects.item(0, "problem"))]
    assert rejects.item(0, "problem").startswith("is not JSON")     # and not also "needs at least one claim"


@pytest.mark.parametrize("target", ["output", "rejects", "both"])
def test_a_target_that_is_the_input_is_refused_and_the_input_kept(tmp_path, target):
    source = jsonl(tmp_path / "x.jsonl", [good("A")])
    before = source.read_bytes()
    args = {"output": (source,), "rejects": (tmp_path / "o.jsonl", "--rejects", source),
            "both": (tmp_path / "o.jsonl", "--rejects", tmp_path / "o.jsonl")}[target]
    code, out, err = batch(source, *args)
    assert code == 2 and out == "" and ("is the input file" in err or "is also the --output file" in err), err
    assert source.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["x.jsonl"]


def test_a_symlink_to_the_input_is_the_input(tmp_path):
    source = jsonl(tmp_path / "x.jsonl", [good("A")])
    (tmp_path / "link.jsonl").symlink_to(source)
    code, _, err = batch(source, tmp_path / "link.jsonl")
    assert code == 2 and "is the input file" in err and source.read_text().startswith("{")


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing" / "out.csv", "does not exist; create it first"),
    (lambda d: (d / "dir.csv").mkdir() or d / "dir.csv", "is a directory"),
])
def test_an_unwritable_target_fails_before_any_deciding(tmp_path, monkeypatch, make, message):
    source = jsonl(tmp_path / "x.jsonl", [good("A")])
    monkeypatch.setattr(engine.batch.api, "decide_table", lambda *a, **k: pytest.fail("decided before checking"))
    code, out, err = batch(source, make(tmp_path))
    assert code == 2 and message in err and "internal error" not in err


def test_a_failed_run_leaves_the_previous_output_and_no_scratch(tmp_path, monkeypatch):
    """Killed or failing half-way, the old decisions stay whole; nothing half-written looks complete."""
    source = jsonl(tmp_path / "x.jsonl", [good(f"C{i}") for i in range(6)])
    target = tmp_path / "out.csv"
    assert batch(source, target)[0] == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    monkeypatch.setattr(engine.batch.io, "CHUNK_ROWS", 2)
    real, calls = engine.batch.api.decide_table, []

    def dies_on_the_third_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt     # as a kill or Ctrl-C would, after two chunks were written
        return real(*args, **kwargs)

    monkeypatch.setattr(engine.batch.api, "decide_table", dies_on_the_third_chunk)
    with pytest.raises(KeyboardInterrupt):
        batch(source, target)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_clean_rerun_replaces_the_stale_rejects_file(tmp_path):
    source = jsonl(tmp_path / "x.jsonl", [good("A"), b"{bad"])
    assert batch(source, tmp_path / "out.jsonl")[0] == 2
    assert pl.read_csv(tmp_path / "out.jsonl.rejects.csv").height == 1
    jsonl(source, [good("A")])
    assert batch(source, tmp_path / "out.jsonl")[0] == 0
    assert pl.read_csv(tmp_path / "out.jsonl.rejects.csv").height == 0


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_chunked_runs_decide_exactly_as_one_chunk(tmp_path, monkeypatch, suffix):
    docs = [good(f"C{i}", debtor={"kind": "business" if i % 2 else "consumer"}) for i in range(7)]
    docs[3] = good("BAD", debtor={"kind": "alien"})
    source = tmp_path / "in.jsonl"
    jsonl(source, docs)
    if suffix != ".jsonl":
        frame = pl.DataFrame([flat_row(d) for d in docs])
        source = tmp_path / f"in{suffix}"
        frame.write_csv(source) if suffix == ".csv" else frame.write_parquet(source)
    assert batch(source, tmp_path / f"one{suffix}")[0] == 2
    monkeypatch.setattr(engine.batch.io, "CHUNK_ROWS", 2)
    code, out, _ = batch(source, tmp_path / f"many{suffix}", "--format", "json")
    assert code == 2 and json.loads(out)["accounted"] and json.loads(out)["rows"] == 7
    read = {".jsonl": lambda p: p.read_text(), ".csv": lambda p: p.read_text(),
            ".parquet": lambda p: pl.read_parquet(p).to_dicts()}[suffix]
    assert read(tmp_path / f"many{suffix}") == read(tmp_path / f"one{suffix}")
    rejects = "{}.rejects.csv" if suffix == ".csv" else "{}" + suffix + ".rejects.csv"
    assert (tmp_path / rejects.format("many")).read_text() == (tmp_path / rejects.format("one")).read_text()


def test_an_unknown_column_is_an_error_naming_the_known_ones(tmp_path):
    """issue 11 item 9: `debtor_canpay` was ignored and the case decided as if the debtor could not pay."""
    frame = pl.DataFrame([flat_row(good("A"))]).with_columns(pl.lit("true").alias("debtor_canpay"))
    frame.write_csv(tmp_path / "in.csv")
    code, out, err = batch(tmp_path / "in.csv", tmp_path / "out.csv")
    assert code == 2 and "`debtor_canpay`" in err and "did you mean `debtor_can_pay`" in err
    assert all(c in err for c in known_columns()) and not (tmp_path / "out.csv").exists()
    code, out, err = batch(tmp_path / "in.csv", tmp_path / "out.csv", "--ignore-unknown")
    assert code == 0, err


def test_the_api_refuses_unknown_columns_unless_told():
    import engine
    frame = pl.DataFrame([flat_row(good("A"))]).with_columns(pl.lit(1).alias("extra"))
    with pytest.raises(UsageError, match="unknown column"):
        engine.decide_batch(frame, policy="demo", as_of="2026-03-02", policies_dir=POLICIES)
    out = engine.decide_batch(frame, policy="demo", as_of="2026-03-02", policies_dir=POLICIES, ignore_unknown=True)
    assert out.get_column("action").to_list() == ["send_reminder"]


def test_every_known_column_is_documented():
    text = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    missing = [c for c in known_columns() if f"`{c}`" not in text]
    assert missing == []


def test_the_json_summary_accounts_for_every_row(tmp_path):
    source = jsonl(tmp_path / "x.jsonl", [good("A"), good("B", debtor={"kind": "alien"}), good("C")])
    code, out, err = batch(source, tmp_path / "out.parquet", "--format", "json")
    s = json.loads(out)
    assert code == 2 == s["exit_code"] and err == ""
    assert {k: s[k] for k in ("rows", "decided", "rejected", "accounted", "actions")} == {
        "rows": 3, "decided": 2, "rejected": 1, "accounted": True, "actions": {"send_reminder": 2}}
    assert s["output"] == str(tmp_path / "out.parquet") and s["rejects"] == str(tmp_path / "out.parquet.rejects.csv")


def test_kill_9_mid_run_leaves_the_previous_output(tmp_path):
    """A run killed by SIGKILL cannot clean up, but the target keeps its previous content."""
    import signal
    import subprocess
    import sys
    import time
    line = json.dumps(good("K")).encode() + b"\n"
    source = tmp_path / "big.jsonl"
    source.write_bytes(line * 100_000)
    target = tmp_path / "out.jsonl"
    target.write_text("previous decisions\n")
    (tmp_path / "out.jsonl.rejects.csv").write_text("previous rejects\n")
    # Ten chunks: killed once the first chunk's decisions are on disk (the sink's hidden parts
    # folder beside the target), the run is mid-way by construction, not by a guess of how long
    # it takes (a sleep raced the run's end once the processes kept their bytecode).
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "batch", str(source), "-o", str(target),
                             "--policies", POLICIES, "--no-progress", "--chunk-rows", "10000"], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not any(tmp_path.glob(".out.jsonl.*.parts/000000.parquet")) and proc.poll() is None:
        assert time.monotonic() < deadline, "no chunk was decided in two minutes"
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be killed")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert target.read_text() == "previous decisions\n"
    assert (tmp_path / "out.jsonl.rejects.csv").read_text() == "previous rejects\n"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "big.jsonl", "out.jsonl", "out.jsonl.rejects.csv"]


def test_an_unknown_field_in_a_parquet_list_column_is_an_error(tmp_path):
    claim = pl.struct(invoice=pl.lit("1"), amount=pl.lit("1250.00"), due=pl.lit("2026-01-15"), amout=pl.lit("9.00"))
    frame = pl.DataFrame({"case_id": ["A"], "policy": ["demo"], "as_of": ["2026-03-02"],
                          "creditor_vat_registered": [True], "debtor_kind": ["consumer"]})
    frame.with_columns(pl.concat_list(claim).alias("claims")).write_parquet(tmp_path / "in.parquet")
    code, _, err = batch(tmp_path / "in.parquet", tmp_path / "out.parquet")
    assert code == 2 and "column `claims` has unknown field(s) `amout` (did you mean `amount`?)" in err
    assert batch(tmp_path / "in.parquet", tmp_path / "out.parquet", "--ignore-unknown")[0] == 0
