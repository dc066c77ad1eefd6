"""The `cache` fixture of the tests about the caches themselves: an empty cache folder and
signing key of the test's own (not the run's shared folder, conftest.py), with the cache on.

A test module that checks what is stored, refused or found imports it
(`from support.cache_folder import cache`); it was written out four times before.
"""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's own cache folder `tmp_path/cache` (key in `tmp_path/key`), empty, the cache on."""
    monkeypatch.setenv("FRIST_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FRIST_CACHE_KEY", str(tmp_path / "key" / "cache.key"))
    monkeypatch.delenv("FRIST_NO_CACHE", raising=False)
    return tmp_path / "cache"
