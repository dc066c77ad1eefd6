"""`frin fmt` (issue 20): policy and case files in one layout, every comment kept, the data
unchanged, idempotent; `--check` for CI and the pre-commit hook; published versions left as
they are."""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

MESSY = """\
# a case written by hand
case_id: X-1   # the case's own id
as_of: 2026-03-02
policy: kravia
creditor:   {vat_registered: true}
debtor:
    id: D-1
    kind: consumer
claims:
- {invoice: "1", amount: "10.00", due: 2026-01-15}   # the first
-   invoice: '2'
    amount: "5.00"
    due: 2026-01-15
"""

TIDY = """\
# a case written by hand
case_id: X-1   # the case's own id
as_of: 2026-03-02
policy: kravia
creditor: {vat_registered: true}
debtor:
  id: D-1
  kind: consumer
claims:
  - {invoice: "1", amount: "10.00", due: 2026-01-15} # the first
  - invoice: '2'
    amount: "5.00"
    due: 2026-01-15
"""


def test_the_bundled_files_are_formatted(run_cli):
    code, out, _ = run_cli("fmt", "--check", "policies", "tests/cases", "examples")
    assert code == 0, out
    assert out.splitlines()[-1].startswith("0 file(s) would reformat, ")


def test_a_messy_case_is_formatted_with_its_comments_and_data(tmp_path, run_cli):
    case = tmp_path / "case.yaml"
    case.write_text(MESSY, encoding="utf-8")
    code, out, _ = run_cli("fmt", "--check", str(case))
    assert code == 1 and "would reformat" in out and case.read_text(encoding="utf-8") == MESSY   # nothing written
    code, out, _ = run_cli("fmt", str(case))
    assert code == 0 and "1 file(s) reformatted" in out
    assert case.read_text(encoding="utf-8") == TIDY
    assert yaml.safe_load(TIDY) == yaml.safe_load(MESSY)
    code, out, _ = run_cli("fmt", "--check", str(case))          # idempotent
    assert code == 0 and "0 file(s) would reformat, 1 already formatted" in out


def test_a_published_version_is_left_as_it_is(tmp_path, run_cli, monkeypatch):
    shutil.copytree(ROOT / "policies" / "kravia", tmp_path / "policies" / "kravia")
    shutil.copy(ROOT / "policies.lock", tmp_path / "policies.lock")
    path = tmp_path / "policies" / "kravia" / "2024-01-01.yaml"
    text = path.read_text(encoding="utf-8").replace("\nparameters:\n", "\nparameters:   \n", 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli("fmt")
    assert code == 0 and "1 published version(s) left as they are (locked)" in out
    assert path.read_text(encoding="utf-8") == text


def test_a_file_that_is_not_yaml_is_an_error_at_its_place(tmp_path, run_cli):
    bad = tmp_path / "bad.yaml"
    bad.write_text("policy: x\n  bad: [\n", encoding="utf-8")
    code, out, err = run_cli("fmt", str(bad))
    assert code == 1 and "bad.yaml:2:6: error[yaml-syntax]" in out and "internal error" not in err
    assert bad.read_text(encoding="utf-8") == "policy: x\n  bad: [\n"
