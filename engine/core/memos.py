"""The engine's process-wide memos, forgotten together every few catalogs.

Some evaluation memos are keyed by the `id()` of AST nodes and checked versions and keep those
objects alive, so that an id is never reused while its answer is kept (run/plan.py,
run/prefix_filter.py, run/compiled_values.py, decide/enforce.py). A long-running process loads
one catalog after another (`frin serve` reloading its folder, a test worker): unforgotten, every
catalog it ever loaded stayed in memory (measured: +8.7 MB a catalog, 120 checked versions of 12
dropped catalogs still alive). Each such memo is made here (`memo()`), and every catalog built
(`Catalog.__post_init__`) counts: every `KEEP` catalogs they are all forgotten, so they keep at
most that many catalogs alive. Forgetting is never wrong, only a recomputation.
"""
from __future__ import annotations

from typing import Any

__all__ = ["KEEP", "catalog_built", "memo"]

KEEP = 4                            # catalogs built between two forgettings
_MEMOS: list[dict[Any, Any]] = []
_built = 0


def memo() -> dict[Any, Any]:
    """A new process-wide memo, forgotten with the others (`catalog_built`)."""
    made: dict[Any, Any] = {}
    _MEMOS.append(made)
    return made


def catalog_built() -> None:
    """Count one catalog built; every `KEEP`th forgets every memo."""
    global _built
    _built += 1
    if _built >= KEEP:
        _built = 0
        for made in _MEMOS:
            made.clear()
