"""The officer's loop under `--lang nb` (new-version, validate, lock, fmt, init, diff, test): the
messages a user meets when something is wrong are Norwegian too, not only the happy path.

Each message was found English by walking the loop in a `frin init` folder with `--lang nb`;
each test makes the situation and checks the Norwegian text and that no English word is left
(`english_words`, the list of tests/check/test_validate_lang.py, plus the words these messages
were made of).
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from support import ROOT, stage_module
from support.next_version import retarget_for

ENGLISH_WORDS = stage_module("check/test_validate_lang").english_words
# Words of the messages below that the shared list lacks; none of them is Norwegian ("to" and
# "by" are: two, town; so is "format").
MORE_ENGLISH = {"already", "has", "published", "from", "decided", "exists", "nothing",
                "here", "cannot", "read", "lock", "line", "expected", "restore", "delete", "run",
                "empty", "written", "writes", "or", "of"}


def english(text: str) -> set[str]:
    prose = re.sub(r"`[^`]*`|\S+\.(yaml|lock)(?::\d+:\d+)?|^\s*\d* \|.*$|\[[a-z-]+\]", " ", text, flags=re.MULTILINE)
    return ENGLISH_WORDS(text) | {w for w in MORE_ENGLISH if re.search(rf"(?<![\w-]){w}(?![\w-])", prose)}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A policy folder of one's own (the demo process, Norway's law, the jurisdictions and
    locales) with its `policies.lock`, as the working directory."""
    for part in ("demo", "no-regulation", "jurisdictions", "locales"):
        shutil.copytree(ROOT / "policies" / part, tmp_path / "policies" / part)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FRIST_NO_CACHE", "1")
    return tmp_path


def test_the_changed_locked_version_is_reported_in_norwegian(project, run_cli):
    demo = project / "policies" / "demo" / "2026-01-01.yaml"
    assert run_cli("lock")[0] == 0
    locked = hashlib.sha256(demo.read_bytes()).hexdigest()[:12]
    demo.write_text(demo.read_text(encoding="utf-8") + "# edited after it was locked\n", encoding="utf-8")
    now = hashlib.sha256(demo.read_bytes()).hexdigest()[:12]
    for argv in (("validate", "policies/demo/2026-01-01.yaml"), ("lock", "--check")):
        code, out, _ = run_cli(*argv, "--lang", "nb")
        assert code == 1, out
        assert (f"feil[locked-version-changed]: den publiserte versjonen `demo@2026-01-01` er endret etter at den "
                f"ble låst (sha256 {locked} i policies.lock, nå {now})") in out
        assert english(out) == set(), out


def _new_version_taken(project: Path) -> tuple[str, ...]:
    return ("new-version", "no-regulation", "2025-03-01")


def _init_into_a_full_folder(project: Path) -> tuple[str, ...]:
    (project / "full").mkdir()
    (project / "full" / "notes.txt").write_text("mine\n", encoding="utf-8")
    return ("init", "full")


def _a_broken_lock(project: Path) -> tuple[str, ...]:
    (project / "policies.lock").write_text("garbage\n", encoding="utf-8")
    return ("lock", "--check")


def _nothing_to_format(project: Path) -> tuple[str, ...]:
    (project / "elsewhere").mkdir()
    os.chdir(project / "elsewhere")
    return ("fmt",)


def _a_prove_bound_too_large(project: Path) -> tuple[str, ...]:
    return ("diff", "no-regulation@2026-01-01", "no-regulation@2026-07-01", "--prove", "--prove-bound", "9")


@pytest.mark.parametrize("situation, norwegian", [
    (_new_version_taken, "`no-regulation` har allerede en publisert versjon fra 1. juli 2025: en ny versjon må "
                         "dateres etter den nyeste (1. juli 2026)"),
    (_init_into_a_full_folder, "`full` er ikke en tom mappe: `frin init` skriver bare i en ny eller tom mappe "
                               "(ingenting ble skrevet)"),
    (_a_broken_lock, "policies.lock:1:1: ikke en linje i en låsefil (`garbage`, ventet `SHA256  PATH`)"),
    (_nothing_to_format, "ingenting å formatere her: oppgi policy- eller saksfiler eller mapper med dem"),
    (_a_prove_bound_too_large, "--prove-bound må være fra 1 til 8, ikke 9"),
])
def test_a_refused_step_of_the_loop_says_why_in_norwegian(project, run_cli, situation, norwegian):
    code, out, err = run_cli(*situation(project), "--lang", "nb")
    assert code == 2, (out, err)
    assert err.startswith("feil: ") and norwegian in err, err
    assert english(err) == set(), err


def test_the_same_refusals_stay_english_without_lang(project, run_cli):
    """The check above can fail: the messages are English where they are made."""
    _, _, err = run_cli(*_new_version_taken(project))
    assert {"already", "published", "from"} <= english(err), err


def test_a_counterexample_of_the_law_search_is_introduced_in_norwegian(project, run_cli):
    """demo's purring fee doubled for consumers only (so the fee reads the case and the law
    search, not the constant check, finds it): 2 × 38 NOK = 76 NOK, over the 38 NOK cap of
    inkassoforskriften § 1-2 (1/20 of the 750 NOK sats, rounded to whole kroner)."""
    demo = project / "policies" / "demo" / "2026-01-01.yaml"
    text = demo.read_text(encoding="utf-8")
    assert text.count("    fee: reminder_fee\n") == 1
    demo.write_text(text.replace("    fee: reminder_fee\n",
                                 '    fee: if debtor.kind == "consumer" then reminder_fee * 2 else reminder_fee\n'),
                    encoding="utf-8")
    code, out, _ = run_cli("validate", "policies/demo/2026-01-01.yaml", "--lang", "nb")
    assert code == 1, out
    assert "`decision.fee` = 76,00\xa0kr" in out
    assert re.search(r"= hjelp: moteksempel \(avgjort av demo@2026-01-01 med no-regulation@\d{4}-\d\d-\d\d\), som saksfil:",
                     out), out
    assert "decided by" not in out


def test_a_law_validated_alone_says_in_norwegian_why_it_was_not_searched(run_cli):
    """The law's folder alone holds no process: the line saying so is Norwegian, the rows of
    counts (names and figures) stay as they are."""
    code, out, err = run_cli("validate", ROOT / "policies" / "se-inkasso-lag", "--today", "2026-06-01", "--lang", "nb")
    assert (code, err) == (0, ""), out
    assert ("  SE  ikke søkt: ingen prosess i SE blant policyene som ble kontrollert (søket avgjør en prosess' "
            "saker); valider mappen som har dem, f.eks. `frin validate policies`") in out
    assert english(out) == set(), out


def test_a_missing_and_a_backdated_version_are_reported_in_norwegian(project, run_cli):
    """`lock --check` after a locked version was deleted and a new one dated before it added."""
    assert run_cli("lock")[0] == 0
    demo = project / "policies" / "demo"
    text = (demo / "2026-01-01.yaml").read_text(encoding="utf-8")
    (demo / "2026-01-01.yaml").unlink()
    (demo / "2025-06-01.yaml").write_text(text.replace("effective: 2026-01-01", "effective: 2025-06-01"), encoding="utf-8")
    code, out, _ = run_cli("lock", "--check", "--lang", "nb")
    assert code == 1, out
    assert "finnes ikke lenger" in out and "en publisert versjon blir stående for revisjonens skyld" in out
    assert "feil[backdated-version]" in out and "dater den etter 1. januar 2026" in out
    assert "(si hvorfor i commit-meldingen)" in out
    assert english(out) == set(), out


def test_new_version_marks_the_figures_in_norwegian_and_validate_still_finds_each_mark(project, run_cli):
    """The file new-version writes is read by the officer who fills it in: under `--lang nb` its
    comment and its `TODO` sources are Norwegian (the marker word itself stays, it is what
    validate looks for), and every mark it reports is one `unfinished-figure` of validate."""
    free = retarget_for(project / "policies", "no-regulation").free.isoformat()
    code, out, err = run_cli("new-version", "no-regulation", free, "--lang", "nb")
    assert (code, err) == (0, ""), err
    written = project / "policies" / "no-regulation" / f"{free}.yaml"
    marked = [line for line in written.read_text(encoding="utf-8").splitlines() if "TODO (frin new-version)" in line]
    assert marked[0].startswith(f"# TODO (frin new-version): beskriv denne versjonen ({free}): hva som er endret")
    assert any(f"ny verdi og kilde fra {free} (var " in line for line in marked), marked
    prose = [re.sub(r"\(var [^)]*\)+|\"$", "", line.split("TODO (frin new-version):", 1)[1]) for line in marked]
    assert english("\n".join(prose)) == set(), prose
    listed = re.findall(rf"{re.escape(written.relative_to(project).as_posix())}:(\d+)", out)
    code, report, _ = run_cli("validate", written.relative_to(project), "--lang", "nb")
    assert code == 1
    found = re.findall(r":(\d+):\d+: feil\[unfinished-figure\]", report)
    assert listed and found == listed, (listed, report)
