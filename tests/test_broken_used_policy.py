"""A used policy whose file does not load is the first thing reported, by validate and decide.

Found by a user walk-through: a tab in `policies/kravia/2024-01-01.yaml` made `frin decide`
print 56 problems, the YAML error last, after "`fiken-kravia` uses unknown policy `kravia` …
did you mean `fiken-kravia`?" (kravia exists; it failed to parse). engine/check/misnamed.py
puts the file's own error first and points the users' `unknown-policy` at it;
engine/core/document.py names the tab.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = re.compile(r"^\S+: (?:error|warning)\[[a-z-]+\]: .*$", re.MULTILINE)
CASE = ROOT / "tests" / "cases" / "kravia" / "k01-fresh-consumer.yaml"


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """Kravia with a tab on one line, the Fiken agreement that uses it, and the law."""
    for name in ("no-regulation", "kravia", "fiken-kravia", "jurisdictions", "locales"):
        shutil.copytree(ROOT / "policies" / name, tmp_path / name)
    kravia = tmp_path / "kravia" / "2024-01-01.yaml"
    text = kravia.read_text(encoding="utf-8")
    assert "\n  handover_min_days:" in text
    kravia.write_text(text.replace("\n  handover_min_days:", "\n\thandover_min_days:", 1), encoding="utf-8")
    return tmp_path


def _check(text: str) -> None:
    lines = HEADLINE.findall(text)
    assert "kravia/2024-01-01.yaml" in lines[0] and "error[yaml-syntax]: malformed YAML: a tab character" in lines[0]
    assert "replace the tab with spaces" in text.split("\n\n")[0]
    assert "error[unknown-policy]: `fiken-kravia` uses unknown policy `kravia`" in lines[1]
    assert "keeps `kravia` from loading (see above)" in text
    assert "did you mean" not in text
    assert not any("unknown name `kravia`" in line for line in lines), lines


def test_validate_reports_the_broken_file_first(run_cli, catalog):
    code, out, _ = run_cli("validate", str(catalog), "--today", "2026-06-01")
    assert code == 1
    _check(out)


def test_decide_reports_the_broken_file_first(run_cli, catalog):
    code, out, err = run_cli("decide", CASE, "--policies", str(catalog))
    assert code == 1 and out == ""
    _check(err)
    assert err.rstrip().endswith("2 problem(s) in the policy; nothing was decided.")


def test_validate_in_nb_names_the_tab(run_cli, catalog):
    code, out, _ = run_cli("validate", str(catalog), "--today", "2026-06-01", "--lang", "nb")
    assert "et tabulatortegn; YAML rykker inn bare med mellomrom" in out
    assert "hindrer `kravia` i å lastes (se over)" in out
