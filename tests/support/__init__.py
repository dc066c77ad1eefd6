"""What the tests share, importable from every stage folder as `support` (pyproject.toml puts
tests/ on the import path): the repository's root, the tests' folder, and `stable` for snapshots
of `validate` output. The modules beside this one are the shared helpers (catalogs, policygen,
batch_parity, next_version, live_service, snapshot_report, shared_run)."""
from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"

# `validate` ends with "... in 12 ms"; the timing is the one non-deterministic part.
_TIMING = re.compile(r" in \d+ ms$", re.MULTILINE)


def stable(text: str) -> str:
    """Output with the elapsed time replaced, fit for a snapshot."""
    return _TIMING.sub(" in <elapsed> ms", text)


def stage_module(where: str) -> ModuleType:
    """The test module `where` of another stage folder (`"project/test_docs"`), for the few tests
    that reuse another module's helpers. It is imported under its file's name, as pytest imports
    it (test file names are unique across tests/), so both share one module object."""
    folder, name = where.rsplit("/", 1)
    path = str(TESTS / folder)
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module(name)
