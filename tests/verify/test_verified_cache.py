"""`frin validate` reuses a clean, signed outcome of the examples only for the exact same inputs."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.verify import examples
from engine.verify import cache as verified_cache
from support.cache_folder import cache  # noqa: F401 (a fixture: the test's own empty cache folder)


@pytest.fixture
def runs(monkeypatch):
    """Counts the runs of the examples (every evaluator) during a test."""
    calls = []
    real = examples.run_examples
    monkeypatch.setattr(examples, "run_examples", lambda catalog, **kw: calls.append(1) or real(catalog, **kw))
    return calls


def _policies(tmp_path) -> Path:
    """A small catalog (the demo policy, its jurisdiction and the locales): what the record
    keys on is the same for any catalog, and checking the whole bundled one cold (every
    version, every evaluator, the law search) took most of a minute per test."""
    folder = tmp_path / "policies"
    for part in ("demo", "jurisdictions", "locales"):
        shutil.copytree(Path("policies") / part, folder / part)
    return folder


def test_an_unchanged_catalog_is_not_checked_twice(tmp_path, cache, runs, run_cli):
    folder = _policies(tmp_path)
    first = run_cli("validate", folder)
    second = run_cli("validate", folder)
    assert first[0] == second[0] == 0 and len(runs) == 1
    assert first[1].split(" in ")[0] == second[1].split(" in ")[0]


def test_an_edited_example_is_checked_again_and_its_mismatch_reported(tmp_path, cache, runs, run_cli):
    folder = _policies(tmp_path)
    assert run_cli("validate", folder)[0] == 0
    path = folder / "demo" / "2026-01-01.yaml"
    text = path.read_text()
    assert 'expect: {action: send_reminder, fee: "38.00"' in text
    path.write_text(text.replace('expect: {action: send_reminder, fee: "38.00"', 'expect: {action: send_reminder, fee: "39.00"'))
    code, out, _ = run_cli("validate", folder)
    assert code == 1 and "example-mismatch" in out and len(runs) == 2
    assert run_cli("validate", folder)[0] == 1 and len(runs) == 3       # a failure is never recorded


def test_a_forged_or_foreign_record_is_refused(tmp_path, cache, runs, run_cli, monkeypatch):
    folder = _policies(tmp_path)
    run_cli("validate", folder)
    [record] = cache.glob("verified-*.entry")                            # named by its kind (core.cache_store)
    record.write_bytes(b"\0" * 32 + record.read_bytes()[32:])            # unsigned
    run_cli("validate", folder)
    assert len(runs) == 2
    monkeypatch.setenv("FRIST_CACHE_KEY", str(tmp_path / "other" / "cache.key"))
    run_cli("validate", folder)                                           # signed with another key
    assert len(runs) == 3


def test_no_cache_checks_every_time(tmp_path, cache, runs, run_cli, monkeypatch):
    monkeypatch.setenv("FRIST_NO_CACHE", "1")
    folder = _policies(tmp_path)
    run_cli("validate", folder)
    run_cli("validate", folder)
    assert len(runs) == 2 and not verified_cache.is_verified("anything")


def test_an_edited_jurisdiction_file_is_checked_again(tmp_path, cache, runs, run_cli):
    """The jurisdiction (currency, calendar, languages) decides too: its file is in the key."""
    folder = _policies(tmp_path)
    assert run_cli("validate", folder)[0] == 0
    path = folder / "jurisdictions" / "NO.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Norway", "name: Noreg"), encoding="utf-8")
    assert run_cli("validate", folder)[0] == 0 and len(runs) == 2


# One record per process version: the law search over it was clean (verify/cache.py `searched`).

@pytest.fixture
def searches(monkeypatch):
    """The process versions the law search runs over during a test."""
    from engine.verify import law_search
    names = []
    real = law_search.process_problems

    def search(catalog, checked, tried):
        names.append(checked.name)
        return real(catalog, checked, tried)
    monkeypatch.setattr(law_search, "process_problems", search)
    return names


def _swedish(tmp_path, name: str = "policies") -> Path:
    """Two Swedish processes bound by one law: the smallest catalog where an edit to one
    policy leaves another's search unchanged."""
    folder = tmp_path / name
    for part in ("se-inkasso-lag", "se-borgenar", "se-inkassobyra", "jurisdictions", "locales"):
        shutil.copytree(Path("policies") / part, folder / part)
    return folder


def _report(out: str) -> str:
    return out.split(" in ")[0]


def test_a_process_searched_clean_is_not_searched_again_in_another_folder(tmp_path, cache, searches, run_cli):
    first = run_cli("validate", _swedish(tmp_path, "a"))
    assert first[0] == 0 and sorted(searches) == ["se-borgenar", "se-inkassobyra"]
    second = run_cli("validate", _swedish(tmp_path, "b"))    # the catalog's record names its paths: not reused
    assert second[0] == 0 and len(searches) == 2
    assert "law search: generated decisions" in second[1]
    assert _report(second[1]).replace(str(tmp_path / "b"), "") == _report(first[1]).replace(str(tmp_path / "a"), "")


def test_an_edit_searches_again_only_the_processes_it_can_change(tmp_path, cache, searches, run_cli):
    folder = _swedish(tmp_path)
    assert run_cli("validate", folder)[0] == 0 and len(searches) == 2
    process = folder / "se-borgenar" / "2024-01-01.yaml"
    process.write_text(process.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert run_cli("validate", folder)[0] == 0
    assert searches[2:] == ["se-borgenar"]
    law = folder / "se-inkasso-lag" / "2024-01-01.yaml"
    law.write_text(law.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert run_cli("validate", folder)[0] == 0
    assert sorted(searches[3:]) == ["se-borgenar", "se-inkassobyra"]


def test_a_search_with_a_finding_is_not_recorded(tmp_path, cache, searches, run_cli):
    folder = _swedish(tmp_path)
    process = folder / "se-borgenar" / "2024-01-01.yaml"
    text = process.read_text(encoding="utf-8")
    rules = text.index("\nrules:\n") + len("\nrules:\n")
    never = '  - id: never\n    when: false\n    action: close\n    explain: {sv: "Aldrig.", en: "Never."}\n'
    process.write_text(text[:rules] + never + text[rules:], encoding="utf-8")
    for _ in range(2):
        code, out, _ = run_cli("validate", folder)
        assert "[unreachable-rule]" in out and "rule `never`" in out, out
    assert searches.count("se-borgenar") == 2


def test_only_an_edit_to_its_own_jurisdiction_file_searches_a_process_again(tmp_path, cache, searches, run_cli):
    folder = _swedish(tmp_path)
    assert run_cli("validate", folder)[0] == 0 and len(searches) == 2
    norway = folder / "jurisdictions" / "NO.yaml"           # read by no Swedish decision
    norway.write_text(norway.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert run_cli("validate", folder)[0] == 0
    assert searches[2:] == []
    sweden = folder / "jurisdictions" / "SE.yaml"           # currency, calendar, the law's view: searched again
    sweden.write_text(sweden.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert run_cli("validate", folder)[0] == 0
    assert sorted(searches[2:]) == ["se-borgenar", "se-inkassobyra"]
