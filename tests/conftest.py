"""Shared fixtures: the CLI run in-process, from the repository root, with colour off.

`run_cli(*argv)` calls `cli.run(argv, stdout, stderr)` with `io.StringIO`s and returns
`(exit_code, stdout, stderr)`. Tests run from the repository root so every path in the
output is relative (`tests/invalid/...`), which keeps snapshots machine-independent.
"""
from __future__ import annotations

import atexit
import io
import json
import os
import shutil
import tempfile

import pytest

# The suite never writes into the real cache folder (~/.cache/frist): the load cache of
# every test, in-process or in a subprocess, and of code run while collecting (catalogs
# loaded for parametrisation) goes to a temporary folder removed at the end.
_CACHE = tempfile.mkdtemp(prefix="frist-test-cache-")
os.environ["FRIST_CACHE_DIR"] = os.path.join(_CACHE, "entries")
os.environ["FRIST_CACHE_KEY"] = os.path.join(_CACHE, "key", "cache.key")
atexit.register(shutil.rmtree, _CACHE, True)
# hypothesis's example database and constants cache too (by default `.hypothesis/` in the checkout)
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(_CACHE, "hypothesis"))

import cli  # noqa: E402
from support import ROOT  # noqa: E402


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FRIST_DEBUG", raising=False)


@pytest.fixture
def run_cli():
    """Run `frin ARGV...` in-process; returns (exit code as int, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = cli.run([str(a) for a in argv], out, err)
        return int(code), out.getvalue(), err.getvalue()

    return run


@pytest.fixture
def run_json(run_cli):
    """Run `frin ARGV... --format json`; assert it exited 0 with nothing on stderr; return the parsed output."""

    def run(*argv: str):
        code, out, err = run_cli(*argv, "--format", "json")
        assert (code, err) == (0, ""), err
        return json.loads(out)

    return run


def pytest_sessionfinish(session):
    """On a pytest-xdist worker: hand this worker's changed snapshots to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from support.snapshot_report import CHANGED
        workeroutput["changed_snapshots"] = list(CHANGED)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """On the xdist controller: gather each worker's changed snapshots for the report below."""
    from support.snapshot_report import CHANGED
    CHANGED.extend(tuple(item) for item in getattr(node, "workeroutput", {}).get("changed_snapshots", ()))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """After the run (on the xdist controller, every worker's): which case decisions and
    explanations differ from their snapshots."""
    from support.snapshot_report import report_lines
    lines = report_lines(bool(getattr(config.option, "update_snapshots", False)))
    if lines:
        terminalreporter.section("changed decisions")
        for line in lines:
            terminalreporter.write_line(line)


def pytest_configure(config):
    config.addinivalue_line("markers", "snapshot: the test compares with a stored snapshot (added from its "
                                       "`snapshot` fixture; `make snapshots` runs only these)")
    config.addinivalue_line("markers", "heavy: builds or installs something (a wheel, a venv); runs in CI with "
                                       "the rest, `-m 'not heavy'` leaves it out locally")
    config.addinivalue_line("markers", "long: runs for tens of seconds; its module is collected first (as a heavy "
                                       "test's is), so pytest-xdist starts it early instead of at the run's end")


def pytest_collection_modifyitems(config, items):
    """Mark every test that uses syrupy's `snapshot` fixture, so `make snapshots` (`-m snapshot
    --snapshot-update`) rewrites the snapshots without running the rest of the suite.

    Then the modules holding a `heavy` or `long` test go first, whole (so their module fixtures are
    made once) and in their own order: pytest-xdist hands each worker a run of the collected
    tests and steals from the end of the longest, so a test of half a minute met late is the
    run's tail, one worker waiting for the other."""
    for item in items:
        if "snapshot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.snapshot)
    first = {item.nodeid.split("::")[0] for item in items
             if item.get_closest_marker("heavy") or item.get_closest_marker("long")}
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in first)
