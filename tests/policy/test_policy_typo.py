"""A misspelt policy name is the first thing `frin validate` reports, with a "did you mean".

Found by a user walk-through: `policy: kravai` in `policies/kravia/2024-01-01.yaml` gave 56
errors, 54 of them "unknown name `kravia`" in fiken-kravia, and the one saying what was
wrong came last. engine/check/misnamed.py.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEADLINE = re.compile(r"^\S+: (?:error|warning)\[[a-z-]+\]: .*$", re.MULTILINE)


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """Kravia, the Fiken agreement that uses it, and the law: a catalog small enough to validate quickly."""
    for name in ("no-regulation", "kravia", "fiken-kravia", "jurisdictions", "locales"):
        shutil.copytree(ROOT / "policies" / name, tmp_path / name)
    return tmp_path


def test_a_misspelt_policy_field_is_reported_first_with_did_you_mean(run_cli, catalog):
    kravia = catalog / "kravia" / "2024-01-01.yaml"
    kravia.write_text(kravia.read_text().replace("\npolicy: kravia\n", "\npolicy: kravai\n"))
    code, out, _ = run_cli("validate", str(catalog), "--format", "text", "--today", "2026-06-01")
    lines = HEADLINE.findall(out)
    assert "error[file-name-mismatch]" in lines[0] and "`kravai`" in lines[0], lines[:3]
    first_block = out.split("\n\n")[0]
    assert "did you mean `kravia`?" in first_block
    assert "error[unknown-policy]: `fiken-kravia` uses unknown policy `kravia`" in lines[1]
    # The follow-on unknown names are folded into one note, not listed one by one.
    assert not any("unknown name `kravia`" in line for line in lines), lines
    assert re.search(r"note: \d+ use\(s\) of `kravia\.…` in this file fail with it", out)
    assert code == 1


def test_a_misspelt_uses_entry_names_the_user_and_suggests(run_cli, catalog):
    fiken = catalog / "fiken-kravia" / "2024-01-01.yaml"
    fiken.write_text(fiken.read_text().replace("kravia: kravia}", "kravia: kravai}"))
    code, out, _ = run_cli("validate", str(catalog), "--format", "json")
    found = json.loads(out)
    assert code == 1
    assert (found[0]["code"], found[0]["message"], found[0]["help"]) == (
        "unknown-policy", "`fiken-kravia` uses unknown policy `kravai` (as `kravia`)", "did you mean `kravia`?")
    assert not any(d["message"] == "unknown name `kravia`" for d in found)


def test_a_misspelt_policy_on_the_command_line_or_in_a_row_suggests_the_name(run_cli, tmp_path):
    case = ROOT / "examples" / "consumer-inkassovarsel.yaml"
    code, _, err = run_cli("decide", case, "--policy", "kravai", "--policies", ROOT / "policies")
    assert code == 2 and "unknown policy `kravai`: did you mean `kravia`?" in err, err
    row = {"case_id": "T", "policy": "kravai", "as_of": "2026-03-02", "creditor": {"vat_registered": True},
           "debtor": {"kind": "consumer"}, "claims": [{"invoice": "1", "amount": "100.00", "due": "2026-01-15"}]}
    (tmp_path / "in.jsonl").write_text(json.dumps(row) + "\n")
    code, out, err = run_cli("batch", tmp_path / "in.jsonl", "-o", tmp_path / "out.jsonl", "--policies",
                             ROOT / "policies", "--no-progress")
    assert code == 2, out + err
    assert "did you mean `kravia`?" in (tmp_path / "out.jsonl.rejects.csv").read_text()
