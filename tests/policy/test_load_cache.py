"""The load cache saves time and nothing else: never stale, never poisoned, never a hang or a crash.

Attacks from issue 13: a planted entry at the predictable key, a tampered entry (750 → 740)
served under the real file's sha256, bit-flipped entries that crashed and were never
replaced, a FIFO at the entry path that hung, no pruning.
"""
import dataclasses
import os
import pickle
import random
import threading
from pathlib import Path

import pytest

from engine.lang import ast
from engine.policy.cache_codec import CodecError, decode, encode
from engine.core.cache_store import prune
from engine.policy.loader import DATA_FOLDERS
from engine.policy.loader import load_version
from engine.core.source import Span
from support.cache_folder import cache  # noqa: F401 (a fixture: the test's own empty cache folder)

POLICY = Path("policies/demo/2026-01-01.yaml")


def _load(tmp_path, text: str, name: str = "2026-01-01.yaml"):
    path = tmp_path / "demo" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return load_version(path)


def _entries(cache):
    return sorted(cache.glob("*.entry"))


def _sats(version) -> str:
    return version.parameters["sats"].value.text


def test_a_cached_load_equals_a_fresh_one(tmp_path, cache):
    text = POLICY.read_text()
    fresh, problems = _load(tmp_path, text)
    assert len(_entries(cache)) == 1
    cached, cached_problems = _load(tmp_path, text)
    assert cached is not fresh                                   # it came from the cache
    assert (cached.sha256, cached.parameters.keys(), cached.rules[0].when, cached.examples) == \
           (fresh.sha256, fresh.parameters.keys(), fresh.rules[0].when, fresh.examples)
    assert cached.rules[0].when.span == fresh.rules[0].when.span
    assert cached_problems == problems


def test_an_edited_file_is_loaded_again(tmp_path, cache):
    text = POLICY.read_text()
    _load(tmp_path, text)
    edited, _ = _load(tmp_path, text.replace("value: 750 NOK", "value: 800 NOK"))
    assert _sats(edited) == "800 NOK"
    assert len(_entries(cache)) == 2


def test_the_cache_can_be_turned_off_and_an_unwritable_one_is_skipped(tmp_path, cache, monkeypatch):
    monkeypatch.setenv("FRIST_NO_CACHE", "1")
    version, _ = _load(tmp_path, POLICY.read_text())
    assert version is not None and not cache.exists()
    monkeypatch.delenv("FRIST_NO_CACHE")
    cache.write_text("a file where the cache folder should be")
    version, _ = _load(tmp_path, POLICY.read_text())
    assert version is not None


def test_a_planted_pickle_is_never_read(tmp_path, cache):
    """Entries are no pickles: a pickle planted under any name in the folder runs nothing."""
    marker = tmp_path / "pwned"

    class Plant:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    cache.mkdir()
    _load(tmp_path, POLICY.read_text())
    for entry in _entries(cache):
        entry.write_bytes(pickle.dumps(Plant()))
        (cache / (entry.stem + ".pickle")).write_bytes(pickle.dumps(Plant()))
    version, _ = _load(tmp_path, POLICY.read_text())
    assert not marker.exists()
    assert _sats(version) == "750 NOK"


def test_a_tampered_entry_is_refused_discarded_and_rewritten(tmp_path, cache):
    text = POLICY.read_text()
    _load(tmp_path, text)
    (entry,) = _entries(cache)
    good = entry.read_bytes()
    assert b'"750 NOK"' in good
    entry.write_bytes(good.replace(b'"750 NOK"', b'"740 NOK"').replace(b'"750"', b'"740"'))
    version, _ = _load(tmp_path, text)
    assert _sats(version) == "750 NOK"
    assert entry.read_bytes() == good                            # rewritten from source


def test_an_entry_signed_with_another_key_is_refused(tmp_path, cache, monkeypatch):
    text = POLICY.read_text()
    _load(tmp_path, text)
    monkeypatch.setenv("FRIST_CACHE_KEY", str(tmp_path / "other-key" / "cache.key"))
    (entry,) = _entries(cache)
    before = entry.read_bytes()
    _load(tmp_path, text)
    assert entry.read_bytes() != before                          # re-signed with this user's key


def test_a_key_inside_the_cache_folder_turns_the_cache_off(tmp_path, cache, monkeypatch):
    monkeypatch.setenv("FRIST_CACHE_KEY", str(cache / "cache.key"))
    version, _ = _load(tmp_path, POLICY.read_text())
    assert version is not None and _entries(cache) == []


def test_bit_flipped_entries_never_crash_and_are_replaced(tmp_path, cache):
    text = POLICY.read_text()
    fresh, problems = _load(tmp_path, text)
    (entry,) = _entries(cache)
    good = entry.read_bytes()
    rng = random.Random(13)
    for _ in range(60):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        entry.write_bytes(bytes(data))
        version, found = _load(tmp_path, text)
        assert (_sats(version), found) == (_sats(fresh), problems)
        assert entry.read_bytes() == good
    entry.write_bytes(good[: len(good) // 2])                    # truncated
    assert _sats(_load(tmp_path, text)[0]) == "750 NOK"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_at_the_entry_path_does_not_hang(tmp_path, cache):
    text = POLICY.read_text()
    _load(tmp_path, text)
    (entry,) = _entries(cache)
    entry.unlink()
    os.mkfifo(entry)
    result = []
    worker = threading.Thread(target=lambda: result.append(_load(tmp_path, text)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "loading hung on a FIFO"
    assert _sats(result[0][0]) == "750 NOK"
    assert entry.is_file()                                       # replaced by a regular entry


def test_the_folder_is_pruned_to_its_size_cap(tmp_path, cache, monkeypatch):
    text = POLICY.read_text()
    _load(tmp_path, text)
    size = _entries(cache)[0].stat().st_size
    monkeypatch.setenv("FRIST_CACHE_MAX_MB", str(3.5 * size / 1024 / 1024))
    for i in range(8):
        _load(tmp_path, text.replace("value: 750 NOK", f"value: {760 + i} NOK"))
    total = sum(p.stat().st_size for p in cache.iterdir())
    assert total <= 3.5 * size
    assert len(_entries(cache)) >= 2
    prune(cache, limit=0)
    assert _entries(cache) == []


def test_the_codec_needs_no_recursion_for_deep_expressions():
    """4,000 nested unary minus: encoded and decoded without recursion, equal to the original."""
    span = Span("p.yaml", 1, 1, 1, 2)
    node = ast.Literal(span=span, value=1, kind="Number", text="1")
    for _ in range(4000):
        node = ast.Unary(span=span, op="-", operand=node)
    back = decode(encode(node))
    depth = 0
    while isinstance(back, ast.Unary):
        back, depth = back.operand, depth + 1
    assert (depth, back.value) == (4000, 1)


@pytest.mark.parametrize("data", [
    b'{"rows": [["R", "Popen", []]], "root": [0]}',             # a class outside the allow-list
    b'{"rows": [["R", "Span", ["p", 1]]], "root": [0]}',          # wrong field count
    b'{"rows": [["L", [[1]]]], "root": [0]}',                     # a reference forward
    b'{"rows": [["N", "NaN"]], "root": [0]}',
    b'{"rows": [["D", [[0], 1]], ["L", []]], "root": [1]}',     # an unhashable key
    b'{"rows": [], "root": 1.5}',
    b"\xff",
])
def test_the_codec_refuses_what_it_did_not_write(data):
    with pytest.raises(CodecError):
        decode(data)


@pytest.mark.parametrize("path", sorted(p for p in Path("policies").glob("*/*.yaml") if p.parent.name not in DATA_FOLDERS), ids=str)
def test_every_bundled_policy_file_is_cached(path, tmp_path, cache):
    """Every record class a policy uses is in the codec's allow-list, so no bundled file misses
    the cache on every run (the `no-regulation` constraints did: `Constraint` was not listed)."""
    fresh, problems = load_version(path)
    assert len(_entries(cache)) == 1, "the load was not written to the cache"
    cached, cached_problems = load_version(path)
    assert cached is not fresh and cached_problems == problems
    # every field but the document (its ScalarText values compare by identity) is equal
    for field in dataclasses.fields(fresh):
        if field.name != "document":
            assert getattr(cached, field.name) == getattr(fresh, field.name), field.name
    assert cached.document.source == fresh.document.source


def test_jurisdiction_and_locale_files_are_cached(tmp_path, cache, monkeypatch):
    """A jurisdiction or locale file is loaded (schema check and all) once, then read from the
    cache: a warm run neither validates it again nor imports `holidays` to check its country."""
    from engine.policy import jurisdiction_files as jurisdiction, locale
    fresh, problems = jurisdiction.load_jurisdictions(["policies"])
    words, _, more = locale.load_locales(["policies"])
    assert problems == more == [] and "NO" in fresh.by_code and {"en", "nb"} <= set(words)
    entries = len(_entries(cache))

    def not_again(*args):
        raise AssertionError("loaded from source again")
    monkeypatch.setattr(jurisdiction, "_load", not_again)
    monkeypatch.setattr(locale, "_load", not_again)
    cached, _ = jurisdiction.load_jurisdictions(["policies"])
    cached_words, _, _ = locale.load_locales(["policies"])
    assert len(_entries(cache)) == entries >= 3
    assert cached.by_code["NO"] == fresh.by_code["NO"] and cached_words == words
