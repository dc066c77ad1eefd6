"""`frin validate --lang nb`: the report in Norwegian, every deliberately broken policy of
tests/invalid included; `file:line:col` and the code stay, amounts are written as nb writes
them (Babel), and no English word is left in the prose (the list below: words the English
messages are made of, none of them Norwegian)."""
from __future__ import annotations

import re

import pytest

from support import TESTS

INVALID = TESTS / "invalid"
FOLDERS = sorted(p.name for p in INVALID.iterdir() if p.is_dir() and p.name != "jurisdictions")
SEVERAL_ROOTS = {"overlapping-versions"}

# English words of the checks' messages, helps, notes and the verdict line; none is a Norwegian word.
ENGLISH = {"the", "is", "are", "and", "with", "must", "cannot", "unknown", "error", "errors", "warning", "help",
           "note", "checked", "example", "examples", "version", "versions", "policy version", "should", "was",
           "which", "when", "where", "first", "only", "file", "named", "folder", "uses", "used", "twice", "defined",
           "above", "below", "expected", "got", "missing", "allowed", "did you mean", "FAILED", "more", "not",
           "depend", "each", "other", "both", "this", "that", "its", "add", "move", "give", "write", "check", "now", "in"}
# Text that is not prose written by the engine: code in backticks, file:line:col, the caret
# snippets, the code in brackets, a YAML library's own message, quoted «so» after the nb sentence.
_NOT_PROSE = re.compile(r"`[^`]*`|\S+\.yaml(?::\d+:\d+)?|^\s*\d* \|.*$|\[[a-z-]+\]|«[^»]*»", re.MULTILINE)


def _args(name: str) -> list[str]:
    if name in SEVERAL_ROOTS:
        return [str(d) for d in sorted((INVALID / name).iterdir()) if d.is_dir()]
    return [str(INVALID / name)]


def english_words(text: str) -> set[str]:
    prose = _NOT_PROSE.sub(" ", text)
    return {w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", prose)}


def test_the_marker_check_can_fail(run_cli):
    """The same folder in English trips the check (else the test below proves nothing)."""
    _, out, _ = run_cli("validate", *_args("exceeds-cap"), "--today", "2026-06-01")
    assert {"the", "is", "error"} <= english_words(out)


@pytest.mark.parametrize("name", FOLDERS)
def test_every_broken_policy_is_reported_in_norwegian(run_cli, name):
    code, out, err = run_cli("validate", *_args(name), "--lang", "nb", "--today", "2026-06-01")
    assert code in (0, 1), err
    assert re.search(r"^\S+\.yaml(:\d+:\d+)?: (feil|advarsel)\[", out, re.MULTILINE), out
    assert re.search(r"^(ok|FEILET): ", out, re.MULTILINE), out
    assert english_words(out) == set(), out


def test_amounts_in_a_diagnostic_are_written_as_nb_writes_them(run_cli):
    _, out, _ = run_cli("validate", *_args("exceeds-cap"), "--lang", "nb", "--format", "concise")
    assert "`fee` er 70,00\xa0kr, over taket på 38,00\xa0kr" in out, out


def test_a_lang_without_a_locale_file_is_a_usage_error(run_cli):
    code, _, err = run_cli("validate", *_args("exceeds-cap"), "--lang", "xx")
    assert code == 2 and "no locale file `locales/xx.yaml`" in err, err


def test_json_keeps_its_keys_and_english_stays_the_default(run_cli):
    import json
    _, out, _ = run_cli("validate", *_args("unknown-name"), "--lang", "nb", "--format", "json")
    found = json.loads(out)
    assert found[0]["code"] == "unknown-name" and found[0]["message"] == "ukjent navn `inkasosats`"
    _, out, _ = run_cli("validate", *_args("unknown-name"), "--format", "concise")
    assert "error[unknown-name]: unknown name `inkasosats`" in out


def test_frin_test_reports_in_norwegian_too(run_cli):
    folder = str(INVALID / "example-mismatch")
    code, out, err = run_cli("test", folder, "--policies", folder, "--lang", "nb")
    assert code == 1, err
    assert "feil[example-mismatch]: eksempel `the fee is the regulated one`: ventet fee `38.00`, fikk `35.00`" in out
    assert "regeldekning: 100 % (1 av 1 regler slått til av et eksempel)" in out and "1 feilet, 0 bestått på" in out
    # an example's name is the policy's data: its lines (✗ NAME, ____ FILE::NAME ____) are left out
    prose = "\n".join(line for line in out.splitlines() if not line.lstrip().startswith(("✗", "✓", "____")))
    assert english_words(prose) == set(), prose


def test_breaks_law_shows_its_numbers_as_nb_writes_them(tmp_path, run_cli):
    from test_authoring import _policies
    folder = _policies(tmp_path, "    fee: varsel_fee\n", "    fee: 2000 NOK\n")
    code, out, _ = run_cli("validate", folder, "--lang", "nb", "--format", "concise")
    assert code == 1
    found = [line for line in out.splitlines() if "feil[breaks-law]: regel `inkassovarsel` bryter " in line]
    assert len(found) == 1, out
    assert "; her `decision.fee` = 2\xa0000,00\xa0kr, `inkassovarsel_fee` = 35,00\xa0kr" in found[0], found[0]
    assert "inkassovarsel-fee: Gebyret for inkassovarsel kan ikke overstige 1/20 av inkassosatsen. (" in found[0], \
        "the constraint's own nb text"


def test_new_version_speaks_norwegian_when_asked(run_cli, tmp_path):
    import shutil
    shutil.copytree(TESTS.parent / "policies", tmp_path / "policies")
    code, out, err = run_cli("new-version", "no-regulation", "2031-01-01", "--policies", tmp_path / "policies",
                             "--lang", "nb")
    assert code == 0, err
    assert "(gjelder fra 1. januar 2031)" in out and "neste steg:" in out and ": verdi og kilde" in out
    assert english_words(out.replace("frin validate", "").replace("frin test", "")) == set(), out
