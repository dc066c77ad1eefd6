"""The last English under `--lang` (issue 20 item 5, the walker's report): the errors that stop a
command (a bad `--as-of`, `--pays`, an unknown policy or why-not action), a case file's problems,
the note that names the bundled catalog, a YAML library's own message (quoted after the
language's sentence), `decide`'s `logged:` line, and `--lang` written in capitals. Each is run as a
user runs it and checked for the language's sentence and for none of the English marker words
(tests/explain/test_nb_pages.py)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_nb_pages import english_words

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "examples" / "consumer-inkassovarsel.yaml"
POLICIES = ROOT / "policies"


def _stderr_prose(err: str) -> str:
    """stderr without what is not prose: paths and the caret snippets, a YAML library's quoted text."""
    err = err.replace(str(ROOT), "")
    return re.sub(r"^\s*\d* \|.*$|«[^»]*»|„[^”]*”|”[^”]*”", " ", err, flags=re.MULTILINE)


@pytest.mark.parametrize("argv, said", [
    (("explain", CASE, "--as-of", "2026-02-30"), "feil: --as-of `2026-02-30` er ikke en dato (ÅÅÅÅ-MM-DD)"),
    (("explain", CASE, "--policy", "kravai"), "feil: ukjent policy `kravai`: mente du `kravia`? (kjente: "),
    (("explain", CASE, "--policy", "kravia@2099-01-01"), "feil: policyen `kravia` har ingen versjon 2099-01-01"),
    (("explain", CASE, "--why-not", "send_letter"), "feil: ingen regel i kravia@2024-01-01 har handlingen `send_letter`"),
    (("timeline", CASE, "--pays", "lots"), "feil: --pays `lots` er ikke BELØP@DATO (f.eks. 500.00@2026-04-01)"),
    (("timeline", CASE, "--until", "soon"), "feil: --until `soon` er ikke en dato (ÅÅÅÅ-MM-DD)"),
    (("graph", "no-regulation"), "feil: policyen `no-regulation` har ingen regler å tegne"),
])
def test_usage_errors_are_norwegian(run_cli, argv, said):
    code, _, err = run_cli(*argv, "--policies", POLICIES, "--lang", "nb")
    assert code == 2 and said in err, err
    assert english_words(_stderr_prose(err)) == set(), err
    code, _, err = run_cli(*argv, "--policies", POLICIES)
    assert code == 2 and err.startswith("error: "), "English stays the default"


def test_the_bundled_catalog_note_is_in_the_language(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                 # no ./policies here: the bundled catalog, said on stderr
    code, _, err = run_cli("explain", CASE, "--lang", "nb")
    assert code == 0, err
    assert err.startswith("merknad: ingen ./policies her; `frin explain` bruker den medfølgende katalogen "), err


def _case(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "case.yaml"
    text = CASE.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, said", [
    ('amount: "1250.00"', "amount: 1250.5", ("feil[wrong-type]: claims[0].amount må være tekst, ikke tallet 1250.5",
                                              "= hjelp: sett den i anførselstegn: beløp og datoer skrives som tekst")),
    ('amount: "1250.00"', 'amount: "-1250.00"', ("feil[invalid-amount]: claims[0].amount må være positivt, ikke -1250.00",)),
    ("case_id: C-1001\n", "", ("feil[missing-key]: dokumentet mangler `case_id`",)),
    ("kind: consumer", "kind: alien", ("`alien` er ikke tillatt for debtor.kind", "= hjelp: én av: consumer, business")),
    ("due: 2026-01-15", "due: 2026-13-15", ("`2026-13-15` er ikke gyldig som dato for claims[0].due",)),
    ("as_of: 2026-03-02", "as_of: 2026-01-31", ("payments[0] er datert 1. februar 2026, etter avgjørelsesdatoen 31. januar 2026",
                                                "= hjelp: avgjør på en senere dato (--as-of) eller fjern oppføringen")),
])
def test_a_case_files_problems_are_norwegian(run_cli, tmp_path, old, new, said):
    case = _case(tmp_path, old, new)
    code, _, err = run_cli("explain", case, "--policies", POLICIES, "--lang", "nb")
    assert code == 2
    for line in said:
        assert line in err, err
    assert english_words(_stderr_prose(err)) == set(), err


def test_a_yaml_librarys_own_message_follows_the_norwegian_sentence_quoted(run_cli, tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("case_id: [\n", encoding="utf-8")
    code, _, err = run_cli("explain", case, "--policies", POLICIES, "--lang", "nb")
    assert code == 2
    found = re.search(r"feil\[yaml-syntax\]: ugyldig YAML her; YAML-leseren sier: «([^»]+)»", err)
    assert found and found[1] == "did not find expected node content", err
    assert english_words(_stderr_prose(err)) == set(), err


@pytest.mark.parametrize("lang, said", [("nl", "gelogd: record "), ("sv", "loggat: post "), ("nb", "loggført: post ")])
def test_decide_says_logged_in_the_language(run_cli, tmp_path, lang, said):
    log = tmp_path / "decisions.sqlite"
    code, out, err = run_cli("decide", CASE, "--no-trace", "--policies", POLICIES, "--log", log, "--lang", lang)
    assert code == 0, err
    assert out.startswith("{") and err.startswith(said) and err.rstrip().endswith(f" {log}"), err


def test_decide_refuses_an_unknown_language_before_it_logs(run_cli, tmp_path):
    log = tmp_path / "decisions.sqlite"
    code, out, err = run_cli("decide", CASE, "--policies", POLICIES, "--log", log, "--lang", "xx")
    assert (code, out) == (2, "") and "--lang `xx`: no locale file" in err, err
    assert not log.exists()


def test_lang_in_capitals_is_the_same_language(run_cli):
    code, out, err = run_cli("explain", CASE, "--policies", POLICIES, "--lang", "NB")
    assert code == 0, err
    assert out.startswith("Sak C-1001 per 2. mars 2026"), out


def test_a_language_the_jurisdiction_lacks_suggests_the_nearest(run_cli):
    code, _, err = run_cli("explain", CASE, "--policies", POLICIES, "--lang", "nob")
    assert code == 2 and err.rstrip().endswith("not `nob`: use --lang nb"), err


def test_dutch_and_swedish_have_the_same_sentences(run_cli):
    code, _, err = run_cli("timeline", CASE, "--pays", "lots", "--policies", POLICIES, "--lang", "nl")
    assert code == 2 and "--pays `lots` is geen BEDRAG@DATUM (bijv. 500.00@2026-04-01)" in err, err
    code, _, err = run_cli("explain", CASE, "--policies", POLICIES, "--lang", "sv")
    assert code == 2 and ("`kravia` är en policy i jurisdiktionen NO, med texter på en, nb, inte `sv`: "
                          "använd --lang en") in err, err


def test_a_locale_copied_by_an_older_init_gets_the_newer_sentences_from_the_bundled_one(run_cli, tmp_path):
    """A folder made by an older `frin init` keeps its own locale files, without the pairs added
    since: those come from the bundled locale of the same language, not English."""
    locales = tmp_path / "policies" / "locales"
    locales.mkdir(parents=True)
    text = (POLICIES / "locales" / "nb.yaml").read_text(encoding="utf-8")
    older = "\n".join(line for line in text.splitlines() if "--pays `{text}`" not in line) + "\n"
    assert older != text
    (locales / "nb.yaml").write_text(older, encoding="utf-8")
    code, _, err = run_cli("timeline", CASE, "--pays", "lots", "--policies", tmp_path / "policies", "--lang", "nb")
    assert code == 2 and "feil: --pays `lots` er ikke BELØP@DATO (f.eks. 500.00@2026-04-01)" in err, err


def test_the_other_commands_usage_errors_are_norwegian(run_cli, tmp_path):
    said = {
        ("log", "verify", "--log", tmp_path / "gone.sqlite"): f"feil: ingen beslutningslogg i {tmp_path / 'gone.sqlite'} (",
        ("init", tmp_path / "new", "--process", "nosuch"): "feil: ingen policy `nosuch` i den medfølgende katalogen (kjente: ",
        ("init", tmp_path / "new", "--jurisdiction", "XX"): "feil: ingen jurisdiksjon `XX` i den medfølgende katalogen",
    }
    for argv, start in said.items():
        code, _, err = run_cli(*argv, "--lang", "nb")
        assert code == 2 and err.startswith(start), err
        assert english_words(_stderr_prose(err.replace(str(tmp_path), ""))) == set(), err
