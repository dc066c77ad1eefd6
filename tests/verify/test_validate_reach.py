"""`frin validate FILE` decides again only the policies whose problems it reports (verify/reach.py).

A pre-commit hook validates the files a commit changes: a process version is decided with the
policies that use it, a law version or jurisdiction file with the processes its jurisdiction
binds, a locale file with none (it holds texts). Each test checks both halves: what was
decided (a spy on the law search and the examples) and that a broken file still fails alone.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.check.scope import relevant, validation_scope
from engine.verify import examples, law_search
from engine.verify.reach import decided_again
from support import ROOT
from support.catalogs import bundled_catalog


def _reach(path: str) -> set[str] | None:
    catalog, _ = bundled_catalog()
    return decided_again(catalog, relevant(validation_scope([str(ROOT / path)], None), catalog))


def test_each_kind_of_file_decides_again_what_its_report_covers():
    catalog, _ = bundled_catalog()
    norway = {c.name for c in catalog.checked.values() if c.jurisdiction is not None and c.jurisdiction.code == "NO"}
    norwegian_processes = {c.name for c in catalog.checked.values()
                           if c.rules and c.jurisdiction is not None and c.jurisdiction.code == "NO"}
    assert {"kravia", "fiken-kravia", "conta", "demo"} <= norwegian_processes
    assert _reach("policies/kravia/2024-01-01.yaml") == {"kravia", "fiken-kravia"}    # fiken-kravia uses kravia
    assert _reach("policies/conta/2024-01-01.yaml") == {"conta"}
    assert _reach("policies/no-regulation/2026-07-01.yaml") == norwegian_processes | {"no-regulation"}
    assert _reach("policies/jurisdictions/NO.yaml") == norway
    assert _reach("policies/se-borgenar/2024-01-01.yaml") == {"se-borgenar"}
    assert _reach("policies/locales/nb.yaml") == set()
    assert decided_again(catalog, None) is None         # a folder: everything


@pytest.fixture
def decided(monkeypatch):
    """The policies whose law search and examples a test's commands ran."""
    seen: dict[str, set[str]] = {"searched": set(), "examples": set()}
    search = law_search.process_problems

    def spied_search(catalog, checked, tried):
        seen["searched"].add(checked.name)
        return search(catalog, checked, tried)
    run = examples.run_examples

    def spied_examples(catalog, on_decided=None, only=None):
        seen["examples"] |= {c.version.name for c in catalog.checked.values() if only is None or c.version.name in only}
        return run(catalog, on_decided, only)
    monkeypatch.setattr(law_search, "process_problems", spied_search)
    monkeypatch.setattr(examples, "run_examples", spied_examples)
    monkeypatch.setenv("FRIST_NO_CACHE", "1")       # every run decides: nothing recorded, nothing reused
    return seen


def _catalog(tmp_path) -> Path:
    """The demo process and Norway's law, a Swedish law and process beside them (which no
    Norwegian file bears on), the jurisdictions and the locales."""
    folder = tmp_path / "policies"
    for part in ("demo", "no-regulation", "se-inkasso-lag", "se-borgenar", "jurisdictions", "locales"):
        shutil.copytree(ROOT / "policies" / part, folder / part)
    return folder


def test_a_doubled_fee_fails_when_its_file_is_validated_alone(tmp_path, decided, run_cli):
    """demo's purring charges 38 NOK, the law's cap (inkassoforskriften § 1-2: 1/20 of the
    750 NOK sats = 37.50, rounded to 38 NOK); doubled it is 76 NOK, over the cap."""
    folder = _catalog(tmp_path)
    demo = folder / "demo" / "2026-01-01.yaml"
    text = demo.read_text()
    assert text.count("    fee: reminder_fee\n") == 1
    demo.write_text(text.replace("    fee: reminder_fee\n", "    fee: reminder_fee * 2\n"))
    code, out, err = run_cli("validate", demo)
    assert code == 1, out
    assert "error[breaks-law]: rule `remind` breaks no-regulation/purring-fee" in out
    assert "`decision.fee` = 76.00 NOK, `purring_fee` = 38.00 NOK" in out
    assert decided["searched"] == {"demo"} and decided["examples"] == {"demo"}


def test_a_law_version_lowering_a_cap_fails_for_the_processes_it_binds(tmp_path, decided, run_cli):
    """The last law version's purring cap lowered by 10 NOK (the change cited in `repeals`):
    demo's 38 NOK purring (1/20 of 750 NOK, rounded) is over 38 - 10 = 28 NOK."""
    folder = _catalog(tmp_path)
    law = sorted((folder / "no-regulation").glob("*.yaml"))[-1]
    text = law.read_text()
    old = "require: decision.fee <= purring_fee and"
    assert text.count(old) == 1 and text.count("\nsteps: [") == 1
    law.write_text(text.replace(old, "require: decision.fee <= purring_fee - 10 NOK and").replace(
        "\nsteps: [", '\nrepeals: [{constraint: purring-fee, source: "a test: the cap lowered"}]\nsteps: ['))
    code, out, err = run_cli("validate", law)
    assert code == 1, out
    assert "demo/2026-01-01.yaml" in out and "breaks no-regulation/purring-fee" in out
    assert decided["searched"] == {"demo"}          # not the Swedish process
    assert "no-regulation" in decided["examples"] and "se-borgenar" not in decided["examples"]


def test_a_jurisdiction_file_decides_its_processes_and_a_locale_none(tmp_path, decided, run_cli):
    folder = _catalog(tmp_path)
    code, out, _ = run_cli("validate", folder / "jurisdictions" / "SE.yaml")
    assert code == 0, out
    assert decided["searched"] == {"se-borgenar"} and "  SE  se-inkasso-lag/reminder-fee" in out
    decided["searched"].clear()
    decided["examples"].clear()
    code, out, _ = run_cli("validate", folder / "locales" / "nb.yaml")
    assert code == 0, out
    assert decided == {"searched": set(), "examples": set()} and "law search" not in out


def test_a_files_clean_record_never_stands_for_the_whole_catalog(tmp_path, monkeypatch, run_cli):
    """The record of a clean `validate FILE` names what it decided; the whole catalog's record
    stands for any part of it, never the other way round."""
    monkeypatch.setenv("FRIST_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FRIST_CACHE_KEY", str(tmp_path / "key" / "cache.key"))
    monkeypatch.delenv("FRIST_NO_CACHE", raising=False)
    calls: list = []
    run = examples.run_examples
    monkeypatch.setattr(examples, "run_examples",
                        lambda catalog, on_decided=None, only=None: calls.append(only) or run(catalog, on_decided, only))
    folder = _catalog(tmp_path)
    demo = folder / "demo" / "2026-01-01.yaml"
    assert run_cli("validate", demo)[0] == 0 and calls == [{"demo"}]
    assert run_cli("validate", demo)[0] == 0 and calls == [{"demo"}]            # its own record
    assert run_cli("validate", folder)[0] == 0 and calls == [{"demo"}, None]     # not the file's record
    assert run_cli("validate", folder / "jurisdictions" / "SE.yaml")[0] == 0 and len(calls) == 2   # the catalog's
