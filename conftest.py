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
_RUN_CACHE_MB = "1024"


@pytest.hookimpl(tryfirst=True)          # before pytest-xdist starts the workers, who inherit the environment
def pytest_sessionstart(session: pytest.Session) -> None:
    owner = _SHARED not in os.environ
    os.environ["FRIST_CACHE_DIR"], os.environ["FRIST_CACHE_KEY"] = _suite_cache(session.config)
    os.environ.setdefault(_SHARED, str(Path(os.environ["FRIST_CACHE_DIR"]).parent))
    # The run's cache holds every catalog the suite loads, some 60 MB and more; under the default
    # cap (64 MB, pruned to 48) the bundled catalog's snapshot and law search records were pruned
    # mid-run and searched again (8 s of CPU each time). The folder is this run's alone.
    os.environ["FRIST_CACHE_MAX_MB"] = _RUN_CACHE_MB
    _bytecode_in(Path(os.environ[_SHARED]) / "pycache")
    if owner and not hasattr(session.config, "workerinput") and session.config.getoption("numprocesses", None):
        _start_warming(session.config)


def _bytecode_in(folder: Path) -> None:
    """The `frin` and `python` processes the tests start (some 300: the docs' commands, the hooks,
    the wheel's venv, the officer's loop) keep their compiled modules in the run's folder and reuse
    them: with PYTHONDONTWRITEBYTECODE set (as on this project's machines) each recompiled every
    module it imported, 0.4 of a `frin decide`'s 0.65 s of CPU; without it they would write
    `__pycache__` folders into the checkout and the installed packages. The workers, started after
    this, do the same for their own imports."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder)


# The bundled catalog validated once, in a subprocess of the xdist controller while the workers
# collect: many tests validate it (or a copy with one file edited, whose other processes' law
# search records are keyed by content and so found). Without it each worker's first such test
# searches the whole law at the same time as the other's. The workers wait for it (below); a
# run without workers does not warm (a few test files need no catalog at all).
_WARMED = "frist-warm.done"
_WARMING = "FRIST_TEST_WARMING"          # the file the workers wait for, set only while a controller warms


def _start_warming(config: pytest.Config) -> None:
    import subprocess
    import sys
    done = Path(os.environ[_SHARED]) / _WARMED
    os.environ[_WARMING] = str(done)
    script = ("import io, pathlib, sys\ntry:\n    import cli\n    cli.run(['validate', 'policies'], io.StringIO(), io.StringIO())\n"
              "finally:\n    pathlib.Path(sys.argv[1]).touch()\n")
    env = {k: v for k, v in os.environ.items() if k not in ("FRIST_NO_CACHE", "FRIST_DEBUG")}
    config._frist_warming = subprocess.Popen([sys.executable, "-c", script, str(done)], cwd=config.rootpath, env=env,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def pytest_sessionfinish(session: pytest.Session) -> None:
    warming = getattr(session.config, "_frist_warming", None)
    if warming is not None and warming.poll() is None:     # a run stopped early: do not leave it behind
        warming.kill()
        warming.wait()


@pytest.fixture(scope="session", autouse=True)
def _warm_catalog(request: pytest.FixtureRequest) -> None:
    """On an xdist worker: wait for the controller's warming (at most five minutes) before the first test."""
    if not os.environ.get(_WARMING) or not hasattr(request.config, "workerinput"):
        return
    import time
    done, deadline = Path(os.environ[_WARMING]), time.monotonic() + 300
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.fixture(autouse=True)
def _hermetic_cache(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, key = _suite_cache(request.config)
    monkeypatch.setenv("FRIST_CACHE_DIR", folder)
    monkeypatch.setenv("FRIST_CACHE_KEY", key)
