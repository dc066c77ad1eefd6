"""Every test and doctest (here and in engine/) keeps the load cache, its signing key and the
calendar cache in a temporary folder, never in the user's own folders (tests/conftest.py
does the same for the tests when they are run on their own).

The folder is this run's temporary folder, shared by its pytest-xdist workers (the parent of
each worker's own): a catalog one worker loaded and validated (the bundled catalog's law search
is some twelve seconds of CPU) is not redone by the other. The cache is built for processes
sharing it (atomic writes, a signing key that is never replaced, every entry checked), as
users' parallel `frin` runs do. Code run while collecting uses it too (`pytest_sessionstart`).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# Under pytest-xdist every core already runs a worker: Polars' own thread pool (one thread per
# core by default) in each worker only oversubscribes the machine. Read when Polars is imported.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("POLARS_MAX_THREADS", "1")


def _suite_cache(config: pytest.Config) -> tuple[str, str]:
    """FRIST_CACHE_DIR and FRIST_CACHE_KEY for this run: on an xdist worker the run's folder (the
    workers' folders' parent, made for this run alone), else the session's. (A worker is told by
    its `workerinput`, not by PYTEST_XDIST_WORKER, which a pytest run by a test inherits.)"""
    inherited = os.environ.get(_SHARED)
    if inherited:
        base = Path(inherited)
    else:
        base = config._tmp_path_factory.getbasetemp()
        if hasattr(config, "workerinput"):
            base = base.parent
    return str(base / "frist-cache"), str(base / "frist-key" / "cache.key")


# A pytest that a test runs in a subprocess (tests/review/test_loop.py runs the suite in a copy of
# the checkout) inherits this variable and shares its parent run's cache: the copy's policies are
# the ones the parent just validated (records are keyed by content, not path), so the copy's run
# does not search the law again. The folder is still the parent run's temporary folder.
_SHARED = "FRIST_TEST_RUN_CACHE"


def pytest_sessionstart(session: pytest.Session) -> None:
    os.environ["FRIST_CACHE_DIR"], os.environ["FRIST_CACHE_KEY"] = _suite_cache(session.config)
    os.environ.setdefault(_SHARED, str(Path(os.environ["FRIST_CACHE_DIR"]).parent))


@pytest.fixture(autouse=True)
def _hermetic_cache(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, key = _suite_cache(request.config)
    monkeypatch.setenv("FRIST_CACHE_DIR", folder)
    monkeypatch.setenv("FRIST_CACHE_KEY", key)
