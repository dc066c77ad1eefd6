"""The bundled catalog, loaded once per test process.

Several test modules decide against `policies/` and loaded it at import, each on its own: under
pytest-xdist every worker collects every module, so the same catalog was loaded and checked
some seven times per worker before the first test ran. `load_catalog` is deterministic for the
same files, so one load, keyed by the argument as given and the working folder (an absolute
and a relative folder name give versions whose paths print differently), serves them all. The tests read the catalog,
they never change it.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from engine.check.pipeline import Catalog, load_catalog
from engine.core.diagnostics import Diagnostic

ROOT = Path(__file__).resolve().parents[2]


def bundled_catalog(folder: str | Path = ROOT / "policies") -> tuple[Catalog, list[Diagnostic]]:
    """`load_catalog([folder])`, the same objects on every call in this process."""
    return _load(str(folder), os.getcwd())


@lru_cache(maxsize=None)
def _load(folder: str, cwd: str) -> tuple[Catalog, list[Diagnostic]]:
    catalog, problems = load_catalog([folder])
    return catalog, list(problems)
