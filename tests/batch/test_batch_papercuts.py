"""`frin batch` input papercuts a user walk-through met, each fixed and held here:
dropped columns named, duplicate invoice numbers rejected, one reject line for one bad
`as_of`, JSON Lines rejects naming their field, one rejects file per output, an out-of-range
--as-of said as such, and a semicolon-separated CSV recognised (`--delimiter`)."""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from engine.batch.io import flat_row

ROOT = Path(__file__).resolve().parents[2]
POLICIES = str(ROOT / "policies")


def case(case_id: str, **extra) -> dict:
    return {"case_id": case_id, "policy": "demo", "creditor": {"vat_registered": True}, "debtor": {"kind": "consumer"},
            "claims": [{"invoice": "1", "amount": "1250.00", "due": "2026-01-15"}], **extra}


TWICE = case("TWICE", claims=[{"invoice": "7", "amount": "100.00", "due": "2026-01-15"},
                              {"invoice": "7", "amount": "100.00", "due": "2026-01-15"}])


def write(path: Path, docs: list[dict], separator: str = ",", extra_column: bool = False) -> Path:
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(d) + "\n" for d in docs))
        return path
    frame = pl.DataFrame([flat_row(d) for d in docs], infer_schema_length=None)
    if extra_column:
        frame = frame.with_columns(pl.lit("x").alias("crm_note"))
    frame.write_csv(path, separator=separator) if path.suffix == ".csv" else frame.write_parquet(path)
    return path


def batch(run_cli, source: Path, target: Path, *more: str):
    return run_cli("batch", source, "-o", target, "--policies", POLICIES, "--no-progress", *more)


def rejects(path: Path) -> list[dict]:
    return pl.read_csv(path, infer_schema=False).to_dicts()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_a_repeated_invoice_number_is_a_reject_naming_the_claim(run_cli, tmp_path, suffix):
    source = write(tmp_path / f"in{suffix}", [case("OK"), TWICE])
    code, out, err = batch(run_cli, source, tmp_path / f"out{suffix}", "--as-of", "2026-03-02")
    assert code == 2, out + err
    found = rejects(tmp_path / ("out.rejects.csv" if suffix == ".csv" else f"out{suffix}.rejects.csv"))
    assert [(r["row"], r["case_id"], r["field"]) for r in found] == [("2", "TWICE", "claims[1].invoice")]
    assert "repeats the invoice number of an earlier claim" in found[0]["problem"]


def test_frin_decide_refuses_a_repeated_invoice_number_too(run_cli, tmp_path):
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(TWICE))
    code, _, err = run_cli("decide", path, "--as-of", "2026-03-02", "--policies", POLICIES)
    assert code == 2 and "duplicate-invoice" in err and "claims[1].invoice `7`" in err, err


def test_one_bad_as_of_is_one_reject_line(run_cli, tmp_path):
    source = write(tmp_path / "in.csv", [case("OK"), case("BAD", as_of="2026-13-01")])
    code, out, err = batch(run_cli, source, tmp_path / "out.csv")
    assert code == 2, out + err
    assert [(r["row"], r["field"]) for r in rejects(tmp_path / "out.rejects.csv")] == [("2", "as_of")]


def test_json_lines_rejects_name_their_field(run_cli, tmp_path):
    bad = case("BAD", as_of="2026-13-01", debtor={"kind": "alien"})
    source = write(tmp_path / "in.jsonl", [case("OK", as_of="2026-03-02"), bad])
    assert batch(run_cli, source, tmp_path / "out.jsonl")[0] == 2
    assert {r["field"] for r in rejects(tmp_path / "out.jsonl.rejects.csv")} == {"as_of", "debtor.kind"}


def test_each_output_has_its_own_rejects_file(run_cli, tmp_path):
    source = write(tmp_path / "in.jsonl", [case("OK", as_of="2026-03-02"), case("BAD", debtor={"kind": "alien"})])
    assert batch(run_cli, source, tmp_path / "out.csv")[0] == 2
    assert batch(run_cli, source, tmp_path / "out.jsonl")[0] == 2
    assert len(rejects(tmp_path / "out.rejects.csv")) == len(rejects(tmp_path / "out.jsonl.rejects.csv")) == 1


def test_ignore_unknown_names_the_columns_it_leaves_out(run_cli, tmp_path):
    source = write(tmp_path / "in.csv", [case("OK")], extra_column=True)
    code, out, err = batch(run_cli, source, tmp_path / "out.csv", "--as-of", "2026-03-02", "--ignore-unknown")
    assert code == 0, out + err
    assert "--ignore-unknown: deciding without the column(s) `crm_note`" in err


@pytest.mark.parametrize("command", ["batch", "decide"])
def test_an_as_of_past_the_supported_years_says_so(run_cli, tmp_path, command):
    source = write(tmp_path / "in.jsonl", [case("OK")])
    args = (["batch", source, "-o", tmp_path / "out.csv"] if command == "batch"
            else ["decide", ROOT / "examples" / "demo-consumer.yaml"])
    code, _, err = run_cli(*args, "--as-of", "9999-12-31", "--policies", POLICIES)
    assert code == 2
    assert "`9999-12-31` is outside the years Frist supports (1900–2199)" in err and "not a date" not in err, err


def test_a_semicolon_separated_csv_gets_a_hint_and_reads_with_delimiter(run_cli, tmp_path):
    source = write(tmp_path / "in.csv", [case("OK")], separator=";")
    code, out, err = batch(run_cli, source, tmp_path / "out.csv", "--as-of", "2026-03-02")
    assert code == 2 and "separated by `;`" in err and "--delimiter ';'" in err, out + err
    code, out, err = batch(run_cli, source, tmp_path / "out.csv", "--as-of", "2026-03-02", "--delimiter", ";")
    assert code == 0, out + err
    assert "decided 1 case(s)" in out


def test_the_summary_in_norwegian(run_cli, tmp_path):
    source = write(tmp_path / "in.jsonl", [case("OK", as_of="2026-03-02"), case("BAD", debtor={"kind": "alien"})])
    code, out, err = batch(run_cli, source, tmp_path / "out.jsonl", "--lang", "nb")
    assert code == 2, out + err
    assert "1 sak(er) avgjort på " in out and "1 rad(er) avvist (1 problem(er)) → " in out
    assert out.rstrip().endswith("2 rad(er) inn = 1 avgjort + 1 avvist"), out


def test_the_summarys_reasons_in_norwegian(run_cli, tmp_path):
    """Why a row was judged per row is the engine's English; `--lang nb` writes it in nb (the
    locale's messages pairs), as the lines around it. C11: a 70 NOK purring fee recorded, more
    than inkassoforskriften § 1-2 allows (1/20 of the inkassosats, 38 NOK)."""
    import yaml
    data = yaml.safe_load((ROOT / "tests" / "cases" / "conta" / "c11-purring-70-nok.yaml").read_text(encoding="utf-8"))
    source = write(tmp_path / "in.jsonl", [json.loads(json.dumps(data, default=str))])
    code, out, err = batch(run_cli, source, tmp_path / "out.jsonl", "--lang", "nb")
    assert code == 0, out + err
    assert ("lov vurdert rad for rad: 1 rad(er): et registrert gebyr loven kanskje ikke tillot "
            "(judge_history holder det overskytende utenfor)") in out, out
    _, out, _ = batch(run_cli, source, tmp_path / "out.jsonl")
    assert "law judged per row: 1 row(s): a recorded fee the law may not have allowed" in out, "English stays the default"
