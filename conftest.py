"""Every test and doctest (here and in engine/) keeps the load cache, its signing key and the
calendar cache in a temporary folder, never in the user's own folders (tests/conftest.py
does the same for the tests when they are run on their own)."""
from __future__ import annotations

import os

import pytest

# Under pytest-xdist every core already runs a worker: Polars' own thread pool (one thread per
# core by default) in each worker only oversubscribes the machine. Read when Polars is imported.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("POLARS_MAX_THREADS", "1")


@pytest.fixture(autouse=True)
def _hermetic_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    if os.environ.get("FRIST_TEST_CACHE_GIVEN"):
        return          # a suite run by a test keeps the temporary cache it is given (tests/conftest.py)
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("FRIST_CACHE_DIR", str(base / "frist-cache"))
    monkeypatch.setenv("FRIST_CACHE_KEY", str(base / "frist-key" / "cache.key"))
