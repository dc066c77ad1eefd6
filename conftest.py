"""Every test and doctest (here and in engine/) writes its caches into a temporary folder,
never into the user's cache folder."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _hermetic_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRIST_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "frist-cache"))
