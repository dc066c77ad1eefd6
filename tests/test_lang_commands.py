"""`--lang` on the commands that print a few lines for people (issue 20 item 5): `lock`,
`init`, `fmt`, `log`, `replay`, the problems that stop a command, the diff page's warnings and
`breaks-law`'s constraint text. Each is run as a user runs it, in norsk bokmål, and checked
for the Norwegian line and for none of the English marker words (tests/test_nb_pages.py; breaks-law's
constraint text: tests/test_validate_lang.py);
an unknown language is a usage error said before anything is written.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from test_nb_pages import english_words

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """`frin init --lang nb` of one process (kravia with the law), made once for the module."""
    import io

    import cli
    made = tmp_path_factory.mktemp("lang") / "mine"
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(["init", str(made), "--process", "kravia", "--lang", "nb"], out, err) == 0, err.getvalue()
    text = out.getvalue()
    assert f"opprettet {made} fra den medfølgende katalogen:" in text, text
    assert "version(s) locked" not in text and "versjon(er) låst i policies.lock" in text, text
    assert "frin validate --lang nb && frin test --lang nb" in text, "the next steps keep the language"
    assert english_words(text.split("neste:")[0].replace(str(made), "").replace("tests/cases", "")) == set(), text
    return made


def _in(where: Path, run_cli, *argv):
    import os
    old = Path.cwd()
    os.chdir(where)
    try:
        return run_cli(*argv)
    finally:
        os.chdir(old)


def test_lock_speaks_norwegian(folder, run_cli):
    code, out, err = _in(folder, run_cli, "lock", "--check", "--lang", "nb")
    assert code == 0, err
    assert out.startswith("ok: 7 låst(e) versjon(er) i policies.lock; 0 ikke låst, 0 endret"), out
    assert english_words(out) == set(), out
    code, out, _ = _in(folder, run_cli, "lock", "--lang", "nb")
    assert (code, out) == (0, "policies.lock: 0 lagt til, 0 skrevet om, 0 glemt, 0 avvist (7 låst)\n")
    code, out, _ = _in(folder, run_cli, "lock", "--check")
    assert code == 0 and out.startswith("ok: 7 locked version(s) in policies.lock"), "English stays the default"


def test_lock_reports_a_changed_version_in_norwegian(folder, run_cli, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    law = copy / "policies" / "kravia" / "2024-01-01.yaml"
    law.write_text(law.read_text(encoding="utf-8") + "# an edit after publishing\n", encoding="utf-8")
    code, out, _ = _in(copy, run_cli, "lock", "--check", "--lang", "nb")
    assert code == 1
    assert "feil[locked-version-changed]: den publiserte versjonen `kravia@2024-01-01` er endret etter at den ble låst" in out, out
    assert "FEILET: 7 låst(e) versjon(er)" in out, out


def test_fmt_speaks_norwegian(folder, run_cli):
    code, out, err = _in(folder, run_cli, "fmt", "--check", "--lang", "nb")
    assert code == 0, err
    assert out.startswith("0 fil(er) ville blitt formatert, ") and out.rstrip().endswith("allerede formatert"), out
    assert english_words(out) == set(), out


def test_an_unknown_language_is_refused_before_anything_is_written(tmp_path, run_cli):
    code, _, err = run_cli("init", tmp_path / "new", "--lang", "xx")
    assert code == 2 and "--lang `xx`: no locale file" in err, err
    assert not (tmp_path / "new").exists()
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    code, _, err = run_cli("new-version", "no-regulation", "2031-01-01", "--policies", tmp_path / "policies", "--lang", "xx")
    assert code == 2 and "--lang `xx`" in err, err
    assert not (tmp_path / "policies" / "no-regulation" / "2031-01-01.yaml").exists(), "refused before it wrote the file"


def test_log_and_replay_speak_norwegian(folder, run_cli, tmp_path):
    log = tmp_path / "decisions.sqlite"
    code, _, err = _in(folder, run_cli, "decide", "examples/consumer-inkassovarsel.yaml", "--no-trace", "--log", log)
    assert code == 0, err
    record = err.split("logged: record ", 1)[1].split()[0]
    code, out, err = _in(folder, run_cli, "log", "verify", "--log", log, "--lang", "nb")
    assert code == 0, err
    assert out.startswith(f"ok: 1 post(er) i {log}; kjeden holder; siste hash "), out
    code, out, err = _in(folder, run_cli, "replay", record, "--log", log, "--lang", "nb")
    assert code == 0, err
    # the example is decided as of 2026-03-02 (its as_of), written as nb writes dates
    assert out == (f"identisk: post {record} (kravia@2024-01-01, per 2. mars 2026) avgjøres likt med de loggførte "
                   "versjonene og filene\n"), out


def test_the_problems_that_stop_a_command_are_in_norwegian(tmp_path, run_cli):
    case = tmp_path / "case.yaml"
    case.write_text((ROOT / "examples" / "consumer-inkassovarsel.yaml").read_text(encoding="utf-8")
                    .replace("policy: kravia", "policy: kravia\nunknown_thing: 1"), encoding="utf-8")
    code, _, err = run_cli("explain", case, "--lang", "nb")
    assert code == 2
    assert "feil[" in err and "problem(er) i saken; ingenting ble avgjort." in err, err
    code, _, err = run_cli("explain", case)
    assert "problem(s) in the case; nothing was decided." in err, "English stays the default"


def test_the_diff_page_writes_a_fee_not_owed_in_norwegian(tmp_path, run_cli):
    # C11: a 70 NOK purring fee, more than the law allows (inkassoforskriften § 1-2: 1/20 of the
    # inkassosats); both versions judge it not owed, and the page quotes the constraint's nb text
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(ROOT / "tests" / "cases" / "conta" / "c11-purring-70-nok.yaml", cases)
    argv = ("diff", "no-regulation@2026-01-01", "no-regulation@2026-07-01", "--cases", cases, "--as-of", "2026-07-06")
    code, markdown, err = run_cli(*argv, "--format", "markdown", "--lang", "nb")
    assert code == 0, err
    assert "(purring 18. januar 2026, gebyr 70,00\xa0kr) skyldes ikke: Purregebyret kan ikke overstige 1/20 av " \
           "inkassosatsen." in markdown, markdown
    assert "is not owed" not in markdown
    assert "| vurderes innen | `1. juli 2026` | `1. januar 2027` |" in markdown, "a date of the file as nb writes it"
    _, data, _ = run_cli(*argv, "--format", "json")
    warnings = [f for g in json.loads(data)["groups"] for c in g["cases"] for f in c["fields"] if f["field"] == "warnings"]
    assert warnings and "(purring 2026-01-18, fee 70.00 NOK) is not owed: A purring fee" in warnings[0]["new"], \
        "JSON keeps the English text"



def test_a_locale_copied_by_an_older_init_falls_back_to_the_bundled_words(folder, run_cli, tmp_path):
    copy = tmp_path / "older"
    shutil.copytree(folder, copy)
    nb = copy / "policies" / "locales" / "nb.yaml"
    text = nb.read_text(encoding="utf-8")
    start, end = text.index("\n  lock:\n"), text.index("\n  init:\n")
    nb.write_text(text[:start] + text[end:], encoding="utf-8")            # the file as an init before `lock`'s words
    code, out, err = _in(copy, run_cli, "lock", "--check", "--lang", "nb")
    assert code == 0, err
    assert out.startswith("ok: 7 låst(e) versjon(er) i policies.lock"), out


def test_usage_errors_in_norwegian(tmp_path, run_cli, monkeypatch):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("init", "full", "--lang", "nb")
    assert (code, err) == (2, "feil: `full` er ikke en tom mappe: `frin init` skriver bare i en ny eller tom mappe "
                              "(ingenting ble skrevet)\n")
    code, _, err = run_cli("lock", "--lang", "nb")
    assert code == 2 and err.startswith("feil: ingen policymappe `policies` her: `frin lock` registrerer versjonene"), err
    code, _, err = run_cli("init", "full")
    assert err.startswith("error: `full` is not an empty folder"), "English stays the default"
