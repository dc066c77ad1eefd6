"""What a user who gets the input wrong reads: each message says what is wrong and what to do.

Found by a user walk-through: an empty case file was told to "remove the extra `---`
separators"; a 50,000-deep JSON file was "malformed YAML" with a hint about indentation;
`new-version` with a misspelt policy gave no "did you mean" (every other command does).
"""
from __future__ import annotations

import shutil

from support import ROOT


def test_an_empty_case_file_is_called_empty(run_cli, tmp_path):
    (tmp_path / "case.yaml").write_text("# nothing yet\n", encoding="utf-8")
    code, out, err = run_cli("decide", tmp_path / "case.yaml")
    assert code == 2 and out == ""
    assert "error[yaml-syntax]: the file is empty (or only comments)" in err
    assert "---" not in err and "write the document" in err


def test_a_too_deep_file_is_unsafe_not_malformed(run_cli, tmp_path):
    (tmp_path / "case.json").write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    code, out, err = run_cli("decide", tmp_path / "case.json")
    assert code == 2 and out == ""
    assert "error[unsafe-yaml]: nested deeper than 64 levels" in err and "malformed" not in err


def test_new_version_suggests_the_policy_meant(run_cli, tmp_path, monkeypatch):
    (tmp_path / "policies").mkdir()
    for name in ("no-regulation", "kravia", "jurisdictions", "locales"):
        shutil.copytree(ROOT / "policies" / name, tmp_path / "policies" / name)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("new-version", "kravai", "2027-01-01")
    assert code == 2 and "unknown policy `kravai`: did you mean `kravia`?" in err


def test_a_negative_amount_is_the_one_problem_reported(run_cli, tmp_path):
    """A credited part is judged against the amount only when the amount is right: a negative
    amount gave a second, cascaded "credited must be between 0 and the amount"."""
    text = (ROOT / "examples" / "credited.yaml").read_text(encoding="utf-8")
    (tmp_path / "case.yaml").write_text(text.replace('amount: "2600.00"', 'amount: "-2600.00"'), encoding="utf-8")
    code, out, err = run_cli("decide", tmp_path / "case.yaml")
    assert code == 2 and out == ""
    assert "claims[0].amount must be positive, not -2600.00" in err and "credited must" not in err, err
    assert "1 problem(s) in the case" in err
    (tmp_path / "case.yaml").write_text(text.replace('credited: "400.00"', 'credited: "2700.00"'), encoding="utf-8")
    _, _, err = run_cli("decide", tmp_path / "case.yaml")
    assert "claims[0].credited must be between 0 and the amount" in err, "still judged against a right amount"


def test_a_folder_given_as_the_case_is_named_as_given(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)         # the folder given is the working folder: its path, not `.`
    code, out, err = run_cli("decide", tmp_path, "--policies", ROOT / "policies")
    assert code == 2 and out == ""
    assert err.startswith(f"{tmp_path}: error[unreadable-file]: cannot read file: "), err
