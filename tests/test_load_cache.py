"""The load cache saves time and nothing else: an edited file is never served stale."""
from pathlib import Path

from engine.policy.loader import load_version

POLICY = Path("policies/demo/2026-01-01.yaml")


def _load(tmp_path, monkeypatch, text: str):
    monkeypatch.setenv("FRIST_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "demo" / "2026-01-01.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return load_version(path)


def test_a_cached_load_equals_a_fresh_one(tmp_path, monkeypatch):
    text = POLICY.read_text()
    fresh, problems = _load(tmp_path, monkeypatch, text)
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1
    cached, cached_problems = _load(tmp_path, monkeypatch, text)
    assert cached is not fresh                                   # it came from the cache
    assert (cached.sha256, cached.parameters.keys(), cached.rules[0].when) == \
           (fresh.sha256, fresh.parameters.keys(), fresh.rules[0].when)
    assert cached_problems == problems


def test_an_edited_file_is_loaded_again(tmp_path, monkeypatch):
    text = POLICY.read_text()
    _load(tmp_path, monkeypatch, text)
    edited, _ = _load(tmp_path, monkeypatch, text.replace("value: 750 NOK", "value: 800 NOK"))
    assert edited.parameters["sats"].value.text == "800 NOK"
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 2


def test_the_cache_can_be_turned_off_and_an_unwritable_one_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("FRIST_NO_CACHE", "1")
    version, _ = _load(tmp_path, monkeypatch, POLICY.read_text())
    assert version is not None and not (tmp_path / "cache").exists()
    monkeypatch.delenv("FRIST_NO_CACHE")
    (tmp_path / "cache").write_text("a file where the cache folder should be")
    version, _ = _load(tmp_path, monkeypatch, POLICY.read_text())
    assert version is not None
